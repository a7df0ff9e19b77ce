"""The staff's summer-job pages: the seasons, a season's set-up and applications, and the
lottery, dry or for real."""

import secrets

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from accounts import memberships
from accounts.roles import RoleRequiredMixin, Roles
from config.views import ServiceFormView
from summerjobs.forms import LotteryForm
from summerjobs.models import Season
from summerjobs.selectors import run_get, run_outcome, season_get, season_list, season_overview
from summerjobs.services import lottery_run

# A suggestion for the form; whoever runs the lottery may choose their own.
SUGGESTED_SEED_BELOW = 10**9


class StaffMixin(LoginRequiredMixin, RoleRequiredMixin):
    """The staff of a summer-job programme: its caseworkers see, its leads also run."""

    def allowed(self, roles: Roles) -> bool:
        return roles.follows_participants


def leads(user, season: Season) -> bool:
    return season.programme_id in memberships.programme_ids_led(user)


class SeasonListView(StaffMixin, TemplateView):
    template_name = "summerjobs/season_list.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "seasons": season_list(user=self.request.user),
        }


class SeasonDetailView(StaffMixin, ServiceFormView):
    """The season, and for its leads the lottery's form."""

    template_name = "summerjobs/season_detail.html"
    form_class = LotteryForm
    success_message = gettext_lazy("The lottery has run.")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.season = season_get(user=request.user, pk=kwargs["pk"])

    def get_initial(self):
        return {"seed": secrets.randbelow(SUGGESTED_SEED_BELOW)}

    def post(self, request, *args, **kwargs):
        if not leads(request.user, self.season):
            raise Http404
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        return lottery_run(
            season=self.season,
            seed=form.cleaned_data["seed"],
            dry_run=not form.cleaned_data["for_real"],
            actor=self.request.user,
        )

    def get_success_url(self) -> str:
        return reverse("summerjobs:run", kwargs={"pk": self.result.pk})

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "season": self.season,
            "leads": leads(self.request.user, self.season),
            **season_overview(season=self.season),
        }


class RunDetailView(StaffMixin, TemplateView):
    template_name = "summerjobs/run_detail.html"

    def get_context_data(self, **kwargs):
        run = run_get(user=self.request.user, pk=kwargs["pk"])
        return {**super().get_context_data(**kwargs), "run": run, **run_outcome(run=run)}
