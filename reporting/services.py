"""Requesting and building reports. Building runs in a Celery worker, never in a request."""

import hashlib
import json
from collections.abc import Container
from datetime import date, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import ChangeAction
from audit.services import change_record, snapshot
from config.errors import ApplicationError
from config.generated import (
    file_store,
    generated_build,
    generated_claim,
    generated_fail,
    generated_finish,
    generated_progress,
)
from config.queue import send_after_commit
from config.replica import replica_reads
from programs.models import Grant, Programme, deadline_status
from programs.selectors import grant_money, led_programmes
from programs.services import check_leads
from reporting.documents import render_csv, render_xlsx
from reporting.figures import (
    CHARACTERISTICS,
    figure_labels,
    figures,
)
from reporting.models import (
    GRANT_KINDS,
    FunderProfile,
    ReportDownload,
    ReportFormat,
    ReportKind,
    ReportRun,
    RunStatus,
)
from reporting.notifications import report_ready_send
from reporting.pdf import render_pdf
from reporting.profiles import (
    NARRATIVE_SECTIONS,
    Audience,
    Profile,
    profile_of,
    shipped_profiles,
    twice_broken_down,
)
from reporting.selectors import reportable_grants
from reporting.targets import subject_life, subject_targets, target_rows

FILES_KEPT_DAYS = 30


NARRATIVE_FIELDS = {key: f"narrative_{key}" for key in NARRATIVE_SECTIONS}
NARRATIVE_MAX = 5000


def report_request(
    *,
    actor: User | None,
    kind: str,
    period_start: date | None,
    period_end: date | None,
    programme: Programme | None = None,
    grant: Grant | None = None,
    language: str = "nb",
    audience: str = Audience.RECIPIENT,
    profile: FunderProfile | None = None,
    scheduled: bool = False,
    from_shell: bool = False,
    **narrative: str,
) -> ReportRun:
    """Queue a report; the task is sent only once the transaction has committed. A scheduled
    draft has no actor: the programme's leads are told when it is ready. ``profile``: a lead's
    own profile, whose kind the run takes; ``narrative``: ``narrative_<section>`` texts.
    ``from_shell``: asked for by an operator on the server (``build_report``), who builds it there
    and then: no actor, nothing queued."""
    if profile is not None:
        kind = profile.kind if from_shell else _profile_check(actor, profile)
    if kind not in ReportKind.values:
        raise ApplicationError(_("Choose a report."), field="kind")
    period_start, period_end = period_check(period_start, period_end)
    if period_start > timezone.localdate():
        raise ApplicationError(
            _("The period has not begun yet: a report covers days that have passed."),
            field="period_start",
        )
    if language not in dict(settings.LANGUAGES):
        raise ApplicationError(_("Choose a language."), field="language")
    if audience not in Audience.values:
        raise ApplicationError(_("Choose who the report is for."), field="audience")
    programme, grant = report_subject(actor, kind, programme, grant, scheduled or from_shell)
    subject = grant or programme
    if subject is None:  # report_subject has refused that already
        raise ApplicationError(_("Choose the programme."), field="programme")
    country = subject.municipality.country
    if profile is None and kind not in shipped_profiles(country):
        raise ApplicationError(
            _("This report is for Norwegian funders. Choose another report."), field="kind"
        )
    return report_run_create(
        enqueue=not from_shell,
        kind=kind,
        programme=programme,
        grant=grant,
        period_start=period_start,
        period_end=period_end,
        language=language,
        audience=audience,
        profile=profile,
        requested_by=actor,
        scheduled=scheduled,
        **narrative_clean(narrative),
    )


def report_run_create(*, enqueue: bool = True, **values: Any) -> ReportRun:
    from reporting.tasks import report_build_task  # the tasks module imports this one

    run = ReportRun.objects.create(**values)
    if enqueue:
        send_after_commit(report_build_task, run.pk)
    return run


def narrative_clean(texts: dict[str, str]) -> dict[str, str]:
    """The narrative fields from ``narrative_<section>`` texts, trimmed; unknown names refused."""
    unknown = set(texts) - set(NARRATIVE_FIELDS.values())
    if unknown:
        raise ApplicationError(_("Unknown narrative section."))
    return {name: (texts.get(name) or "").strip()[:NARRATIVE_MAX] for name in texts}


