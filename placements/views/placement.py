"""A person's placement from the case side: starting it, ending it (confirmed first), and the
enrollment's status and exit."""

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.errors import ApplicationError
from config.views import ServiceFormView
from participants.access import CaseAccessMixin
from participants.models import Enrollment, EnrollmentStatus
from participants.selectors import enrollment_get
from participants.services import EXIT_STATUSES, TRANSITIONS, enrollment_change_status
from placements.exits import enrollment_exit, enrollment_exit_check, exit_open_work
from placements.forms import (
    EnrollmentStatusForm,
    PlacementEndForm,
    PlacementForm,
)
from placements.selectors import (
    placement_for_attendance,
)
from placements.services import (
    CapacityWarning,
    placement_end,
    placement_start,
)


class PlacementCreateView(CaseAccessMixin, ServiceFormView):
    """A caseworker places a person they follow at one of the municipality's worksites."""

    template_name = "placements/placement_form.html"
    form_class: type[forms.Form] = PlacementForm
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


class ConfirmFirstMixin:
    """Something final is recorded only after a page that says what will happen: the first
    submit shows it, its confirmation records it. Works without JavaScript."""

    def needs_confirmation(self, form) -> bool:
        return True

    def form_valid(self, form):
        if self.needs_confirmation(form) and not self.request.POST.get("confirm"):
            try:
                dry_run(lambda: self.perform(form))
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
                return self.form_invalid(form)
            return self.render_to_response(self.get_context_data(form=form, confirming=True))
        return super().form_valid(form)


class _DryRun(Exception):
    pass


def dry_run(perform) -> None:
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
