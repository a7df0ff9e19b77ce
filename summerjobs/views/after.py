"""After the work, through the links (docs/summerjobs.md, «Certificates» and «Evaluations»): the
young person's evaluation and work certificate on their offer's link, and the handledare's
evaluation of each young person on the workplace's link. The rules are
summerjobs/evaluations.py's and summerjobs/certificates.py's."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from config.errors import ApplicationError, StaleEditError
from summerjobs.certificates import certificate_of, certificate_pdf, file_name
from summerjobs.evaluation_forms import (
    EvaluationForm,
    SupervisorEvaluationForm,
    YouthEvaluationForm,
)
from summerjobs.evaluations import (
    evaluation_refusal,
    supervisor_evaluation_save,
    youth_evaluation_save,
)
from summerjobs.models import Offer, SupervisorEvaluation, YouthEvaluation
from summerjobs.views.answer import OfferPage
from summerjobs.views.work import NAME_COOKIE, WorkPage


def pdf_response(pdf: bytes, name: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _initial(evaluation: Any, form_class: type[EvaluationForm]) -> dict[str, Any]:
    if evaluation is None:
        return {"version": 0}
    names = [n for n in form_class.base_fields if n != "version"] + list(form_class.questions)
    initial = {n: getattr(evaluation, n) for n in names if hasattr(evaluation, n)}
    return {**initial, "version": evaluation.version}


def stale_form(form_class: type[EvaluationForm], data: Any, exc: StaleEditError) -> EvaluationForm:
    """What was typed, based on the version saved now, for the next save."""
    data = data.copy()
    data["version"] = str(exc.current_version)
    form = form_class(data=data)
    form.is_valid()
    return form


class YouthEvaluationView(OfferPage):
    form_class = YouthEvaluationForm
    template = "evaluation"

    def current(self) -> YouthEvaluation | None:
        return YouthEvaluation.objects.filter(offer=self.offer).first()

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        form = YouthEvaluationForm(initial=_initial(self.current(), YouthEvaluationForm))
        return self.show(form=form, saved="saved" in request.GET)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        form = YouthEvaluationForm(data=request.POST)
        if not form.is_valid():
            return self.show(status=400, form=form)
        try:
            youth_evaluation_save(
                offer=self.offer,
                data=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
            )
        except StaleEditError as exc:
            shown = stale_form(YouthEvaluationForm, request.POST, exc)
            return self.show(status=409, form=shown, stale=str(exc.message))
        except ApplicationError as exc:
            return self.show(status=409, form=form, refusal=str(exc.message))
        return redirect(request.path + "?saved=1")

    def show(self, status: int = 200, **context: Any) -> HttpResponse:
        refusal = evaluation_refusal(self.offer)
        context = {"closed": refusal, "current": self.current(), **context}
        return super().show(status=status, **context)


class CertificateLinkView(OfferPage):
    """The young person's own certificate, once the period's hours are attested."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            certificate = certificate_of(offer=self.offer)
        except ApplicationError as exc:
            return self.show(status=409, refusal=str(exc.message))
        return pdf_response(certificate_pdf(certificate), file_name(self.offer))


class SupervisorEvaluationView(WorkPage):
    """The handledare's evaluation of one young person at the workplace."""

    form_class = SupervisorEvaluationForm

    def the_offer(self) -> Offer:
        for offer in self.offers():
            if offer.pk == self.kwargs["pk"]:
                return offer
        raise Http404

    def get(self, request: HttpRequest, token: str, pk: int) -> HttpResponse:
        offer = self.the_offer()
        current = SupervisorEvaluation.objects.filter(offer=offer).first()
        initial = _initial(current, SupervisorEvaluationForm)
        initial["name"] = request.COOKIES.get(NAME_COOKIE) or (current.by_name if current else "")
        return self.show(
            offer, SupervisorEvaluationForm(initial=initial), saved="saved" in request.GET
        )

    def post(self, request: HttpRequest, token: str, pk: int) -> HttpResponse:
        offer = self.the_offer()
        form = SupervisorEvaluationForm(data=request.POST)
        if not form.is_valid():
            return self.show(offer, form, status=400)
        data = form.cleaned_data
        try:
            supervisor_evaluation_save(
                offer=offer, data=data, by_name=data["name"], expected_version=data["version"]
            )
        except StaleEditError as exc:
            shown = stale_form(SupervisorEvaluationForm, request.POST, exc)
            return self.show(offer, shown, status=409, stale=str(exc.message))
        except ApplicationError as exc:
            return self.show(offer, form, status=409, refusal=str(exc.message))
        return redirect(self.url("work-evaluate", pk=pk) + "?saved=1")

    def show(
        self, offer: Offer, form: EvaluationForm, status: int = 200, **context: Any
    ) -> HttpResponse:
        current = SupervisorEvaluation.objects.filter(offer=offer).first()
        return self.work_page(
            "evaluate",
            status=status,
            offer=offer,
            form=form,
            current=current,
            closed=evaluation_refusal(offer),
            **context,
        )
