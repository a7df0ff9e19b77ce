"""Files built in the background: a report, an export of people, a person's right-of-access
export, an import's uploaded file. Each is a row with one life: waiting, claimed by a worker,
built, failed or ready, its files expired. The life is written here once, for three reasons.

- Tasks are delivered at least once (``acks_late``: the broker hands a message to another
  worker when the first one dies, and ``queued_work_resend`` sends a lost one again), so every
  step must be safe to run twice. A worker *claims* its row with a conditional update, writes
  files under fixed names that replace rather than add, and only the delivery that finishes
  the row tells anybody.
- A worker can be killed mid-build (a deploy, the out-of-memory killer, a time limit, the
  database restarting under it). The next delivery claims a row left running; a database
  that stays away is tried again with growing delays, and after the last try the row is
  failed rather than left running for ever. A failure records the kind of error only: an
  exception's message could quote a person's data.
- The files hold personal data, so they are kept for days, not weeks: each row says when its
  files expire, and a nightly task deletes them while keeping the row, because that a report
  or an export was made stays in the record.

This module is in ``config``, the lowest layer: it knows no app, and the apps pass in their
models, statuses and file names."""

import logging
import traceback
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol, TypedDict, TypeVar, cast

from celery import Task
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)
T = TypeVar("T")

# The database went away (a restart, a lost connection): worth trying again later.
DATABASE_LOST = (OperationalError, InterfaceError)
# Seconds before each new try: about forty minutes in all, to outlast a database restart.
RETRY_DELAYS = (30, 120, 600, 1800)


# Every task that builds a file: bound (for its retries), acknowledged only once done, and
# stopped before the broker's visibility timeout hands its message to another worker.
class _BuildTaskOptions(TypedDict):
    bind: Literal[True]
    acks_late: bool
    time_limit: int
    soft_time_limit: int


BUILD_TASK_OPTIONS: _BuildTaskOptions = {
    "bind": True,
    "acks_late": True,
    "time_limit": 30 * 60,
    "soft_time_limit": 25 * 60,
}


class GeneratedStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


# Being built, or waiting to be: a claim takes such a row, a failure ends it.
UNFINISHED = (GeneratedStatus.QUEUED, GeneratedStatus.RUNNING)


class GeneratedFile(models.Model):
    """A row whose files a worker builds. A model with other statuses (an import's) declares
    its own ``status`` and passes its statuses to the helpers below."""

    status = models.CharField(
        _("status"), max_length=20, choices=GeneratedStatus.choices, default=GeneratedStatus.QUEUED
    )
    # The kind of error only (an exception's class), never a message that could quote data.
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def expired(self) -> bool:
        """Past ``expires_at``: the nightly expiry deletes the files from that moment on."""
        return self.expires_at is not None and self.expires_at <= timezone.now()


class GeneratedFileWithProgress(GeneratedFile):
    """A generated file whose page shows a progress bar while it is built."""

    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)

    class Meta:
        abstract = True


class Fail(Protocol):
    """Records that one row could not be built: ``partial(report_fail, run_id=…)``."""

    def __call__(self, *, reason: str) -> object: ...


# The rows a helper works on: a model, or a queryset of it narrowed further. Helpers take it
# and the row's pk by position only, so that a model's own field may be named ``rows``.
Rows = type[models.Model] | QuerySet[models.Model]


def _queryset(rows: Rows) -> QuerySet[models.Model]:
    return rows if isinstance(rows, QuerySet) else rows._default_manager.all()


def error_kind(exc: BaseException) -> str:
    """What a failed row records and a log says of a fault: its class, never its message."""
    return type(exc).__name__


def generated_claim(
    rows: Rows,
    pk: int,
    /,
    *,
    waiting: Iterable[str] = UNFINISHED,
    running: str = GeneratedStatus.RUNNING,
    **values: Any,
) -> bool:
    """Take the row for this delivery of its task: one that waits, or one still running
    because its worker died (the broker delivers the message again), never a finished one.
    False: another delivery finished it, or it is gone; there is nothing to do."""
    claimed = _queryset(rows).filter(pk=pk, status__in=list(waiting))
    return bool(claimed.update(status=running, **values))


def generated_progress(
    rows: Rows,
    pk: int,
    percent: int,
    *,
    running: Iterable[str] = (GeneratedStatus.RUNNING,),
) -> None:
    """Move the progress bar of a row still being built."""
    _queryset(rows).filter(pk=pk, status__in=list(running)).update(progress=percent)


