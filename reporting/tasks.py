from celery import shared_task
from django.db import OperationalError

from reporting.services import report_build


@shared_task(
    acks_late=True,
    time_limit=30 * 60,
    soft_time_limit=25 * 60,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def report_build_task(run_id: int) -> None:
    """Builds one report run, by id. Safe to run twice: ``report_build`` claims the run with a
    conditional update and overwrites one file of a fixed name. Retries only on database
    errors that pass (a restart, a lost connection)."""
    report_build(run_id=run_id)


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
