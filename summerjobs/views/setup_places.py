"""The set-up pages of a season's places and of the municipality's workplaces, for those who
set up its seasons (setup.py: who, and how a form page behaves)."""

from typing import Any

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import TemplateView

from accounts.http import SignedInRequest
from config.errors import ApplicationError
from config.views import ServiceFormView
from summerjobs.models import Place, Workplace
from summerjobs.setup import row_seen
from summerjobs.setup_forms import PlaceForm, WorkplaceForm, place_initial
from summerjobs.setup_places import (
    place_create,
    place_remove,
    place_update,
    workplace_create,
    workplace_update,
)
from summerjobs.setup_selectors import (
    place_totals,
    place_usage,
    season_for_setup,
    season_places,
    seasons_for_setup,
    workplace_get,
    workplace_list,
    workplace_places,
)
from summerjobs.views.setup import (
    OfRow,
    OfSeason,
    RemoveView,
    SetsUpSeasonsMixin,
    SetupMixin,
    shown,
)

PLACES_PER_PAGE = 50

# --- a season's places ------------------------------------------------------------------------


class PlaceListView(SetupMixin, TemplateView):
    """The season's places by workplace, with how many the run for real has given."""

    template_name = "summerjobs/setup/places.html"

    def get_context_data(self, **kwargs):
        season = season_for_setup(user=self.request.user, pk=kwargs["pk"])
        page = Paginator(season_places(season=season), PLACES_PER_PAGE).get_page(
            self.request.GET.get("page")
        )
        return {
            **super().get_context_data(**kwargs),
            "season": season,
            "page_obj": page,
            "places": page.object_list,
            **place_totals(season=season),
        }


class PlaceFormMixin:
    """The choices of a place's form: the municipality's workplaces, the season's periods and
    work areas."""

    def place_choices(self, season) -> dict[str, Any]:
        municipality = season.programme.municipality
        return {
            "workplaces": list(Workplace.objects.filter(municipality=municipality)),
            "periods": list(season.periods.all()),
            "areas": list(season.areas.all()),
        }

    def back_url(self) -> str:
        return reverse("summerjobs:places", args=[self.season.pk])  # type: ignore[attr-defined]

    def back_label(self) -> str:
        return _("Places of %(name)s") % {"name": self.season.name}  # type: ignore[attr-defined]


class PlaceCreateView(PlaceFormMixin, OfSeason):
    form_class = PlaceForm
    title = gettext_lazy("New place")
    success_message = gettext_lazy("The place has been added.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **self.place_choices(self.season)}

    def get_initial(self):
        chosen = {name: self.request.GET.get(name) for name in ("workplace", "period", "area")}
        return {"min_age": 16, **{name: value for name, value in chosen.items() if value}}

    def save(self, form):
        return place_create(actor=self.request.user, season=self.season, data=form.place_data())


class PlaceEditView(PlaceFormMixin, OfRow):
    model = Place
    form_class = PlaceForm
    title = gettext_lazy("Place")
    remove_name = "place-remove"
    remove_note = gettext_lazy(
        "A place stays once the lottery run for real has given it to a young person."
    )
    success_message = gettext_lazy("The place has been saved.")

    @cached_property
    def placed(self) -> int:
        return place_usage(place=self.row)["placed"]

    def notice(self) -> str:
        if not self.placed:
            return ""
        return ngettext(
            "The lottery run for real has given this place to %(placed)d young person: its "
            "period and work area stay, and it offers at least that many positions.",
            "The lottery run for real has given this place to %(placed)d young people: its "
            "period and work area stay, and it offers at least that many positions.",
            self.placed,
        ) % {"placed": self.placed}

    def removable(self) -> bool:
        return not self.placed

    def page_title(self) -> str:
        place = self.row
        return _("%(workplace)s: %(area)s, period %(number)s") % {
            "workplace": place.workplace.name,
            "area": place.area.name,
            "number": place.period.number,
        }

    def initial_of(self, row) -> dict[str, Any]:
        return place_initial(row)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), **self.place_choices(self.season)}

    def form_kwargs_of(self, row) -> dict[str, Any]:
        return {"initial": place_initial(row), **self.place_choices(self.season)}

    def save(self, form):
        return place_update(
            actor=self.request.user,
            place=self.row,
            seen=form.cleaned_data["seen"],
            data=form.place_data(),
        )


class PlaceRemoveView(RemoveView):
    model = Place
    edit_name = "place-edit"
    anchor = ""
    done = gettext_lazy("The place has been removed.")

    def remove(self, *, actor, row) -> None:
        place_remove(actor=actor, place=row)

    def done_url(self, season) -> str:
        return reverse("summerjobs:places", args=[season.pk])


# --- the municipality's workplaces ------------------------------------------------------------


class WorkplaceListView(SetsUpSeasonsMixin, TemplateView):
    template_name = "summerjobs/setup/workplaces.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "workplaces": workplace_list(user=self.request.user),
            "form": WorkplaceForm(),
        }


class WorkplaceCreateView(SetsUpSeasonsMixin, ServiceFormView):
    request: SignedInRequest
    template_name = "summerjobs/setup/form.html"
    form_class = WorkplaceForm
    success_message = gettext_lazy("The workplace has been added.")

    def perform(self, form):
        return workplace_create(actor=self.request.user, data=form.workplace_data())

    def get_success_url(self) -> str:
        return reverse("summerjobs:workplace-edit", args=[self.result.pk])

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "title": _("New workplace"),
            "back_url": reverse("summerjobs:workplace-list"),
            "back_label": _("Summer-job workplaces"),
        }


def workplace_initial(workplace: Workplace) -> dict[str, Any]:
    return {
        "name": workplace.name,
        "kind": workplace.kind,
        "address": workplace.address,
        "contact_email": workplace.contact_email,
    }


class WorkplaceEditView(WorkplaceCreateView):
    """A workplace, and its places in the seasons the user sets up."""

    template_name = "summerjobs/setup/workplace.html"
    success_message = gettext_lazy("The workplace has been saved.")

    @cached_property
    def workplace(self) -> Workplace:
        return workplace_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_initial(self):
        return {**workplace_initial(self.workplace), "seen": row_seen(self.workplace)}

    def perform(self, form):
        try:
            return workplace_update(
                actor=self.request.user,
                workplace=self.workplace,
                seen=form.cleaned_data["seen"],
                data=form.workplace_data(),
            )
        except ApplicationError as exc:
            if exc.code == "stale":
                fresh = workplace_get(user=self.request.user, pk=self.workplace.pk)
                form.data = form.data.copy()
                form.data["seen"] = row_seen(fresh)
                self.saved = shown(WorkplaceForm(initial=workplace_initial(fresh)))
            raise

    def get_context_data(self, **kwargs):
        places = workplace_places(user=self.request.user, workplace=self.workplace)
        return {
            **super().get_context_data(**kwargs),
            "title": self.workplace.name,
            "workplace": self.workplace,
            "places": list(places),
            "seasons": list(seasons_for_setup(user=self.request.user)),
            "saved": getattr(self, "saved", None),
        }
