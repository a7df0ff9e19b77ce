from celery import shared_task

from config.queue import queued_work_resend


@shared_task(acks_late=True, time_limit=5 * 60, soft_time_limit=4 * 60)
def queued_work_resend_task() -> None:
    """Every five minutes: sends again the task of each report, export or import still waiting
    for a worker whose message may have been lost (a broker restart, a send refused). Safe to
    run twice: each task claims its row with a conditional update, so a second message for a
    row does nothing."""
    queued_work_resend()
