"""Requesting and building reports. Building runs in a Celery worker, never in a request."""

import csv
import hashlib
import io
import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config.errors import ApplicationError
from participants.exports import spreadsheet_safe
from programs.services import check_leads
from reporting.figures import ks_figures
from reporting.models import ReportKind, ReportRun, RunStatus

FILES_KEPT_DAYS = 30
logger = logging.getLogger(__name__)


def report_request(
    *,
    actor,
    kind: str,
    period_start: date | None,
    period_end: date | None,
    programme=None,
    grant=None,
    language: str = "nb",
    narrative_activities: str = "",
    narrative_deviations: str = "",
    scheduled: bool = False,
) -> ReportRun:
    """Queue a report; the task is sent only once the transaction has committed. A scheduled
    draft has no actor: the programme's leads are told when it is ready."""
    from reporting.tasks import report_build_task

    if kind not in ReportKind.values:
        raise ApplicationError(_("Choose a report."), field="kind")
    if period_start is None or period_end is None or period_end < period_start:
        raise ApplicationError(_("A period cannot end before it starts."), field="period_end")
    if language not in dict(settings.LANGUAGES):
        raise ApplicationError(_("Choose a language."), field="language")
    programme, grant = _subject(actor, kind, programme, grant, scheduled)
    run = ReportRun.objects.create(
        kind=kind,
        programme=programme,
        grant=grant,
        period_start=period_start,
        period_end=period_end,
        language=language,
        requested_by=actor,
        scheduled=scheduled,
        narrative_activities=narrative_activities.strip()[:5000],
        narrative_deviations=narrative_deviations.strip()[:5000],
    )
    transaction.on_commit(lambda: report_build_task.delay(run.pk))
    return run


def _subject(actor, kind: str, programme, grant, scheduled: bool) -> tuple:
    """The programme (or, for a LIM report, the grant) the report is about, checked against
    the person asking: only a lead of the programme, or of a programme the grant funds."""
    from programs.models import Grant

    if kind == ReportKind.LIM:
        if grant is None:
            raise ApplicationError(_("Choose the grant."), field="grant")
        if not scheduled and not Grant.objects.visible_to(actor).filter(pk=grant.pk).exists():
            raise ApplicationError(
                _("Only a lead of a programme this grant funds can report on it.")
            )
        return None, grant
    if programme is None:
        raise ApplicationError(_("Choose the programme."), field="programme")
    if not scheduled:
        check_leads(actor=actor, programme=programme)
    return programme, None


def report_build(*, run_id: int) -> bool:
    """Build one run. Safe to run twice: the claim takes a queued run, or a running one whose
    worker died (the broker delivers it again), never a finished one; the file has a fixed name
    and is overwritten, so a second delivery replaces it and never adds a second file."""
    claimed = ReportRun.objects.filter(
        pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    ).update(status=RunStatus.RUNNING, progress=10)
    if not claimed:
        return False
    run = ReportRun.objects.select_related("programme").get(pk=run_id)
    try:
        figures = ks_figures(programme=run.programme, start=run.period_start, end=run.period_end)
        ReportRun.objects.filter(pk=run_id).update(progress=60)
        content = _csv(run, figures).encode("utf-8")
        name = _store(f"reports/run-{run.pk}.csv", content)
    except OperationalError:
        raise  # the database went away: Celery retries, and the claim takes the run again
    except Exception as exc:
        # Recorded on the run for the person who asked; logged with the run's id only.
        logger.exception("report run %s failed", run_id)
        ReportRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, error=type(exc).__name__, finished_at=timezone.now()
        )
        return False
    ReportRun.objects.filter(pk=run_id).update(
        status=RunStatus.READY,
        progress=100,
        snapshot=figures,
        csv_file=name,
        checksum=hashlib.sha256(content).hexdigest(),
        finished_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=FILES_KEPT_DAYS),
        error="",
    )
    return True


def _store(name: str, content: bytes) -> str:
    """Save under ``name``, replacing an earlier file of that name (a second delivery of the
    task): one run never has two files."""
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:  # another delivery saved the same name at the same moment
        default_storage.delete(saved)
    return name


def _csv(run: ReportRun, figures: dict) -> str:
    """The figures under their names, in the language the run was asked for."""
    from reporting.figures import category_labels, figure_labels

    with translation.override(run.language):
        names = figure_labels()
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([_("Figure"), _("Value")])
        writer.writerow([_("Programme"), spreadsheet_safe(run.programme.name)])
        writer.writerow(
            [_("Period"), f"{run.period_start.isoformat()}/{run.period_end.isoformat()}"]
        )
        for key, value in figures.items():
            name = names.get(key, key)
            if isinstance(value, dict):
                for part, count in value.items():
                    label = category_labels(key).get(part, part)
                    writer.writerow([f"{name}: {label}", count])
            else:
                writer.writerow([name, value])
        return out.getvalue()
