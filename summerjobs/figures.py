"""A season's figures (docs/summerjobs.md, «Season figures»): how many applied, how many got a
place and took it, the share of the applicants placed, the offers declined and let lapse, and
each by priority tier, gender, age band, work area and period.

Inside Fotfeste (the season's figures page) every count is exact. ``figures_protected``
suppresses small cells of the breakdowns by a personal characteristic (tier, gender, age band)
with the municipality's threshold before the figures leave it in a file
(``summerjobs/figures_files.py``), by the rule every report applies (``accounts/disclosure.py``).

Once the applications of those not placed are to be deleted, the figures are frozen first
(``summerjobs/figures_frozen.py``); ``season_figures`` reads the frozen ones from then on.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.disclosure import HIDDEN, suppress_characteristic
from summerjobs import lottery
from summerjobs.models import (
    Application,
    ApplicationStatus,
    Choice,
    FrozenFigures,
    Gender,
    Offer,
    OfferStatus,
    Period,
    Season,
)

# Breakdowns by a personal characteristic: protected whenever the figures leave Fotfeste.
CHARACTERISTICS = ("tier", "gender", "age")
NO_TIER = "none"

Count = int | str  # a count, or the mark that hides it


@dataclass(frozen=True)
class Row:
    """One category. Where the applicants and the placed are the same people (a tier, a
    gender, an age band) the row also says how many were not placed and the share placed;
    for a work area or a period ``not_placed`` and ``share`` are None."""

    key: str
    label: str
    applicants: Count
    placed: Count
    not_placed: Count | None = None
    share: float | str | None = None


@dataclass(frozen=True)
class Breakdown:
    key: str  # "tier", "gender", "age", "area" or "period"
    title: str
    rows: list[Row]
    # What the applicants' column counts where it is not plain (a first wish, any period).
    note: str = ""

    @property
    def characteristic(self) -> bool:
        return self.key in CHARACTERISTICS


@dataclass(frozen=True)
class SeasonFigures:
    season: Season
    reference_date: date  # ages are reckoned on it
    applicants: int  # applications standing (each was checked for eligibility when sent)
    withdrawn: int
    offered: int  # young people offered a place at least once
    placed: int  # of the applicants, those whose offer is settled
    declined: int
    lapsed: int
    breakdowns: list[Breakdown]
    threshold: int | None = None  # set once protected for a file
    frozen_at: datetime | None = None  # when read from the frozen figures

    @property
    def not_placed(self) -> int:
        return self.applicants - self.placed

    @property
    def share(self) -> float | None:
        return share_of(self.placed, self.applicants)


def share_of(placed: int, applicants: int) -> float | None:
    """The percentage placed, to one decimal; None when nobody applied."""
    return round(100 * placed / applicants, 1) if applicants else None


@dataclass(frozen=True)
class _Person:
    pk: int
    tier: str
    gender: str
    age: int
    first_area: str


def season_figures(*, season: Season, with_tiers: bool) -> SeasonFigures:
    """The season's figures: the frozen ones once the season has them (one query), else as
    they stand (``season_figures_live``). ``with_tiers``: with the breakdown by priority tier
    (only for those who see the priority grounds, ``memberships.runs_summer_jobs``)."""
    frozen = FrozenFigures.objects.filter(season=season).first()
    if frozen is not None:
        return figures_thawed(season, frozen, with_tiers=with_tiers)
    return season_figures_live(season=season, with_tiers=with_tiers)


def season_figures_live(*, season: Season, with_tiers: bool) -> SeasonFigures:
    """The season's figures as its rows stand, exact, in seven queries whatever the number of
    applicants."""
    periods = list(season.periods.all())
    reference = reference_date(season, periods)
    people, withdrawn = _applicants(season, reference)
    chosen = _periods_chosen(season, {person.pk for person in people})
    outcome = _Outcome(season, {person.pk for person in people})
    breakdowns = [
        _by_tier(season, people, outcome) if with_tiers else None,
        _by_trait("gender", _genders(), people, outcome, lambda p: p.gender),
        _by_age(season, people, outcome, reference),
        _by_area(season, people, outcome),
        _by_period(periods, chosen, outcome),
    ]
    return SeasonFigures(
        season=season,
        reference_date=reference,
        applicants=len(people),
        withdrawn=withdrawn,
        offered=len(outcome.offered),
        placed=len(outcome.placed),
        declined=len(outcome.declined),
        lapsed=len(outcome.lapsed),
        breakdowns=[b for b in breakdowns if b is not None],
    )


def reference_date(season: Season, periods: list[Period]) -> date:
    """The day ages are reckoned on: the first period's first day, as for pay and a place's
    minimum age; without periods, the day applications close."""
    starts = [period.starts_on for period in periods]
    return min(starts) if starts else timezone.localdate(season.applications_close_at)


def _applicants(season: Season, on: date) -> tuple[list[_Person], int]:
    first_wish = Choice.objects.filter(application=OuterRef("pk")).order_by("rank")
    rows = (
        Application.objects.filter(season=season)
        .annotate(first_area=Subquery(first_wish.values("area_id")[:1]))
        .values_list("pk", "status", "tier_id", "gender", "birth_date", "first_area")
    )
    people, withdrawn = [], 0
    for pk, status, tier, gender, born, area in rows:
        if status != ApplicationStatus.SUBMITTED:
            withdrawn += 1
            continue
        tier_key = str(tier) if tier else NO_TIER
        people.append(_Person(pk, tier_key, gender, lottery.age_on(born, on), str(area or "")))
    return people, withdrawn


def _periods_chosen(season: Season, standing: set[int]) -> Counter[str]:
    through = Application.periods.through.objects.filter(period__season=season)
    return Counter(
        str(period)
        for application, period in through.values_list("application_id", "period_id")
        if application in standing
    )


class _Outcome:
    """The offers of the season's run for real, by applicant: settled (accepted, confirmed by
    a guardian where one must), declined, lapsed; and where the settled ones work. One query."""

    def __init__(self, season: Season, standing: set[int]) -> None:
        self.offered: set[int] = set()
        self.declined: set[int] = set()
        self.lapsed: set[int] = set()
        self.placed: dict[int, tuple[str, str]] = {}  # applicant: (area, period)
        rows = Offer.objects.filter(
            allocation__run__season=season, allocation__run__dry_run=False
        ).values_list(
            "allocation__application_id",
            "status",
            "guardian_needed",
            "guardian_confirmed_at",
            "place__area_id",
            "place__period_id",
        )
        for applicant, status, guardian_needed, confirmed, area, period in rows:
            if applicant not in standing:
                continue
            self.offered.add(applicant)
            if status == OfferStatus.ACCEPTED and (not guardian_needed or confirmed):
                self.placed[applicant] = (str(area), str(period))
            elif status == OfferStatus.DECLINED:
                self.declined.add(applicant)
            elif status == OfferStatus.LAPSED:
                self.lapsed.add(applicant)


def _genders() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Gender.choices]


def _by_trait(
    key: str,
    categories: list[tuple[str, str]],
    people: Iterable[_Person],
    outcome: _Outcome,
    trait: Callable[[_Person], str],
) -> Breakdown:
    applied: Counter[str] = Counter()
    placed: Counter[str] = Counter()
    for person in people:
        applied[trait(person)] += 1
        placed[trait(person)] += person.pk in outcome.placed
    rows = [
        Row(
            category,
            label,
            applied[category],
            placed[category],
            applied[category] - placed[category],
            share_of(placed[category], applied[category]),
        )
        for category, label in categories
    ]
    return Breakdown(key, _title(key), rows)


def _by_tier(season: Season, people: list[_Person], outcome: _Outcome) -> Breakdown:
    tiers = [(str(tier.pk), tier.name) for tier in season.tiers.all()]
    tiers.append((NO_TIER, _label("tier", NO_TIER, "")))
    return _by_trait("tier", tiers, people, outcome, lambda p: p.tier)


def _by_age(season: Season, people: list[_Person], outcome: _Outcome, on: date) -> Breakdown:
    """By the season's own age bands, those of its pay; an age outside them (a young person
    who turns 16 after the first day, a season without pay) is a band of its own year."""
    bands = [(rate.age_from, rate.age_to, rate.ages) for rate in season.pay_rates.all()]
    outside = {p.age for p in people} - {a for low, high, _l in bands for a in range(low, high + 1)}
    bands = sorted(bands + [(age, age, str(age)) for age in outside])
    keys = {age: f"{low}-{high}" for low, high, _l in bands for age in range(low, high + 1)}
    categories = [(f"{low}-{high}", label) for low, high, label in bands]
    breakdown = _by_trait("age", categories, people, outcome, lambda p: keys[p.age])
    return replace(breakdown, note=_note("age", on))


def _by_area(season: Season, people: list[_Person], outcome: _Outcome) -> Breakdown:
    wished = Counter(person.first_area for person in people)
    placed = Counter(area for area, _period in outcome.placed.values())
    rows = [
        Row(str(area.pk), area.name, wished[str(area.pk)], placed[str(area.pk)])
        for area in season.areas.all()
    ]
    return Breakdown("area", _title("area"), rows, _note("area"))


def _by_period(periods: list[Period], chosen: Counter[str], outcome: _Outcome) -> Breakdown:
    placed = Counter(period for _area, period in outcome.placed.values())
    rows = [
        Row(
            str(period.pk),
            _label("period", str(period.pk), str(period.number)),
            chosen[str(period.pk)],
            placed[str(period.pk)],
        )
        for period in periods
    ]
    return Breakdown("period", _title("period"), rows, _note("period"))


def _title(key: str) -> str:
    titles = {
        "tier": _("Priority tier"),
        "gender": _("Gender"),
        "age": _("Age band"),
        "area": _("Work area"),
        "period": _("Period"),
    }
    return titles[key]


def _note(key: str, on: date | None = None) -> str:
    """What a breakdown's applicants' column counts where it is not plain."""
    if key == "age" and on is not None:
        return _("Age on %(day)s.") % {"day": formats.date_format(on, "SHORT_DATE_FORMAT")}
    if key == "area":
        return _("Applicants by their first wish; the placed by the area of their place.")
    if key == "period":
        return _("Applicants by every period they can work: one young person may count in several.")
    return ""


def _label(breakdown: str, key: str, stored: str) -> str:
    """A row's words in the active language, from what is kept of it (``stored``): a gender's
    value, a period's number, or the name of a tier, an age band or a work area."""
    if breakdown == "gender":
        return dict(_genders()).get(key, stored)
    if breakdown == "tier" and key == NO_TIER:
        return _("No tier set")
    if breakdown == "period":
        return _("Period %(number)s") % {"number": stored}
    return stored


