from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import ListView, TemplateView

from accounts.roles import RoleRequiredMixin, Roles
from config.dates import date_from_query
from config.errors import ApplicationError
from config.pagecache import ISO_DATE, JOURNAL_AND_JOBS, PageCacheMixin
from config.views import ServiceFormView
from participants.access import CaseAccessMixin
from participants.models import Enrollment, EnrollmentStatus
from participants.routes import qualification_offered
from participants.selectors import enrollment_get
from participants.services import EXIT_STATUSES, TRANSITIONS, enrollment_change_status
from placements.attendance import attendance_record, attendance_record_all_present, missing_days
from placements.exits import enrollment_exit, enrollment_exit_check, exit_open_work
from placements.forms import (
    CapacityForm,
    EnrollmentStatusForm,
    FagproveForm,
    PathForm,
    PlacementEndForm,
    PlacementForm,
    ProgressForm,
    ReplyForm,
    WorksiteEditForm,
    WorksiteForm,
)
from placements.models import AttendanceStatus, ExamResult
from placements.progress import progress_reply, progress_write
from placements.qualification import (
    fagprove_record,
    module_sign_off,
    module_sign_off_undo,
    path_create,
)
from placements.selectors import (
    AttendanceRow,
    attendance_day,
    attendance_week,
    capacity_by_week,
    cohort_module_progress,
    module_progress_get,
    participant_attendance,
    participant_paths,
    participant_progress,
    participant_seen_by,
    path_get,
    placement_for_attendance,
    progress_entry_get,
    supervised_worksites,
    worksite_get,
    worksite_list,
    worksite_placements,
)
from placements.services import (
    CapacityWarning,
    capacity_set,
    placement_end,
    placement_start,
    worksite_create,
    worksite_update,
)
from programs.selectors import cohort_get


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
    day = date_from_query(raw) if raw else today
    if day is None:
        return today, _("That is not a date; showing today.")
    if day > today:
        return today, _("Attendance cannot be recorded for a day in the future; showing today.")
    return day, None


class AttendanceView(LoginRequiredMixin, RoleRequiredMixin, PageCacheMixin, TemplateView):
    """The arbeidsleder's day: everyone expected at their worksites, one tap each."""

    template_name = "placements/attendance.html"
    page_cache_ignores = JOURNAL_AND_JOBS
    page_cache_query = {"date": ISO_DATE}

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
            "statuses": AttendanceStatus.choices,
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
                # A late arrival's hours are the next thing to write: the field gets the focus.
                "focus_hours": not error and request.POST.get("status") == "late",
            },
        )


class ProgressListView(LoginRequiredMixin, TemplateView):
    """A person's progress entries with their replies: a fragment for htmx on the person's page,
    or a page of its own."""

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["placements/includes/progress.html"]
        return ["placements/progress.html"]

    def get_context_data(self, **kwargs):
        participant = participant_seen_by(user=self.request.user, pk=self.kwargs["pk"])
        return {
            **super().get_context_data(**kwargs),
            "participant": participant,
            "entries": participant_progress(user=self.request.user, participant=participant),
            "attendance": participant_attendance(user=self.request.user, participant=participant),
            "reply_form": ReplyForm(),
        }


class ProgressCreateView(LoginRequiredMixin, ServiceFormView):
    template_name = "placements/progress_form.html"
    form_class = ProgressForm
    success_message = gettext_lazy("The progress entry has been saved.")

    @cached_property
    def placement(self):
        return placement_for_attendance(user=self.request.user, pk=self.kwargs["pk"])

    def perform(self, form):
        return progress_write(
            actor=self.request.user, placement=self.placement, **form.cleaned_data
        )

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "placement": self.placement,
            "participant": self.placement.enrollment.participant,
        }

    def get_success_url(self) -> str:
        return _at_entry(self.result)


class ProgressReplyView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        entry = progress_entry_get(user=request.user, pk=pk)
        form = ReplyForm(request.POST)
        try:
            if not form.is_valid():
                raise ApplicationError(_("Write a few words."))
            progress_reply(actor=request.user, entry=entry, text=form.cleaned_data["text"])
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        return HttpResponseRedirect(_at_entry(entry))


def _at_entry(entry) -> str:
    """The person's progress page, opened at the entry just written or replied to (on the
    person's own page the entries arrive after the page, too late for the browser to scroll)."""
    participant_id = entry.placement.enrollment.participant_id
    return f"{reverse('placements:progress', kwargs={'pk': participant_id})}#entry-{entry.pk}"


