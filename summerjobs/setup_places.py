"""Writes for the municipality's summer-job workplaces and the places they offer in a season,
by those who set up its seasons (summerjobs/setup.py: the rules, the change history, and what
stays once a run for real relies on it)."""

from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from audit.services import audited_save
from config.errors import ApplicationError
from summerjobs.models import Period, Place, Season, WorkArea, Workplace, WorkplaceKind
from summerjobs.setup import (
    OLDEST,
    YOUNGEST,
    check_sets_up,
    excluding,
    record_created,
    removed,
    row_claim,
    season_lock,
    taken_meanwhile,
    tidy,
)
from summerjobs.setup_selectors import place_usage, sets_up_seasons

MAX_SLOTS = 999


# --- workplaces -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class WorkplaceData:
    name: str
    kind: str
    address: str = ""
    # Where a decline, a lapsed offer and the workplace's own link go (offers.py, work.py).
    contact_email: str = ""


WORKPLACE_FIELDS = tuple(f.name for f in dataclass_fields(WorkplaceData))


def workplace_create(*, actor: User, data: WorkplaceData) -> Workplace:
    """A workplace of the actor's municipality, offered to every season there."""
    municipality_id = _check_workplaces(actor)
    values = _workplace_values(municipality_id, data, None)
    with transaction.atomic(), taken_meanwhile(_workplace_taken(), "name"):
        workplace = Workplace.objects.create(municipality_id=municipality_id, **values)
        record_created(actor, workplace, WORKPLACE_FIELDS)
    return workplace


def workplace_update(
    *, actor: User, workplace: Workplace, seen: str, data: WorkplaceData
) -> Workplace:
    municipality_id = _check_workplaces(actor, workplace)
    values = _workplace_values(municipality_id, data, workplace)
    with transaction.atomic():
        current = row_claim(workplace, seen)
        with taken_meanwhile(_workplace_taken(), "name"):
            audited_save(actor=actor, instance=current, **values)
    return current


def _check_workplaces(actor: User, workplace: Workplace | None = None) -> int:
    """The actor's municipality, when they set up its summer-job seasons (and the workplace
    is of it)."""
    municipality_id = actor.municipality_id
    mine = workplace is None or workplace.municipality_id == municipality_id
    if municipality_id is None or not mine or not sets_up_seasons(actor):
        raise ApplicationError(
            _("Only those who set up summer-job seasons change the workplaces."),
            code="forbidden",
        )
    return municipality_id


def _workplace_taken() -> str:
    return _("The municipality already has a workplace of that name.")


def _workplace_values(
    municipality_id: int, data: WorkplaceData, workplace: Workplace | None
) -> dict[str, Any]:
    name = tidy(data.name)
    if not name:
        raise ApplicationError(_("Give the workplace a name."), field="name")
    taken = Workplace.objects.filter(municipality_id=municipality_id, name__iexact=name)
    if excluding(taken, workplace).exists():
        raise ApplicationError(_workplace_taken(), field="name")
    if data.kind not in WorkplaceKind.values:
        raise ApplicationError(_("Choose the kind of workplace."), field="kind")
    return {
        "name": name,
        "kind": data.kind,
        "address": tidy(data.address),
        "contact_email": data.contact_email.strip(),
    }


# --- places -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PlaceData:
    workplace_id: int
    period_id: int
    area_id: int
    slots: int
    min_age: int = 16
    record_extract_required: bool = False
    tasks: str = ""
    supervisor_name: str = ""
    supervisor_phone: str = ""


PLACE_FIELDS: tuple[str, ...] = (
    "workplace",
    "period",
    "area",
    "slots",
    "min_age",
    "record_extract_required",
)
PLACE_TEXTS = ("tasks", "supervisor_name", "supervisor_phone")
PLACE_FIELDS += PLACE_TEXTS


def place_create(*, actor: User, season: Season, data: PlaceData) -> Place:
    """A workplace's offer of places in one of the season's periods and work areas."""
    check_sets_up(actor, season.programme_id)
    values = _place_values(season, data)
    with transaction.atomic():
        season_lock(season)
        place = Place.objects.create(**values)
        record_created(actor, place, PLACE_FIELDS)
    return place


def place_update(*, actor: User, place: Place, seen: str, data: PlaceData) -> Place:
    """Change a place; what a run for real relies on stays (the module's docstring)."""
    season = place.period.season
    check_sets_up(actor, season.programme_id)
    values = _place_values(season, data)
    with transaction.atomic():
        season_lock(season)
        current = row_claim(place, seen)
        _check_place_keeps_its_people(current, values)
        audited_save(actor=actor, instance=current, **values)
    return current


def place_remove(*, actor: User, place: Place) -> None:
    """Remove a place that no run for real, change by hand or offer has given anyone."""
    check_sets_up(actor, place.period.season.programme_id)
    with transaction.atomic():
        season_lock(place.period.season)
        usage = place_usage(place=place)
        if any(usage.values()):
            raise ApplicationError(
                _(
                    "The lottery run for real has given young people this place, so it stays. "
                    "Lower its positions instead, down to those taken."
                )
            )
        removed(actor=actor, instance=place, fields=PLACE_FIELDS)


def _place_values(season: Season, data: PlaceData) -> dict[str, Any]:
    """The place's rows resolved within the season and its municipality: an id of any other
    is refused on its field."""
    municipality_id = season.programme.municipality_id
    workplace = Workplace.objects.filter(
        pk=data.workplace_id, municipality_id=municipality_id
    ).first()
    if workplace is None:
        raise ApplicationError(_("Choose one of the municipality's workplaces."), field="workplace")
    period = Period.objects.filter(pk=data.period_id, season=season).first()
    if period is None:
        raise ApplicationError(_("Choose one of this season's periods."), field="period")
    area = WorkArea.objects.filter(pk=data.area_id, season=season).first()
    if area is None:
        raise ApplicationError(_("Choose one of this season's work areas."), field="area")
    _check_place_numbers(data)
    texts = {name: getattr(data, name).strip() for name in PLACE_TEXTS}
    return {
        "workplace": workplace,
        "period": period,
        "area": area,
        "slots": data.slots,
        "min_age": data.min_age,
        "record_extract_required": data.record_extract_required,
        **texts,
    }


def _check_place_numbers(data: PlaceData) -> None:
    if not 1 <= data.slots <= MAX_SLOTS:
        raise ApplicationError(
            _("Offer from 1 to %(most)d positions.") % {"most": MAX_SLOTS}, field="slots"
        )
    if not YOUNGEST <= data.min_age <= OLDEST:
        raise ApplicationError(
            _("Give a minimum age from %(youngest)d to %(oldest)d.")
            % {"youngest": YOUNGEST, "oldest": OLDEST},
            field="min_age",
        )


def _check_place_keeps_its_people(place: Place, values: dict[str, Any]) -> None:
    placed = place_usage(place=place)["placed"]
    if not placed:
        return
    if values["period"].pk != place.period_id or values["area"].pk != place.area_id:
        raise ApplicationError(
            _("Young people have been given this place, so its period and work area stay."),
            field="period",
        )
    if values["slots"] < placed:
        raise ApplicationError(
            ngettext(
                "%(placed)d young person has been given this place: offer at least as many "
                "positions.",
                "%(placed)d young people have been given this place: offer at least as many "
                "positions.",
                placed,
            )
            % {"placed": placed},
            field="slots",
        )
    if values["min_age"] > place.min_age:
        raise ApplicationError(
            _("Young people have been given this place, so its minimum age cannot be raised."),
            field="min_age",
        )
