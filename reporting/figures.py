"""The figures of a report, computed from the database and returned as plain JSON-ready data.

Every figure is computed in a fixed number of queries, whatever the number of participants.
Figures that leave Fotfeste are suppressed for small cells; the dashboard, which the programme
lead sees inside Fotfeste, shows the exact counts.
"""

from bisect import bisect_left, bisect_right
from calendar import isleap
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from itertools import compress

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from accounts.disclosure import (
    DEFAULT_THRESHOLD,
    HIDDEN,
    is_small,
    merge_bands,
    suppress_breakdown,
    suppress_characteristic,
    suppress_count,
)
from participants.models import Enrollment, FollowUp
from participants.services import add_months
from participants.vocabularies import (
    Destination,
    EducationLevel,
    FollowUpStatus,
    Gender,
    NeetStatus,
)
from placements.attendance import attendance_by_month, attendance_by_month_in, month_end
from placements.models import (
    ModuleProgress,
    Placement,
    PlacementType,
    QualificationPath,
    Route,
)
from programs.models import Cohort, Programme
from reporting.profiles import Audience

_WORK_TRAINING = [
    PlacementType.WORK_TRAINING,
    PlacementType.AFT,
    PlacementType.PRACTICE,
    PlacementType.ARBETSTRANING,
    PlacementType.PRAKTIK,
]
_IN_WORK = [Destination.WORK_FULL_TIME, Destination.WORK_PART_TIME]
# Went on to work or education: an apprenticeship is both.
_WORK_OR_EDUCATION = [*_IN_WORK, Destination.APPRENTICESHIP, Destination.EDUCATION]
_FOLLOW_UP_WORK_OR_EDUCATION = [FollowUpStatus.IN_WORK, FollowUpStatus.IN_EDUCATION]
OLDEST = 200
AGE_BANDS = [(0, 17), (18, 20), (21, 24), (25, 29), (30, OLDEST)]
ALL_AGES = f"0–{OLDEST}"
MAX_MONTHS = 60

# Breakdowns by a personal characteristic: protected for every audience outside Fotfeste.
CHARACTERISTICS = {
    "by_gender",
    "by_age",
    "reached_by_gender",
    "reached_by_age",
    "by_education",
    "by_neet_status",
}

# Figures a target can be set on: the exact count behind each target metric.
TARGET_FIGURES = {
    "reached": "participants",
    "new": "new",
    "in_work_training": "in_work_training",
    "started_qualification_route": "started_qualification_route",
    "modules_passed": "modules_passed",
    "in_work_or_education_at_exit": "in_work_or_education_at_exit",
    "in_work_or_education_after_6": "in_work_or_education_after_6",
}