class PlacementCreateView(CaseAccessMixin, ServiceFormView):
    """A caseworker places a person they follow at one of the municipality's worksites."""

    template_name = "placements/placement_form.html"
    form_class = PlacementForm
    success_message = gettext_lazy("The placement has been registered.")

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "participant": self.seen.participant,
        }

    def get_initial(self):
        return {"starts_on": timezone.localdate()}

    def perform(self, form):
        data = dict(form.cleaned_data)
        data["schedule_days"] = "".join(data["schedule_days"])
        try:
            return placement_start(actor=self.request.user, **data)
        except CapacityWarning as exc:
            self.capacity_warning = exc
            raise

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "participant": self.seen.participant,
            "capacity_warning": getattr(self, "capacity_warning", None),
        }

    def get_success_url(self) -> str:
        return reverse("participants:detail", kwargs={"pk": self.seen.participant.pk})


class QualificationView(LoginRequiredMixin, TemplateView):
    """A person's road to a fagbrev: a fragment for htmx on their page, or a page of its own."""

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["placements/includes/qualification.html"]
        return ["placements/qualification.html"]

    def get_context_data(self, **kwargs):
        participant = participant_seen_by(user=self.request.user, pk=self.kwargs["pk"])
        if not qualification_offered(participant=participant):
            raise Http404
        return {
            **super().get_context_data(**kwargs),
            "participant": participant,
            "paths": participant_paths(user=self.request.user, participant=participant),
            "case_access": Enrollment.objects.visible_to(self.request.user)
            .filter(participant=participant)
            .exists(),
        }


class PathCreateView(PlacementCreateView):
    template_name = "placements/path_form.html"
    form_class = PathForm
    success_message = gettext_lazy("The qualification path has been registered.")

    def perform(self, form):
        return path_create(actor=self.request.user, **form.cleaned_data)


class ModuleSignOffView(LoginRequiredMixin, View):
    """Signing a module off is two steps, with or without JavaScript: the result's button opens
    a page that says what will be recorded, and only its confirmation records it."""

    def get(self, request, pk: int):
        path = path_get(user=request.user, pk=pk)
        module = _module_of(path, request.GET.get("module"))
        result = request.GET.get("result", "")
        if module is None or result not in ExamResult.values:
            raise Http404
        return _sign_off_confirm(request, path, module, result)

    def post(self, request, pk: int):
        path = path_get(user=request.user, pk=pk)
        module = _module_of(path, request.POST.get("module"))
        result = request.POST.get("result", "")
        if module is not None and result in ExamResult.values and not request.POST.get("confirm"):
            return _sign_off_confirm(request, path, module, result)
        try:
            if module is None:
                raise ApplicationError(_("The module does not belong to this trade."))
            module_sign_off(actor=request.user, path=path, module=module, result=result)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request, _("The module has been signed off. You can undo it within 24 hours.")
            )
        return _to_qualification(path)


class ModuleSignOffUndoView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        progress = module_progress_get(user=request.user, pk=pk)
        try:
            module_sign_off_undo(actor=request.user, progress=progress)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The sign-off has been undone; the module is open again."))
        return _to_qualification(progress.path)


def _module_of(path, raw):
    return path.track.modules.filter(pk=_id(raw)).first()


def _sign_off_confirm(request, path, module, result: str):
    """The question, once the service has found nothing against the sign-off (an anonymised
    record, a module already passed): that is said at once, not after the confirmation."""
    try:
        _dry_run(
            lambda: module_sign_off(actor=request.user, path=path, module=module, result=result)
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return _to_qualification(path)
    context = {
        "path": path,
        "module": module,
        "result": result,
        "result_label": ExamResult(result).label,
        "participant": path.enrollment.participant,
    }
    return render(request, "placements/module_sign_off.html", context)


def _to_qualification(path) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        reverse("participants:detail", kwargs={"pk": path.enrollment.participant_id})
        + "#qualification"
    )


