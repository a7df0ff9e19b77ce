"""Writes for a season's set-up, by the programme's leads and summer-jobs coordinators: the
season itself, its periods, pay by age band, work areas and priority tiers (the workplaces and
their places: summerjobs/setup_places.py). Every change is in the change history.

What stays once it is relied on (docs/summerjobs.md, "Setting up a season"):
- once applications exist, the years of birth may be widened, never narrowed; a period that an
  application chose keeps its number and dates (its hours cap may change) and is not removed;
  a work area that an application chose is not removed (it may be renamed);
- once the lottery has run for real, the priority tiers stay as they were; a place that the
  run gives somebody keeps its period and area, offers no fewer positions than are taken and
  asks no higher age; a place that the run, a change by hand or an offer names is not removed.

The season has a ``version``: an edit names the version its form was opened with and loses to
a save made meanwhile (config/concurrency.py). The other rows have none, so an edit names a
digest of the row as its form showed it (``row_seen``) and loses likewise. Every change of a
season's rows holds the season's row locked, as the lottery does, so that two people cannot
add overlapping periods at once, nor change a tier while the lottery runs for real."""

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import DecimalField, F, Field, Max, Model, ProtectedError, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import memberships
from accounts.models import Country, Municipality, User
from audit.models import ChangeAction
from audit.services import audited_delete, audited_save, change_record, snapshot
from config.concurrency import claim_version
from config.dates import EARLIEST_DATE, LATEST_DATE
from config.errors import ApplicationError
from programs.models import Programme, ProgrammeKind
from summerjobs.models import (
    Application,
    Choice,
    PayRate,
    Period,
    Place,
    PriorityTier,
    Season,
    SeasonKind,
    WorkArea,
)
from summerjobs.setup_selectors import period_chosen, run_for_real

Row = TypeVar("Row", bound=Model)

# The municipality keeps no time zone of its own: its country's is the one its staff type in.
ZONES: dict[str, str] = {Country.SWEDEN: "Europe/Stockholm", Country.NORWAY: "Europe/Oslo"}
YOUNGEST, OLDEST = 13, 25  # the ages a summer job is for, with room on both sides
MAX_PERIOD_NUMBER = 99
MAX_ANSWER_DAYS = 60
MAX_HOURS = Decimal("999.99")
MAX_PAY = Decimal("99999.99")
MAX_HOLIDAY_PERCENT = Decimal("99.99")
# Where tiers step aside while they are given new positions (positions are unique).
_ASIDE = 10_000


def municipality_zone(municipality: Municipality) -> ZoneInfo:
    """The time zone in which the municipality's staff type and read the application window."""
    return ZoneInfo(ZONES.get(municipality.country, settings.TIME_ZONE))


def row_seen(row: Model) -> str:
    """A short digest of a row's values as a page shows them, for the rows without a version:
    an edit that names another digest than the row's now was made on an old page. Numbers are
    taken as the column keeps them (12 and 12.00 are one value)."""
    values = "|".join(f"{f.attname}={_kept(f, row)}" for f in row._meta.concrete_fields)
    return hashlib.sha256(values.encode()).hexdigest()[:20]


def _kept(field: "Field[Any, Any]", row: Model) -> object:
    value = getattr(row, field.attname)
    if isinstance(field, DecimalField) and value is not None:
        return f"{Decimal(value):.{field.decimal_places}f}"
    return value


# --- shared checks ----------------------------------------------------------------------------


def check_sets_up(actor: User, programme_id: int) -> None:
    """Refuse anyone but the programme's leads and summer-jobs coordinators."""
    if not memberships.runs_summer_jobs(actor, programme_id):
        raise ApplicationError(
            _("Only the programme's leads and summer-jobs coordinators set up its seasons."),
            code="forbidden",
        )


def season_lock(season: Season) -> Season:
    """Hold the season's row until the transaction ends: its rows' rules are then checked
    one change at a time (the lottery holds it too)."""
    return Season.objects.select_for_update().get(pk=season.pk)


def row_claim(row: Row, seen: str) -> Row:
    """The row locked as it is now; refused when it changed after the page was opened."""
    current = type(row)._default_manager.select_for_update().filter(pk=row.pk).first()
    if current is None or row_seen(current) != seen:
        raise ApplicationError(
            _(
                "Someone else changed this after you opened the page. Nothing was saved: the "
                "page now shows what is saved, with your changes still in the form."
            ),
            code="stale",
        )
    return current


def record_created(actor: User, instance: Model, fields: tuple[str, ...]) -> None:
    """A new row in the change history, with the values it was made with."""
    change_record(
        actor=actor, instance=instance, action=ChangeAction.CREATE, after=snapshot(instance, fields)
    )


