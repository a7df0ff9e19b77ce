"""A person's rights on the page: erasure, and the right-of-access export with its files."""

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.roles import RoleRequiredMixin, Roles
from config.errors import ApplicationError
from config.views import ServiceFormView
from participants.access import CaseAccessMixin
from participants.forms import (
    EraseForm,
)
from privacy.erasure import erasure_allowed, erasure_refusal, participant_anonymise
from privacy.subject_access import (
    CONTENT_TYPES,
    FILES_KEPT_DAYS,
    FORMATS,
    subject_access_export_get,
    subject_access_exports,
    subject_access_file,
    subject_access_participant,
    subject_access_request,
)


@method_decorator(reauthentication_required, name="get")
@method_decorator(reauthentication_required, name="post")
class ParticipantEraseView(CaseAccessMixin, RoleRequiredMixin, ServiceFormView):
    """A programme lead of the person's programme erases the person at once, after re-entering
    the password and giving a reason. Anyone else gets 404, before being asked for a password."""

    template_name = "privacy/erase.html"
    form_class = EraseForm
    success_message = gettext_lazy("The person has been anonymised.")

    def allowed(self, roles: Roles) -> bool:
        return roles.programme_lead

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not erasure_allowed(
            user=request.user, participant=self.seen.participant
        ):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        return participant_anonymise(
            participant=self.seen.participant,
            actor=self.request.user,
            reason=form.cleaned_data["reason"],
        )

    def get_context_data(self, **kwargs):
        refusal = erasure_refusal(actor=self.request.user, participant=self.seen.participant)
        return {**super().get_context_data(**kwargs), "refusal": refusal}


@method_decorator(reauthentication_required, name="get")
@method_decorator(reauthentication_required, name="post")
class SubjectAccessView(LoginRequiredMixin, RoleRequiredMixin, TemplateView):
    """Everything held on the person (GDPR art. 15): a programme lead of the person's
    programme asks for it and follows it here, after re-entering the password. Anyone else
    gets 404, before being asked for a password."""

    template_name = "privacy/subject_access.html"

    def allowed(self, roles: Roles) -> bool:
        return roles.programme_lead

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.participant = subject_access_participant(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk: int):
        language = translation.get_language() or settings.LANGUAGE_CODE
        try:
            subject_access_request(
                actor=request.user, participant=self.participant, language=language
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        return HttpResponseRedirect(reverse("privacy:subject-access", args=[pk]), status=303)

    def get_context_data(self, **kwargs):
        exports = subject_access_exports(user=self.request.user, participant=self.participant)
        return {
            **super().get_context_data(**kwargs),
            "participant": self.participant,
            "exports": exports[:5],
            "kept_days": FILES_KEPT_DAYS,
        }


class SubjectAccessStatusView(LoginRequiredMixin, RoleRequiredMixin, TemplateView):
    """htmx: one export's state, polled until its files are ready. It shows no data about the
    person, so the password is not asked for again (the files are)."""

    template_name = "privacy/subject_access_status.html"

    def allowed(self, roles: Roles) -> bool:
        return roles.programme_lead

    def get_context_data(self, **kwargs):
        export = subject_access_export_get(user=self.request.user, pk=self.kwargs["pk"])
        return {**super().get_context_data(**kwargs), "export": export}


@method_decorator(reauthentication_required, name="get")
class SubjectAccessFileView(LoginRequiredMixin, RoleRequiredMixin, View):
    """One file of an export, for the lead who asked, recorded in the access log; the file
    name holds the export's number only."""

    def allowed(self, roles: Roles) -> bool:
        return roles.programme_lead

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.export = subject_access_export_get(user=request.user, pk=kwargs["pk"])
            if kwargs["fmt"] not in FORMATS:
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk: int, fmt: str):
        try:
            handle = subject_access_file(user=request.user, export=self.export, fmt=fmt)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            back = reverse("privacy:subject-access", args=[self.export.participant_id])
            return HttpResponseRedirect(back)
        response = FileResponse(
            handle,
            content_type=CONTENT_TYPES[fmt],
            as_attachment=True,
            filename=f"fotfeste-subject-access-{self.export.pk}.{fmt}",
        )
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