class Cells:
    """How counts are shown. On the dashboard (inside Fotfeste) everything is exact. To the
    *recipient* named on the grant or programme, counts of activities and outcomes are exact
    and only breakdowns by personal characteristics are protected, within each breakdown. For
    *publication* every figure is protected."""

    def __init__(
        self,
        suppress: bool,
        audience: str = Audience.PUBLICATION,
        threshold: int = DEFAULT_THRESHOLD,
    ) -> None:
        self.suppress = suppress
        self.exact = not suppress or audience == Audience.RECIPIENT
        self.threshold = threshold

    def count(self, value: int) -> int | str:
        return value if self.exact else suppress_count(value, self.threshold)

    def breakdown(self, counts: dict, *, total: int | None = None, of=None) -> dict:
        """Counts per category of an activity or outcome. ``total``: the cells add up to a
        shown figure (every value is one person), so they need secondary suppression. ``of``:
        that figure as shown; when it is hidden, so is every cell, or their sum would give it
        away."""
        counts = dict(sorted(counts.items()))
        if self.exact:
            return counts
        if not isinstance(of, int | None):
            return {key: HIDDEN if value else 0 for key, value in counts.items()}
        return suppress_breakdown(counts, total=total, threshold=self.threshold)

    def characteristic(self, counts: dict, *, of) -> dict:
        """Counts of people per category of a personal characteristic, adding up to ``of`` (as
        shown): protected within the breakdown for every audience outside Fotfeste."""
        counts = dict(sorted(counts.items()))
        if not self.suppress:
            return _without_empty_unknown(counts)
        if not isinstance(of, int):
            return {key: HIDDEN if value else 0 for key, value in counts.items()}
        if [key for key, value in counts.items() if value] == [ALL_AGES]:
            return _without_empty_unknown(counts)  # one band that says nothing: «all ages»
        return _without_empty_unknown(suppress_characteristic(counts, self.threshold))

    def part(self, value: int, *, of: int) -> int | str:
        """A count of some of ``of`` people: hidden too when the rest (``of`` minus it) is a
        small count that the two shown figures would give away."""
        if self.exact:
            return value
        whole = suppress_count(of, self.threshold)
        if 0 < of - value < self.threshold and not is_small(whole):
            return HIDDEN if value else 0
        return self.count(value)

    def sum_of(self, breakdown: dict, keys: Sequence[str], value: int) -> int | str:
        """The sum of some cells of a shown breakdown: shown only where each of those cells is,
        or the sum would pin a hidden cell down."""
        if self.exact or all(isinstance(breakdown.get(k, 0), int) for k in keys):
            return value if self.exact else sum(breakdown.get(k, 0) for k in keys)
        return HIDDEN if value else 0

    def rate(self, numerator: int, denominator: int, persons: int) -> float | str | None:
        """A percentage; hidden when it leaves Fotfeste for publication with fewer people than
        the threshold behind it; None when there is nothing to divide by."""
        if denominator == 0:
            return None
        if not self.exact and persons < self.threshold:
            return HIDDEN
        return round(100 * numerator / denominator, 1)


def _without_empty_unknown(cells: dict) -> dict:
    return {key: value for key, value in cells.items() if key != "unknown" or value != 0}


def age_key(low: int, high: int) -> str:
    return f"{low}–{high}"


def _born_by(on: date, age: int) -> date:
    """The last birth date that makes a person ``age`` or older on ``on``: the same day ``age``
    years before, or 28 February for a 29 February that year lacks."""
    year = on.year - age
    if (on.month, on.day) == (2, 29) and not isleap(year):
        return date(year, 2, 28)
    return on.replace(year=year)


def _age_counts(people: "_People", on: date, cells: Cells) -> dict[str, int]:
    """People per age band at the end of the period; outside Fotfeste, bands with few people
    are joined to their neighbours (``merge_bands``) before any cell is suppressed."""
    born = sorted(filter(None, people.birth_date))
    bands = [
        (
            low,
            high,
            bisect_right(born, _born_by(on, low)) - bisect_right(born, _born_by(on, high + 1)),
        )
        for low, high in AGE_BANDS
    ]
    if cells.suppress:
        bands = merge_bands(bands, cells.threshold)
        if sum(1 for *_, n in bands if n) == 1:
            # One band holds everyone: named, it would give each person's age away.
            bands = [(0, OLDEST, sum(n for *_, n in bands))]
    counts = {age_key(low, high): n for low, high, n in bands}
    counts["unknown"] = len(people) - len(born)
    return counts


def _months(start: date, end: date) -> list[date]:
    """First days of the months the period touches, the last ``MAX_MONTHS`` at most."""
    months, current = [], start.replace(day=1)
    while current <= end:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months[-MAX_MONTHS:]


def enrollments_for(
    *, programmes: Iterable[Programme], cohort: Cohort | None = None
) -> QuerySet[Enrollment]:
    enrollments = Enrollment.objects.filter(programme__in=programmes)
    return enrollments.filter(cohort=cohort) if cohort is not None else enrollments