def _id(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 19 else None


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


class WorksiteManagerMixin(LoginRequiredMixin, RoleRequiredMixin):
    def allowed(self, roles: Roles) -> bool:
        return roles.municipality_admin or roles.programme_lead


class WorksiteCreateView(WorksiteManagerMixin, ServiceFormView):
    template_name = "placements/worksite_form.html"
    form_class = WorksiteForm
    success_message = gettext_lazy("The worksite has been saved.")

    def perform(self, form):
        return worksite_create(
            actor=self.request.user,
            municipality=self.request.user.municipality,
            **form.cleaned_data,
        )

    def get_success_url(self) -> str:
        return reverse("placements:worksite", kwargs={"pk": self.result.pk})


class WorksiteEditView(WorksiteManagerMixin, ServiceFormView):
    template_name = "placements/worksite_form.html"
    form_class = WorksiteEditForm
    success_message = gettext_lazy("The worksite has been saved.")

    @cached_property
    def worksite(self):
        return worksite_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_initial(self):
        w = self.worksite
        return {"name": w.name, "kind": w.kind, "address": w.address, "version": w.version}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return worksite_update(
            actor=self.request.user,
            worksite=self.worksite,
            expected_version=data.pop("version"),
            **data,
        )

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "worksite": self.worksite,
            "capacity_form": CapacityForm(),
        }

    def get_success_url(self) -> str:
        return reverse("placements:worksite", kwargs={"pk": self.worksite.pk})


class CapacitySetView(WorksiteManagerMixin, View):
    def post(self, request, pk: int):
        worksite = worksite_get(user=request.user, pk=pk)
        form = CapacityForm(request.POST)
        try:
            if not form.is_valid():
                raise ApplicationError(" ".join(e for errs in form.errors.values() for e in errs))
            capacity_set(actor=request.user, worksite=worksite, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The capacity has been saved."))
        return HttpResponseRedirect(reverse("placements:worksite-edit", kwargs={"pk": pk}))


class CapacityView(LoginRequiredMixin, RoleRequiredMixin, TemplateView):
    """Places per worksite and field, taken and free, one week at a time."""

    template_name = "placements/capacity.html"

    def get_context_data(self, **kwargs):
        day = date_from_query(self.request.GET.get("date") or "") or timezone.localdate()
        monday = day - timedelta(days=day.weekday())
        return {
            **super().get_context_data(**kwargs),
            "monday": monday,
            "sunday": monday + timedelta(days=6),
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "rows": capacity_by_week(user=self.request.user, monday=monday),
        }


class ConfirmFirstMixin:
    """Something final is recorded only after a page that says what will happen: the first
    submit shows it, its confirmation records it. Works without JavaScript."""

    def needs_confirmation(self, form) -> bool:
        return True

    def form_valid(self, form):
        if self.needs_confirmation(form) and not self.request.POST.get("confirm"):
            try:
                _dry_run(lambda: self.perform(form))
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
                return self.form_invalid(form)
            return self.render_to_response(self.get_context_data(form=form, confirming=True))
        return super().form_valid(form)


class _DryRun(Exception):
    pass


def _dry_run(perform) -> None:
    """Call the service and roll back whatever it wrote: its checks, in their one home, tell
    the user what is wrong before they are asked to confirm."""
    try:
        with transaction.atomic():
            perform()
            raise _DryRun
    except _DryRun:
        pass


class PlacementEndView(LoginRequiredMixin, ConfirmFirstMixin, ServiceFormView):
    template_name = "placements/placement_end.html"
    form_class = PlacementEndForm
    success_message = gettext_lazy("The placement has been ended.")

    @cached_property
    def placement(self):
        placement = placement_for_attendance(user=self.request.user, pk=self.kwargs["pk"])
        if (
            not Enrollment.objects.visible_to(self.request.user)
            .filter(pk=placement.enrollment_id)
            .exists()
        ):
            raise Http404  # ending a placement is the caseworker's, not the worksite's
        return placement

    def get_initial(self):
        return {"ends_on": timezone.localdate(), "version": self.placement.version}

    def perform(self, form):
        data = dict(form.cleaned_data)
        return placement_end(
            actor=self.request.user,
            placement=self.placement,
            expected_version=data.pop("version"),
            **data,
        )

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "placement": self.placement,
            "participant": self.placement.enrollment.participant,
        }

    def get_success_url(self) -> str:
        return reverse(
            "participants:detail", kwargs={"pk": self.placement.enrollment.participant_id}
        )


