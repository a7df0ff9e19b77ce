"""A season's set-up pages, for the programme's leads and summer-jobs coordinators: the
season's rules, its periods, pay by age band, work areas and priority tiers, its places, and
the municipality's workplaces. Anyone else, the programme's caseworkers included, gets 404:
they see the season on its own page (staff.py). The places and workplaces are in
setup_places.py. Each form has a page of its own, where a
refusal is shown on its field with what was typed kept; an edit made on an old page is told,
with what is saved now beside it."""

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.formats import localize
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from accounts.http import SignedInRequest
from accounts.roles import RoleRequiredMixin, Roles
from config.errors import ApplicationError, StaleEditError
from config.views import ServiceFormView
from summerjobs.models import PayRate, Period, PriorityTier, Season, WorkArea
from summerjobs.setup import (
    area_create,
    area_remove,
    area_rename,
    municipality_zone,
    pay_rate_create,
    pay_rate_remove,
    pay_rate_update,
    period_create,
    period_remove,
    period_update,
    row_seen,
    season_create,
    season_update,
    tier_create,
    tier_move,
    tier_remove,
    tier_update,
)
from summerjobs.setup_forms import (
    AreaForm,
    MoveForm,
    PayRateForm,
    PeriodForm,
    PriorityTierForm,
    SeasonCreateForm,
    SeasonForm,
    season_initial,
)
from summerjobs.setup_selectors import (
    SetupRow,
    period_chosen,
    programmes_run,
    row_for_setup,
    run_for_real,
    season_for_setup,
    season_of,
    season_setup,
    sets_up_seasons,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class SetupMixin(LoginRequiredMixin, RoleRequiredMixin):
    """Those who may set up a season somewhere; each page then asks about its own season."""

    def allowed(self, roles: Roles) -> bool:
        return roles.programme_lead or roles.summer_coordinator


class SetsUpSeasonsMixin(SetupMixin):
    """Pages of those who set up a summer-job season of their municipality (a new season, the
    workplaces); 404 for everyone else."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not sets_up_seasons(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


def shown(form: forms.Form) -> list[tuple[Any, str]]:
    """A form's values as a reader sees them (label, text): what is saved now, beside the
    form of an edit that came too late."""
    rows = []
    for bound in form.visible_fields():
        value, field = bound.value(), bound.field
        if isinstance(field, forms.BooleanField):
            text = _("Yes") if value else _("No")
        elif isinstance(field, forms.ChoiceField):
            labels = {str(key): name for key, name in cast(list, field.choices)}
            text = str(labels.get(str(value), value or ""))
        elif isinstance(value, datetime | date):
            text = localize(value)
        else:
            text = "" if value is None else str(value)
        rows.append((bound.label, text))
    return rows


class SetupFormView(SetupMixin, ServiceFormView):
    """One set-up form on its page; saving goes back to the set-up page's section."""

    request: SignedInRequest
    template_name = "summerjobs/setup/form.html"
    title: "StrOrPromise" = ""
    anchor = ""
    save: Callable[..., object]

    def notice(self) -> str:
        """What the page says above its form: what stays, and why."""
        return ""

    def page_title(self) -> str:
        return str(self.title)

    @cached_property
    def season(self) -> Season:
        """The season in the address; a page about one of its rows finds it from the row."""
        return season_for_setup(user=self.request.user, pk=self.kwargs["pk"])

    def perform(self, form):
        try:
            return self.save(form)
        except ApplicationError as exc:
            if exc.code == "stale":
                self.stale(form, exc)
            raise

    def stale(self, form, exc: ApplicationError) -> None:
        """Keep what was typed; base the next save on what is saved now, and show it."""

    def back_url(self) -> str:
        return reverse("summerjobs:setup", args=[self.season.pk]) + (
            f"#{self.anchor}" if self.anchor else ""
        )

    def back_label(self) -> str:
        return _("Set-up of %(name)s") % {"name": self.season.name}

    def get_success_url(self) -> str:
        return self.back_url()

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "season": self.season,
            "title": self.page_title(),
            "back_url": self.back_url(),
            "back_label": self.back_label(),
            "saved": getattr(self, "saved", None),
            "notice": self.notice(),
        }


