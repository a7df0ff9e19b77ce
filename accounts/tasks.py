from celery import shared_task

from accounts.services import invitation_send


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def invitation_send_task(invitation_id: int) -> None:
    """Sends one invitation e-mail. Safe to run twice: ``invitation_send`` claims the row with a
    conditional update, so a second delivery sends nothing; a missing row is a quiet no-op."""
    invitation_send(invitation_id=invitation_id)
