"""Imports run by real Celery workers on Redis against PostgreSQL: the dry run and the import
each in a worker, all or nothing, with the progress of the write told through the shared
cache to the web process.

Run in CI against PostgreSQL and Redis (``make test`` with DATABASE_URL and CELERY_BROKER_URL).
"""

import os

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import ChangeEvent
from imports.models import ImportRun, ImportStatus
from imports.selectors import live_progress_key
from imports.services import import_confirm, import_upload
from participants.models import Participant
from tests.support.imports import person, table
from tests.worker import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROWS = 2500  # more than one chunk of the write


@pytest.fixture
def shared(workers, settings):
    """The test process stores the upload where the workers read it, and reads the cache
    they write to (a Redis database of its own)."""
    cache_url = os.environ["CELERY_BROKER_URL"].rsplit("/", 1)[0] + "/12"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = workers.media
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache_url}
    }
    workers.start(FOTFESTE_TEST_CACHE_URL=cache_url)
    yield workers
    cache.clear()


def status(run: ImportRun) -> str:
    return ImportRun.objects.values_list("status", flat=True).get(pk=run.pk)


def stored_name(run: ImportRun) -> str:
    return ImportRun.objects.values_list("file", flat=True).get(pk=run.pk)


def upload(world, rows: list[dict]) -> ImportRun:
    return import_upload(
        actor=world.programme_lead,
        programme=world.programme,
        kind="participants",
        upload=SimpleUploadedFile("people.csv", table(rows)),
        language="en",
    )


def imported() -> int:
    return Participant.objects.filter(last_name__startswith="Importsen").count()


def test_a_worker_checks_then_imports_every_row_and_tells_the_web_process_its_progress(
    world, shared
):
    run = upload(world, [person(n) for n in range(ROWS)])
    assert wait_for(lambda: status(run) == ImportStatus.READY, seconds=120), status(run)
    assert imported() == 0
    run.refresh_from_db()
    import_confirm(actor=world.programme_lead, run=run)
    assert wait_for(lambda: status(run) == ImportStatus.DONE, seconds=120), status(run)
    # The file is deleted once the import has committed (a rolled-back import keeps it), so it
    # may still be there the moment the run reads as done.
    assert wait_for(lambda: stored_name(run) == ""), stored_name(run)
    run.refresh_from_db()
    assert (run.rows_created, imported()) == (ROWS, ROWS)
    # A person and an enrollment in the change history for each row.
    assert ChangeEvent.objects.filter(model="participants.participant").count() == ROWS
    # The worker told the shared cache how far the write had come; the last word was 99.
    assert cache.get(live_progress_key(run.pk)) == 99
    assert shared.stored_files() == set()
    assert wait_for(lambda: shared.unacked() == [] and shared.pending() == [])


def test_one_bad_row_among_many_imports_nothing_and_names_the_row(world, shared):
    rows = [person(n) for n in range(ROWS)]
    rows[1234]["national_id"] = "12345678901"
    run = upload(world, rows)
    assert wait_for(lambda: status(run) == ImportStatus.INVALID, seconds=120), status(run)
    run.refresh_from_db()
    assert [(p["line"], p["field"]) for p in run.problems] == [(1236, "national_id")]
    assert imported() == 0 and shared.stored_files() == set()