class OfSeason(SetupFormView):
    """A form that adds to the season in the address."""


class OfRow(SetupFormView):
    """A form that changes one of a season's rows, and offers its removal."""

    model: type[SetupRow]
    remove_name = ""
    remove_note: "StrOrPromise" = ""

    @cached_property
    def row(self):
        return row_for_setup(user=self.request.user, model=self.model, pk=self.kwargs["pk"])

    @cached_property
    def season(self) -> Season:
        return season_of(self.row)

    def initial_of(self, row) -> dict[str, Any]:
        """The row's values of the form's own fields; a page whose form differs says its own."""
        fields = self.get_form_class().base_fields
        return {name: getattr(row, name) for name in fields if hasattr(row, name)}

    def get_initial(self):
        return {**self.initial_of(self.row), "seen": row_seen(self.row)}

    def stale(self, form, exc: ApplicationError) -> None:
        fresh = row_for_setup(user=self.request.user, model=self.model, pk=self.row.pk)
        data = form.data.copy()
        data["seen"] = row_seen(fresh)
        form.data = data
        self.saved = shown(self.get_form_class()(**self.form_kwargs_of(fresh)))

    def form_kwargs_of(self, row) -> dict[str, Any]:
        return {"initial": self.initial_of(row)}

    def removable(self) -> bool:
        return True

    def get_context_data(self, **kwargs):
        remove = reverse(f"summerjobs:{self.remove_name}", args=[self.row.pk])
        return {
            **super().get_context_data(**kwargs),
            "remove_url": remove if self.removable() else None,
            "remove_note": self.remove_note,
        }


class RemoveView(SetupMixin, View):
    """A button on a row's page: remove it, or say why it stays."""

    model: type[SetupRow]
    edit_name: str
    anchor: str
    done: "StrOrPromise"
    remove: Callable[..., None]

    def post(self, request, pk: int):
        row = row_for_setup(user=request.user, model=self.model, pk=pk)
        season = season_of(row)
        try:
            self.remove(actor=request.user, row=row)
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
            return HttpResponseRedirect(reverse(f"summerjobs:{self.edit_name}", args=[pk]))
        messages.success(request, self.done)
        return HttpResponseRedirect(self.done_url(season))

    def done_url(self, season: Season) -> str:
        return reverse("summerjobs:setup", args=[season.pk]) + self.anchor


# --- the season -------------------------------------------------------------------------------


class SeasonCreateView(SetsUpSeasonsMixin, ServiceFormView):
    """A new season of one of the user's summer-job programmes."""

    template_name = "summerjobs/setup/form.html"
    form_class = SeasonCreateForm
    success_message = gettext_lazy(
        "The season has been made. Now add its periods, pay, work areas and priority tiers."
    )

    @cached_property
    def programmes(self):
        return list(programmes_run(user=self.request.user))

    def get_form_kwargs(self):
        zone = municipality_zone(self.request.user.municipality)
        return {**super().get_form_kwargs(), "programmes": self.programmes, "zone": zone}

    def get_initial(self):
        return {"kind": "feriearbete", "hours_per_period": 90, "answer_days": 7}

    def perform(self, form):
        return season_create(
            actor=self.request.user, programme=form.chosen_programme(), data=form.season_data()
        )

    def get_success_url(self) -> str:
        return reverse("summerjobs:setup", args=[self.result.pk])

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("New season"),
            "back_url": reverse("summerjobs:seasons"),
            "back_label": _("Summer jobs"),
        }


class SetupView(SetupMixin, TemplateView):
    """The season's set-up at a glance, each part with its forms."""

    template_name = "summerjobs/setup/setup.html"

    def get_context_data(self, **kwargs):
        season = season_for_setup(user=self.request.user, pk=kwargs["pk"])
        return {
            **super().get_context_data(**kwargs),
            "season": season,
            "zone": municipality_zone(season.programme.municipality),
            "area_form": AreaForm(auto_id="area_%s"),
            "tier_form": PriorityTierForm(auto_id="tier_%s"),
            **season_setup(season=season),
        }


