"""One person: the record page, intake, edits, the national ID shown on request, enrollment,
merging duplicates and the change history."""

import copy

from allauth.account.decorators import reauthentication_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.http import SignedInRequest
from accounts.roles import RoleRequiredMixin, Roles
from audit.selectors import participant_access_log, participant_change_log
from audit.services import access_record
from config.errors import ApplicationError, DuplicateError, StaleEditError
from config.views import ServiceFormView
from participants.access import CaseAccessMixin
from participants.forms import (
    EnrollmentForm,
    IntakeForm,
    MergeForm,
    ParticipantEditForm,
)
from participants.merge import participants_merge
from participants.models import Participant
from participants.selectors import (
    merge_candidates,
    participant_consents,
    participant_documents,
    participant_get,
    participant_notes,
    participant_tasks,
    participant_todo,
)
from participants.services import (
    PersonData,
    enrollment_enroll,
    participant_intake,
    participant_reveal_national_id,
    participant_update,
)


class ParticipantDetailView(LoginRequiredMixin, TemplateView):
    template_name = "participants/detail.html"

    def get_context_data(self, **kwargs):
        seen = participant_get(user=self.request.user, pk=self.kwargs["pk"])
        access_record(
            user=self.request.user, participant=seen.participant, page="participants:detail"
        )
        context = {
            **super().get_context_data(**kwargs),
            "seen": seen,
            "participant": seen.participant,
        }
        if seen.case_access:
            context["notes"] = participant_notes(
                user=self.request.user, participant=seen.participant
            )
            context["consents"] = participant_consents(participant=seen.participant)
            context["documents"] = participant_documents(participant=seen.participant)
            context["tasks"] = tasks = list(
                participant_tasks(user=self.request.user, participant=seen.participant)
            )
            context["todo"] = participant_todo(tasks=tasks, enrollments=seen.enrollments)
        return context


class DuplicatesMixin:
    """Shows the people a DuplicateError found: a link where the user may open the record."""

    request: HttpRequest

    def duplicates_context(self) -> dict:
        error = getattr(self, "duplicate", None)
        if error is None:
            return {}
        visible = set(
            Participant.objects.visible_to(self.request.user)
            .filter(pk__in=[p.pk for p in error.matches])
            .values_list("pk", flat=True)
        )
        rows = [(person, person.pk in visible) for person in error.matches]
        return {"duplicate": error, "duplicate_rows": rows}


class ParticipantCreateView(
    LoginRequiredMixin, RoleRequiredMixin, DuplicatesMixin, ServiceFormView
):
    template_name = "participants/intake.html"
    form_class = IntakeForm
    success_message = gettext_lazy("The person has been registered.")

    def allowed(self, roles: Roles) -> bool:
        return roles.follows_participants

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        data = form.cleaned_data
        try:
            return participant_intake(
                actor=self.request.user,
                municipality=self.request.user.municipality,
                person=PersonData(
                    data["first_name"], data["last_name"], data["national_id"], form.person_values()
                ),
                programme=data["programme"],
                cohort=data["cohort"],
                caseworker=data["caseworker"],
                referral_source=data["referral_source"],
                confirmed_new=data["confirmed_new"],
            )
        except DuplicateError as exc:
            self.duplicate = exc
            raise

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **self.duplicates_context()}

    def get_success_url(self) -> str:
        return reverse("participants:detail", kwargs={"pk": self.result.pk})


class ParticipantEditView(CaseAccessMixin, DuplicatesMixin, ServiceFormView):
    template_name = "participants/edit.html"
    form_class = ParticipantEditForm
    success_message = gettext_lazy("The changes have been saved.")

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            # A copy: the form writes the posted values onto it, and the service must compare
            # the record as it was loaded.
            "instance": copy.copy(self.seen.participant),
            "country": self.seen.participant.municipality.country,
        }

    def get_initial(self):
        return {"version": self.seen.participant.version}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        if not self.seen.address_visible:
            for name in ("address", "postcode", "city", "protected_address"):
                del form.fields[name]
        return form

    def perform(self, form):
        data = form.cleaned_data
        person = PersonData(
            data["first_name"], data["last_name"], data["national_id"], form.person_values()
        )
        try:
            return participant_update(
                actor=self.request.user,
                participant=self.seen.participant,
                expected_version=data["version"],
                person=person,
            )
        except (StaleEditError, DuplicateError) as exc:
            if isinstance(exc, StaleEditError):
                self.stale = exc
            else:
                self.duplicate = exc
            raise

    def form_invalid(self, form):
        stale = getattr(self, "stale", None)
        if stale is not None:
            # Offer the current version, so the next save is based on what is there now.
            data = form.data.copy()
            data["version"] = str(stale.current_version)
            form.data = data
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {
            **context,
            **self.duplicates_context(),
            "participant": self.seen.participant,
            "stale": getattr(self, "stale", None),
        }

    def get_success_url(self) -> str:
        return reverse("participants:detail", kwargs={"pk": self.seen.participant.pk})


class NationalIdRevealView(LoginRequiredMixin, View):
    """POST only: shows the full national ID once, and records that it was shown."""

    def post(self, request, pk: int):
        seen = participant_get(user=request.user, pk=pk)
        if not seen.case_access:
            raise Http404
        try:
            value = participant_reveal_national_id(actor=request.user, participant=seen.participant)
        except ApplicationError as exc:
            return render(
                request,
                "participants/includes/national_id.html",
                {"participant": seen.participant, "error": exc.message},
            )
        return render(
            request,
            "participants/includes/national_id.html",
            {"participant": seen.participant, "revealed": value},
        )


class ParticipantAuditView(CaseAccessMixin, TemplateView):
    """Who has looked and what changed: loaded when the section scrolls into view (htmx), or
    as a page of its own without JavaScript."""

    request: SignedInRequest

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["participants/includes/audit.html"]
        return ["participants/audit.html"]

    def get_context_data(self, **kwargs):
        participant = self.seen.participant
        return {
            **super().get_context_data(**kwargs),
            "access_log": participant_access_log(participant=participant),
            "change_log": participant_change_log(participant=participant),
        }


class EnrollmentCreateView(CaseAccessMixin, ServiceFormView):
    template_name = "participants/enrollment_form.html"
    form_class = EnrollmentForm
    success_message = gettext_lazy("The person has been enrolled.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        return enrollment_enroll(
            actor=self.request.user, participant=self.seen.participant, **form.cleaned_data
        )


@method_decorator(reauthentication_required, name="dispatch")
class MergeView(CaseAccessMixin, RoleRequiredMixin, ServiceFormView):
    """A programme lead merges a duplicate record into this one, after re-entering the
    password."""

    template_name = "participants/merge.html"
    form_class = MergeForm
    success_message = gettext_lazy("The records have been merged.")

    def allowed(self, roles: Roles) -> bool:
        return roles.programme_lead

    def get_form_kwargs(self):
        candidates = merge_candidates(user=self.request.user, participant=self.seen.participant)
        return {**super().get_form_kwargs(), "candidates": candidates}

    def perform(self, form):
        return participants_merge(
            actor=self.request.user,
            keep=self.seen.participant,
            remove=form.cleaned_data["other"],
            reason=form.cleaned_data["reason"],
        )
