import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from imports.services import import_check, import_fail, import_files_expire, import_run

RETRY_DELAYS = [30, 120, 600]  # seconds: long enough to outlast a database restart
logger = logging.getLogger(__name__)


def _run_or_fail(task, service, import_id: int) -> None:
    """Retry while the database is away; any other fault is recorded on the run (the file is
    deleted) and logged by the run's id and the kind of fault only: an exception's message
    could quote a cell of the file."""
    try:
        service(import_id=import_id)
    except (OperationalError, InterfaceError) as exc:
        if task.request.retries >= len(RETRY_DELAYS):
            import_fail(import_id=import_id, reason=type(exc).__name__)
            return
        raise task.retry(exc=exc, countdown=RETRY_DELAYS[task.request.retries]) from None
    except Exception as exc:
        logger.error("import %s failed: %s", import_id, type(exc).__name__)
        import_fail(import_id=import_id, reason=type(exc).__name__)


@shared_task(bind=True, acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def import_check_task(self, import_id: int) -> None:
    """The dry run of one import, by id. Safe to run twice: ``import_check`` writes its
    findings only onto a run still being checked (a status guard)."""
    _run_or_fail(self, import_check, import_id)


@shared_task(bind=True, acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def import_run_task(self, import_id: int) -> None:
    """The import of one checked file, by id. Safe to run twice: ``import_run`` claims the run
    with a conditional update and writes only while, under a lock, it is still importing;
    the rows and the "imported" mark are committed together."""
    _run_or_fail(self, import_run, import_id)


@shared_task(acks_late=True, time_limit=10 * 60, soft_time_limit=8 * 60)
def import_files_expire_task() -> None:
    """Hourly: deletes the files of imports past their expiry (24 hours after the upload).
    Safe to run twice: only runs that still name a file are read."""
    import_files_expire()