# --- frozen ----------------------------------------------------------------------------------


def figures_thawed(season: Season, frozen: FrozenFigures, *, with_tiers: bool) -> SeasonFigures:
    """The frozen figures (``figures_frozen.figures_counts`` wrote them) as the page and the
    files read figures, in the active language."""
    counts = frozen.counts
    on = date.fromisoformat(counts["reference_date"])
    breakdowns = [
        _thawed(stored, on)
        for stored in counts["breakdowns"]
        if with_tiers or stored["key"] != "tier"
    ]
    return SeasonFigures(
        season=season,
        reference_date=on,
        applicants=counts["applicants"],
        withdrawn=counts["withdrawn"],
        offered=counts["offered"],
        placed=counts["placed"],
        declined=counts["declined"],
        lapsed=counts["lapsed"],
        breakdowns=breakdowns,
        frozen_at=frozen.frozen_at,
    )


def _thawed(stored: dict[str, Any], on: date) -> Breakdown:
    key = stored["key"]
    full = key in CHARACTERISTICS
    rows = []
    for row in stored["rows"]:
        applied, placed = int(row["applicants"]), int(row["placed"])
        rows.append(
            Row(
                row["key"],
                _label(key, row["key"], row["label"]),
                applied,
                placed,
                applied - placed if full else None,
                share_of(placed, applied) if full else None,
            )
        )
    return Breakdown(key, _title(key), rows, _note(key, on))


