"""The figures of a report, computed from the database and returned as plain JSON-ready data.

Every figure is computed in a fixed number of queries, whatever the number of participants.
Figures that leave Fotfeste are suppressed for small cells; the dashboard, which the programme
lead sees inside Fotfeste, shows the exact counts.
"""

from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from participants.models import Enrollment, FollowUp
from participants.services import add_months
from participants.vocabularies import (
    Destination,
    EducationLevel,
    FollowUpStatus,
    Gender,
    NeetStatus,
)
from placements.attendance import attendance_by_month, month_end
from placements.models import (
    ModuleProgress,
    Placement,
    PlacementType,
    QualificationPath,
    Route,
)
from reporting.profiles import Audience

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations
from reporting.suppression import (
    DEFAULT_THRESHOLD,
    HIDDEN,
    is_small,
    merge_bands,
    suppress_breakdown,
    suppress_count,
)

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
        people = [key for key, value in counts.items() if value]
        if people == [ALL_AGES]:
            return _without_empty_unknown(counts)  # one band that says nothing: «all ages»
        if len(people) == 1 or 0 < sum(counts.values()) < self.threshold:
            # Everyone shares the trait, or there are too few to show any cell: a count or
            # even a zero beside the others would tell each person's trait.
            return dict.fromkeys(counts, HIDDEN)
        shown = suppress_breakdown(counts, total=sum(counts.values()), threshold=self.threshold)
        return _without_empty_unknown(shown)

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


