from celery import shared_task
from django.db import InterfaceError, OperationalError

from reporting.services import report_build, report_fail

RETRY_DELAYS = [30, 120, 600, 1800]  # seconds: long enough to outlast a database restart


@shared_task(bind=True, acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def report_build_task(self, run_id: int) -> None:
    """Builds one report run, by id. Safe to run twice: ``report_build`` claims the run with a
    conditional update and overwrites files of fixed names. Retries only when the database
    went away (a restart, a lost connection), for about forty minutes in all; after the last
    try the run is recorded as failed rather than left "running"."""
    try:
        report_build(run_id=run_id)
    except (OperationalError, InterfaceError) as exc:
        if self.request.retries >= len(RETRY_DELAYS):
            report_fail(run_id=run_id, reason=type(exc).__name__)
            return
        raise self.retry(exc=exc, countdown=RETRY_DELAYS[self.request.retries]) from exc


@shared_task(
    acks_late=True,
    time_limit=30 * 60,
    soft_time_limit=25 * 60,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=30,
    max_retries=4,
)
def data_export_build_task(export_id: int) -> None:
    """Builds one export, by id. Safe to run twice: ``data_export_build`` claims the export
    with a conditional update and replaces one file of a fixed name."""
    from reporting.exports import data_export_build

    data_export_build(export_id=export_id)


@shared_task(acks_late=True, time_limit=20 * 60, soft_time_limit=15 * 60)
def report_files_expire_task() -> None:
    """Nightly: deletes the files of runs past ``expires_at``, keeping the runs and their
    frozen figures. Safe to run twice: only runs that still name a file are read, and a file
    already gone is no error."""
    from reporting.housekeeping import report_files_expire

    report_files_expire()


@shared_task(acks_late=True, time_limit=10 * 60, soft_time_limit=8 * 60)
def ks_drafts_create_task() -> None:
    """The 1st of each month: a KS draft of the previous month per programme with a lead. Safe
    to run twice: a scheduled run for the same programme and period is looked for first,
    under a lock on the programme."""
    from reporting.schedules import ks_drafts_create

    ks_drafts_create()


@shared_task(acks_late=True, time_limit=10 * 60, soft_time_limit=8 * 60)
def lim_drafts_create_task() -> None:
    """Daily: a LIM draft for each grant with a report deadline in two weeks. Safe to run
    twice: a scheduled run for the same grant and period is looked for first, under a lock on
    the grant."""
    from reporting.schedules import lim_drafts_create

    lim_drafts_create()