# --- leaving Fotfeste ------------------------------------------------------------------------

_COLUMNS = ("applicants", "placed", "not_placed")


def figures_protected(figures: SeasonFigures, *, threshold: int) -> SeasonFigures:
    """The figures as they leave Fotfeste: the counts of the season and of its work areas and
    periods exact (they tell what was done, not about whom), each breakdown by a personal
    characteristic suppressed with ``threshold``."""
    return replace(
        figures,
        breakdowns=[
            _protected(b, threshold) if b.characteristic else b for b in figures.breakdowns
        ],
        threshold=threshold,
    )


def _protected(breakdown: Breakdown, threshold: int) -> Breakdown:
    """Each column (applicants, placed, not placed) is a breakdown of its own, suppressed
    against its total, which is shown. A row's applicants are its placed and not placed: where
    one of the three is hidden, the other two would give it away, so one more is hidden (the
    smallest), and each column is suppressed again, until nothing more is to hide."""
    cells = {
        name: {row.key: int(getattr(row, name)) for row in breakdown.rows} for name in _COLUMNS
    }
    hide: dict[str, set[str]] = {name: set() for name in _COLUMNS}
    while True:
        shown = {
            name: suppress_characteristic(cells[name], threshold, frozenset(hide[name]))
            for name in _COLUMNS
        }
        more = _given_away(cells, shown)
        if not more:
            break
        for name, key in more:
            hide[name].add(key)
    rows = [
        replace(
            row,
            applicants=shown["applicants"][row.key],
            placed=shown["placed"][row.key],
            not_placed=shown["not_placed"][row.key],
            share=_shown_share(row, shown["applicants"][row.key], shown["placed"][row.key]),
        )
        for row in breakdown.rows
    ]
    return replace(breakdown, rows=rows)


def _given_away(
    cells: dict[str, dict[str, int]], shown: dict[str, dict[str, Count]]
) -> list[tuple[str, str]]:
    more = []
    for key in cells["applicants"]:
        hidden = [name for name in _COLUMNS if not isinstance(shown[name][key], int)]
        if len(hidden) != 1:
            continue
        others = sorted(
            (cells[name][key], name) for name in _COLUMNS if name not in hidden and cells[name][key]
        )
        if others:
            more.append((others[0][1], key))
    return more


def _shown_share(row: Row, applicants: Count, placed: Count) -> float | str | None:
    """A share only beside the two counts it is worked out from: else it would tell them."""
    if isinstance(applicants, int) and isinstance(placed, int):
        return row.share
    return HIDDEN
