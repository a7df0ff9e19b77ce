from datetime import date
from typing import Any

from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from programs.models import Cohort, Grant, Programme, TargetMetric
from programs.selectors import led_programmes
from reporting.documents import figure_sections
from reporting.figures import figures
from reporting.formatting import value_text
from reporting.models import GRANT_KINDS, DataExport, FunderProfile, ReportRun, RunStatus
from reporting.profiles import SUMMARY_FIGURES, Audience, TargetStatus
from reporting.targets import subject_life, subject_targets, target_rows


def reportable_grants(user: User) -> QuerySet[Grant]:
    """Grants whose every funded programme the user leads (``Grant.objects.led_wholly_by``)."""
    return Grant.objects.led_wholly_by(user)


def report_runs(*, user: User) -> QuerySet[ReportRun]:
    """Runs of programmes the user leads, and of grants whose programmes they all lead (a
    lead who leaves a programme loses them)."""
    return ReportRun.objects.filter(
        Q(programme__in=led_programmes(user)) | Q(grant__in=reportable_grants(user))
    ).select_related("programme__municipality", "grant__municipality", "requested_by")


def report_run_get(*, user: User, pk: int) -> ReportRun:
    return get_object_or_404(report_runs(user=user), pk=pk)


def report_versions(*, run: ReportRun) -> list[ReportRun]:
    """Every version of the run's report, oldest first, in one query: versions share their
    subject, kind and period, and each corrects the one before it. Empty for a report with
    one version."""
    same = list(
        ReportRun.objects.filter(
            kind=run.kind,
            programme=run.programme_id,
            grant=run.grant_id,
            period_start=run.period_start,
            period_end=run.period_end,
        ).only("pk", "corrects_id", "edition", "created_at", "submitted_on")
    )
    by_pk = {r.pk: r for r in same}
    by_corrected = {r.corrects_id: r for r in same if r.corrects_id}
    first = by_pk.get(run.pk, run)
    while first.corrects_id in by_pk:
        first = by_pk[first.corrects_id]
    versions: list[ReportRun] = []
    current: ReportRun | None = first
    while current is not None:
        versions.append(current)
        current = by_corrected.get(current.pk)
    return versions if len(versions) > 1 else []


def funder_profiles(*, user: User) -> QuerySet[FunderProfile]:
    """The report profiles of the user's municipality, for a programme lead."""
    if user.municipality_id is None or not led_programmes(user).exists():
        return FunderProfile.objects.none()
    return FunderProfile.objects.filter(municipality_id=user.municipality_id).order_by("name")


def dashboard_choices(*, user: User) -> tuple[list[Programme], list[tuple[int, str]]]:
    """The programmes the user leads, by name, and their cohorts as (id, "programme · cohort"),
    as ``led_cohorts`` orders and names them: in one query (a row per programme and cohort)."""
    rows = (
        led_programmes(user)
        .annotate(cohort_pk=F("cohorts__pk"), cohort_name=F("cohorts__name"))
        .order_by("name", "pk", "cohorts__name", "cohorts__pk")
    )
    programmes: dict[int, Programme] = {}
    cohorts: list[tuple[int, str]] = []
    for row in rows:
        programmes.setdefault(row.pk, row)
        if row.cohort_pk is not None:
            cohorts.append((row.cohort_pk, f"{row} · {row.cohort_name}"))
    return list(programmes.values()), cohorts


def led_cohorts(*, user: User) -> QuerySet[Cohort]:
    return (
        Cohort.objects.filter(programme__in=led_programmes(user))
        .select_related("programme")
        .order_by("programme__name", "name")
    )


def dashboard_figures(
    *, programme: Programme, cohort: Cohort | None, period_start: date, period_end: date
) -> dict[str, Any]:
    """The programme summary's figures, exact and live, in a fixed number of queries; the
    caller has checked that the user leads the programme (the form offers no other)."""
    # As in the reports: a period that runs past today is counted to today.
    period_end = min(period_end, timezone.localdate())
    life = subject_life(programme, [programme])
    drawn = (max(period_start, life[0] or period_start), min(period_end, life[1] or period_end))
    data = figures(
        programmes=[programme],
        cohort=cohort,
        start=period_start,
        end=period_end,
        suppress=False,
        drawn=drawn,
    )
    snapshot = {
        "figures": {key: data["figures"][key] for key in SUMMARY_FIGURES},
        "series": data["series"],
    }
    targets = subject_targets(programme) if cohort is None else []
    return {
        "figures": snapshot["figures"],
        "sections": figure_sections(snapshot),
        "targets": [
            target_display(row)
            for row in target_rows(targets=targets, data=data, life=life, end=period_end)
        ],
        "empty": data["empty"],
    }


def data_exports(*, user: User) -> QuerySet[DataExport]:
    """The user's own exports: a file of people is for the person who asked, no one else."""

    return DataExport.objects.filter(requested_by=user).select_related("programme")


def data_export_get(*, user: User, pk: int) -> DataExport:
    return get_object_or_404(data_exports(user=user), pk=pk)


RECENT_RUNS = 30


def latest_targets(*, user: User) -> list[dict[str, Any]]:
    """Per programme or grant the user leads, the targets as its newest report froze them
    (target, result, status), with when and for what period: one query over the latest runs.
    The dashboard shows them live; a home page cannot afford the figures of a whole city."""
    runs = (
        report_runs(user=user)
        .filter(status=RunStatus.READY, audience=Audience.RECIPIENT)
        .order_by("-finished_at", "-pk")
        .select_related(None)
        .only("pk", "kind", "programme", "grant", "snapshot", "finished_at", "period_start")
    )[:RECENT_RUNS]
    seen: set[tuple[bool, int | None]] = set()
    result: list[dict[str, Any]] = []
    for run in runs:
        subject = (run.kind in GRANT_KINDS, run.grant_id or run.programme_id)
        targets = (run.snapshot or {}).get("targets") or []
        if subject in seen or not targets:
            continue
        seen.add(subject)
        meta = run.snapshot.get("meta", {})
        result.append({"run": run, "meta": meta, "targets": [target_display(t) for t in targets]})
    return result


def target_display(row: dict[str, Any]) -> dict[str, Any]:
    """A target row with its metric's name, its result as shown and its status's name."""
    metrics, statuses = dict(TargetMetric.choices), dict(TargetStatus.choices)
    return {
        **row,
        "label": metrics.get(row.get("metric", ""), row.get("metric")),
        "shown": value_text(row.get("result")),
        "status_label": statuses.get(row.get("status", ""), "…"),
    }
