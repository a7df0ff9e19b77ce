from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.roles import Roles
from config.views import RoleRequiredMixin, ServiceFormView
from programs.selectors import programmes_for_setup
from reporting.forms import ReportRequestForm
from reporting.models import ReportKind, RunStatus
from reporting.selectors import report_run_get, report_runs
from reporting.services import report_request


class LeadMixin(LoginRequiredMixin, RoleRequiredMixin):
    def allowed(self, roles: Roles) -> bool:
        return roles.programme_lead


class ReportListView(LeadMixin, ServiceFormView):
    """Request a KS report and see the runs of your programmes."""

    template_name = "reporting/list.html"
    form_class = ReportRequestForm
    success_message = gettext_lazy("The report is being built.")

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "programmes": programmes_for_setup(user=self.request.user),
        }

    def perform(self, form):
        return report_request(actor=self.request.user, kind=ReportKind.KS, **form.cleaned_data)

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
        expired = run.expires_at is not None and run.expires_at < timezone.now()
        return {
            **super().get_context_data(**kwargs),
            "run": run,
            "expired": expired,
            "polling": run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
        }


class ReportDownloadView(LeadMixin, View):
    """The report file for the programme's lead; the file name says nothing about anyone."""

    def get(self, request, pk: int):
        run = report_run_get(user=request.user, pk=pk)
        if run.status != RunStatus.READY or not run.csv_file:
            raise Http404
        if run.expires_at and run.expires_at < timezone.now():
            messages.error(request, _("This report's file has expired. Build the report again."))
            return HttpResponseRedirect(reverse("reporting:run", kwargs={"pk": run.pk}))
        response = FileResponse(
            run.csv_file.open("rb"),
            content_type="text/csv; charset=utf-8",
            as_attachment=True,
            filename=f"fotfeste-{run.kind}-{run.period_start}-{run.pk}.csv",
        )
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
