"""The privacy jobs: building right-of-access exports (of participants and of summer-job
applicants), expiring their files, and the nightly anonymisation of people past their
retention period."""

from functools import partial

from celery import Task, shared_task

from config.generated import BUILD_TASK_OPTIONS, run_with_retry
from privacy.applicant_access import (
    applicant_access_build,
    applicant_access_fail,
    applicant_access_files_expire,
)
from privacy.erasure import participants_anonymise_expired
from privacy.subject_access import (
    subject_access_build,
    subject_access_fail,
    subject_access_files_expire,
)


@shared_task(**BUILD_TASK_OPTIONS)
def subject_access_build_task(self: "Task[..., None]", export_id: int) -> None:
    """Builds one right-of-access export, by id. Safe to run twice: ``subject_access_build``
    claims the export with a conditional update and replaces files of fixed names. A lost
    database is tried again; after the last try the export is recorded as failed
    (``run_with_retry``)."""
    build = partial(subject_access_build, export_id=export_id)
    fail = partial(subject_access_fail, export_id=export_id)
    run_with_retry(self, build, fail, label=f"subject access export {export_id}")


@shared_task(**BUILD_TASK_OPTIONS)
def applicant_access_build_task(self: "Task[..., None]", export_id: int) -> None:
    """Builds one summer-job applicant's right-of-access export, by id. Safe to run twice:
    ``applicant_access_build`` claims the export with a conditional update and replaces files
    of fixed names; retried and failed as a person's export (``run_with_retry``)."""
    build = partial(applicant_access_build, export_id=export_id)
    fail = partial(applicant_access_fail, export_id=export_id)
    run_with_retry(self, build, fail, label=f"applicant access export {export_id}")


@shared_task(acks_late=True, time_limit=20 * 60, soft_time_limit=15 * 60)
def subject_access_files_expire_task() -> None:
    """Nightly: deletes the files of right-of-access exports past their expiry, a person's
    and a summer-job applicant's, keeping the rows. Safe to run twice: only exports that
    still name a file are read, and a file already gone is no error."""
    subject_access_files_expire()
    applicant_access_files_expire()


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def participants_anonymise_expired_task() -> None:
    """Nightly: anonymise the people whose retention period after their last exit has passed.
    Safe to run twice: each person is claimed with ``select_for_update(skip_locked=True)`` and
    the guard ``anonymised_at`` empty, in a transaction of their own; a run cut short by the
    time limit leaves the rest to the next night."""
    participants_anonymise_expired()
