"""Sending work to the Celery workers so that none is lost when the broker is away.

A row that waits for a worker (a report, an export, an import, a right-of-access export) is
committed first, and its task is sent after the commit. If Redis is restarting at that
moment, or loses its queue, the row would wait for ever and the user would see an error page
for work that was in fact saved. So sending never fails the request: a send the broker refuses
is logged (the row's id and the task's name only), and every few minutes
``queued_work_resend`` sends again the task of each row still waiting whose last send is not
known to have reached the broker. Every task claims its row with a conditional update, so a
second message for the same row does nothing."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from celery import current_app
from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError as BrokerError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# How long a send is trusted: a row still waiting after this is sent again. Long enough that a
# busy queue is not flooded with second messages, short enough that a lost one is noticed.
SENT_TRUSTED = timedelta(minutes=10)
# A row younger than this is left alone: its own send may not have happened yet.
YOUNGEST_RESENT = timedelta(minutes=2)
# Publishing gives up after about a second and a half: the request is not held longer.
RETRY_POLICY = {"max_retries": 3, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}


@dataclass(frozen=True)
class Waiting:
    """Rows of ``model`` in one of ``statuses`` wait for ``task`` (called with their id)."""

    model: str
    statuses: tuple[str, ...]
    task: str


# Rows already being worked on (running, importing) are not sent again: a worker has their
# message, and Redis's visibility timeout hands it to another worker if that one dies.
WAITING = (
    Waiting("reporting.ReportRun", ("queued",), "reporting.tasks.report_build_task"),
    Waiting("reporting.DataExport", ("queued",), "reporting.tasks.data_export_build_task"),
    Waiting(
        "audit.SubjectAccessExport",
        ("queued",),
        "privacy.tasks.subject_access_build_task",
    ),
    Waiting(
        "audit.ApplicantAccessExport",
        ("queued",),
        "privacy.tasks.applicant_access_build_task",
    ),
    Waiting("summerjobs.PayrollBatch", ("queued",), "summerjobs.tasks.payroll_batch_build_task"),
    Waiting(
        "summerjobs.CertificateBatch",
        ("queued",),
        "summerjobs.tasks.certificate_batch_build_task",
    ),
    Waiting("imports.ImportRun", ("checking",), "imports.tasks.import_check_task"),
    Waiting("imports.ImportRun", ("queued",), "imports.tasks.import_run_task"),
)


def _sent_key(task_name: str, pk: int) -> str:
    return f"queue:sent:{task_name}:{pk}"


def send(task, pk: int) -> bool:
    """Send ``task(pk)`` to the workers (run it here in the embedded default); False, logged,
    when the broker cannot be reached."""
    if current_app.conf.task_always_eager:
        task.delay(pk)
        return True
    try:
        task.apply_async((pk,), retry=True, retry_policy=RETRY_POLICY)
    except (BrokerError, RedisError, OSError) as exc:
        logger.warning("could not queue %s for %s: %s", task.name, pk, type(exc).__name__)
        return False
    _remember_sent(task.name, pk)
    return True


def _remember_sent(task_name: str, pk: int) -> None:
    try:
        cache.set(_sent_key(task_name, pk), 1, timeout=int(SENT_TRUSTED.total_seconds()))
    except Exception as exc:
        logger.warning("could not note the send of %s: %s", task_name, type(exc).__name__)


def send_after_commit(task, pk: int) -> None:
    """Send ``task(pk)`` once the current transaction has committed (never for a rollback)."""
    transaction.on_commit(lambda: send(task, pk))


def _task(name: str) -> Callable:
    return import_string(name)


def queued_work_resend(*, now=None) -> int:
    """Send again the task of every row still waiting for a worker whose last send is not
    known to have reached the broker; returns how many were sent. Safe to run twice: a
    second message for a row finds it claimed and does nothing."""
    now = now or timezone.now()
    sent = 0
    for waiting in WAITING:
        model = apps.get_model(waiting.model)
        rows = model.objects.filter(
            status__in=waiting.statuses, created_at__lte=now - YOUNGEST_RESENT
        ).values_list("pk", flat=True)
        for pk in rows.order_by("pk")[:1000]:
            if _known_sent(waiting.task, pk):
                continue
            sent += send(_task(waiting.task), pk)
    if sent:
        logger.info("sent again: %s tasks of rows left waiting", sent)
    return sent


def _known_sent(task_name: str, pk: int) -> bool:
    try:
        return cache.get(_sent_key(task_name, pk)) is not None
    except Exception:
        return False
