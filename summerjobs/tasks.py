"""The summer jobs' scheduled work."""

from functools import partial

from celery import Task, shared_task

from config.generated import BUILD_TASK_OPTIONS, run_with_retry
from summerjobs.applying import codes_expire
from summerjobs.certificates import (
    certificate_batch_build,
    certificate_batch_fail,
    certificate_files_expire,
    certificate_notify,
)
from summerjobs.offers import guardian_notify, offer_notify, offers_tend, workplace_notify
from summerjobs.payroll import payroll_batch_build, payroll_batch_fail, payroll_files_expire
from summerjobs.services import applications_purge_unplaced


@shared_task(acks_late=True, time_limit=20 * 60, soft_time_limit=15 * 60)
def applications_purge_unplaced_task() -> None:
    """Nightly: delete the applications of those who got no place, once their season's time
    has passed. Safe to run twice: what is deleted is gone, and each season's deletion is one
    transaction, so a run cut short leaves whole seasons for the next night."""
    applications_purge_unplaced()


@shared_task(acks_late=True, time_limit=5 * 60, soft_time_limit=4 * 60)
def codes_expire_task() -> None:
    """Every quarter of an hour: delete application submissions and new e-mail addresses whose
    code expired (kept off the form's path: at the deadline every statement counts). Safe to
    run twice: what is deleted is gone."""
    codes_expire()


@shared_task(acks_late=True, time_limit=5 * 60, soft_time_limit=4 * 60)
def offer_notify_task(offer_id: int) -> None:
    """Send a young person their offer. Safe to run twice: the send is claimed with a
    conditional update on the offer, so a second message finds it sent."""
    offer_notify(offer_id=offer_id)


@shared_task(acks_late=True, time_limit=5 * 60, soft_time_limit=4 * 60)
def guardian_notify_task(offer_id: int) -> None:
    """Ask a guardian to confirm an accepted offer. Safe to run twice, as offer_notify_task."""
    guardian_notify(offer_id=offer_id)


@shared_task(acks_late=True, time_limit=5 * 60, soft_time_limit=4 * 60)
def workplace_notify_task(offer_id: int) -> None:
    """Tell a workplace that a place is free again. Safe to run twice: claimed once."""
    workplace_notify(offer_id=offer_id)


@shared_task(acks_late=True, time_limit=10 * 60, soft_time_limit=8 * 60)
def offers_tend_task() -> None:
    """Every quarter of an hour: offers past their deadline lapse and their places go to the
    reserve list; messages left unsent are sent again. Safe to run twice: each lapse claims
    the offer's version, each send its row."""
    offers_tend()


@shared_task(**BUILD_TASK_OPTIONS)
def payroll_batch_build_task(self: "Task[..., None]", batch_id: int) -> None:
    """Builds one payroll batch, by id. Safe to run twice: ``payroll_batch_build`` claims the
    batch with a conditional update, and marks it ready, writes its lines and replaces its two
    files of fixed names in one transaction that starts by updating its status only if it is
    still running, so a second delivery writes nothing. Retried and failed as a report run is
    (``run_with_retry``); a failed batch paid nothing."""
    build = partial(payroll_batch_build, batch_id=batch_id)
    fail = partial(payroll_batch_fail, batch_id=batch_id)
    run_with_retry(self, build, fail, label=f"payroll batch {batch_id}")


@shared_task(acks_late=True, time_limit=20 * 60, soft_time_limit=15 * 60)
def payroll_files_expire_task() -> None:
    """Nightly: deletes the files of payroll batches past ``expires_at``, keeping the batches
    and what they paid. Safe to run twice: only batches that still name a file are read, and a
    file already gone is no error."""
    payroll_files_expire()


@shared_task(**BUILD_TASK_OPTIONS)
def certificate_batch_build_task(self: "Task[..., None]", batch_id: int) -> None:
    """Makes one season's certificates into a ZIP, by the batch's id. Safe to run twice:
    ``certificate_batch_build`` claims the batch with a conditional update, writes the ZIP
    under the batch's fixed name (replacing, never adding) and marks it ready only if it is
    still running, so a second delivery writes nothing."""
    build = partial(certificate_batch_build, batch_id=batch_id)
    fail = partial(certificate_batch_fail, batch_id=batch_id)
    run_with_retry(self, build, fail, label=f"certificate batch {batch_id}")


@shared_task(acks_late=True, time_limit=5 * 60, soft_time_limit=4 * 60)
def certificate_notify_task(offer_id: int) -> None:
    """Tell a young person their work certificate is ready. Safe to run twice: the send is
    claimed with a conditional update on the offer, so a second message finds it sent."""
    certificate_notify(offer_id=offer_id)


@shared_task(acks_late=True, time_limit=20 * 60, soft_time_limit=15 * 60)
def certificate_files_expire_task() -> None:
    """Nightly: deletes the certificates' ZIPs past ``expires_at``, keeping the rows. Safe to
    run twice: only rows that still name a file are read, and a file already gone is no
    error."""
    certificate_files_expire()
