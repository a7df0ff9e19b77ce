"""The staff's view of a season's workplaces: who has taken their places, and the link each
workplace's handledare use for the hours (summerjobs/work.py)."""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts import memberships
from accounts.http import SignedInRequest
from config.errors import ApplicationError
from summerjobs.models import Workplace
from summerjobs.selectors import season_get, season_workplaces
from summerjobs.views.staff import StaffMixin
from summerjobs.work import workplace_access_create


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
