from functools import partial

from celery import Task, shared_task

from config.generated import BUILD_TASK_OPTIONS, run_with_retry


@shared_task(**BUILD_TASK_OPTIONS)
def subject_access_build_task(self: Task, export_id: int) -> None:
    """Builds one right-of-access export, by id. Safe to run twice: ``subject_access_build``
    claims the export with a conditional update and replaces files of fixed names. A lost
    database is tried again; after the last try the export is recorded as failed
    (``run_with_retry``)."""
    # The participants app is a layer above this one: the task is registered here, with the
    # model, but its work is done there.
    from participants.subject_access import subject_access_build, subject_access_fail

    build = partial(subject_access_build, export_id=export_id)
    fail = partial(subject_access_fail, export_id=export_id)
    run_with_retry(self, build, fail, label=f"subject access export {export_id}")


@shared_task(acks_late=True, time_limit=20 * 60, soft_time_limit=15 * 60)
def subject_access_files_expire_task() -> None:
    """Nightly: deletes the files of right-of-access exports past their expiry, keeping the
    rows. Safe to run twice: only exports that still name a file are read, and a file
    already gone is no error."""
    from participants.subject_access import subject_access_files_expire

    subject_access_files_expire()
