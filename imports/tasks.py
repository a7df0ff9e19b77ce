from collections.abc import Callable
from functools import partial

from celery import Task, shared_task

from config.generated import BUILD_TASK_OPTIONS, run_with_retry
from imports.services import import_check, import_fail, import_files_expire, import_run


def _run(task: "Task[..., None]", service: Callable[..., bool], import_id: int) -> None:
    """A fault is recorded on the run (its file deleted) and logged by the run's id and the
    kind of fault only: an exception's message could quote a cell of the file."""
    build = partial(service, import_id=import_id)
    fail = partial(import_fail, import_id=import_id)
    run_with_retry(task, build, fail, label=f"import {import_id}")


@shared_task(**BUILD_TASK_OPTIONS)
def import_check_task(self: "Task[..., None]", import_id: int) -> None:
    """The dry run of one import, by id. Safe to run twice: ``import_check`` writes its
    findings only onto a run still being checked (a status guard)."""
    _run(self, import_check, import_id)


@shared_task(**BUILD_TASK_OPTIONS)
def import_run_task(self: "Task[..., None]", import_id: int) -> None:
    """The import of one checked file, by id. Safe to run twice: ``import_run`` claims the run
    with a conditional update and writes only while, under a lock, it is still importing;
    the rows and the "imported" mark are committed together."""
    _run(self, import_run, import_id)


@shared_task(acks_late=True, time_limit=10 * 60, soft_time_limit=8 * 60)
def import_files_expire_task() -> None:
    """Hourly: deletes the files of imports past their expiry (24 hours after the upload).
    Safe to run twice: only runs that still name a file are read."""
    import_files_expire()