def figures(
    *,
    programmes: Iterable[Programme],
    cohort: Cohort | None = None,
    start: date,
    end: date,
    suppress: bool,
    audience: str = Audience.PUBLICATION,
    threshold: int = DEFAULT_THRESHOLD,
    drawn: tuple[date, date] | None = None,
) -> dict:
    """Every figure and chart series of the period, in a fixed number of queries: the one
    definition of each figure that the dashboard and every report read. People are counted
    once each, however many enrollments they have in the programmes. ``drawn``: the months the
    charts cover (the period within the programme's life); ``exact`` holds the true counts
    behind the targets, whatever is shown. ``cohort``: only the programme's people in it."""
    cells = Cells(suppress, audience, threshold)
    population = _Population(list(programmes), cohort, start, end)
    people = _people(population)
    recruited = people.recruited(start)
    placed, exited = _placed_and_exited(population)
    destinations = Counter(destination for destination, _ in exited)
    exits = sum(destinations.values())
    onward = sum(n for d, n in destinations.items() if d in _WORK_OR_EDUCATION)
    # New and continuing add up to the participants: one breakdown, suppressed together.
    split = cells.breakdown(
        Counter({"new": len(recruited), "continuing": len(people) - len(recruited)}),
        total=len(people),
    )
    new, continuing = split.get("new", 0), split.get("continuing", 0)
    shown_exits = cells.part(exits, of=len(people))
    outcomes = cells.breakdown(destinations, total=exits, of=shown_exits)
    # A person is in training, or employed, if any of their enrollments has them so.
    in_training = len({person for kind, person in placed if kind in _WORK_TRAINING})
    employed = len(
        {person for kind, person in placed if kind == PlacementType.ORDINARY_JOB}
        | {person for destination, person in exited if destination in _IN_WORK}
    )
    values = {
        "participants": cells.count(len(people)),
        "recruited": new,
        "new": new,
        "continuing": continuing,
        "by_gender": cells.characteristic(_traits(recruited, "gender", Gender), of=new),
        "by_age": cells.characteristic(_age_counts(recruited, end, cells), of=new),
        "reached_by_gender": cells.characteristic(
            _traits(people, "gender", Gender), of=len(people)
        ),
        "reached_by_age": cells.characteristic(_age_counts(people, end, cells), of=len(people)),
        "by_education": cells.characteristic(
            _traits(people, "education_level", EducationLevel), of=len(people)
        ),
        "by_neet_status": cells.characteristic(
            _traits(people, "neet_status", NeetStatus), of=len(people)
        ),
        "in_work_training": cells.part(in_training, of=len(people)),
        "in_ordinary_employment": cells.part(employed, of=len(people)),
        # The same cells as in the breakdown by destination, so that the two agree.
        "in_education": outcomes.get(Destination.EDUCATION, 0),
        "in_work_or_education_at_exit": cells.sum_of(outcomes, _WORK_OR_EDUCATION, onward),
        "exits": shown_exits,
        "outcomes": outcomes,
    }
    routes = _routes(population, cells)
    everyone = enrollments_for(programmes=population.programmes, cohort=cohort)
    follow_ups = _follow_ups(everyone, start, end, cells)
    values.update(routes.pop("shown"))
    values.update(follow_ups.pop("shown"))
    # People per kind of placement; one person may be in several, so no total is shown.
    values["activities"] = cells.breakdown(Counter(kind for kind, _ in placed))
    attendance = _attendance(population, cells)
    modules = _modules(population)
    values["placement_hours"] = attendance["hours"]
    values["attendance_rate"] = attendance["rate"]
    values["modules_passed"] = cells.count(sum(modules.values()))
    months = _months(*(drawn or (start, end)))
    # Modules per month add up to the modules passed: suppressed as one breakdown.
    per_month = cells.breakdown(
        Counter({m.isoformat(): n for m, n in modules.items()}), total=sum(modules.values())
    )
    series = {
        "participants_over_time": [
            [m.isoformat(), cells.count(n)] for m, n in _active_in(people, months).items()
        ],
        "attendance_rate": [[m.isoformat(), attendance["by_month"].get(m)] for m in months],
        "module_progress": [[m.isoformat(), per_month.get(m.isoformat(), 0)] for m in months],
        "outcomes": [[k, v] for k, v in outcomes.items()],
    }
    exact = {
        "participants": len(people),
        "new": len(recruited),
        "in_work_training": in_training,
        "modules_passed": sum(modules.values()),
        "in_work_or_education_at_exit": onward,
        **routes["exact"],
        **follow_ups["exact"],
    }
    return {"figures": values, "series": series, "exact": exact, "empty": not len(people)}


