"""The summer jobs' scheduled work."""

from celery import shared_task

from summerjobs.offers import guardian_notify, offer_notify, offers_tend, workplace_notify
from summerjobs.services import applications_purge_unplaced


@shared_task(acks_late=True, time_limit=20 * 60, soft_time_limit=15 * 60)
def applications_purge_unplaced_task() -> None:
    """Nightly: delete the applications of those who got no place, once their season's time
    has passed. Safe to run twice: what is deleted is gone, and each season's deletion is one
    transaction, so a run cut short leaves whole seasons for the next night."""
    applications_purge_unplaced()


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
