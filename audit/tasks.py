from celery import shared_task
from django.db import InterfaceError, OperationalError

RETRY_DELAYS = [30, 120, 600, 1800]  # seconds: long enough to outlast a database restart


@shared_task(bind=True, acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def subject_access_build_task(self, export_id: int) -> None:
    """Builds one right-of-access export, by id. Safe to run twice: ``subject_access_build``
    claims the export with a conditional update and replaces files of fixed names. Retries
    only when the database went away; after the last try the export is recorded as failed."""
    from participants.subject_access import subject_access_build, subject_access_fail

    try:
        subject_access_build(export_id=export_id)
    except (OperationalError, InterfaceError) as exc:
        if self.request.retries >= len(RETRY_DELAYS):
            subject_access_fail(export_id=export_id, reason=type(exc).__name__)
            return
        raise self.retry(exc=exc, countdown=RETRY_DELAYS[self.request.retries]) from exc


@shared_task(acks_late=True, time_limit=20 * 60, soft_time_limit=15 * 60)
def subject_access_files_expire_task() -> None:
    """Nightly: deletes the files of right-of-access exports past their expiry, keeping the
    rows. Safe to run twice: only exports that still name a file are read, and a file
    already gone is no error."""
    from participants.subject_access import subject_access_files_expire

    subject_access_files_expire()
