"""The staff's view of a season's workplaces: who has taken their places, and the link each
workplace's handledare use for the hours (summerjobs/work.py)."""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts import memberships
from accounts.http import SignedInRequest
from config.errors import ApplicationError
from summerjobs.forms import StaffHoursForm
from summerjobs.models import Attestation, Workplace
from summerjobs.selectors import offer_get, season_get, season_workplaces
from summerjobs.views.staff import StaffMixin, record_look
from summerjobs.work import (
    DayInput,
    effective_days,
    hours_record,
    period_hours,
    workplace_access_create,
)


class SeasonWorkplacesView(StaffMixin, TemplateView):
    template_name = "summerjobs/workplaces.html"

    def get_context_data(self, **kwargs):
        season = season_get(user=self.request.user, pk=kwargs["pk"])
        return {
            **super().get_context_data(**kwargs),
            "season": season,
            "rows": season_workplaces(season=season),
            "may_send": memberships.runs_summer_jobs(self.request.user, season.programme_id),
        }


class WorkplaceLinkView(StaffMixin, View):
    """A new link for a workplace's pages, e-mailed to it and shown once here."""

    def post(self, request: SignedInRequest, pk: int, workplace: int) -> HttpResponse:
        season = season_get(user=request.user, pk=pk)
        if not memberships.runs_summer_jobs(request.user, season.programme_id):
            raise Http404
        place = get_object_or_404(
            Workplace.objects.filter(places__period__season=season).distinct(), pk=workplace
        )
        try:
            link, mailed = workplace_access_create(
                actor=request.user, workplace=place, season=season
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            text = (
                _("A new link went to %(email)s: %(link)s")
                if mailed
                else _(
                    "The workplace has no e-mail address that took the link. "
                    "Give it this link: %(link)s"
                )
            )
            messages.success(request, text % {"email": place.contact_email, "link": link})
        return HttpResponseRedirect(reverse("summerjobs:workplaces", kwargs={"pk": season.pk}))


class OfferHoursView(StaffMixin, View):
    """A young person's hours in their period, every entry with who made it, and for the
    programme's leads and coordinators a correction, with a reason once attested."""

    form_class = StaffHoursForm

    request: SignedInRequest

    def get(self, request: SignedInRequest, pk: int) -> HttpResponse:
        offer = offer_get(user=request.user, pk=pk)
        record_look(request, offer.allocation.application_id)
        return self.show(offer, StaffHoursForm())

    def post(self, request: SignedInRequest, pk: int) -> HttpResponse:
        offer = offer_get(user=request.user, pk=pk)
        if not memberships.runs_summer_jobs(request.user, offer.place.period.season.programme_id):
            raise Http404
        form = StaffHoursForm(request.POST)
        if not form.is_valid():
            return self.show(offer, form, status=400)
        data = form.cleaned_data
        try:
            hours_record(
                offer=offer,
                data=DayInput(
                    day=data["day"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    break_minutes=data["break_minutes"] or 0,
                    absence=data["absence"],
                ),
                actor=request.user,
                reason=data["reason"],
            )
        except ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            return self.show(offer, form, status=400)
        messages.success(request, _("The hours are saved."))
        return HttpResponseRedirect(reverse("summerjobs:offer_hours", kwargs={"pk": offer.pk}))

    def show(self, offer, form, status: int = 200) -> HttpResponse:
        season = offer.place.period.season
        context = {
            "offer": offer,
            "entries": offer.hours.select_related("entered_by").order_by("day", "entered_at", "pk"),
            "counted": {e.pk for e in effective_days(offer.hours.all()).values()},
            "total": period_hours(offer),
            "attestation": Attestation.objects.filter(offer=offer).first(),
            "form": form,
            "may_correct": memberships.runs_summer_jobs(self.request.user, season.programme_id),
        }
        return render(self.request, "summerjobs/offer_hours.html", context, status=status)
