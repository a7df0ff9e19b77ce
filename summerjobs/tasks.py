"""The summer jobs' scheduled work."""

from celery import shared_task

from summerjobs.services import applications_purge_unplaced


@shared_task(acks_late=True, time_limit=20 * 60, soft_time_limit=15 * 60)
def applications_purge_unplaced_task() -> None:
    """Nightly: delete the applications of those who got no place, once their season's time
    has passed. Safe to run twice: what is deleted is gone, and each season's deletion is one
    transaction, so a run cut short leaves whole seasons for the next night."""
    applications_purge_unplaced()