def _values(data: Any) -> dict[str, Any]:
    return {f.name: getattr(data, f.name) for f in dataclass_fields(data)}


def excluding(rows: "QuerySet[Row]", row: Model | None) -> "QuerySet[Row]":
    """The rows but the one being changed (none when one is being made)."""
    return rows if row is None else rows.exclude(pk=row.pk)


def removed(*, actor: User, instance: Model, fields: tuple[str, ...]) -> None:
    """Delete the row into the change history; refused when other records still point at it
    (an offer, hours), whatever the checks before it knew of."""
    try:
        with transaction.atomic():
            audited_delete(actor=actor, instance=instance, fields=fields)
    except ProtectedError:
        raise ApplicationError(_("Other records still rely on this, so it stays.")) from None


@contextmanager
def taken_meanwhile(message: str, field: str) -> Iterator[None]:
    """A name or number that someone else saved between the check and this save (the
    database's constraint caught it) is refused on its field, as the check would have."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise ApplicationError(message, field=field) from None


def tidy(value: str) -> str:
    """A name as one line, its runs of spaces as one."""
    return " ".join(value.split())


# --- the season -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SeasonData:
    name: str
    kind: str
    applications_open_at: datetime
    applications_close_at: datetime
    born_from_year: int
    born_to_year: int
    hours_per_period: Decimal
    answer_days: int
    gender_balance: bool
    postcodes: str = ""
    school_years: str = ""
    payroll_hourly_code: str = "TIMLON"
    payroll_holiday_code: str = "SEMERS"
    payroll_employer_id: str = ""
    certificate_signed_by: str = ""


SEASON_FIELDS = tuple(f.name for f in dataclass_fields(SeasonData))


def season_create(*, actor: User, programme: Programme, data: SeasonData) -> Season:
    """A new season of a «Summer jobs» programme that the actor leads or coordinates."""
    check_sets_up(actor, programme.pk)
    if programme.kind != ProgrammeKind.SUMMER_JOBS:
        raise ApplicationError(_("Choose one of your summer-job programmes."), field="programme")
    values = _season_values(programme, data, None)
    with transaction.atomic(), taken_meanwhile(_name_taken(), "name"):
        season = Season.objects.create(programme=programme, **values)
        record_created(actor, season, SEASON_FIELDS)
    return season


def season_update(
    *, actor: User, season: Season, expected_version: int, data: SeasonData
) -> Season:
    """Change the season's rules; refused when someone saved it after ``expected_version``."""
    check_sets_up(actor, season.programme_id)
    values = _season_values(season.programme, data, season)
    with transaction.atomic():
        claim_version(
            Season,
            season,
            expected_version,
            _(
                "Someone else changed the season after you opened the page. Nothing was saved: "
                "the page now shows what is saved, with your changes still in the form."
            ),
        )
        _check_birth_years(data, season)
        with taken_meanwhile(_name_taken(), "name"):
            audited_save(actor=actor, instance=season, **values)
    season.version = expected_version + 1
    return season


def _name_taken() -> str:
    return _("The programme already has a season of that name.")


def _season_values(programme: Programme, data: SeasonData, season: Season | None) -> dict[str, Any]:
    name = tidy(data.name)
    if not name:
        raise ApplicationError(_("Give the season a name."), field="name")
    taken = Season.objects.filter(programme=programme, name__iexact=name)
    if excluding(taken, season).exists():
        raise ApplicationError(_name_taken(), field="name")
    if data.kind not in SeasonKind.values:
        raise ApplicationError(_("Choose the kind of season."), field="kind")
    if data.applications_close_at <= data.applications_open_at:
        raise ApplicationError(
            _("Applications must close after they open."), field="applications_close_at"
        )
    _check_season_numbers(data)
    years = ", ".join(dict.fromkeys(tidy(y) for y in data.school_years.split(",") if tidy(y)))
    codes = {key: tidy(getattr(data, key)) for key in PAYROLL_CODES}
    for key, code in codes.items():
        if not code or " " in code:
            raise ApplicationError(
                _("Give the löneart as your payroll system writes it, without spaces."), field=key
            )
    return {
        **_values(data),
        **codes,
        "name": name,
        "postcodes": postcodes_normal(data.postcodes),
        "school_years": years,
        "payroll_employer_id": tidy(data.payroll_employer_id),
        "certificate_signed_by": tidy(data.certificate_signed_by),
    }


PAYROLL_CODES = ("payroll_hourly_code", "payroll_holiday_code")


