from functools import partial

from celery import Task, shared_task

from config.generated import BUILD_TASK_OPTIONS, run_with_retry
from reporting.exports import data_export_build, data_export_fail
from reporting.housekeeping import report_files_expire
from reporting.schedules import ks_drafts_create, lim_drafts_create
from reporting.services import report_build, report_fail


@shared_task(**BUILD_TASK_OPTIONS)
def report_build_task(self: "Task[..., None]", run_id: int) -> None:
    """Builds one report run, by id. Safe to run twice: ``report_build`` claims the run with a
    conditional update and overwrites files of fixed names. A lost database is tried again
    for about forty minutes; after the last try the run is recorded as failed rather than
    left "running" (``run_with_retry``)."""
    fail = partial(report_fail, run_id=run_id)
    run_with_retry(self, partial(report_build, run_id=run_id), fail, label=f"report run {run_id}")


@shared_task(**BUILD_TASK_OPTIONS)
def data_export_build_task(self: "Task[..., None]", export_id: int) -> None:
    """Builds one export, by id. Safe to run twice: ``data_export_build`` claims the export
    with a conditional update and replaces one file of a fixed name. Retried and failed as a
    report run is (``run_with_retry``)."""
    build = partial(data_export_build, export_id=export_id)
    fail = partial(data_export_fail, export_id=export_id)
    run_with_retry(self, build, fail, label=f"data export {export_id}")


@shared_task(acks_late=True, time_limit=20 * 60, soft_time_limit=15 * 60)
def report_files_expire_task() -> None:
    """Nightly: deletes the files of runs past ``expires_at``, keeping the runs and their
    frozen figures. Safe to run twice: only runs that still name a file are read, and a file
    already gone is no error."""

    report_files_expire()


@shared_task(acks_late=True, time_limit=10 * 60, soft_time_limit=8 * 60)
def ks_drafts_create_task() -> None:
    """The 1st of each month: a KS draft of the previous month per programme with a lead. Safe
    to run twice: a scheduled run for the same programme and period is looked for first,
    under a lock on the programme."""

    ks_drafts_create()


@shared_task(acks_late=True, time_limit=10 * 60, soft_time_limit=8 * 60)
def lim_drafts_create_task() -> None:
    """Daily: a LIM draft for each grant with a report deadline in two weeks. Safe to run
    twice: a scheduled run for the same grant and period is looked for first, under a lock on
    the grant."""

    lim_drafts_create()