def _profile_check(actor: User | None, profile: FunderProfile) -> str:
    if actor is None or profile.municipality_id != actor.municipality_id:
        raise ApplicationError(_("Choose one of your municipality's profiles."), field="profile")
    return profile.kind


EARLIEST_YEAR, LATEST_YEAR, LONGEST_DAYS = 2000, 2100, 10 * 366


def period_check(start: date | None, end: date | None) -> tuple[date, date]:
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
    return start, end


def report_subject(
    actor: User | None,
    kind: str,
    programme: Programme | None,
    grant: Grant | None,
    scheduled: bool,
) -> tuple[Programme | None, Grant | None]:
    """The programme (or, for a LIM report, the grant) the report is about, checked against
    the person asking: only a lead of the programme, or of a programme the grant funds."""

    if kind in GRANT_KINDS:
        if grant is None:
            raise ApplicationError(_("Choose the grant."), field="grant")
        if not scheduled and (
            actor is None or not reportable_grants(actor).filter(pk=grant.pk).exists()
        ):
            raise ApplicationError(
                _("Only a lead of every programme this grant funds can report on it.")
            )
        return None, grant
    if programme is None:
        raise ApplicationError(_("Choose the programme."), field="programme")
    if not scheduled:
        if actor is None:  # nobody leads it for a request without a person
            raise ApplicationError(_("Only the programme's lead can change it."))
        check_leads(actor=actor, programme=programme)
    return programme, None


def report_build(*, run_id: int, notify: bool = True) -> bool:
    """Build one run. Safe to run twice: the claim takes a queued run, or a running one whose
    worker died (the broker delivers it again), never a finished or submitted one; the files
    have fixed names and are overwritten, so a second delivery replaces them and never adds a
    file; only the delivery that marks the run ready sends the mail (``notify``: the demo's
    own reports, which nobody asked for, send none)."""
    unsubmitted = ReportRun.objects.filter(submitted_on__isnull=True)
    if not generated_claim(unsubmitted, run_id, progress=5):
        return False
    run = ReportRun.objects.select_related(
        "programme__municipality", "grant__municipality", "requested_by", "profile", "corrects"
    ).get(pk=run_id)
    fail = partial(report_fail, run_id=run_id)
    built = generated_build(lambda: _build(run), fail=fail, label=f"report run {run_id}")
    if built is None:
        return False
    snapshot, names = built
    finished = generated_finish(
        ReportRun,
        run_id,
        kept=timedelta(days=FILES_KEPT_DAYS),
        progress=100,
        snapshot=snapshot,
        checksum=hashlib.sha256(_canonical(snapshot)).hexdigest(),
        **names,
    )
    if finished and notify:
        transaction.on_commit(lambda: _tell_ready(run))
    return finished


def _build(run: ReportRun) -> tuple[dict[str, Any], dict[str, str]]:
    # The figures and the documents read the replica when there is one and it holds every
    # write made before the build began (docs/scaling.md); the progress is written as ever.
    with replica_reads():
        snapshot = report_snapshot(run)
        generated_progress(ReportRun, run.pk, 30)
        return snapshot, _write_files(run, snapshot)


def report_fail(*, run_id: int, reason: str) -> None:
    """Record a run that could not be built, and remove any file a part-way build left, so
    that no file outlives the run that names none."""
    files = [f"reports/run-{run_id}.{ext}" for ext in ("pdf", "xlsx", "csv")]
    generated_fail(ReportRun, run_id, reason=reason, files=files)


def _canonical(snapshot: dict[str, Any]) -> bytes:
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False).encode("utf-8")


