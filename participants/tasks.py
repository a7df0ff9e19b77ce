from celery import shared_task

from participants.digest import digests_send
from participants.services import follow_ups_create_missing


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def digests_send_task() -> None:
    """The daily "needs attention" e-mail (beat, every morning). Safe to run twice: each mail
    is claimed by a row unique per user and day before it is sent, so a second run the same
    day sends nothing."""
    digests_send()


@shared_task(acks_late=True, time_limit=20 * 60, soft_time_limit=15 * 60)
def follow_ups_create_missing_task() -> None:
    """Nightly: the + 6 / + 12 month follow-ups exited enrollments lack. Safe to run twice:
    only missing ones are made, and the unique constraint ignores a concurrent run's rows."""
    follow_ups_create_missing()
