from datetime import date

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.roles import Roles
from config.errors import ApplicationError
from config.pagecache import ISO_DATE, PageCacheMixin
from config.views import RoleRequiredMixin, ServiceFormView
from programs.selectors import led_programmes
from reporting.exports import data_export_file, data_export_request
from reporting.forms import DashboardForm, DataExportForm, ReportRequestForm
from reporting.models import ReportFormat, RunStatus
from reporting.selectors import (
    dashboard_figures,
    data_export_get,
    data_exports,
    led_cohorts,
    report_run_get,
    report_runs,
    reportable_grants,
)
from reporting.services import report_download, report_request

CONTENT_TYPES = {
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
        return {
            **super().get_form_kwargs(),
            "programmes": led_programmes(self.request.user).order_by("name"),
            "grants": reportable_grants(self.request.user).order_by("name"),
            "language": translation.get_language() or "nb",
        }

    def perform(self, form):
        return report_request(actor=self.request.user, **form.cleaned_data)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "runs": report_runs(user=self.request.user)[:50],
        }

    def get_success_url(self) -> str:
        return reverse("reporting:run", kwargs={"pk": self.result.pk})


class ReportRunView(LeadMixin, TemplateView):
    """The run's progress; htmx polls the fragment until the report is ready or failed."""

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["reporting/includes/run_status.html"]
        return ["reporting/run.html"]

    def get_context_data(self, **kwargs):
        run = report_run_get(user=self.request.user, pk=self.kwargs["pk"])
        return {
            **super().get_context_data(**kwargs),
            "run": run,
            "expired": run.expired,
            "formats": [f for f in ReportFormat if getattr(run, f"{f}_file")],
            "polling": run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
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


class DashboardView(LeadMixin, PageCacheMixin, TemplateView):
    """The report's figures live, exact (they stay inside Fotfeste), with the same charts."""

    template_name = "reporting/dashboard.html"
    # Kept until anything it counts changes; only the jobs' own bookkeeping leaves it current.
    page_cache_ignores = (
        "reporting.ReportRun",
        "reporting.DataExport",
        "imports.ImportRun",
        "accounts.ApiToken",
    )
    page_cache_query = {
        "programme": r"\d{1,9}",
        "cohort": r"\d{0,9}",
        "period_start": ISO_DATE,
        "period_end": ISO_DATE,
    }

    def get_context_data(self, **kwargs):
        user = self.request.user
        programmes, cohorts = led_programmes(user), led_cohorts(user=user)
        form = DashboardForm(self.request.GET or None, programmes=programmes, cohorts=cohorts)
        today = timezone.localdate()
        choice = {
            "programme": programmes.order_by("name").first(),
            "cohort": None,
            "period_start": date(today.year, 1, 1),
            "period_end": today,
        }
        if form.is_bound and form.is_valid():
            choice.update(form.cleaned_data)
        elif not form.is_bound:
            form = DashboardForm(initial=choice, programmes=programmes, cohorts=cohorts)
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "choice": choice,
            "board": dashboard_figures(**choice) if choice["programme"] else None,
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
