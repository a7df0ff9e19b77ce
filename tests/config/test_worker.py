"""Tasks reach a real Celery worker through Redis, run once, and only after commit.

Run in CI against PostgreSQL and Redis (``make test`` with DATABASE_URL and CELERY_BROKER_URL).
"""

import time
from pathlib import Path

import pytest
from django.db import transaction

from accounts.models import Invitation
from accounts.services import user_invite
from accounts.tasks import invitation_send_task
from tests.factories import MunicipalityFactory, ProgrammeFactory, UserFactory
from tests.worker import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


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
    assert wait_for(lambda: len(mails(worker.mail)) >= 1)
    time.sleep(2)  # room for a duplicate to arrive, if there were one
    sent = mails(worker.mail)
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
    assert wait_for(lambda: len(mails(worker.mail)) >= 1)
    assert not any("ghost@test.example.org" in mail for mail in mails(worker.mail))


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
