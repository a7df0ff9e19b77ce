from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from accounts.roles import Roles
from config.errors import ApplicationError
from config.views import RoleRequiredMixin
from placements.attendance import attendance_record
from placements.models import AttendanceStatus
from placements.selectors import (
    AttendanceRow,
    attendance_day,
    placement_for_attendance,
    worksite_get,
    worksite_list,
    worksite_placements,
)


class WorksiteListView(LoginRequiredMixin, ListView):
    template_name = "placements/worksite_list.html"
    context_object_name = "worksites"
    paginate_by = 50

    def get_queryset(self):
        return worksite_list(user=self.request.user)


class WorksiteDetailView(LoginRequiredMixin, TemplateView):
    template_name = "placements/worksite_detail.html"

    def get_context_data(self, **kwargs):
        worksite = worksite_get(user=self.request.user, pk=self.kwargs["pk"])
        placements = worksite_placements(user=self.request.user, worksite=worksite)
        return {
            **super().get_context_data(**kwargs),
            "worksite": worksite,
            "placements": placements,
        }


def _day_from(request) -> tuple[date, str | None]:
    """The day asked for in ?date=, or today; a malformed or future day falls back to today."""
    today = timezone.localdate()
    raw = request.GET.get("date") or request.POST.get("date") or ""
    try:
        day = parse_date(raw) if raw else today
    except ValueError:
        day = None
    if day is None:
        return today, _("That is not a date; showing today.")
    if day > today:
        return today, _("Attendance cannot be recorded for a day in the future; showing today.")
    return day, None


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
            "statuses": AttendanceStatus.choices,
            "today": timezone.localdate(),
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1) if day < timezone.localdate() else None,
        }


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
        row = next(
            (
                r
                for r in attendance_day(user=request.user, day=day)
                if r.placement.pk == placement.pk
            ),
            # Not expected that day (or out of the user's list): show the message on a bare row.
            AttendanceRow(placement, None, []),
        )
        return render(
            request,
            "placements/includes/attendance_row.html",
            {
                "row": row,
                "day": day,
                "statuses": AttendanceStatus.choices,
                "error": error,
                "placement": placement,
            },
        )
