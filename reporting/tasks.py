from celery import shared_task
from django.db import OperationalError

from reporting.services import report_build


@shared_task(
    acks_late=True,
    time_limit=30 * 60,
    soft_time_limit=25 * 60,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def report_build_task(run_id: int) -> None:
    """Builds one report run, by id. Safe to run twice: ``report_build`` claims the run with a
    conditional update and overwrites one file of a fixed name. Retries only on database
    errors that pass (a restart, a lost connection)."""
    report_build(run_id=run_id)
