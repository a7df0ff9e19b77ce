"""The season's figures: exact on the page for everyone who sees the season (the breakdown by
priority tier only for those who see the priority grounds), and as a suppressed CSV or XLSX
for the programme's leads and coordinators, after a recent password (summerjobs/figures.py)."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import TemplateView

from accounts import memberships
from accounts.http import SignedInRequest
from config.errors import ApplicationError
from summerjobs.figures import season_figures
from summerjobs.figures_files import CONTENT_TYPES, file_name, season_figures_export
from summerjobs.selectors import season_get, season_get_to_run
from summerjobs.views.staff import StaffMixin


class SeasonFiguresView(StaffMixin, TemplateView):
    template_name = "summerjobs/figures.html"

    def get_context_data(self, **kwargs):
        season = season_get(user=self.request.user, pk=kwargs["pk"])
        leads = memberships.runs_summer_jobs(self.request.user, season.programme_id)
        return {
            **super().get_context_data(**kwargs),
            "season": season,
            "figures": season_figures(season=season, with_tiers=leads),
            "leads": leads,
            "formats": list(CONTENT_TYPES),
        }


@method_decorator(reauthentication_required, name="get")
class SeasonFiguresFileView(StaffMixin, View):
    """The figures as a file (``?format=csv`` or ``xlsx``), recorded; 404 for a season the
    user does not see or whose figures they do not export."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.season = season_get_to_run(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: SignedInRequest, pk: int) -> HttpResponse:
        fmt = request.GET.get("format", "")
        try:
            content = season_figures_export(user=request.user, season=self.season, fmt=fmt)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            return HttpResponseRedirect(reverse("summerjobs:figures", kwargs={"pk": pk}))
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{file_name(self.season, fmt)}"'
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
