"""The season's payroll page: what is attested and not yet paid, a new payroll file for a pay
date, the files made with their progress, and their downloads after a recent password
(summerjobs/payroll.py). The programme's leads and coordinators only; 404 for everyone else."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy
from django.views import View

from accounts.http import SignedInRequest
from config.errors import ApplicationError
from config.generated import UNFINISHED
from config.views import ServiceFormView
from summerjobs.forms import PayrollBatchForm
from summerjobs.payroll import (
    CONTENT_TYPES,
    FORMATS,
    payroll_batch_get,
    payroll_batch_request,
    payroll_batches,
    payroll_file,
    payroll_ready,
)
from summerjobs.selectors import season_get_to_run
from summerjobs.views.staff import StaffMixin

BATCHES_SHOWN = 20


class PayrollView(StaffMixin, ServiceFormView):
    form_class = PayrollBatchForm
    request: SignedInRequest
    success_message = gettext_lazy("The payroll file is being made.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.season = season_get_to_run(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["summerjobs/includes/payroll_batches.html"]
        return ["summerjobs/payroll.html"]

    def perform(self, form):
        return payroll_batch_request(
            actor=self.request.user, season=self.season, pay_date=form.cleaned_data["pay_date"]
        )

    def get_success_url(self) -> str:
        return reverse("summerjobs:payroll", kwargs={"pk": self.season.pk})

    def get_context_data(self, **kwargs):
        batches = list(payroll_batches(season=self.season)[:BATCHES_SHOWN])
        return {
            **super().get_context_data(**kwargs),
            "season": self.season,
            "ready": None if self.request.htmx else payroll_ready(season=self.season),
            "batches": batches,
            "polling": any(batch.status in UNFINISHED for batch in batches),
        }


@method_decorator(reauthentication_required, name="get")
class PayrollFileView(StaffMixin, View):
    """A batch's PAXml or CSV file, after a recent password; the download is recorded."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.batch = payroll_batch_get(user=request.user, pk=kwargs["pk"])
            if kwargs["fmt"] not in FORMATS:
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: SignedInRequest, pk: int, fmt: str) -> HttpResponseBase:
        try:
            handle = payroll_file(user=request.user, batch=self.batch, fmt=fmt)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            back = reverse("summerjobs:payroll", kwargs={"pk": self.batch.season_id})
            return HttpResponseRedirect(back)
        response = FileResponse(
            handle,
            content_type=CONTENT_TYPES[fmt],
            as_attachment=True,
            filename=f"fotfeste-payroll-{self.batch.pk}.{fmt}",
        )
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
