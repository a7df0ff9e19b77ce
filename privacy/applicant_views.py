"""Requests about a summer-job applicant (GDPR arts. 15 and 17), for the leads and summer-jobs
coordinators of the programme: finding the young person by personnummer, the export of
everything held with its files, and erasure. Anyone else gets 404, before being asked for a
password."""

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
from django.views.generic import FormView, TemplateView

from accounts.roles import RoleRequiredMixin, Roles
from config.errors import ApplicationError
from config.views import ServiceFormView
from participants.forms import EraseForm
from privacy.applicant_access import (
    CONTENT_TYPES,
    FORMATS,
    applicant_access_export_get,
    applicant_access_exports,
    applicant_access_file,
    applicant_access_request,
    applicant_erase,
)
from privacy.forms import ApplicantLookupForm
from privacy.subject_access import FILES_KEPT_DAYS
from summerjobs.models import Allocation, Application
from summerjobs.subject import (
    Applicant,
    applicant_erasure_refusal,
    applicant_get,
    applicant_outcomes,
    applicant_search,
    programme_for_requests,
)


def _rows(applicant: Applicant) -> list[tuple[Application, Allocation | None]]:
    """Each application with its outcome of the run for real, if it was drawn."""
    outcomes = applicant_outcomes(applicant=applicant)
    return [(a, outcomes.get(a.pk)) for a in applicant.applications]


class SummerJobsLeadMixin(LoginRequiredMixin, RoleRequiredMixin):
    """Leads and summer-jobs coordinators; which programme's is the view's own question."""

    def allowed(self, roles: Roles) -> bool:
        return roles.programme_lead or roles.summer_coordinator


class ApplicantRequestsView(SummerJobsLeadMixin, FormView):
    """«Requests about an applicant»: the number is posted and the answer is this response;
    nothing of it is kept, in the session or in an address. Found or not, the look-up is one
    query of the programme's own applications, which these users see anyway."""

    template_name = "privacy/applicant_requests.html"
    form_class = ApplicantLookupForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.programme = programme_for_requests(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            found = applicant_search(
                programme=self.programme, national_id=form.cleaned_data["national_id"]
            )
        except ApplicationError as exc:
            form.add_error("national_id", str(exc.message))
            return self.form_invalid(form)
        context = {"form": self.form_class(), "searched": True, "applicant": found}
        rows = _rows(found) if found else []
        return self.render_to_response(self.get_context_data(**context, rows=rows))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "programme": self.programme}


@method_decorator(reauthentication_required, name="get")
@method_decorator(reauthentication_required, name="post")
class ApplicantView(SummerJobsLeadMixin, TemplateView):
    """One young person's applications in the programme: the export of everything held, asked
    for and followed here, and the way to erasure."""

    template_name = "privacy/applicant.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.applicant = applicant_get(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk: int):
        language = translation.get_language() or settings.LANGUAGE_CODE
        try:
            applicant_access_request(
                actor=request.user, applicant=self.applicant, language=language
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        return HttpResponseRedirect(reverse("applicant-privacy:applicant", args=[pk]), status=303)

    def get_context_data(self, **kwargs):
        exports = applicant_access_exports(user=self.request.user, applicant=self.applicant)
        return {
            **super().get_context_data(**kwargs),
            "applicant": self.applicant,
            "rows": _rows(self.applicant),
            "exports": exports[:5],
            "kept_days": FILES_KEPT_DAYS,
            "refusal": applicant_erasure_refusal(applicant=self.applicant),
        }


@method_decorator(reauthentication_required, name="get")
@method_decorator(reauthentication_required, name="post")
class ApplicantEraseView(SummerJobsLeadMixin, ServiceFormView):
    """The young person's applications erased on their request, with a reason."""

    template_name = "privacy/applicant_erase.html"
    form_class = EraseForm
    success_message = gettext_lazy("The applications have been erased.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.applicant = applicant_get(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        return applicant_erase(
            actor=self.request.user, applicant=self.applicant, reason=form.cleaned_data["reason"]
        )

    def get_success_url(self) -> str:
        return reverse("applicant-privacy:applicant", args=[self.applicant.latest.pk])

    def get_context_data(self, **kwargs):
        refusal = applicant_erasure_refusal(applicant=self.applicant)
        return {
            **super().get_context_data(**kwargs),
            "applicant": self.applicant,
            "refusal": refusal,
        }


class ApplicantExportStatusView(SummerJobsLeadMixin, TemplateView):
    """htmx: one export's state, polled until its files are ready. It shows nothing about the
    person, so the password is not asked for again (the files are)."""

    template_name = "privacy/applicant_access_status.html"

    def get_context_data(self, **kwargs):
        export = applicant_access_export_get(user=self.request.user, pk=self.kwargs["pk"])
        return {**super().get_context_data(**kwargs), "export": export}


@method_decorator(reauthentication_required, name="get")
class ApplicantExportFileView(SummerJobsLeadMixin, View):
    """One file of an export, for the one who asked, recorded in the access log; the file name
    holds the export's number only."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.export = applicant_access_export_get(user=request.user, pk=kwargs["pk"])
            if kwargs["fmt"] not in FORMATS:
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk: int, fmt: str):
        try:
            handle = applicant_access_file(user=request.user, export=self.export, fmt=fmt)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            first = self.export.applications.order_by("pk").first()
            if first is None:
                back = reverse("applicant-privacy:requests", args=[self.export.programme_id])
            else:
                back = reverse("applicant-privacy:applicant", args=[first.pk])
            return HttpResponseRedirect(back)
        response = FileResponse(
            handle,
            content_type=CONTENT_TYPES[fmt],
            as_attachment=True,
            filename=f"fotfeste-applicant-access-{self.export.pk}.{fmt}",
        )
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