def postcodes_normal(text: str) -> str:
    """The municipality's postcodes as typed (whole, «123 45», or their first three digits,
    separated by commas, spaces between digits allowed, or new lines) as digits separated by
    «, »; refused on the field when one is neither."""
    parts = [part.replace(" ", "") for line in text.splitlines() for part in line.split(",")]
    kept = [part for part in parts if part]
    wrong = [part for part in kept if not (part.isdigit() and len(part) in (3, 5))]
    if wrong:
        raise ApplicationError(
            _(
                "Give whole postcodes (123 45) or their first three digits (123), separated by "
                "commas: %(wrong)s is neither."
            )
            % {"wrong": wrong[0]},
            field="postcodes",
        )
    return ", ".join(dict.fromkeys(kept))


def _check_season_numbers(data: SeasonData) -> None:
    if not EARLIEST_DATE.year <= data.born_from_year <= data.born_to_year <= LATEST_DATE.year:
        raise ApplicationError(
            _("The last year of birth cannot be before the first."), field="born_to_year"
        )
    if not 0 < data.hours_per_period <= MAX_HOURS:
        raise ApplicationError(
            _("Give the hours as a number above 0 and at most %(most)s.") % {"most": MAX_HOURS},
            field="hours_per_period",
        )
    if not 1 <= data.answer_days <= MAX_ANSWER_DAYS:
        raise ApplicationError(
            _("Give between 1 and %(most)d days.") % {"most": MAX_ANSWER_DAYS},
            field="answer_days",
        )


def _check_birth_years(data: SeasonData, season: Season) -> None:
    """Once young people have applied, nobody who could apply may lose the right to."""
    narrowed = (
        data.born_from_year > season.born_from_year or data.born_to_year < season.born_to_year
    )
    if narrowed and Application.objects.filter(season=season).exists():
        raise ApplicationError(
            _(
                "Young people have applied, so the years of birth (%(first)s–%(last)s) may be "
                "widened but not narrowed."
            )
            % {"first": season.born_from_year, "last": season.born_to_year},
            field="born_from_year",
        )


# --- periods ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PeriodData:
    number: int
    starts_on: date
    ends_on: date
    hours_cap: Decimal | None = None


PERIOD_FIELDS = tuple(f.name for f in dataclass_fields(PeriodData))


def period_create(*, actor: User, season: Season, data: PeriodData) -> Period:
    """A new period of the season, overlapping none of its others."""
    check_sets_up(actor, season.programme_id)
    _check_period(data)
    with transaction.atomic():
        season_lock(season)
        _check_period_fits(season, data, None)
        with taken_meanwhile(_number_taken(), "number"):
            period = Period.objects.create(season=season, **_values(data))
        record_created(actor, period, PERIOD_FIELDS)
    return period


def period_update(*, actor: User, period: Period, seen: str, data: PeriodData) -> Period:
    """Change a period; once an application chose it, only its hours cap."""
    season = period.season
    check_sets_up(actor, season.programme_id)
    _check_period(data)
    with transaction.atomic():
        season_lock(season)
        current = row_claim(period, seen)
        _check_period_fits(season, data, current)
        moved = (data.number, data.starts_on, data.ends_on) != (
            current.number,
            current.starts_on,
            current.ends_on,
        )
        if moved and period_chosen(current):
            raise ApplicationError(
                _(
                    "Young people have chosen this period by its number and dates, so those "
                    "stay. Only its hours cap can change."
                ),
                field="starts_on",
            )
        with taken_meanwhile(_number_taken(), "number"):
            audited_save(actor=actor, instance=current, **_values(data))
    return current


def period_remove(*, actor: User, period: Period) -> None:
    """Remove a period that no application chose and no place uses."""
    check_sets_up(actor, period.season.programme_id)
    with transaction.atomic():
        season_lock(period.season)
        if period_chosen(period):
            raise ApplicationError(_("Young people have chosen this period, so it stays."))
        if Place.objects.filter(period=period).exists():
            raise ApplicationError(
                _("Places are offered in this period, so it stays. Remove those places first.")
            )
        removed(actor=actor, instance=period, fields=PERIOD_FIELDS)


def _check_period(data: PeriodData) -> None:
    if not 1 <= data.number <= MAX_PERIOD_NUMBER:
        raise ApplicationError(
            _("Number the period from 1 to %(most)d.") % {"most": MAX_PERIOD_NUMBER},
            field="number",
        )
    if data.ends_on < data.starts_on:
        raise ApplicationError(_("A period cannot end before it starts."), field="ends_on")
    if data.hours_cap is not None and not 0 < data.hours_cap <= MAX_HOURS:
        raise ApplicationError(
            _("Give the hours as a number above 0 and at most %(most)s.") % {"most": MAX_HOURS},
            field="hours_cap",
        )


