"""Report drafts made by the schedule: the monthly KS draft and the LIM draft before each grant
deadline. A draft has no requester; the programme's leads are told when it is ready."""

import logging
from datetime import date, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.models import ProgrammeRole
from programs.models import Grant, Programme, ReportDeadline
from reporting.models import GRANT_KINDS, ReportKind, ReportRun
from reporting.profiles import grant_report_kind
from reporting.services import report_request

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _Previous(TypedDict):
    previous_due_on: date | None


LIM_DRAFT_DAYS_AHEAD = 14
logger = logging.getLogger(__name__)


def previous_month(today: date) -> tuple[date, date]:
    """The first and last day of the calendar month before ``today``'s."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def ks_draft_programmes(*, start: date, end: date) -> QuerySet[Programme]:
    """Programmes with at least one lead that ran at some time between ``start`` and ``end``
    (an open start or end counts as running)."""
    return (
        Programme.objects.filter(memberships__role=ProgrammeRole.PROGRAMME_LEAD)
        .filter(Q(starts_on__isnull=True) | Q(starts_on__lte=end))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .select_related("municipality")
        .distinct()
        .order_by("pk")
    )


def ks_drafts_create(*, today: date | None = None) -> int:
    """A KS draft for the previous calendar month for every running programme that has a
    lead, in its municipality's language (beat: the 1st of each month). Returns how many
    were queued; safe to run twice (see ``_draft_once``)."""
    start, end = previous_month(today or timezone.localdate())
    made = 0
    for programme in ks_draft_programmes(start=start, end=end):
        # KS «Inn i jobb» is a Norwegian funder's report; elsewhere the programme summary.
        kind = ReportKind.KS if programme.municipality.country == "NO" else ReportKind.SUMMARY
        made += _draft_once(subject=programme, kind=kind, start=start, end=end)
    return made


def lim_draft_deadlines(*, today: date) -> "QuerySet[WithAnnotations[ReportDeadline, _Previous]]":
    """Deadlines exactly ``LIM_DRAFT_DAYS_AHEAD`` days ahead, each with the one before it of
    the same grant (``previous_due_on``, or None for the first)."""
    earlier = ReportDeadline.objects.filter(
        grant=OuterRef("grant"), due_on__lt=OuterRef("due_on")
    ).order_by("-due_on")
    return (
        ReportDeadline.objects.filter(due_on=today + timedelta(days=LIM_DRAFT_DAYS_AHEAD))
        .annotate(previous_due_on=Subquery(earlier.values("due_on")[:1]))
        .select_related("grant__municipality")
        .order_by("pk")
    )


def lim_drafts_create(*, today: date | None = None) -> int:
    """A LIM draft for each grant with a report deadline two weeks from ``today`` (beat:
    daily), covering the time since the previous deadline of that grant (or the grant's start)
    up to today, within the grant. Returns how many were queued; safe to run twice (see
    ``_draft_once``)."""
    today = today or timezone.localdate()
    made = 0
    for deadline in lim_draft_deadlines(today=today):
        grant = deadline.grant
        start = (
            deadline.previous_due_on + timedelta(days=1)
            if deadline.previous_due_on
            else grant.starts_on
        )
        start, end = max(start, grant.starts_on), min(today, grant.ends_on)
        if end < start:
            logger.info("no LIM draft for deadline %s: the period is empty", deadline.pk)
            continue
        kind = grant_report_kind(grant.municipality.country)
        made += _draft_once(subject=grant, kind=kind, start=start, end=end)
    return made


def _draft_once(*, subject: Programme | Grant, kind: str, start: date, end: date) -> int:
    """Queue a scheduled draft, in the language of the subject's municipality, unless one for
    the same subject, kind and period exists. The subject's row is locked while it looks, so
    two runs at once make one draft. (A unique constraint on the run would say the same in the
    database; that is a change to ``ReportRun`` the schedule was not to make.)"""
    field = "grant" if kind in GRANT_KINDS else "programme"
    with transaction.atomic():
        type(subject).objects.select_for_update().get(pk=subject.pk)
        exists = ReportRun.objects.filter(
            scheduled=True, kind=kind, period_start=start, period_end=end, **{field: subject}
        ).exists()
        if exists:
            return 0
        report_request(
            actor=None,
            kind=kind,
            period_start=start,
            period_end=end,
            language=subject.municipality.default_language,
            scheduled=True,
            programme=subject if isinstance(subject, Programme) else None,
            grant=subject if isinstance(subject, Grant) else None,
        )
    return 1