@dataclass(frozen=True)
class _People:
    """The people of the period as ``_people`` reads them, a column per fact, a person per
    position: their earliest enrollment's dates, and their traits."""

    starts_on: tuple[date, ...] = ()
    ends_on: tuple[date | None, ...] = ()
    gender: tuple[str, ...] = ()
    education_level: tuple[str, ...] = ()
    neet_status: tuple[str, ...] = ()
    birth_date: tuple[date | None, ...] = ()

    def __len__(self) -> int:
        return len(self.starts_on)

    def recruited(self, start: date) -> "_People":
        """Those whose earliest enrollment of the period started in it: the new ones."""
        new = [day >= start for day in self.starts_on]
        columns = (getattr(self, column.name) for column in fields(self))
        return _People(*(tuple(compress(column, new)) for column in columns))


def _traits(people: _People, field: str, choices) -> dict[str, int]:
    """People per category of a characteristic, every category listed, an empty one as 0: a
    breakdown whose cells are all hidden must not tell which categories anybody is in."""
    found = Counter(getattr(people, field))
    unknown = found.pop("", 0) + found.pop(None, 0)  # not recorded
    if unknown:
        found["unknown"] += unknown
    return {**dict.fromkeys(choices.values, 0), "unknown": 0, **found}


@dataclass(frozen=True)
class _Population:
    """Whom a period's figures count (all but the follow-ups): the enrollments of the
    programmes, of the cohort if one is chosen, active at some time of the period (so they have
    started)."""

    programmes: list[Programme]
    cohort: Cohort | None
    start: date
    end: date

    def where(self, via: str = "") -> Q:
        """The population as a condition on the enrollment that ``via`` leads to (such as
        ``"enrollment__"``): read in the join the query makes anyway."""
        condition = Q(**{f"{via}programme__in": self.programmes, f"{via}starts_on__lte": self.end})
        condition &= Q(**{f"{via}ends_on__isnull": True}) | Q(**{f"{via}ends_on__gte": self.start})
        if self.cohort is not None:
            condition &= Q(**{f"{via}cohort": self.cohort})
        return condition

    @property
    def enrollments(self) -> QuerySet[Enrollment]:
        return Enrollment.objects.filter(self.where())


_PLACED = Value("placed", output_field=CharField())
_EXITED = Value("exited", output_field=CharField())