def _number_taken() -> str:
    return _("The season already has a period with that number.")


def _check_period_fits(season: Season, data: PeriodData, period: Period | None) -> None:
    others = excluding(Period.objects.filter(season=season), period)
    if others.filter(number=data.number).exists():
        raise ApplicationError(_number_taken(), field="number")
    overlapping = others.filter(starts_on__lte=data.ends_on, ends_on__gte=data.starts_on).first()
    if overlapping is not None:
        raise ApplicationError(
            _(
                "These dates overlap period %(number)d (%(start)s–%(end)s). A season's periods "
                "cannot overlap."
            )
            % {
                "number": overlapping.number,
                "start": date_format(overlapping.starts_on, "SHORT_DATE_FORMAT"),
                "end": date_format(overlapping.ends_on, "SHORT_DATE_FORMAT"),
            },
            field="starts_on",
        )


# --- pay by age band --------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PayRateData:
    age_from: int
    age_to: int
    hourly_pay: Decimal
    holiday_pay_percent: Decimal


PAY_FIELDS = tuple(f.name for f in dataclass_fields(PayRateData))


def pay_rate_create(*, actor: User, season: Season, data: PayRateData) -> PayRate:
    """A new age band's pay, overlapping none of the season's other bands."""
    check_sets_up(actor, season.programme_id)
    _check_pay(data)
    with transaction.atomic():
        season_lock(season)
        _check_band_fits(season, data, None)
        rate = PayRate.objects.create(season=season, **_values(data))
        record_created(actor, rate, PAY_FIELDS)
    return rate


def pay_rate_update(*, actor: User, rate: PayRate, seen: str, data: PayRateData) -> PayRate:
    check_sets_up(actor, rate.season.programme_id)
    _check_pay(data)
    with transaction.atomic():
        season_lock(rate.season)
        current = row_claim(rate, seen)
        _check_band_fits(rate.season, data, current)
        audited_save(actor=actor, instance=current, **_values(data))
    return current


def pay_rate_remove(*, actor: User, rate: PayRate) -> None:
    check_sets_up(actor, rate.season.programme_id)
    with transaction.atomic():
        season_lock(rate.season)
        removed(actor=actor, instance=rate, fields=PAY_FIELDS)


def _check_pay(data: PayRateData) -> None:
    if not YOUNGEST <= data.age_from <= data.age_to <= OLDEST:
        raise ApplicationError(
            _("Give ages from %(youngest)d to %(oldest)d, the first no higher than the last.")
            % {"youngest": YOUNGEST, "oldest": OLDEST},
            field="age_to",
        )
    if not 0 < data.hourly_pay <= MAX_PAY:
        raise ApplicationError(_("Give the pay per hour in kronor."), field="hourly_pay")
    if not 0 <= data.holiday_pay_percent <= MAX_HOLIDAY_PERCENT:
        raise ApplicationError(
            _("Give the holiday pay as a percentage, for example 12."),
            field="holiday_pay_percent",
        )


def _check_band_fits(season: Season, data: PayRateData, rate: PayRate | None) -> None:
    others = excluding(PayRate.objects.filter(season=season), rate)
    overlapping = others.filter(age_from__lte=data.age_to, age_to__gte=data.age_from).first()
    if overlapping is not None:
        raise ApplicationError(
            _("These ages overlap the band %(ages)s. Each age has one rate.")
            % {"ages": overlapping.ages},
            field="age_from",
        )


# --- work areas -------------------------------------------------------------------------------


def area_create(*, actor: User, season: Season, name: str) -> WorkArea:
    check_sets_up(actor, season.programme_id)
    with transaction.atomic():
        season_lock(season)
        name = _area_name(season, name, None)
        with taken_meanwhile(_area_taken(), "name"):
            area = WorkArea.objects.create(season=season, name=name)
        record_created(actor, area, ("name",))
    return area


def area_rename(*, actor: User, area: WorkArea, seen: str, name: str) -> WorkArea:
    """Rename a work area; the young people who chose it keep their choice."""
    check_sets_up(actor, area.season.programme_id)
    with transaction.atomic():
        season_lock(area.season)
        current = row_claim(area, seen)
        name = _area_name(area.season, name, current)
        with taken_meanwhile(_area_taken(), "name"):
            audited_save(actor=actor, instance=current, name=name)
    return current


