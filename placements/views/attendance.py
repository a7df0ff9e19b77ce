"""Attendance at the worksite: the day and the week on the arbeidsleder's phone, everyone present
at once, and the days nobody recorded."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from accounts.http import SignedInRequest
from accounts.roles import RoleRequiredMixin, Roles
from config.dates import date_from_query
from config.errors import ApplicationError
from placements.attendance import attendance_record, attendance_record_all_present, missing_days
from placements.models import AttendanceStatus
from placements.selectors import (
    AttendanceRow,
    attendance_day,
    attendance_week,
    participant_attendance,
    participant_seen_by,
    placement_for_attendance,
    supervised_worksites,
)


def _day_from(request) -> tuple[date, str | None]:
    """The day asked for in ?date=, or today; a malformed or future day falls back to today."""
    today = timezone.localdate()
    raw = request.GET.get("date") or request.POST.get("date") or ""
    day = date_from_query(raw) if raw else today
    if day is None:
        return today, _("That is not a date; showing today.")
    if day > today:
        return today, _("Attendance cannot be recorded for a day in the future; showing today.")
    return day, None


def row_words(day: date) -> dict:
    """What every attendance row shows alike, worked out once for the page rather than once a
    row: the statuses' names in the user's language, the day as the forms send it, and the
    address the missing days link to."""
    return {
        "statuses": [(value, str(label)) for value, label in AttendanceStatus.choices],
        "day_iso": day.isoformat(),
        "attendance_url": reverse("placements:attendance"),
    }


class AttendanceView(LoginRequiredMixin, RoleRequiredMixin, TemplateView):
    """The arbeidsleder's day: everyone expected at their worksites, one tap each."""

    template_name = "placements/attendance.html"

    def allowed(self, roles: Roles) -> bool:
        return roles.arbeidsleder

    def get_context_data(self, **kwargs):
        day, problem = _day_from(self.request)
        if problem:
            messages.warning(self.request, problem)
        rows = attendance_day(user=self.request.user, day=day)
        return {
            **super().get_context_data(**kwargs),
            "day": day,
            "rows": rows,
            "sites": _by_worksite(rows),
            **row_words(day),
            "today": timezone.localdate(),
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1) if day < timezone.localdate() else None,
        }


@dataclass(frozen=True)
class _Site:
    worksite: object
    rows: list
    unrecorded: int  # people expected that nobody has recorded yet: what "everyone present" does


def _by_worksite(rows: list[AttendanceRow]) -> list[_Site]:
    grouped: dict = {}
    for row in rows:
        grouped.setdefault(row.placement.worksite, []).append(row)
    return [
        _Site(site, site_rows, sum(1 for r in site_rows if r.record is None))
        for site, site_rows in grouped.items()
    ]


class AttendanceAllPresentView(LoginRequiredMixin, View):
    """POST: everyone expected at the worksite that day and not yet recorded is present."""

    def post(self, request, pk: int):
        worksite = get_object_or_404(supervised_worksites(user=request.user), pk=pk)
        day, problem = _day_from(request)
        if problem:
            messages.error(request, problem)
        else:
            try:
                n = attendance_record_all_present(actor=request.user, worksite=worksite, day=day)
            except ApplicationError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _all_present_message(n))
        return HttpResponseRedirect(f"{reverse('placements:attendance')}?date={day}")


def _all_present_message(n: int) -> str:
    if n == 0:
        return _("Everyone was already recorded; nothing was changed.")
    return ngettext(
        "%(count)d person recorded as present.", "%(count)d people recorded as present.", n
    ) % {"count": n}


class AttendanceRecordView(LoginRequiredMixin, View):
    """POST one tap; htmx gets the person's row back, a plain form gets the page."""

    def post(self, request, pk: int):
        placement = placement_for_attendance(user=request.user, pk=pk)
        day, problem = _day_from(request)
        error = problem
        if not problem:
            try:
                attendance_record(
                    actor=request.user,
                    placement=placement,
                    day=day,
                    status=request.POST.get("status", ""),
                    hours=request.POST.get("hours"),
                )
            except ApplicationError as exc:
                error = str(exc.message)
        if not request.htmx:
            if error:
                messages.error(request, error)
            return HttpResponseRedirect(f"{reverse('placements:attendance')}?date={day}")
        rows = attendance_day(user=request.user, day=day, placement=placement)
        # Not expected that day (or out of the user's list): show the message on a bare row.
        row = rows[0] if rows else AttendanceRow(placement, None, [])
        return render(
            request,
            "placements/includes/attendance_row.html",
            {
                "row": row,
                "day": day,
                **row_words(day),
                "error": error,
                "placement": placement,
                # A late arrival's hours are the next thing to write: the field gets the focus.
                "focus_hours": not error and request.POST.get("status") == "late",
            },
        )


class AttendanceWeekView(AttendanceView):
    """A week at a glance, for catching up on days nobody recorded."""

    template_name = "placements/attendance_week.html"

    def get_context_data(self, **kwargs):
        day, problem = _day_from(self.request)
        if problem:
            messages.warning(self.request, problem)
        monday = day - timedelta(days=day.weekday())
        today = timezone.localdate()
        return {
            "view": self,
            "monday": monday,
            "today": today,
            "days": [monday + timedelta(days=n) for n in range(7)],
            "rows": attendance_week(user=self.request.user, monday=monday),
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7) if monday + timedelta(days=7) <= today else None,
        }


class MissingDaysView(LoginRequiredMixin, TemplateView):
    """The days in the last two weeks nobody recorded at the person's placements, named: a
    fragment for the person page's "what needs doing" (htmx), or a page of its own."""

    request: SignedInRequest

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["placements/includes/missing_days.html"]
        return ["placements/missing_days.html"]

    def get_context_data(self, **kwargs):
        participant = participant_seen_by(user=self.request.user, pk=self.kwargs["pk"])
        rows = participant_attendance(user=self.request.user, participant=participant)
        today = timezone.localdate()
        # The one definition of a missing day (placements.attendance), over the same weeks as
        # the count on the progress card.
        missing = [
            (
                row.placement,
                missing_days(row.placement, {r.date for r in row.placement.recent}, today),
            )
            for row in rows
        ]
        return {
            **super().get_context_data(**kwargs),
            "participant": participant,
            "missing": [(placement, days) for placement, days in missing if days],
        }
