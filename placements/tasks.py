"""Placement jobs for Celery beat."""

from celery import shared_task

from placements.digest import digests_send


@shared_task(acks_late=True, time_limit=30 * 60, soft_time_limit=25 * 60)
def digests_send_task() -> None:
    """The daily "needs attention" e-mail (beat, every morning). Safe to run twice: each mail
    is claimed by a row unique per user and day before it is sent, so a second run the same
    day sends nothing."""
    digests_send()
