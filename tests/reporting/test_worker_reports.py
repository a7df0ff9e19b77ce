"""Reports built by real Celery workers: a worker killed in the middle of a report, twenty reports
asked for at once, and a report asked for in a transaction that was rolled back. Each report is
built once, into one set of files of fixed names, and never for a request that did not commit.

Run in CI against PostgreSQL and Redis (``make test`` with DATABASE_URL and CELERY_BROKER_URL).
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from django.db import connection, transaction

from reporting.models import ReportRun
from reporting.services import report_request
from tests.worker import wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

TODAY = date.today()
BUILD = "reporting.tasks.report_build_task"
# Seconds before the task of a killed worker goes to another worker; two hours in production.
VISIBILITY_TIMEOUT = 3
SHORT_VISIBILITY = {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}


def request(world, *, days: int = 90) -> ReportRun:
    """A KS report on the world's programme for the last ``days`` days, as its lead asks."""
    start = TODAY - timedelta(days=days)
    lead, programme = world.programme_lead, world.programme
    return report_request(
        actor=lead, kind="ks", programme=programme, period_start=start, period_end=TODAY
    )


def status(run: ReportRun) -> str:
    return ReportRun.objects.values_list("status", flat=True).get(pk=run.pk)


def files_of(run: ReportRun) -> set[str]:
    """The names of the files the run records (CSV, and PDF and XLSX where they are made), each
    checked to be the run's own fixed name."""
    run.refresh_from_db()
    names = {f.name for f in (run.csv_file, run.pdf_file, run.xlsx_file) if f}
    assert names and all(name.startswith(f"reports/run-{run.pk}.") for name in names), names
    return names


@contextmanager
def finishing_held() -> Iterator[Callable[[], list[int]]]:
    """While the block lasts, a build that marks its run ready waits inside that update, its
    files already stored: a trigger in the test database sleeps there. Yields a function that
    lists the database sessions held so. The held sessions are ended before the trigger is
    dropped, so a held update never commits."""
    table = ReportRun._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_hold() RETURNS trigger AS $$ "
            "BEGIN PERFORM pg_sleep(300); RETURN NEW; END; $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            f"CREATE TRIGGER test_hold_ready BEFORE UPDATE ON {table} FOR EACH ROW "
            "WHEN (NEW.status = 'ready') EXECUTE FUNCTION test_hold()"
        )

    def held() -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event = 'PgSleep'"
            )
            return [pid for (pid,) in cursor.fetchall()]

    try:
        yield held
    finally:
        with connection.cursor() as cursor:
            for pid in held():
                cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            cursor.execute(f"DROP TRIGGER test_hold_ready ON {table}")
            cursor.execute("DROP FUNCTION test_hold()")


def test_a_report_whose_worker_is_killed_midway_is_finished_once_by_another(workers, world):
    first = workers.start(**SHORT_VISIBILITY)
    with finishing_held() as held:
        run = request(world)
        assert wait_for(lambda: held() != []), "the first worker never got to finish the run"
        first.kill()  # SIGKILL: no warm shutdown, no acknowledgement, no requeue
        first.wait(timeout=10)
    run.refresh_from_db()
    # Killed midway: files stored, the run neither ready nor finished, the task unacknowledged.
    assert (run.status, run.finished_at) == ("running", None)
    left = workers.stored_files()
    assert left and all(name.startswith(f"reports/run-{run.pk}.") for name in left), left
    assert workers.unacked() == [(BUILD, [run.pk])] and workers.pending() == []

    # Past the visibility timeout, a worker that starts takes the task back (kombu restores
    # unacknowledged tasks when a worker starts, and every ~100 seconds after).
    time.sleep(VISIBILITY_TIMEOUT + 1)
    workers.start(**SHORT_VISIBILITY)
    assert wait_for(lambda: status(run) == "ready")
    # Finished once: the killed build's files replaced, not joined by a second set, and nothing
    # left on the broker that could build the run again.
    assert workers.stored_files() == files_of(run)
    assert wait_for(lambda: workers.unacked() == [] and workers.pending() == [])


def test_twenty_reports_asked_for_at_once_are_each_built_once(workers, world):
    workers.start()
    workers.start()
    with transaction.atomic():
        runs = [request(world, days=30 + n) for n in range(20)]

    ready = ReportRun.objects.filter(status="ready")
    assert wait_for(lambda: ready.count() == 20), f"{ready.count()} of 20 ready"
    assert ReportRun.objects.count() == 20
    assert workers.stored_files() == set().union(*(files_of(run) for run in runs))
    assert wait_for(lambda: workers.unacked() == [] and workers.pending() == [])


def test_a_report_asked_for_in_a_rolled_back_transaction_is_never_built(workers, world):
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        ghost = request(world)
        raise Abort
    later = request(world)
    # Only the committed request reached the broker; a worker then drains the queue.
    assert workers.pending() == [(BUILD, [later.pk])]
    workers.start()
    assert wait_for(lambda: status(later) == "ready")
    assert wait_for(lambda: workers.unacked() == [] and workers.pending() == [])
    assert not ReportRun.objects.filter(pk=ghost.pk).exists()
    assert workers.stored_files() == files_of(later)