class SeasonEditView(OfSeason):
    form_class = SeasonForm
    title = gettext_lazy("The season's rules")
    success_message = gettext_lazy("The season has been saved.")

    def get_form_kwargs(self):
        zone = municipality_zone(self.season.programme.municipality)
        return {**super().get_form_kwargs(), "zone": zone}

    def get_initial(self):
        return season_initial(self.season)

    def save(self, form):
        return season_update(
            actor=self.request.user,
            season=self.season,
            expected_version=form.cleaned_data["version"],
            data=form.season_data(),
        )

    def stale(self, form, exc: ApplicationError) -> None:
        fresh = season_for_setup(user=self.request.user, pk=self.season.pk)
        data = form.data.copy()
        data["version"] = str(exc.current_version if isinstance(exc, StaleEditError) else 0)
        form.data = data
        zone = municipality_zone(fresh.programme.municipality)
        self.saved = shown(SeasonForm(initial=season_initial(fresh), zone=zone))


# --- periods ----------------------------------------------------------------------------------


def period_initial(period: Period) -> dict[str, Any]:
    return {
        "number": period.number,
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
        "hours_cap": period.hours_cap,
    }


class PeriodCreateView(OfSeason):
    form_class = PeriodForm
    title = gettext_lazy("New period")
    anchor = "periods"
    success_message = gettext_lazy("The period has been added.")

    def get_initial(self):
        return {"number": self.season.periods.count() + 1}

    def save(self, form):
        return period_create(actor=self.request.user, season=self.season, data=form.period_data())


class PeriodEditView(OfRow):
    model = Period
    form_class = PeriodForm
    title = gettext_lazy("Period")
    anchor = "periods"
    remove_name = "period-remove"
    remove_note = gettext_lazy(
        "A period stays while young people have chosen it or places are offered in it."
    )
    success_message = gettext_lazy("The period has been saved.")

    @cached_property
    def chosen(self) -> bool:
        return period_chosen(self.row)

    def notice(self) -> str:
        if not self.chosen:
            return ""
        return _(
            "Young people have chosen this period, so its number and dates stay and it is not "
            "removed. Its hours cap can change."
        )

    def removable(self) -> bool:
        return not self.chosen

    def page_title(self) -> str:
        return _("Period %(number)s") % {"number": self.row.number}

    def initial_of(self, row) -> dict[str, Any]:
        return period_initial(row)

    def save(self, form):
        return period_update(
            actor=self.request.user,
            period=self.row,
            seen=form.cleaned_data["seen"],
            data=form.period_data(),
        )


class PeriodRemoveView(RemoveView):
    model = Period
    edit_name = "period-edit"
    anchor = "#periods"
    done = gettext_lazy("The period has been removed.")

    def remove(self, *, actor, row) -> None:
        period_remove(actor=actor, period=row)


# --- pay by age band --------------------------------------------------------------------------


def pay_rate_initial(rate: PayRate) -> dict[str, Any]:
    return {
        "age_from": rate.age_from,
        "age_to": rate.age_to,
        "hourly_pay": rate.hourly_pay,
        "holiday_pay_percent": rate.holiday_pay_percent,
    }


class PayRateCreateView(OfSeason):
    form_class = PayRateForm
    title = gettext_lazy("New pay rate")
    anchor = "pay"
    success_message = gettext_lazy("The pay rate has been added.")

    def save(self, form):
        return pay_rate_create(
            actor=self.request.user, season=self.season, data=form.pay_rate_data()
        )


class PayRateEditView(OfRow):
    model = PayRate
    form_class = PayRateForm
    title = gettext_lazy("Pay rate")
    anchor = "pay"
    remove_name = "pay-rate-remove"
    success_message = gettext_lazy("The pay rate has been saved.")

    def page_title(self) -> str:
        return _("Pay at %(ages)s years") % {"ages": self.row.ages}

    def initial_of(self, row) -> dict[str, Any]:
        return pay_rate_initial(row)

    def save(self, form):
        return pay_rate_update(
            actor=self.request.user,
            rate=self.row,
            seen=form.cleaned_data["seen"],
            data=form.pay_rate_data(),
        )