def _placed_and_exited(
    population: _Population,
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Two lists of (category, person), read in one round trip. Placed: each kind of placement
    a person of the population was in at some time of the period, one row per kind and person
    however many such placements they had. Exited: the exits of the period, an enrollment each
    (those that ended in it with a destination recorded), with the destination."""
    start, end = population.start, population.end
    placements = (
        Placement.objects.filter(population.where("enrollment__"), starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .order_by()  # the model's ordering would otherwise enter the DISTINCT
        .values_list(_PLACED, "type", "enrollment__participant")
        .distinct()
    )
    exits = (
        population.enrollments.filter(ends_on__range=(start, end))
        .exclude(destination="")
        .order_by()
        .values_list(_EXITED, "destination", "participant")
    )
    placed: list[tuple[str, int]] = []
    exited: list[tuple[str, int]] = []
    for which, category, person in placements.union(exits, all=True):
        (placed if which == _PLACED.value else exited).append((category, person))
    return placed, exited


def _people(population: _Population) -> _People:
    """One row per person: their earliest enrollment of the period (by start, then number),
    and their traits."""
    active = population.enrollments
    earlier = active.filter(participant=OuterRef("participant")).filter(
        Q(starts_on__lt=OuterRef("starts_on"))
        | Q(starts_on=OuterRef("starts_on"), pk__lt=OuterRef("pk"))
    )
    rows = (
        active.filter(~Exists(earlier))
        # Always true, and there for PostgreSQL's planner: told that the people are the
        # programmes' own, it looks each up by key, where it otherwise read the whole people
        # table of the installation (72 against 12 ms for a programme of 3 000 people among
        # 100 000).
        .filter(participant__in=active.values("participant_id"))
        .order_by()
        .annotate(
            gender=F("participant__gender"),
            education_level=F("participant__education_level"),
            neet_status=F("participant__neet_status"),
            birth_date=F("participant__birth_date"),
        )
        .values_list(*(field.name for field in fields(_People)))
    )
    return _People(*zip(*rows, strict=True))


def _active_in(people: _People, months: list[date]) -> dict[date, int]:
    """Per month, the people whose (earliest) enrollment runs at some point of it: those who
    started by its last day, less those who had left before its first (an enrollment ends on
    or after the day it starts: a database constraint)."""
    starts = sorted(people.starts_on)
    ends = sorted(filter(None, people.ends_on))
    return {
        first: bisect_right(starts, month_end(first)) - bisect_left(ends, first) for first in months
    }


def _routes(population: _Population, cells: Cells) -> dict:
    """Routes of the people in the period; a route started when its contract did, or, with no
    contract (MFY), when the enrollment did."""
    period = (population.start, population.end)
    begun = Q(contract_starts_on__range=period) | Q(
        contract_starts_on__isnull=True, enrollment__starts_on__range=period
    )
    rows = (
        QualificationPath.objects.filter(population.where("enrollment__"))
        .order_by()
        .values("route")
        .annotate(n=Count("pk"), started=Count("pk", filter=begun))
    )
    routes = Counter({row["route"]: row["n"] for row in rows})
    started = sum(row["started"] for row in rows)
    return {
        "shown": {
            "qualification_routes": cells.breakdown(routes, total=sum(routes.values())),
            "started_qualification_route": cells.count(started),
        },
        "exact": {"started_qualification_route": started},
    }


def _follow_ups(enrollments: QuerySet, start: date, end: date, cells: Cells) -> dict:
    """Follow-ups recorded in the period, whenever the person left: they come after the exit.
    Not due yet (None) while nobody of the population has been gone that long."""
    rows = (
        FollowUp.objects.filter(enrollment__in=enrollments, recorded_on__range=(start, end))
        .exclude(status="")
        .order_by()
        .values_list("months", "status")
        .annotate(n=Count("pk"))
    )
    counted: dict[int, Counter[str]] = {6: Counter(), 12: Counter()}
    for months, status, n in rows:
        if months in counted:
            counted[months][status] = n
    first_exit = enrollments.filter(ends_on__isnull=False).aggregate(first=Min("ends_on"))["first"]
    shown: dict[str, object] = {}
    exact: dict[str, int] = {}
    for months, statuses in counted.items():
        due = bool(statuses) or (first_exit is not None and add_months(first_exit, months) <= end)
        breakdown = cells.breakdown(statuses, total=sum(statuses.values()))
        shown[f"follow_up_{months}"] = breakdown if due else None
        onward = sum(n for s, n in statuses.items() if s in _FOLLOW_UP_WORK_OR_EDUCATION)
        exact[f"in_work_or_education_after_{months}"] = onward
        shown[f"in_work_or_education_after_{months}"] = (
            cells.sum_of(breakdown, _FOLLOW_UP_WORK_OR_EDUCATION, onward) if due else None
        )
    return {"shown": shown, "exact": exact}


def _attendance(population: _Population, cells: Cells) -> dict:
    """Attendance rate per month and hours worked, in one query. Exact figures read the sums
    per programme and day; protected ones need the people behind each month too, which only
    the sums per placement and month can tell."""
    ids, period = population.enrollments.values("pk"), (population.start, population.end)
    if cells.exact:
        rows = attendance_by_month_in(
            programmes=population.programmes,
            cohort=population.cohort,
            enrollment_ids=ids,
            start=period[0],
            end=period[1],
        )
    else:
        rows = attendance_by_month(enrollment_ids=ids, start=period[0], end=period[1])
    by_month, days, present, hours, persons = {}, 0, 0, 0.0, 0
    for row in rows:
        by_month[_month_of(row["month"])] = cells.rate(row["attended"], row["days"], row["persons"])
        days, present = days + row["days"], present + row["attended"]
        hours += float(row["hours"] or 0)
        persons = max(persons, row["persons"])
    # Hours are withheld, like the rate, when fewer people than the threshold stand behind them.
    withheld = not cells.exact and persons < cells.threshold and days > 0
    return {
        "by_month": by_month,
        "rate": cells.rate(present, days, persons),
        "hours": HIDDEN if withheld else round(hours),
    }


def _modules(population: _Population) -> dict[date, int]:
    rows = (
        ModuleProgress.objects.filter(
            population.where("path__enrollment__"),
            result="passed",
            signed_off_on__range=(population.start, population.end),
        )
        .annotate(month=TruncMonth("signed_off_on"))
        .values("month")
        .annotate(n=Count("pk"))
    )
    return {_month_of(r["month"]): r["n"] for r in rows}


def _month_of(value: date | datetime) -> date:
    """A month as the database gives it back: a date, or on PostgreSQL a midnight timestamp
    where a month truncated from days meets, in a UNION, months kept as dates."""
    day = value.date() if isinstance(value, datetime) else value
    return day.replace(day=1)


def figure_labels() -> dict[str, str]:
    """What each figure is called on the page and in the files."""
    return {
        "participants": _("Participants in the period"),
        "recruited": _("Recruited in the period"),
        "new": _("New in the period"),
        "continuing": _("Continuing from before the period"),
        "by_gender": _("Recruited, by gender"),
        "by_age": _("Recruited, by age"),
        "reached_by_gender": _("Reached, by gender"),
        "reached_by_age": _("Reached, by age"),
        "by_education": _("Reached, by education"),
        "by_neet_status": _("Reached, by status at intake"),
        "in_work_training": _("In structured work training"),
        "activities": _("Activities: people per kind of placement"),
        "qualification_routes": _("In a formal qualification route"),
        "started_qualification_route": _("Started a qualification route"),
        "modules_passed": _("Modules passed"),
        "exits": _("Exits in the period"),
        "outcomes": _("Exits, by destination"),
        "in_ordinary_employment": _("In ordinary employment"),
        "in_education": _("Went on to education"),
        "in_work_or_education_at_exit": _("In work or education at exit"),
        "placement_hours": _("Hours in placements"),
        "attendance_rate": _("Attendance rate (%)"),
        "follow_up_6": _("Status 6 months after exit"),
        "follow_up_12": _("Status 12 months after exit"),
        "in_work_or_education_after_6": _("In work or education 6 months after exit"),
        "in_work_or_education_after_12": _("In work or education 12 months after exit"),
    }


def age_label(key: str) -> str:
    """«under 21», «21–24», «30 and over» for an age band's key."""
    low, high = (int(part) for part in key.split("–"))
    if low == 0 and high == OLDEST:
        return _("All ages")
    if low == 0:
        return _("under %(age)d") % {"age": high + 1}
    if high == OLDEST:
        return _("%(age)d and over") % {"age": low}
    return key


# The vocabulary each breakdown's categories come from.
_VOCABULARIES = {
    "by_gender": Gender,
    "reached_by_gender": Gender,
    "by_education": EducationLevel,
    "by_neet_status": NeetStatus,
    "activities": PlacementType,
    "qualification_routes": Route,
    "outcomes": Destination,
    "follow_up_6": FollowUpStatus,
    "follow_up_12": FollowUpStatus,
}


def category_labels(figure: str) -> dict[str, str]:
    """What each category of one figure's breakdown is called: «unknown» means «gender not
    stated» in one breakdown and «could not be reached» in another. Age bands, which may be
    joined, are named by ``age_label``."""
    labels = {"unknown": _("Unknown")}
    if figure in ("by_age", "reached_by_age"):
        labels.update({age_key(lo, hi): age_label(age_key(lo, hi)) for lo, hi in AGE_BANDS})
    elif figure in _VOCABULARIES:
        labels.update({value: str(label) for value, label in _VOCABULARIES[figure].choices})
    return labels


def category_label(figure: str, key: str) -> str:
    """One category's name, joined age bands included."""
    return category_namer(figure)(key)


def category_namer(figure: str) -> Callable[[str], str]:
    """``category_label`` for one figure's categories, its vocabulary looked up once."""
    labels = category_labels(figure)
    ages = figure in ("by_age", "reached_by_age")

    def name(key: str) -> str:
        label = labels.get(key)
        if label is None and ages and "–" in key:
            return age_label(key)
        return label or key

    return name
