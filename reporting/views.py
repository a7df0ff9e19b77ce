from datetime import date

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.http import SignedInRequest
from accounts.roles import RoleRequiredMixin, Roles
from config.errors import ApplicationError
from config.replica import replica_reads
from config.views import ServiceFormView
from programs.models import ReportDeadline
from programs.selectors import led_programmes
from reporting.exports import data_export_file, data_export_request
from reporting.figures import figure_labels
from reporting.forms import (
    DashboardForm,
    DataExportForm,
    NarrativeForm,
    ProfileForm,
    ReportRequestForm,
    SubmitForm,
)
from reporting.models import ReportFormat, RunStatus
from reporting.profiles import narrative_titles, profile_of, shipped_profiles
from reporting.selectors import (
    dashboard_choices,
    dashboard_figures,
    data_export_get,
    data_exports,
    funder_profiles,
    led_cohorts,
    report_run_get,
    report_runs,
    report_versions,
    reportable_grants,
)
from reporting.services import NARRATIVE_FIELDS, profile_save, report_download, report_request
from reporting.submission import report_correct, report_narrative_update, report_submit

CONTENT_TYPES: dict[str, str] = {
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.CSV: "text/csv; charset=utf-8",
}


class LeadMixin(LoginRequiredMixin, RoleRequiredMixin):
    def allowed(self, roles: Roles) -> bool:
        return roles.programme_lead


class ReportListView(LeadMixin, ServiceFormView):
    """Ask for a report and see the runs of your programmes and grants."""

    template_name = "reporting/list.html"
    form_class = ReportRequestForm
    success_message = gettext_lazy("The report is being built.")

    def get_form_kwargs(self):
        user = self.request.user
        return {
            **super().get_form_kwargs(),
            "programmes": led_programmes(user).order_by("name"),
            "grants": reportable_grants(user).order_by("name"),
            "profiles": funder_profiles(user=user),
            "language": translation.get_language() or "nb",
            "country": user.municipality.country,
        }

    def perform(self, form):
        return report_request(actor=self.request.user, **form.service_values())

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "runs": report_runs(user=self.request.user)[:50],
        }

    def get_success_url(self) -> str:
        return reverse("reporting:run", kwargs={"pk": self.result.pk})


class RunPageMixin(LeadMixin):
    """The run's page: its progress (htmx polls the fragment until it is ready or failed), its
    narrative while it is a draft, its submission, and its versions."""

    template_name: str | None = "reporting/run.html"

    @cached_property
    def run(self):
        return report_run_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **run_page(self.run, kwargs)}


def run_page(run, forms: dict) -> dict:
    """What the run's page shows, with any form that came back with errors."""
    profile = profile_of(run)
    country = run.subject.municipality.country
    narrative = forms.get("narrative_form") or NarrativeForm(
        sections=profile.narrative,
        country=country,
        initial={
            "checksum": run.checksum,
            **{n: getattr(run, n) for n in NARRATIVE_FIELDS.values()},
        },
    )
    submit = forms.get("submit_form") or SubmitForm(
        deadlines=open_deadlines(run),
        initial={
            "submitted_on": timezone.localdate(),
            "submitted_to": profile.funder or getattr(run.subject, "funder", ""),
        },
    )
    return {
        "run": run,
        "profile": profile,
        "expired": run.expired,
        "formats": [f for f in ReportFormat if getattr(run, f"{f}_file")],
        "polling": run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
        "narrative_form": narrative,
        "submit_form": submit,
        "versions": report_versions(run=run),
    }


def open_deadlines(run):
    """The deadlines of the run's grant that no report has answered yet."""
    if run.grant is None:
        return ReportDeadline.objects.none()
    return run.grant.deadlines.filter(submitted_on__isnull=True)


class ReportRunView(RunPageMixin, TemplateView):
    request: SignedInRequest

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["reporting/includes/run_status.html"]
        return ["reporting/run.html"]


class ReportNarrativeView(RunPageMixin, ServiceFormView):
    """The lead's words on a draft; the report is built again with them."""

    success_message = gettext_lazy("The narrative is saved; the report is being built again.")

    def get_form(self, form_class=None):
        return NarrativeForm(
            self.request.POST,
            sections=profile_of(self.run).narrative,
            country=self.run.subject.municipality.country,
        )

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(narrative_form=form))

    def perform(self, form):
        data = dict(form.cleaned_data)
        checksum = data.pop("checksum") or ""
        return report_narrative_update(
            actor=self.request.user, run=self.run, expected_checksum=checksum, **data
        )

    def get_success_url(self) -> str:
        return reverse("reporting:run", kwargs={"pk": self.run.pk})


class ReportSubmitView(RunPageMixin, ServiceFormView):
    """Mark the run as sent to its recipient; it is frozen from then on."""

    success_message = gettext_lazy("The report is marked as submitted. It can no longer change.")

    def get_form(self, form_class=None):
        return SubmitForm(self.request.POST, deadlines=open_deadlines(self.run))

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(submit_form=form))

    def perform(self, form):
        return report_submit(actor=self.request.user, run=self.run, **form.cleaned_data)

    def get_success_url(self) -> str:
        return reverse("reporting:run", kwargs={"pk": self.run.pk})


