"""Tasks reach a real Celery worker through Redis, run once, and only after commit.

Run in CI against PostgreSQL and Redis (``make test`` with DATABASE_URL and CELERY_BROKER_URL).
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from accounts.models import Invitation
from accounts.services import user_invite
from accounts.tasks import invitation_send_task
from audit import triggers
from config.celery import app as celery_app
from tests.factories import MunicipalityFactory, ProgrammeFactory, UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def audit_rows_cleared():
    """Committed tests leave audit rows behind; clear them (triggers lifted for that moment
    only) so that the database flush after the test can run."""
    yield
    with connection.schema_editor() as editor:
        triggers.uninstall(None, editor)
        editor.execute("DELETE FROM audit_accessevent")
        editor.execute("DELETE FROM audit_changeevent")
        triggers.install(None, editor)


@pytest.fixture
def worker(tmp_path, audit_rows_cleared):
    """A real Celery worker process on its own queue, against the test database."""
    broker = os.environ["CELERY_BROKER_URL"]
    queue = f"fotfeste-test-{uuid.uuid4().hex[:8]}"
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-P",
            "solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
    )
    saved = (
        celery_app.conf.task_always_eager,
        celery_app.conf.broker_url,
        celery_app.conf.task_default_queue,
    )
    celery_app.conf.update(task_always_eager=False, broker_url=broker, task_default_queue=queue)
    try:
        yield tmp_path / "mail"
    finally:
        celery_app.conf.update(
            task_always_eager=saved[0], broker_url=saved[1], task_default_queue=saved[2]
        )
        process.terminate()
        process.wait(timeout=30)


def wait_for(check, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.25)
    return False


def mails(folder: Path) -> list[str]:
    return [p.read_text() for p in folder.glob("*.log")] if folder.exists() else []


@pytest.fixture
def admin_and_programme():
    municipality = MunicipalityFactory()
    admin = UserFactory(municipality=municipality, is_municipality_admin=True)
    return admin, ProgrammeFactory(municipality=municipality)


def test_a_real_worker_sends_the_invitation_once_even_when_delivered_twice(
    worker, admin_and_programme
):
    admin, programme = admin_and_programme
    invitation = user_invite(
        invited_by=admin,
        email="new.caseworker@test.example.org",
        full_name="New Caseworker",
        role="caseworker",
        programme=programme,
    )
    # The invitation was enqueued on commit; deliver it a second time on purpose.
    invitation_send_task.delay(invitation.pk)
    assert wait_for(
        lambda: Invitation.objects.filter(pk=invitation.pk, sent_at__isnull=False).exists()
    )
    assert wait_for(lambda: len(mails(worker)) >= 1)
    time.sleep(2)  # room for a duplicate to arrive, if there were one
    sent = mails(worker)
    assert len(sent) == 1
    assert "new.caseworker@test.example.org" in sent[0]


def test_a_task_for_a_rolled_back_change_never_runs(worker, admin_and_programme):
    admin, programme = admin_and_programme

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        user_invite(
            invited_by=admin,
            email="ghost@test.example.org",
            full_name="Ghost",
            role="caseworker",
            programme=programme,
        )
        raise Abort
    # A committed invitation after it proves the worker is alive and the queue drained.
    later = user_invite(
        invited_by=admin,
        email="real@test.example.org",
        full_name="Real",
        role="caseworker",
        programme=programme,
    )
    assert wait_for(lambda: Invitation.objects.filter(pk=later.pk, sent_at__isnull=False).exists())
    assert wait_for(lambda: len(mails(worker)) >= 1)
    assert not any("ghost@test.example.org" in mail for mail in mails(worker))


def test_a_task_for_a_row_that_is_gone_exits_quietly(worker, admin_and_programme):
    invitation_send_task.delay(987654321)
    admin, programme = admin_and_programme
    later = user_invite(
        invited_by=admin,
        email="after@test.example.org",
        full_name="After",
        role="caseworker",
        programme=programme,
    )
    assert wait_for(lambda: Invitation.objects.filter(pk=later.pk, sent_at__isnull=False).exists())