def area_remove(*, actor: User, area: WorkArea) -> None:
    """Remove a work area that no application chose and no place uses."""
    check_sets_up(actor, area.season.programme_id)
    with transaction.atomic():
        season_lock(area.season)
        if Choice.objects.filter(area=area).exists():
            raise ApplicationError(_("Young people have chosen this work area, so it stays."))
        if Place.objects.filter(area=area).exists():
            raise ApplicationError(
                _("Places are offered in this work area, so it stays. Remove those places first.")
            )
        removed(actor=actor, instance=area, fields=("name",))


def _area_taken() -> str:
    return _("The season already has a work area of that name.")


def _area_name(season: Season, name: str, area: WorkArea | None) -> str:
    name = tidy(name)
    if not name:
        raise ApplicationError(_("Give the work area a name."), field="name")
    taken = WorkArea.objects.filter(season=season, name__iexact=name)
    if excluding(taken, area).exists():
        raise ApplicationError(_("The season already has a work area of that name."), field="name")
    return name


# --- priority tiers ---------------------------------------------------------------------------

TIER_FIELDS = ("name", "sensitive", "position")


def tier_create(*, actor: User, season: Season, name: str, sensitive: bool) -> PriorityTier:
    """A new tier, served after the season's others until it is moved."""
    check_sets_up(actor, season.programme_id)
    with transaction.atomic():
        season_lock(season)
        _check_tiers_open(season)
        tier = PriorityTier.objects.create(
            season=season,
            name=_tier_name(season, name, None),
            sensitive=sensitive,
            position=_next_position(season),
        )
        record_created(actor, tier, TIER_FIELDS)
    return tier


def tier_update(
    *, actor: User, tier: PriorityTier, seen: str, name: str, sensitive: bool
) -> PriorityTier:
    check_sets_up(actor, tier.season.programme_id)
    with transaction.atomic():
        season_lock(tier.season)
        _check_tiers_open(tier.season)
        current = row_claim(tier, seen)
        name = _tier_name(tier.season, name, current)
        audited_save(actor=actor, instance=current, name=name, sensitive=sensitive)
    return current


def tier_move(*, actor: User, tier: PriorityTier, up: bool) -> None:
    """Serve the tier one step earlier (``up``) or later; the first stays first when moved up,
    the last stays last when moved down."""
    check_sets_up(actor, tier.season.programme_id)
    with transaction.atomic():
        season_lock(tier.season)
        _check_tiers_open(tier.season)
        tiers = list(PriorityTier.objects.filter(season=tier.season).order_by("position"))
        index = next((i for i, t in enumerate(tiers) if t.pk == tier.pk), None)
        other = None if index is None else index + (-1 if up else 1)
        if index is None or other is None or not 0 <= other < len(tiers):
            return
        tiers[index], tiers[other] = tiers[other], tiers[index]
        _renumber(actor, tiers)


def tier_remove(*, actor: User, tier: PriorityTier) -> None:
    """Remove a tier no application is in; the tiers after it move up one step."""
    check_sets_up(actor, tier.season.programme_id)
    with transaction.atomic():
        season_lock(tier.season)
        _check_tiers_open(tier.season)
        if Application.objects.filter(tier=tier).exists():
            raise ApplicationError(
                _("Applications are in this tier, so it stays. Move them to another tier first.")
            )
        removed(actor=actor, instance=tier, fields=TIER_FIELDS)
        _renumber(actor, list(PriorityTier.objects.filter(season=tier.season).order_by("position")))


def _renumber(actor: User, tiers: list[PriorityTier]) -> None:
    """Positions 0, 1, 2… in the order given; the tiers that move step aside first, since a
    position is held by one tier at a time."""
    moving = [(position, t) for position, t in enumerate(tiers) if t.position != position]
    PriorityTier.objects.filter(pk__in=[t.pk for _, t in moving]).update(
        position=F("position") + _ASIDE
    )
    for position, tier in moving:
        audited_save(actor=actor, instance=tier, position=position)


def _next_position(season: Season) -> int:
    last = PriorityTier.objects.filter(season=season).aggregate(n=Max("position"))["n"]
    return 0 if last is None else last + 1


def _check_tiers_open(season: Season) -> None:
    if run_for_real(season):
        raise ApplicationError(
            _(
                "The lottery has been run for real, so the priority tiers stay as they were: "
                "the run can then always be explained."
            ),
            code="frozen",
        )


def _tier_name(season: Season, name: str, tier: PriorityTier | None) -> str:
    name = tidy(name)
    if not name:
        raise ApplicationError(_("Give the tier a name."), field="name")
    taken = PriorityTier.objects.filter(season=season, name__iexact=name)
    if excluding(taken, tier).exists():
        raise ApplicationError(_("The season already has a tier of that name."), field="name")
    return name