def report_snapshot(run: ReportRun, *, today: date | None = None) -> dict[str, Any]:
    """Every figure of the report as its audience may see it, with what the document says
    about its subject: frozen on the run so that the report never changes afterwards. A
    period that runs past today is cut at today."""
    today = today or timezone.localdate()
    profile = profile_of(run)
    if run.grant is not None:
        programmes = list(run.grant.programmes.all())
    else:
        programmes = [run.programme] if run.programme is not None else []
    end = min(run.period_end, today)
    life = subject_life(run.subject, programmes)
    drawn = (max(run.period_start, life[0] or run.period_start), min(end, life[1] or end))
    data = figures(
        programmes=programmes,
        start=run.period_start,
        end=end,
        suppress=True,
        audience=run.audience,
        threshold=run.subject.municipality.disclosure_threshold,
        drawn=drawn,
    )
    shown = {key: data["figures"][key] for key in profile.figures}
    snapshot = {
        "meta": _meta(run, programmes, profile, end=end, drawn=drawn),
        "figures": shown,
        "series": profile_series(data["series"], profile.figures),
        "targets": target_rows(targets=subject_targets(run.subject), data=data, life=life, end=end),
        "narrative": [
            {"key": key, "text": getattr(run, NARRATIVE_FIELDS[key])} for key in profile.narrative
        ],
        "changes": figure_changes(run.corrects.snapshot, shown) if run.corrects else [],
        "empty": data["empty"],
    }
    snapshot.update(grant_parts(run, end=end, today=today))
    return snapshot


# The chart drawn beside each figure: a profile without the figure has no chart of it.
SERIES_FIGURES = {
    "participants_over_time": "participants",
    "attendance_rate": "attendance_rate",
    "module_progress": "modules_passed",
    "outcomes": "outcomes",
}


def profile_series(series: dict[str, Any], figures: Container[str]) -> dict[str, Any]:
    return {key: points for key, points in series.items() if SERIES_FIGURES.get(key) in figures}


def grant_parts(run: ReportRun, *, end: date, today: date) -> dict[str, Any]:
    """The money and the deadlines of a grant report; nothing for a programme's."""
    if run.grant is None:
        return {}
    deadlines = [
        {
            "label": deadline.label,
            "due_on": deadline.due_on.isoformat(),
            "status": deadline_status(deadline, today),
            "submitted_on": deadline.submitted_on.isoformat() if deadline.submitted_on else None,
        }
        for deadline in run.grant.deadlines.order_by("due_on", "pk")
    ]
    return {
        "money": grant_money(grant=run.grant, start=run.period_start, end=end),
        "deadlines": deadlines,
    }