class PayRateRemoveView(RemoveView):
    model = PayRate
    edit_name = "pay-rate-edit"
    anchor = "#pay"
    done = gettext_lazy("The pay rate has been removed.")

    def remove(self, *, actor, row) -> None:
        pay_rate_remove(actor=actor, rate=row)


# --- work areas -------------------------------------------------------------------------------


class AreaCreateView(OfSeason):
    form_class = AreaForm
    title = gettext_lazy("New work area")
    anchor = "areas"
    success_message = gettext_lazy("The work area has been added.")

    def get_form_kwargs(self):
        # The set-up page's own form of one field, sent here with its ids.
        return {**super().get_form_kwargs(), "auto_id": "area_%s"}

    def save(self, form):
        name = form.cleaned_data["name"]
        return area_create(actor=self.request.user, season=self.season, name=name)


class AreaEditView(OfRow):
    model = WorkArea
    form_class = AreaForm
    title = gettext_lazy("Work area")
    anchor = "areas"
    remove_name = "area-remove"
    remove_note = gettext_lazy(
        "A work area stays while young people wish for it or places are offered in it."
    )
    success_message = gettext_lazy("The work area has been renamed.")

    def page_title(self) -> str:
        return self.row.name

    def save(self, form):
        data = form.cleaned_data
        return area_rename(
            actor=self.request.user, area=self.row, seen=data["seen"], name=data["name"]
        )


class AreaRemoveView(RemoveView):
    model = WorkArea
    edit_name = "area-edit"
    anchor = "#areas"
    done = gettext_lazy("The work area has been removed.")

    def remove(self, *, actor, row) -> None:
        area_remove(actor=actor, area=row)


# --- priority tiers ---------------------------------------------------------------------------


class TierCreateView(OfSeason):
    form_class = PriorityTierForm
    title = gettext_lazy("New priority tier")
    anchor = "tiers"
    success_message = gettext_lazy("The priority tier has been added, last in the order.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "auto_id": "tier_%s"}

    def save(self, form):
        data = form.cleaned_data
        return tier_create(
            actor=self.request.user,
            season=self.season,
            name=data["name"],
            sensitive=data["sensitive"],
        )


class TierEditView(OfRow):
    model = PriorityTier
    form_class = PriorityTierForm
    title = gettext_lazy("Priority tier")
    anchor = "tiers"
    remove_name = "tier-remove"
    remove_note = gettext_lazy("A tier stays while applications are in it.")
    success_message = gettext_lazy("The priority tier has been saved.")

    @cached_property
    def frozen(self) -> bool:
        return run_for_real(self.season)

    def notice(self) -> str:
        if not self.frozen:
            return ""
        return _("The lottery has been run for real, so the priority tiers stay as they were.")

    def removable(self) -> bool:
        return not self.frozen

    def page_title(self) -> str:
        return self.row.name

    def save(self, form):
        data = form.cleaned_data
        return tier_update(
            actor=self.request.user,
            tier=self.row,
            seen=data["seen"],
            name=data["name"],
            sensitive=data["sensitive"],
        )


class TierMoveView(SetupMixin, View):
    """The set-up page's arrows: serve a tier one step earlier or later."""

    form_class = MoveForm

    def post(self, request, pk: int):
        tier = row_for_setup(user=request.user, model=PriorityTier, pk=pk)
        form = MoveForm(request.POST)
        try:
            if not form.is_valid():
                raise ApplicationError(_("Choose up or down."))
            tier_move(actor=request.user, tier=tier, up=form.cleaned_data["direction"] == "up")
        except ApplicationError as exc:
            messages.error(request, str(exc.message))
        return HttpResponseRedirect(reverse("summerjobs:setup", args=[tier.season_id]) + "#tiers")


class TierRemoveView(RemoveView):
    model = PriorityTier
    edit_name = "tier-edit"
    anchor = "#tiers"
    done = gettext_lazy("The priority tier has been removed.")

    def remove(self, *, actor, row) -> None:
        tier_remove(actor=actor, tier=row)
