"""The offer's pages for a young person and their guardian (docs/summerjobs.md, "Offers"): no
account, reached through the private links the offer's messages carry, in Swedish or English
as the application e-service is. The rules are summerjobs/offers.py's."""

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from config.errors import ApplicationError
from summerjobs.evaluations import after_work
from summerjobs.forms import GuardianAnswerForm, OfferAnswerForm
from summerjobs.models import Offer
from summerjobs.offers import offer_accept, offer_decline, offer_guardian_answer
from summerjobs.selectors import offer_for_guardian_link, offer_for_link, pay_for
from summerjobs.views.apply import ApplyPage


class OfferPage(ApplyPage):
    """A page of an offer's link: a token nobody holds is a page not found."""

    offer: Offer
    template = "offer"
    url_name = "apply:offer"

    def find(self, token: str) -> Offer | None:
        return offer_for_link(token=token)

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        found = self.find(kwargs["token"])
        if found is None:
            self.speak()
            return self.page("not_found", status=404)
        self.offer, self.season = found, found.place.period.season
        self.speak()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        return self.show(answered="answered" in request.GET)

    def show(self, status: int = 200, **context) -> HttpResponse:
        offer = self.offer
        application, period = offer.allocation.application, offer.place.period
        pay = pay_for(season=period.season, birth_date=application.birth_date, on=period.starts_on)
        context = {
            "offer": offer,
            "place": offer.place,
            "period": period,
            "pay": pay,
            "after": after_work(offer),
            **context,
        }
        return self.page(self.template, status=status, **context)

    def answered(self) -> HttpResponse:
        return redirect(
            reverse(self.url_name, kwargs={"token": self.kwargs["token"]}) + "?answered=1"
        )

    def refused(self, exc: ApplicationError) -> HttpResponse:
        found = self.find(self.kwargs["token"])
        self.offer = found or self.offer
        return self.show(status=409, refusal=str(exc.message))


class OfferView(OfferPage):
    form_class = OfferAnswerForm

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        form = OfferAnswerForm(request.POST)
        if not form.is_valid():
            return self.show(status=400, form_errors=form.errors)
        data = form.cleaned_data
        try:
            if data["answer"] == "accept":
                offer_accept(offer=self.offer, expected_version=data["version"])
            else:
                offer_decline(
                    offer=self.offer, expected_version=data["version"], reason=data["reason"]
                )
        except ApplicationError as exc:
            return self.refused(exc)
        return self.answered()


class GuardianView(OfferPage):
    form_class = GuardianAnswerForm
    template = "guardian"
    url_name = "apply:guardian"

    def find(self, token: str) -> Offer | None:
        return offer_for_guardian_link(token=token)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        form = GuardianAnswerForm(request.POST)
        if not form.is_valid():
            return self.show(status=400, form_errors=form.errors)
        data = form.cleaned_data
        try:
            offer_guardian_answer(
                offer=self.offer,
                expected_version=data["version"],
                confirm=data["answer"] == "confirm",
            )
        except ApplicationError as exc:
            return self.refused(exc)
        return self.answered()