def generated_finish(
    rows: Rows,
    pk: int,
    /,
    *,
    kept: timedelta | None,
    running: str = GeneratedStatus.RUNNING,
    done: str = GeneratedStatus.READY,
    **values: Any,
) -> bool:
    """Mark a running row built, with ``values`` (its file names…); its files are kept for
    ``kept`` (None: ``expires_at`` stays as it is). False when the row is no longer running:
    another delivery finished or failed it, and only the one that finishes tells anybody."""
    now = timezone.now()
    if kept is not None:
        values["expires_at"] = now + kept
    finished = _queryset(rows).filter(pk=pk, status=running)
    return bool(finished.update(status=done, finished_at=now, error="", **values))


def generated_fail(
    rows: Rows,
    pk: int,
    /,
    *,
    reason: str | BaseException,
    unfinished: Iterable[str] = UNFINISHED,
    failed: str = GeneratedStatus.FAILED,
    files: Iterable[str] = (),
    **values: Any,
) -> bool:
    """Record that a row could not be built, with the kind of error only (an exception's
    class, never its message), and delete the ``files`` a part-way build may have left, so
    that no file outlives the row. A finished row is left as it is, files and all: a late
    failure of a second delivery does not undo the first."""
    queryset = _queryset(rows)
    kind = error_kind(reason) if isinstance(reason, BaseException) else reason
    limit = cast("models.CharField[str, str]", queryset.model._meta.get_field("error")).max_length
    failed_now = queryset.filter(pk=pk, status__in=list(unfinished)).update(
        status=failed, error=kind[:limit], finished_at=timezone.now(), **values
    )
    if failed_now:
        for name in files:
            default_storage.delete(name)  # a file never written is no error
    return bool(failed_now)


def generated_files_expire(
    model: type[models.Model], *, fields: Sequence[str], now: datetime | None = None
) -> int:
    """Delete the files of rows past ``expires_at`` and clear their names; the rows stay.
    Returns how many rows lost their files. Safe to run twice: only rows that still name a
    file are read, the files go before the names are cleared (so a run stopped half-way is
    finished by the next), and deleting a file that is already gone is no error."""
    now = now or timezone.now()
    has_file = Q()
    for name in fields:
        has_file |= ~Q(**{name: ""})
    expired = model._default_manager.filter(has_file, expires_at__lte=now).only("pk", *fields)
    count = sum(_row_files_expire(model, row, fields, now) for row in list(expired))
    logger.info("%s: files expired for %s rows", model._meta.label, count)
    return count


def _row_files_expire(
    model: type[models.Model], row: models.Model, fields: Sequence[str], now: datetime
) -> int:
    rows = model._default_manager
    # Locked and read again: a row kept for good meanwhile (a submitted report) keeps its files.
    with transaction.atomic():
        if not rows.select_for_update().filter(pk=row.pk, expires_at__lte=now).exists():
            return 0
        for name in fields:
            stored = getattr(row, name).name
            if stored:
                default_storage.delete(stored)
        rows.filter(pk=row.pk).update(**dict.fromkeys(fields, ""))
    return 1


def file_store(name: str, content: "bytes | File[bytes]") -> str:
    """Save under ``name`` exactly, replacing the file an earlier delivery of the task left:
    one row never has two files of a kind. Returns ``name``."""
    default_storage.delete(name)
    if not isinstance(content, File):
        content = ContentFile(content)
    saved = default_storage.save(name, content)
    if saved != name:  # another delivery saved the same name at the same moment
        default_storage.delete(saved)
    return name


def generated_build(work: Callable[[], T], *, fail: Fail, label: str) -> T | None:
    """``work()``'s result (never None), or None when it raised: the row is failed and the
    fault logged by ``label`` (the row's kind and id), with its kind and where it happened,
    never its message. A lost database is raised on, for the task to try again: the next
    claim takes the row, still running, again."""
    try:
        return work()
    except DATABASE_LOST:
        raise
    except Exception as exc:
        where = "".join(traceback.format_tb(exc.__traceback__))
        logger.error("%s failed: %s\n%s", label, error_kind(exc), where)
        fail(reason=error_kind(exc))
        return None


def run_with_retry(
    task: "Task[..., Any]", build: Callable[[], object], fail: Fail, *, label: str
) -> None:
    """The one policy of every task that builds a file: run ``build``; a fault is recorded
    on the row by ``fail`` (see ``generated_build``); a lost database is tried again after
    each of ``RETRY_DELAYS``, and after the last try the row is failed rather than left
    running."""
    try:
        generated_build(build, fail=fail, label=label)
    except DATABASE_LOST as exc:
        tries = task.request.retries
        if tries >= len(RETRY_DELAYS):
            fail(reason=error_kind(exc))
            return
        raise task.retry(
            exc=exc, countdown=RETRY_DELAYS[tries], max_retries=len(RETRY_DELAYS)
        ) from exc