def figure_changes(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """What changed between the submitted version's figures and this one's, cell by cell."""
    changes = []
    for key in dict.fromkeys([*before.get("figures", {}), *after]):
        old, new = before.get("figures", {}).get(key), after.get(key)
        if key in CHARACTERISTICS and old != new:
            # Cell by cell, two versions of a breakdown by a personal characteristic would
            # give away the one person who moved: it is said to have changed, no more.
            changes.append(_change(key, None, None, None))
        elif isinstance(old, dict) or isinstance(new, dict):
            old, new = old if isinstance(old, dict) else {}, new if isinstance(new, dict) else {}
            for category in dict.fromkeys([*old, *new]):
                if old.get(category) != new.get(category):
                    changes.append(_change(key, category, old.get(category), new.get(category)))
        elif old != new:
            changes.append(_change(key, None, old, new))
    return changes


def _change(figure: str, category: str | None, before: object, after: object) -> dict[str, Any]:
    return {"figure": figure, "category": category, "before": before, "after": after}


def _meta(
    run: ReportRun,
    programmes: list[Programme],
    profile: Profile,
    *,
    end: date,
    drawn: tuple[date, date],
) -> dict[str, Any]:
    subject = run.subject
    municipality = subject.municipality
    meta = {
        "municipality": municipality.name,
        "country": municipality.country,
        "currency": "SEK" if municipality.country == "SE" else "NOK",
        "subject": subject.name,
        "programmes": sorted(p.name for p in programmes),
        "profile": {
            "key": profile.key,
            "name": profile.name,
            "funder": profile.funder or getattr(subject, "funder", ""),
            "recipient": profile.funder or getattr(subject, "funder", ""),
        },
        "audience": run.audience,
        "threshold": municipality.disclosure_threshold,
        "period": {
            "start": run.period_start.isoformat(),
            "end": end.isoformat(),
            "requested_end": run.period_end.isoformat(),
            "cut_at_today": end < run.period_end,
        },
        "months": {"first": drawn[0].replace(day=1).isoformat(), "last": drawn[1].isoformat()},
        "built_at": timezone.localtime().isoformat(timespec="minutes"),
        "version": run.edition,
        "corrects": _corrected(run.corrects),
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


def _corrected(run: ReportRun | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {
        "run": run.pk,
        "version": run.edition,
        "submitted_on": run.submitted_on.isoformat() if run.submitted_on else None,
        "submitted_to": run.submitted_to,
    }


def report_files_rewrite(*, run_id: int) -> bool:
    """Write a finished run's files again from its frozen snapshot, after a person's name was
    blotted from the lead's words in it (privacy/erasure.py): the figures stay as they
    were, the files and the checksum follow the snapshot. A run without files is left."""
    run = ReportRun.objects.select_related(
        "programme__municipality", "grant__municipality", "profile", "corrects"
    ).get(pk=run_id)
    if run.status != RunStatus.READY or not run.pdf_file:
        return False
    names = _write_files(run, run.snapshot)
    checksum = hashlib.sha256(_canonical(run.snapshot)).hexdigest()
    ReportRun.objects.filter(pk=run_id).update(checksum=checksum, **names)
    return True


def _write_files(run: ReportRun, snapshot: dict[str, Any]) -> dict[str, str]:
    """The PDF, the spreadsheet and the CSV, in the run's language, under fixed names."""

    with translation.override(run.language):
        pdf = render_pdf(run, snapshot)
        generated_progress(ReportRun, run.pk, 70)
        xlsx = render_xlsx(run, snapshot)
        generated_progress(ReportRun, run.pk, 85)
        csv_content = render_csv(run, snapshot)
    base = f"reports/run-{run.pk}"
    return {
        "pdf_file": file_store(f"{base}.pdf", pdf),
        "xlsx_file": file_store(f"{base}.xlsx", xlsx),
        "csv_file": file_store(f"{base}.csv", csv_content),
    }


def _tell_ready(run: ReportRun) -> None:
    """A mail with a link to the run: what report, never a figure or a name."""

    report_ready_send(run=run)


def report_download(*, user: User, run: ReportRun, fmt: str) -> FieldFile:
    """Open one of the run's files for the user and record that they took it."""

    field: FieldFile | None = (
        getattr(run, f"{fmt}_file", None) if fmt in ReportFormat.values else None
    )
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


def profile_save(
    *, actor: User, name: str, funder: str, kind: str, figures: list[str], narrative: list[str]
) -> FunderProfile:
    """A lead's own funder profile from the figures Fotfeste has. One breakdown per personal
    characteristic: the reached and the recruited by gender side by side would let a reader
    subtract one from the other and learn about the few who continued."""
    municipality = actor.municipality
    if municipality is None or not led_programmes(actor).exists():
        raise ApplicationError(_("Only a programme lead makes report profiles."))
    name, funder = (name or "").strip(), (funder or "").strip()
    if not name or not funder:
        raise ApplicationError(_("Give the profile a name and a funder."), field="name")
    if kind not in (ReportKind.GRANT, ReportKind.SUMMARY):
        raise ApplicationError(_("Choose what the report is built for."), field="kind")
    if not figures:
        raise ApplicationError(_("Choose at least one figure."), field="figures")
    known = figure_labels()
    if set(figures) - set(known) or set(narrative) - set(NARRATIVE_SECTIONS):
        raise ApplicationError(_("Choose figures and sections from the lists."), field="figures")
    trait = twice_broken_down(figures)
    if trait is not None:
        raise ApplicationError(
            _("Choose one breakdown by %(trait)s: reached or recruited, not both.")
            % {"trait": _("gender") if trait == "gender" else _("age")},
            field="figures",
        )
    if FunderProfile.objects.filter(municipality=municipality, name__iexact=name).exists():
        raise ApplicationError(
            _("Your municipality already has a profile by this name."), field="name"
        )
    with transaction.atomic():
        profile = FunderProfile.objects.create(
            municipality=municipality,
            name=name[:150],
            funder=funder[:150],
            kind=kind,
            figures=[key for key in known if key in figures],
            narrative=[key for key in NARRATIVE_SECTIONS if key in narrative],
            created_by=actor,
        )
        change_record(
            actor=actor,
            instance=profile,
            action=ChangeAction.CREATE,
            after=snapshot(profile, ["name", "funder", "kind", "figures", "narrative"]),
        )
    return profile