def _age(born: date | None, on: date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _age_counts(people: list, on: date, cells: Cells) -> dict[str, int]:
    """People per age band at the end of the period; outside Fotfeste, bands with few people
    are joined to their neighbours (``merge_bands``) before any cell is suppressed."""
    ages = Counter(_age(e.participant.birth_date, on) for e in people)
    bands = [
        (low, high, sum(n for age, n in ages.items() if age is not None and low <= age <= high))
        for low, high in AGE_BANDS
    ]
    if cells.suppress:
        bands = merge_bands(bands, cells.threshold)
        if sum(1 for *_, n in bands if n) == 1:
            # One band holds everyone: named, it would give each person's age away.
            bands = [(0, OLDEST, sum(n for *_, n in bands))]
    counts = {age_key(low, high): n for low, high, n in bands}
    counts["unknown"] = ages.get(None, 0)
    return counts


def _months(start: date, end: date) -> list[date]:
    """First days of the months the period touches, the last ``MAX_MONTHS`` at most."""
    months, current = [], start.replace(day=1)
    while current <= end:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months[-MAX_MONTHS:]


def enrollments_for(*, programmes, cohort=None) -> QuerySet[Enrollment]:
    enrollments = Enrollment.objects.filter(programme__in=programmes)
    return enrollments.filter(cohort=cohort) if cohort is not None else enrollments


def figures(
    *,
    enrollments: QuerySet[Enrollment],
    start: date,
    end: date,
    suppress: bool,
    audience: str = Audience.PUBLICATION,
    threshold: int = DEFAULT_THRESHOLD,
    drawn: tuple[date, date] | None = None,
) -> dict:
    """Every figure and chart series of the period, in eight queries: the one definition of
    each figure that the dashboard and every report read. People are counted once each,
    however many enrollments they have in the programmes. ``drawn``: the months the charts
    cover (the period within the programme's life); ``exact`` holds the true counts behind the
    targets, whatever is shown."""
    cells = Cells(suppress, audience, threshold)
    enrolled = _people(enrollments, start, end)
    ids = [e.pk for e in enrolled]
    people = _persons(enrolled)
    recruited = [e for e in people if e.starts_on is not None and e.starts_on >= start]
    exits = [e for e in enrolled if e.ends_on and start <= e.ends_on <= end and e.destination]
    into_work = {e.participant_id for e in exits if e.destination in _IN_WORK}
    onward = sum(1 for e in exits if e.destination in _WORK_OR_EDUCATION)
    # New and continuing add up to the participants: one breakdown, suppressed together.
    split = cells.breakdown(
        Counter(
            "new" if e.starts_on is not None and e.starts_on >= start else "continuing"
            for e in people
        ),
        total=len(people),
    )
    new, continuing = split.get("new", 0), split.get("continuing", 0)
    shown_exits = cells.part(len(exits), of=len(people))
    outcomes = cells.breakdown(
        Counter(e.destination for e in exits), total=len(exits), of=shown_exits
    )
    in_training = sum(1 for e in people if e.in_training)
    employed = sum(1 for e in people if e.has_job or e.participant_id in into_work)
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
    routes = _routes(enrolled, start, end, cells)
    follow_ups = _follow_ups(enrollments, start, end, cells)
    values.update(routes.pop("shown"))
    values.update(follow_ups.pop("shown"))
    values["activities"] = _activities(enrolled, start, end, cells)
    attendance = _attendance(ids, start, end, cells)
    modules = _modules(ids, start, end)
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
            [m.isoformat(), cells.count(_active_in(people, m, month_end(m)))] for m in months
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
    return {"figures": values, "series": series, "exact": exact, "empty": not people}


def _traits(people: list, field: str, choices) -> dict[str, int]:
    """People per category of a characteristic, every category listed, an empty one as 0: a
    breakdown whose cells are all hidden must not tell which categories anybody is in."""
    found = Counter(getattr(e.participant, field) or "unknown" for e in people)
    return {**dict.fromkeys(choices.values, 0), "unknown": 0, **found}


class _Facts(TypedDict):
    in_training: bool
    has_job: bool


# An enrollment of ``_people``: active in the period (so it has started), with its facts.
_Person: TypeAlias = "WithAnnotations[Enrollment, _Facts]"


def _persons(enrolled: list[_Person]) -> list[_Person]:
    """One row per person: their earliest enrollment of the period, marked as in training or
    in a job if any of their enrollments is."""
    first: dict[int, _Person] = {}
    for enrollment in sorted(enrolled, key=lambda e: (e.starts_on, e.pk)):
        kept = first.setdefault(enrollment.participant_id, enrollment)
        kept.in_training = kept.in_training or enrollment.in_training
        kept.has_job = kept.has_job or enrollment.has_job
    return list(first.values())


def _people(enrollments: QuerySet[Enrollment], start: date, end: date) -> list[_Person]:
    """Enrollments active at some point of the period, with the facts the figures need."""
    in_placement = Placement.objects.filter(enrollment=OuterRef("pk"), starts_on__lte=end).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=start)
    )
    return list(
        enrollments.filter(starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        # Always true, and there for PostgreSQL's planner: told that the people are the
        # programmes' own, it looks each up by key, where it otherwise read the whole people
        # table and every placement of the installation (72 against 12 ms for a programme of
        # 3 000 people, 100 000 people in all).
        .filter(participant__in=enrollments.values("participant_id"))
        .annotate(
            in_training=Exists(in_placement.filter(type__in=_WORK_TRAINING)),
            has_job=Exists(in_placement.filter(type=PlacementType.ORDINARY_JOB)),
        )
        .select_related("participant")
        .only(
            "participant_id",
            "starts_on",
            "ends_on",
            "destination",
            "participant__gender",
            "participant__birth_date",
            "participant__education_level",
            "participant__neet_status",
        )
    )


def _active_in(people: list[_Person], first: date, last: date) -> int:
    return sum(
        1
        for e in people
        if e.starts_on is not None
        and e.starts_on <= last
        and (e.ends_on is None or e.ends_on >= first)
    )


def _routes(enrolled: list[_Person], start: date, end: date, cells: Cells) -> dict:
    """Routes of the people in the period; a route started when its contract did, or, with no
    contract (MFY), when the enrollment did."""
    # The enrollments' starts are at hand: joining them again made the database read every
    # enrollment of the installation.
    enrolled_on = {e.pk: e.starts_on for e in enrolled}
    routes = [
        (route, contract, enrolled_on[enrollment])
        for route, contract, enrollment in QualificationPath.objects.filter(
            enrollment_id__in=list(enrolled_on)
        ).values_list("route", "contract_starts_on", "enrollment_id")
    ]
    started = [
        r
        for r, contract, enrolled in routes
        if (begun := contract or enrolled) is not None and start <= begun <= end
    ]
    return {
        "shown": {
            "qualification_routes": cells.breakdown(
                Counter(r[0] for r in routes), total=len(routes)
            ),
            "started_qualification_route": cells.count(len(started)),
        },
        "exact": {"started_qualification_route": len(started)},
    }


def _follow_ups(enrollments: QuerySet, start: date, end: date, cells: Cells) -> dict:
    """Follow-ups recorded in the period, whenever the person left: they come after the exit.
    Not due yet (None) while nobody of the population has been gone that long."""
    rows = list(
        FollowUp.objects.filter(enrollment__in=enrollments, recorded_on__range=(start, end))
        .exclude(status="")
        .values_list("months", "status")
    )
    first_exit = enrollments.filter(ends_on__isnull=False).aggregate(first=Min("ends_on"))["first"]
    shown: dict[str, object] = {}
    exact: dict[str, int] = {}
    for months in (6, 12):
        statuses = [s for m, s in rows if m == months]
        due = bool(statuses) or (first_exit is not None and add_months(first_exit, months) <= end)
        breakdown = cells.breakdown(Counter(statuses), total=len(statuses))
        shown[f"follow_up_{months}"] = breakdown if due else None
        onward = sum(1 for s in statuses if s in _FOLLOW_UP_WORK_OR_EDUCATION)
        exact[f"in_work_or_education_after_{months}"] = onward
        shown[f"in_work_or_education_after_{months}"] = (
            cells.sum_of(breakdown, _FOLLOW_UP_WORK_OR_EDUCATION, onward) if due else None
        )
    return {"shown": shown, "exact": exact}


def _activities(enrolled: list[_Person], start: date, end: date, cells: Cells) -> dict:
    """People per kind of placement; one person may be in several, so no total is shown."""
    # Each enrollment's person is at hand: joining the enrollments made the database read
    # every enrollment of the installation.
    person = {e.pk: e.participant_id for e in enrolled}
    placed = (
        Placement.objects.filter(enrollment_id__in=list(person), starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .order_by()  # the model's ordering would otherwise enter the DISTINCT
        .values_list("type", "enrollment_id")
        .distinct()
    )
    pairs = {(kind, person[enrollment]) for kind, enrollment in placed}
    return cells.breakdown(Counter(pair[0] for pair in pairs))


def _attendance(ids: list[int], start: date, end: date, cells: Cells) -> dict:
    """Attendance rate per month and hours worked, in one query over the monthly sums. The
    people behind them are counted only where a figure is withheld for too few of them."""
    rows = attendance_by_month(enrollment_ids=ids, start=start, end=end, persons=not cells.exact)
    by_month, days, present, hours, persons = {}, 0, 0, 0.0, 0
    for row in rows:
        month = row["month"] if isinstance(row["month"], date) else row["month"].date()
        by_month[month.replace(day=1)] = cells.rate(row["attended"], row["days"], row["persons"])
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


def _modules(ids: list[int], start: date, end: date) -> dict[date, int]:
    rows = (
        ModuleProgress.objects.filter(
            path__enrollment_id__in=ids, result="passed", signed_off_on__range=(start, end)
        )
        .annotate(month=TruncMonth("signed_off_on"))
        .values("month")
        .annotate(n=Count("pk"))
    )
    return {
        (r["month"] if isinstance(r["month"], date) else r["month"].date()).replace(day=1): r["n"]
        for r in rows
    }


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


def category_labels(figure: str) -> dict[str, str]:
    """What each category of one figure's breakdown is called: «unknown» means «gender not
    stated» in one breakdown and «could not be reached» in another. Age bands, which may be
    joined, are named by ``age_label``."""
    ages = {age_key(low, high): age_label(age_key(low, high)) for low, high in AGE_BANDS}
    by_figure: dict[str, dict] = {
        "by_gender": dict(Gender.choices),
        "reached_by_gender": dict(Gender.choices),
        "by_age": ages,
        "reached_by_age": ages,
        "by_education": dict(EducationLevel.choices),
        "by_neet_status": dict(NeetStatus.choices),
        "activities": dict(PlacementType.choices),
        "qualification_routes": dict(Route.choices),
        "outcomes": dict(Destination.choices),
        "follow_up_6": dict(FollowUpStatus.choices),
        "follow_up_12": dict(FollowUpStatus.choices),
    }
    labels = {"unknown": _("Unknown")}
    labels.update({value: str(label) for value, label in by_figure.get(figure, {}).items()})
    return labels


def category_label(figure: str, key: str) -> str:
    """One category's name, joined age bands included."""
    label = category_labels(figure).get(key)
    if label is None and figure in ("by_age", "reached_by_age") and "–" in key:
        return age_label(key)
    return label or key
