"""Requesting and building reports. Building runs in a Celery worker, never in a request."""

import hashlib
import json
import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config.errors import ApplicationError
from config.queue import send_after_commit
from programs.services import check_leads
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
    period_check(period_start, period_end)
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
    send_after_commit(report_build_task, run.pk)
    return run


EARLIEST_YEAR, LATEST_YEAR, LONGEST_DAYS = 2000, 2100, 10 * 366


def period_check(start: date | None, end: date | None) -> None:
    """A period that a report can cover: it ends after it starts, lies in this century and
    spans ten years at most."""
    if start is None or end is None or end < start:
        raise ApplicationError(_("A period cannot end before it starts."), field="period_end")
    if start.year < EARLIEST_YEAR or end.year > LATEST_YEAR:
        raise ApplicationError(
            _("Choose a period between %(first)s and %(last)s.")
            % {"first": EARLIEST_YEAR, "last": LATEST_YEAR},
            field="period_start",
        )
    if (end - start).days > LONGEST_DAYS:
        raise ApplicationError(_("A report covers ten years at most."), field="period_end")


def _subject(actor, kind: str, programme, grant, scheduled: bool) -> tuple:
    """The programme (or, for a LIM report, the grant) the report is about, checked against
    the person asking: only a lead of the programme, or of a programme the grant funds."""
    from reporting.selectors import reportable_grants

    if kind == ReportKind.LIM:
        if grant is None:
            raise ApplicationError(_("Choose the grant."), field="grant")
        if not scheduled and not reportable_grants(actor).filter(pk=grant.pk).exists():
            raise ApplicationError(
                _("Only a lead of every programme this grant funds can report on it.")
            )
        return None, grant
    if programme is None:
        raise ApplicationError(_("Choose the programme."), field="programme")
    if not scheduled:
        check_leads(actor=actor, programme=programme)
    return programme, None


def report_build(*, run_id: int) -> bool:
    """Build one run. Safe to run twice: the claim takes a queued run, or a running one whose
    worker died (the broker delivers it again), never a finished one; the files have fixed
    names and are overwritten, so a second delivery replaces them and never adds a file; only
    the delivery that marks the run ready sends the mail."""
    claimed = ReportRun.objects.filter(
        pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    ).update(status=RunStatus.RUNNING, progress=5)
    if not claimed:
        return False
    run = ReportRun.objects.select_related(
        "programme__municipality", "grant__municipality", "requested_by"
    ).get(pk=run_id)
    try:
        snapshot = report_snapshot(run)
        _progress(run_id, 30)
        names = _write_files(run, snapshot)
    except (OperationalError, InterfaceError):
        raise  # the database went away: Celery retries, and the claim takes the run again
    except Exception as exc:
        # Recorded on the run for the person who asked; logged with the run's id only.
        logger.exception("report run %s failed", run_id)
        report_fail(run_id=run_id, reason=type(exc).__name__)
        return False
    finished = ReportRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
        status=RunStatus.READY,
        progress=100,
        snapshot=snapshot,
        checksum=hashlib.sha256(_canonical(snapshot)).hexdigest(),
        finished_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=FILES_KEPT_DAYS),
        error="",
        **names,
    )
    if finished:
        transaction.on_commit(lambda: _tell_ready(run))
    return bool(finished)


def report_fail(*, run_id: int, reason: str) -> None:
    """Record a run that could not be built, and remove any file a part-way build left, so
    that no file outlives the run that names none."""
    ReportRun.objects.filter(pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).update(
        status=RunStatus.FAILED, error=reason[:500], finished_at=timezone.now()
    )
    for ext in ("pdf", "xlsx", "csv"):
        name = f"reports/run-{run_id}.{ext}"
        if default_storage.exists(name):
            default_storage.delete(name)


def _progress(run_id: int, percent: int) -> None:
    ReportRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(progress=percent)


def _canonical(snapshot: dict) -> bytes:
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False).encode("utf-8")


def report_snapshot(run: ReportRun) -> dict:
    """Every figure of the report, suppressed, with what the document says about its subject:
    frozen on the run so that the report never changes afterwards."""
    from reporting.figures import (
        KS_FIGURES,
        LIM_FIGURES,
        SUMMARY_FIGURES,
        enrollments_for,
        figures,
    )

    keys = {
        ReportKind.KS: KS_FIGURES,
        ReportKind.LIM: LIM_FIGURES,
        ReportKind.SUMMARY: SUMMARY_FIGURES,
    }[run.kind]
    programmes = list(run.grant.programmes.all()) if run.grant else [run.programme]
    data = figures(
        enrollments=enrollments_for(programmes=programmes),
        start=run.period_start,
        end=run.period_end,
        suppress=True,
    )
    return {
        "meta": _meta(run, programmes),
        "figures": {key: data["figures"][key] for key in keys},
        "series": data["series"],
        "empty": data["empty"],
    }


def _meta(run: ReportRun, programmes: list) -> dict:
    subject = run.subject
    meta = {
        "municipality": subject.municipality.name,
        "subject": subject.name,
        "programmes": sorted(p.name for p in programmes),
        "built_at": timezone.localtime().isoformat(timespec="minutes"),
    }
    if run.grant:
        meta["grant"] = {
            "funder": run.grant.funder,
            "name": run.grant.name,
            "amount": str(run.grant.amount),
            "starts_on": run.grant.starts_on.isoformat(),
            "ends_on": run.grant.ends_on.isoformat(),
            "position_share": str(run.grant.funded_position_share),
            "own_share": str(run.grant.own_contribution_percent),
        }
    return meta


def _write_files(run: ReportRun, snapshot: dict) -> dict[str, str]:
    """The PDF, the spreadsheet and the CSV, in the run's language, under fixed names."""
    from reporting.documents import render_csv, render_xlsx
    from reporting.pdf import render_pdf

    with translation.override(run.language):
        pdf = render_pdf(run, snapshot)
        _progress(run.pk, 70)
        xlsx = render_xlsx(run, snapshot)
        _progress(run.pk, 85)
        csv_content = render_csv(run, snapshot)
    base = f"reports/run-{run.pk}"
    return {
        "pdf_file": _store(f"{base}.pdf", pdf),
        "xlsx_file": _store(f"{base}.xlsx", xlsx),
        "csv_file": _store(f"{base}.csv", csv_content),
    }


def _store(name: str, content: bytes) -> str:
    """Save under ``name``, replacing an earlier file of that name (a second delivery of the
    task): one run never has two files of a kind."""
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:  # another delivery saved the same name at the same moment
        default_storage.delete(saved)
    return name


def _tell_ready(run: ReportRun) -> None:
    """A mail with a link to the run: what report, never a figure or a name."""
    from reporting.notifications import report_ready_send

    report_ready_send(run=run)


def report_download(*, user, run: ReportRun, fmt: str):
    """Open one of the run's files for the user and record that they took it."""
    from reporting.models import ReportDownload, ReportFormat

    field = getattr(run, f"{fmt}_file", None) if fmt in ReportFormat.values else None
    if run.status != RunStatus.READY or not field:
        raise ApplicationError(_("This report has no such file."))
    try:
        handle = field.open("rb")
    except OSError as exc:  # gone from storage, or being replaced by a second delivery
        raise ApplicationError(
            _("This report's file is not there any more. Build the report again.")
        ) from exc
    ReportDownload.objects.create(run=run, user=user, format=fmt)
    return handle
