"""The season's certificates and evaluations for its staff (docs/summerjobs.md, «Certificates»
and «Evaluations»): one certificate or all of them in one file, downloaded after a recent
password and recorded; the evaluations' figures. The rules are summerjobs/certificates.py's
and summerjobs/evaluations.py's."""

from typing import Any

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts import memberships
from accounts.http import SignedInRequest
from config.errors import ApplicationError
from config.generated import UNFINISHED
from config.views import ServiceFormView
from summerjobs.certificates import (
    certificate_batch_file,
    certificate_batch_get,
    certificate_batch_request,
    certificate_batches,
    certificate_download,
    certificate_of,
    certificate_offer_get,
    file_name,
    runs_season,
    season_certificates,
)
from summerjobs.evaluation_forms import CertificateBatchForm
from summerjobs.evaluations import evaluation_summary
from summerjobs.selectors import season_get
from summerjobs.views.after import pdf_response
from summerjobs.views.staff import StaffMixin

BATCHES_SHOWN = 10


class CertificatesView(StaffMixin, ServiceFormView):
    form_class = CertificateBatchForm
    request: SignedInRequest
    success_message = gettext_lazy("The certificates are being made.")

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            self.season = season_get(user=request.user, pk=kwargs["pk"])
            if not runs_season(request.user, self.season):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self) -> list[str]:
        if self.request.htmx:
            return ["summerjobs/includes/certificate_batches.html"]
        return ["summerjobs/certificates.html"]

    def perform(self, form: CertificateBatchForm) -> object:
        return certificate_batch_request(actor=self.request.user, season=self.season)

    def get_success_url(self) -> str:
        return reverse("summerjobs:certificates", kwargs={"pk": self.season.pk})

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        batches = list(certificate_batches(season=self.season)[:BATCHES_SHOWN])
        people = [] if self.request.htmx else season_certificates(season_id=self.season.pk)
        return {
            **super().get_context_data(**kwargs),
            "season": self.season,
            "certificates": people,
            "batches": batches,
            "polling": any(batch.status in UNFINISHED for batch in batches),
        }


@method_decorator(reauthentication_required, name="get")
class CertificateView(StaffMixin, View):
    """One young person's certificate (by their offer), after a recent password; recorded."""

    def get(self, request: SignedInRequest, pk: int) -> HttpResponseBase:
        offer = certificate_offer_get(user=request.user, pk=pk)
        try:
            certificate = certificate_of(offer=offer)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            back = {"pk": offer.place.period.season_id}
            return HttpResponseRedirect(reverse("summerjobs:certificates", kwargs=back))
        pdf = certificate_download(user=request.user, certificate=certificate)
        return pdf_response(pdf, file_name(certificate.offer))


@method_decorator(reauthentication_required, name="get")
class CertificateFileView(StaffMixin, View):
    """A batch's ZIP, after a recent password; recorded for everyone in it."""

    def get(self, request: SignedInRequest, pk: int) -> HttpResponseBase:
        batch = certificate_batch_get(user=request.user, pk=pk)
        try:
            handle = certificate_batch_file(user=request.user, batch=batch)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            back = reverse("summerjobs:certificates", kwargs={"pk": batch.season_id})
            return HttpResponseRedirect(back)
        response = FileResponse(
            handle,
            content_type="application/zip",
            as_attachment=True,
            filename=f"fotfeste-certificates-{batch.pk}.zip",
        )
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class EvaluationsView(StaffMixin, TemplateView):
    """The season's evaluations: for everyone who sees the season, the figures and the
    handledare's statements; the young people's own texts for its coordinators only."""

    template_name = "summerjobs/evaluations.html"
    request: SignedInRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        season = season_get(user=self.request.user, pk=self.kwargs["pk"])
        texts = season.programme_id in memberships.programme_ids_coordinated(self.request.user)
        return {
            **super().get_context_data(**kwargs),
            "season": season,
            "summary": evaluation_summary(season=season, with_texts=texts),
            "with_texts": texts,
        }