class ReportCorrectView(RunPageMixin, View):
    """A new version of a submitted report, built from today's data."""

    def post(self, request, pk: int):
        try:
            correction = report_correct(actor=request.user, run=self.run)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            return HttpResponseRedirect(reverse("reporting:run", kwargs={"pk": self.run.pk}))
        messages.success(request, _("The correction is being built."))
        return HttpResponseRedirect(reverse("reporting:run", kwargs={"pk": correction.pk}))


class ProfileListView(LeadMixin, ServiceFormView):
    """The shipped report profiles and the municipality's own; make a new one."""

    template_name = "reporting/profiles.html"
    form_class = ProfileForm
    success_message = gettext_lazy("The profile is saved. Choose it when you build a report.")
    success_url = reverse_lazy("reporting:profiles")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "country": self.request.user.municipality.country}

    def perform(self, form):
        return profile_save(actor=self.request.user, **form.cleaned_data)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "shipped": list(shipped_profiles(self.request.user.municipality.country).values()),
            "profiles": funder_profiles(user=self.request.user),
            "labels": figure_labels(),
            "titles": narrative_titles(self.request.user.municipality.country),
        }


class ReportDownloadView(LeadMixin, View):
    """One file of the run for a lead of its programme, recorded; the file name says nothing
    about anyone."""

    def get(self, request, pk: int, fmt: str):
        run = report_run_get(user=request.user, pk=pk)
        if fmt not in ReportFormat.values:
            raise Http404
        if run.status == RunStatus.READY and run.expired:
            messages.error(request, _("This report's file has expired. Build the report again."))
            return HttpResponseRedirect(reverse("reporting:run", kwargs={"pk": run.pk}))
        try:
            handle = report_download(user=request.user, run=run, fmt=fmt)
        except ApplicationError as exc:
            if run.status != RunStatus.READY:
                raise Http404 from exc
            messages.error(request, str(exc.message))
            return HttpResponseRedirect(reverse("reporting:run", kwargs={"pk": run.pk}))
        response = FileResponse(
            handle,
            content_type=CONTENT_TYPES[fmt],
            as_attachment=True,
            filename=f"fotfeste-{run.kind}-{run.period_start}-{run.pk}.{fmt}",
        )
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class DashboardView(LeadMixin, TemplateView):
    """The report's figures live, exact (they stay inside Fotfeste), with the same charts."""

    template_name = "reporting/dashboard.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        programmes, cohorts = led_programmes(user), led_cohorts(user=user)
        # Read once, in one query: the default choice and the form's lists.
        listed = dashboard_choices(user=user)
        kept = {"programmes": programmes, "cohorts": cohorts, "listed": listed}
        form = DashboardForm(self.request.GET or None, **kept)
        today = timezone.localdate()
        choice = {
            "programme": listed[0][0] if listed[0] else None,
            "cohort": None,
            "period_start": date(today.year, 1, 1),
            "period_end": today,
        }
        if form.is_bound and form.is_valid():
            choice.update(form.cleaned_data)
        elif not form.is_bound:
            form = DashboardForm(initial=choice, **kept)
        board = None
        if choice["programme"]:
            # The figures are read on the replica when there is one and it has caught up
            # (docs/scaling.md); the page around them, from the primary.
            with replica_reads():
                board = dashboard_figures(**choice)
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "choice": choice,
            "board": board,
        }


@method_decorator(reauthentication_required, name="dispatch")
class DataExportListView(LoginRequiredMixin, RoleRequiredMixin, ServiceFormView):
    """Ask for an export of people and see your own exports; after a recent password."""

    template_name = "reporting/exports.html"
    form_class = DataExportForm
    success_message = gettext_lazy("The export is being built.")

    def allowed(self, roles: Roles) -> bool:
        return roles.follows_participants

    def get_form_kwargs(self):
        programmes = led_programmes(self.request.user).order_by("name")
        return {**super().get_form_kwargs(), "programmes": programmes}

    def perform(self, form):
        return data_export_request(actor=self.request.user, **form.cleaned_data)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "exports": data_exports(user=self.request.user)[:20],
        }

    def get_success_url(self) -> str:
        return reverse("reporting:export", kwargs={"pk": self.result.pk})


class DataExportView(LoginRequiredMixin, RoleRequiredMixin, TemplateView):
    """One export's progress (htmx polls it) and its download."""

    def allowed(self, roles: Roles) -> bool:
        return roles.follows_participants

    request: SignedInRequest

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["reporting/includes/export_status.html"]
        return ["reporting/export.html"]

    def get_context_data(self, **kwargs):
        export = data_export_get(user=self.request.user, pk=self.kwargs["pk"])
        return {
            **super().get_context_data(**kwargs),
            "export": export,
            "expired": export.expired,
            "polling": export.status in (RunStatus.QUEUED, RunStatus.RUNNING),
        }


class DataExportDownloadView(LoginRequiredMixin, RoleRequiredMixin, View):
    """The file, for the person who asked for it, until it expires."""

    def allowed(self, roles: Roles) -> bool:
        return roles.follows_participants

    def get(self, request, pk: int):
        export = data_export_get(user=request.user, pk=pk)
        if export.status != RunStatus.READY:
            raise Http404
        try:
            handle = data_export_file(export=export)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            return HttpResponseRedirect(reverse("reporting:export", kwargs={"pk": export.pk}))
        response = FileResponse(
            handle,
            content_type=CONTENT_TYPES[export.format],
            as_attachment=True,
            filename=f"fotfeste-export-{export.pk}.{export.format}",
        )
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
