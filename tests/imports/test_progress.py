"""While the all-or-nothing write goes on, the status page shows how far it has come: the
figure is told to the cache after each chunk of rows, since the run's own row is held back by
the write's transaction until the commit."""

import pytest
from django.core.cache import cache

import imports.services as import_services
import participants.bulk as participant_bulk
from imports.models import ImportStatus
from imports.selectors import import_get, live_progress_key
from imports.services import import_run
from participants.models import Participant
from tests.support.imports import person, table

pytestmark = pytest.mark.django_db


def test_the_status_page_follows_the_write_chunk_by_chunk(world, send, monkeypatch):
    _, run = send(table([person(n) for n in range(7)]))
    assert run.status == ImportStatus.READY
    monkeypatch.setattr(participant_bulk, "CHUNK", 2)
    seen: list[tuple[int, int]] = []
    real = import_services._live_progress

    def watched(run_id, *, start, end):
        tell = real(run_id, start=start, end=end)

        def tell_and_look(done, total):
            tell(done, total)
            page = import_get(user=world.programme_lead, pk=run_id)
            written = Participant.objects.filter(last_name__startswith="Importsen").count()
            seen.append((page.progress, written))

        return tell_and_look

    monkeypatch.setattr(import_services, "_live_progress", watched)
    run.status, run.confirmed_by = ImportStatus.QUEUED, world.programme_lead
    run.save(update_fields=["status", "confirmed_by"])
    assert import_run(import_id=run.pk) is True
    # Four chunks (2, 2, 2, 1 rows): the page's figure rises with the rows written, between
    # the dry run's share and done.
    assert [written for _, written in seen] == [2, 4, 6, 7]
    figures = [progress for progress, _ in seen]
    assert figures == sorted(figures) and len(set(figures)) == 4
    assert figures[0] >= 70 and figures[-1] == 99
    run.refresh_from_db()
    assert (run.status, run.progress) == (ImportStatus.DONE, 100)


def test_a_run_that_is_not_importing_shows_its_own_figure(world, send):
    _, run = send(table([person(1)]))
    cache.set(live_progress_key(run.pk), 42)
    assert import_get(user=world.programme_lead, pk=run.pk).progress == 100
