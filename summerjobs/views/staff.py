"""The staff's summer-job pages: the seasons, a season's set-up and applications, and the
lottery, dry or for real."""

import secrets

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts import memberships
from accounts.roles import RoleRequiredMixin, Roles
from config.errors import ApplicationError
from config.views import ServiceFormView
from summerjobs.forms import LotteryForm, OverrideForm, TierForm
from summerjobs.models import Season
from summerjobs.selectors import (
    allocation_get,
    application_get,
    application_list,
    offer_counts,
    offers_ended,
    places_with_room,
    run_get,
    run_offers,
    run_outcome,
    run_overrides,
    run_staff_answers,
    season_get,
    season_list,
    season_overview,
)
from summerjobs.services import (
    allocation_override,
    application_looked_at,
    application_set_tier,
    lottery_run,
)
from summerjobs.setup_selectors import sets_up_seasons

# A suggestion for the form; whoever runs the lottery may choose their own.
SUGGESTED_SEED_BELOW = 10**9


def _runs(user, season: Season) -> bool:
    return memberships.runs_summer_jobs(user, season.programme_id)


class StaffMixin(LoginRequiredMixin, RoleRequiredMixin):
    """The staff of a summer-job programme: its caseworkers see; its leads and summer-jobs
    coordinators also set priority and run the lottery."""

    def allowed(self, roles: Roles) -> bool:
        return roles.follows_participants or roles.summer_coordinator


def record_look(request, application_id: int) -> None:
    """A staff page about one young person, opened (``application_looked_at``)."""
    page = request.resolver_match.view_name if request.resolver_match else ""
    application_looked_at(user=request.user, application_id=application_id, page=page)


class SeasonListView(StaffMixin, TemplateView):
    template_name = "summerjobs/season_list.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "seasons": season_list(user=self.request.user),
            "sets_up": sets_up_seasons(self.request.user),
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
        if not _runs(request.user, self.season):
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
            "leads": _runs(self.request.user, self.season),
            **season_overview(season=self.season),
        }


class RunDetailView(StaffMixin, TemplateView):
    template_name = "summerjobs/run_detail.html"

    def get_context_data(self, **kwargs):
        run = run_get(user=self.request.user, pk=kwargs["pk"])
        outcome = run_outcome(run=run)
        offers = {} if run.dry_run else run_offers(run=run)
        return {
            **super().get_context_data(**kwargs),
            "run": run,
            "may_change": not run.dry_run and _runs(self.request.user, run.season),
            # A tier is a priority ground: seen by those who set them (DESIGN.md §1).
            "sees_tiers": _runs(self.request.user, run.season),
            "overrides": [] if run.dry_run else list(run_overrides(run=run)),
            "staff_answers": [] if run.dry_run else list(run_staff_answers(run=run)),
            **outcome,
            "placed": [(row, offers.get(row.allocation_id or 0)) for row in outcome["placed"]],
            "offer_counts": offer_counts(offers=offers, placed=outcome["placed"]),
            "ended": offers_ended(offers=offers),
        }


APPLICATIONS_PER_PAGE = 50


class ApplicationListView(StaffMixin, TemplateView):
    """A season's applications; its leads set each one's priority tier here."""

    template_name = "summerjobs/applications.html"

    def get_context_data(self, **kwargs):
        season = season_get(user=self.request.user, pk=kwargs["pk"])
        page = Paginator(application_list(season=season), APPLICATIONS_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        lead = _runs(self.request.user, season)
        tiers = list(season.tiers.all())
        rows = [
            (
                a,
                TierForm(
                    tiers=tiers,
                    initial={"tier": a.tier_id, "version": a.version},
                    prefix=str(a.pk),
                )
                if lead
                else None,
            )
            for a in page.object_list
        ]
        return {
            **super().get_context_data(**kwargs),
            "season": season,
            "page_obj": page,
            "rows": rows,
            "sees_tiers": lead,
        }


class ApplicationTierView(StaffMixin, View):
    def post(self, request, pk):
        application = application_get(user=request.user, pk=pk)
        back = reverse("summerjobs:applications", kwargs={"pk": application.season_id})
        if not _runs(request.user, application.season):
            raise Http404
        tiers = list(application.season.tiers.all())
        form = TierForm(request.POST, tiers=tiers, prefix=str(application.pk))
        if not form.is_valid():
            messages.error(request, _("Choose one of this season's priority tiers."))
            return HttpResponseRedirect(back)
        try:
            application_set_tier(
                actor=request.user,
                application=application,
                tier=form.chosen_tier(),
                expected_version=form.cleaned_data["version"],
            )
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Priority saved."))
        return HttpResponseRedirect(back)


class AllocationOverrideView(StaffMixin, ServiceFormView):
    """A young person's outcome of a run for real, changed by hand with a reason."""

    template_name = "summerjobs/override.html"
    form_class = OverrideForm
    success_message = gettext_lazy("The change is made and kept with its reason.")

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.allocation = allocation_get(user=request.user, pk=kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        run = self.allocation.run
        changes = not run.dry_run and memberships.runs_summer_jobs(
            request.user, run.season.programme_id
        )
        if request.user.is_authenticated and not changes:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        record_look(request, self.allocation.application_id)
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "places": places_with_room(run=self.allocation.run)}

    def perform(self, form):
        return allocation_override(
            actor=self.request.user,
            allocation=self.allocation,
            place=form.chosen_place(),
            reason=form.cleaned_data["reason"],
        )

    def get_success_url(self) -> str:
        return reverse("summerjobs:run", kwargs={"pk": self.allocation.run_id})

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "allocation": self.allocation}
