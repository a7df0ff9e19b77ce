from celery import shared_task

from participants.erasure import participants_anonymise_expired
from participants.services import follow_ups_create_missing


@shared_task(acks_late=True, time_limit=20 * 60, soft_time_limit=15 * 60)
def follow_ups_create_missing_task() -> None:
    """Nightly: the + 6 / + 12 month follow-ups exited enrollments lack. Safe to run twice:
    only missing ones are made, and the unique constraint ignores a concurrent run's rows."""
    follow_ups_create_missing()


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def participants_anonymise_expired_task() -> None:
    """Nightly: anonymise the people whose retention period after their last exit has passed.
    Safe to run twice: each person is claimed with ``select_for_update(skip_locked=True)`` and
    the guard ``anonymised_at`` empty, in a transaction of their own; a run cut short by the
    time limit leaves the rest to the next night."""
    participants_anonymise_expired()
