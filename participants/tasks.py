from celery import shared_task

from participants.services import follow_ups_create_missing


@shared_task(acks_late=True, time_limit=20 * 60, soft_time_limit=15 * 60)
def follow_ups_create_missing_task() -> None:
    """Nightly: the + 6 / + 12 month follow-ups exited enrollments lack. Safe to run twice:
    only missing ones are made, and the unique constraint ignores a concurrent run's rows."""
    follow_ups_create_missing()