class FagproveView(LoginRequiredMixin, ConfirmFirstMixin, ServiceFormView):
    template_name = "placements/fagprove_form.html"
    form_class = FagproveForm
    success_message = gettext_lazy("The fagprøve has been recorded.")

    @cached_property
    def path(self):
        path = path_get(user=self.request.user, pk=self.kwargs["pk"])
        if (
            not Enrollment.objects.visible_to(self.request.user)
            .filter(pk=path.enrollment_id)
            .exists()
        ) or not path.leads_to_fagprove:
            raise Http404
        return path

    def get_initial(self):
        return {"fagprove_on": self.path.fagprove_on, "fagprove_result": self.path.fagprove_result}

    def needs_confirmation(self, form) -> bool:
        """A result, new or changed, is confirmed first; a date alone is not."""
        return form.cleaned_data["fagprove_result"] != self.path.fagprove_result

    def perform(self, form):
        return fagprove_record(
            actor=self.request.user,
            path=self.path,
            fagprove_on=form.cleaned_data["fagprove_on"],
            result=form.cleaned_data["fagprove_result"],
        )

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "path": self.path,
            "participant": self.path.enrollment.participant,
        }

    def get_success_url(self) -> str:
        return (
            reverse("participants:detail", kwargs={"pk": self.path.enrollment.participant_id})
            + "#qualification"
        )


class EnrollmentStatusView(LoginRequiredMixin, ServiceFormView):
    """The status form. An exit is shown back as a summary of what it will close and saved only
    when the caseworker confirms it; other statuses are saved at once. Here rather than in
    participants because an exit ends placements (participants may not import placements)."""

    template_name = "participants/enrollment_status.html"

    @cached_property
    def record(self):
        return enrollment_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_form(self, form_class=None):
        allowed = [(s, s.label) for s in EnrollmentStatus if s in TRANSITIONS[self.record.status]]
        work = exit_open_work(enrollment=self.record)
        return EnrollmentStatusForm(**self.get_form_kwargs(), allowed=allowed, work=work)

    def get_initial(self):
        return {"version": self.record.version}

    def form_valid(self, form):
        if form.cleaned_data["status"] in EXIT_STATUSES and "confirm" not in self.request.POST:
            return self._confirmation(form)
        return super().form_valid(form)

    def _confirmation(self, form):
        """Check the exit without saving it and show what it will close; "edit" goes back."""
        if "edit" in self.request.POST:
            return self.render_to_response(self.get_context_data(form=form))
        data = form.cleaned_data
        try:
            enrollment_exit_check(
                enrollment=self.record,
                status=data["status"],
                exit_date=data["exit_date"],
                reason=data["exit_reason"],
                destination=data["destination"],
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            return self.form_invalid(form)
        return self.render_to_response(
            self.get_context_data(form=form, confirming=True, summary=form.summary())
        )

    def perform(self, form):
        data = form.cleaned_data
        common = {
            "actor": self.request.user,
            "enrollment": self.record,
            "expected_version": data["version"],
            "status": data["status"],
        }
        if data["status"] not in EXIT_STATUSES:
            self.success_message = _("The status has been changed.")
            return enrollment_change_status(**common)
        self.success_message = _(
            "The exit is saved in your name, with what was closed. The change history shows it."
        )
        return enrollment_exit(
            **common,
            exit_date=data["exit_date"],
            reason=data["exit_reason"],
            destination=data["destination"],
            choices=form.choices(),
        )

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "enrollment": self.record,
            "participant": self.record.participant,
            "exit_statuses": " ".join(EXIT_STATUSES),
            "today": timezone.localdate(),
        }

    def get_success_url(self) -> str:
        return reverse("participants:detail", kwargs={"pk": self.record.participant_id})


class MissingDaysView(LoginRequiredMixin, TemplateView):
    """The days in the last two weeks nobody recorded at the person's placements, named: a
    fragment for the person page's "what needs doing" (htmx), or a page of its own."""

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


class CohortModulesView(LoginRequiredMixin, RoleRequiredMixin, TemplateView):
    """A cohort's progress through its MFY modules, for the programme lead."""

    template_name = "placements/cohort_modules.html"

    def allowed(self, roles: Roles) -> bool:
        return roles.follows_participants

    def get_context_data(self, **kwargs):
        cohort = cohort_get(user=self.request.user, pk=self.kwargs["pk"])
        return {
            **super().get_context_data(**kwargs),
            "cohort": cohort,
            "tracks": cohort_module_progress(user=self.request.user, cohort=cohort),
        }
