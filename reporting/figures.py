"""The figures of a report, computed from the database and returned as plain JSON-ready data.

Every figure is computed in a fixed number of queries, whatever the number of participants.
Figures that leave Fotfeste are suppressed for small cells; the dashboard, which the programme
lead sees inside Fotfeste, shows the exact counts.
"""

from collections import Counter
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth

from participants.models import Destination, Enrollment, FollowUp
from placements.attendance import attendance_by_month, month_end
from placements.models import (
    ModuleProgress,
    Placement,
    PlacementType,
    QualificationPath,
)
from reporting.suppression import HIDDEN, SMALL, THRESHOLD, suppress_breakdown, suppress_count

_WORK_TRAINING = [PlacementType.WORK_TRAINING, PlacementType.AFT, PlacementType.PRACTICE]
_IN_WORK = [Destination.WORK_FULL_TIME, Destination.WORK_PART_TIME]
_AGE_BANDS = [
    ("under 18", 0, 17),
    ("18–20", 18, 20),
    ("21–24", 21, 24),
    ("25–29", 25, 29),
    ("30 and over", 30, 200),
]
MAX_MONTHS = 60

# Which figures each report carries, in the order they are shown.
KS_FIGURES = [
    "participants",
    "recruited",
    "by_gender",
    "by_age",
    "in_work_training",
    "qualification_routes",
    "in_ordinary_employment",
    "follow_up_6",
    "follow_up_12",
]
LIM_FIGURES = [
    "participants",
    "new",
    "continuing",
    "reached_by_gender",
    "reached_by_age",
    "by_education",
    "by_neet_status",
    "activities",
    "started_qualification_route",
    "exits",
    "outcomes",
    "in_education",
    "placement_hours",
    "attendance_rate",
]
SUMMARY_FIGURES = [
    "participants",
    "recruited",
    "continuing",
    "by_gender",
    "by_age",
    "in_work_training",
    "qualification_routes",
    "modules_passed",
    "exits",
    "outcomes",
    "placement_hours",
    "attendance_rate",
    "follow_up_6",
    "follow_up_12",
]


class Cells:
    """How counts are shown: suppressed when they leave Fotfeste, exact on the dashboard."""

    def __init__(self, suppress: bool) -> None:
        self.suppress = suppress

    def count(self, value: int) -> int | str:
        return suppress_count(value) if self.suppress else value

    def breakdown(self, values: list[str], *, partition: bool = True, of=None) -> dict:
        """Counts per category. ``partition``: every value is one person, so the cells add up
        to a shown total and need secondary suppression. ``of``: the figure the cells add up
        to, as shown; when it is hidden, so is every cell, or their sum would give it away."""
        counts = dict(sorted(Counter(values).items()))
        if not self.suppress:
            return counts
        if isinstance(of, str):
            return {key: HIDDEN if value else 0 for key, value in counts.items()}
        return suppress_breakdown(counts, total=len(values) if partition else None)

    def part(self, value: int, *, of: int) -> int | str:
        """A count of some of ``of`` people: hidden too when the rest (``of`` minus it) is a
        small count that the two shown figures would give away."""
        if self.suppress and 0 < of - value < THRESHOLD and suppress_count(of) != SMALL:
            return HIDDEN if value else 0
        return self.count(value)

    def rate(self, numerator: int, denominator: int, persons: int) -> float | None:
        """A percentage, withheld when fewer than five people stand behind it."""
        if denominator == 0 or (self.suppress and persons < 5):
            return None
        return round(100 * numerator / denominator, 1)


def _age_band(born: date | None, on: date) -> str:
    if born is None:
        return "unknown"
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return next((label for label, low, high in _AGE_BANDS if low <= age <= high), "unknown")


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


def figures(*, enrollments: QuerySet[Enrollment], start: date, end: date, suppress: bool) -> dict:
    """Every figure and chart series of the period, in six queries. People are counted once
    each, however many enrollments they have in the programmes."""
    cells = Cells(suppress)
    enrolled = _people(enrollments, start, end)
    ids = [e.pk for e in enrolled]
    people = _persons(enrolled)
    recruited = [e for e in people if e.starts_on >= start]
    exits = [e for e in enrolled if e.ends_on and start <= e.ends_on <= end and e.destination]
    into_work = {e.participant_id for e in exits if e.destination in _IN_WORK}
    # New and continuing add up to the participants: one breakdown, suppressed together.
    split = cells.breakdown(["new" if e.starts_on >= start else "continuing" for e in people])
    shown_exits = cells.part(len(exits), of=len(people))
    outcomes = cells.breakdown([e.destination for e in exits], of=shown_exits)
    values = {
        "participants": cells.count(len(people)),
        "recruited": split.get("new", 0),
        "new": split.get("new", 0),
        "continuing": split.get("continuing", 0),
        "by_gender": cells.breakdown(
            [e.participant.gender or "unknown" for e in recruited], of=split.get("new", 0)
        ),
        "by_age": cells.breakdown(
            [_age_band(e.participant.birth_date, end) for e in recruited], of=split.get("new", 0)
        ),
        "reached_by_gender": cells.breakdown([e.participant.gender or "unknown" for e in people]),
        "reached_by_age": cells.breakdown(
            [_age_band(e.participant.birth_date, end) for e in people]
        ),
        "by_education": cells.breakdown(
            [e.participant.education_level or "unknown" for e in people]
        ),
        "by_neet_status": cells.breakdown([e.participant.neet_status or "unknown" for e in people]),
        "in_work_training": cells.part(sum(1 for e in people if e.in_training), of=len(people)),
        "in_ordinary_employment": cells.part(
            sum(1 for e in people if e.has_job or e.participant_id in into_work), of=len(people)
        ),
        # The same cell as in the breakdown by destination, so that the two agree.
        "in_education": outcomes.get(Destination.EDUCATION, 0),
        "exits": shown_exits,
        "outcomes": outcomes,
    }
    values.update(_routes(ids, start, end, cells))
    values.update(_follow_ups(enrollments, start, end, cells))
    values["activities"] = _activities(ids, start, end, cells)
    attendance = _attendance(ids, start, end, cells)
    modules = _modules(ids, start, end)
    values["placement_hours"] = attendance["hours"]
    values["attendance_rate"] = attendance["rate"]
    values["modules_passed"] = cells.count(sum(modules.values()))
    months = _months(start, end)
    # Modules per month add up to the modules passed: suppressed as one breakdown.
    per_month = cells.breakdown([m.isoformat() for m, n in modules.items() for _ in range(n)])
    series = {
        "participants_over_time": [
            [m.isoformat(), cells.count(_active_in(people, m, month_end(m)))] for m in months
        ],
        "attendance_rate": [[m.isoformat(), attendance["by_month"].get(m)] for m in months],
        "module_progress": [[m.isoformat(), per_month.get(m.isoformat(), 0)] for m in months],
        "outcomes": [[k, v] for k, v in outcomes.items()],
    }
    return {"figures": values, "series": series, "empty": not people}


def _persons(enrolled: list[Enrollment]) -> list[Enrollment]:
    """One row per person: their earliest enrollment of the period, marked as in training or
    in a job if any of their enrollments is."""
    first: dict[int, Enrollment] = {}
    for enrollment in sorted(enrolled, key=lambda e: (e.starts_on, e.pk)):
        kept = first.setdefault(enrollment.participant_id, enrollment)
        kept.in_training = kept.in_training or enrollment.in_training
        kept.has_job = kept.has_job or enrollment.has_job
    return list(first.values())


def _people(enrollments: QuerySet[Enrollment], start: date, end: date) -> list[Enrollment]:
    """Enrollments active at some point of the period, with the facts the figures need."""
    in_placement = Placement.objects.filter(enrollment=OuterRef("pk"), starts_on__lte=end).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=start)
    )
    return list(
        enrollments.filter(starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
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


def _active_in(people: list[Enrollment], first: date, last: date) -> int:
    return sum(
        1 for e in people if e.starts_on <= last and (e.ends_on is None or e.ends_on >= first)
    )


def _routes(ids: list[int], start: date, end: date, cells: Cells) -> dict:
    """Routes of the people in the period; a route started when its contract did, or, with no
    contract (MFY), when the enrollment did."""
    routes = list(
        QualificationPath.objects.filter(enrollment_id__in=ids).values_list(
            "route", "contract_starts_on", "enrollment__starts_on"
        )
    )
    started = [r for r, contract, enrolled in routes if start <= (contract or enrolled) <= end]
    return {
        "qualification_routes": cells.breakdown([r for r, _, _ in routes]),
        "started_qualification_route": cells.count(len(started)),
    }


def _follow_ups(enrollments: QuerySet, start: date, end: date, cells: Cells) -> dict:
    """Follow-ups recorded in the period, whenever the person left: they come after the exit."""
    rows = list(
        FollowUp.objects.filter(enrollment__in=enrollments, recorded_on__range=(start, end))
        .exclude(status="")
        .values_list("months", "status")
    )
    return {
        f"follow_up_{months}": cells.breakdown([s for m, s in rows if m == months])
        for months in (6, 12)
    }


def _activities(ids: list[int], start: date, end: date, cells: Cells) -> dict:
    """People per kind of placement; one person may be in several, so no total is shown."""
    pairs = (
        Placement.objects.filter(enrollment_id__in=ids, starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .order_by()  # the model's ordering would otherwise enter the DISTINCT
        .values_list("type", "enrollment__participant_id")
        .distinct()
    )
    return cells.breakdown([kind for kind, _ in pairs], partition=False)


def _attendance(ids: list[int], start: date, end: date, cells: Cells) -> dict:
    """Attendance rate per month and hours worked, in one query over the monthly sums."""
    rows = attendance_by_month(enrollment_ids=ids, start=start, end=end)
    by_month, days, present, hours, persons = {}, 0, 0, 0.0, 0
    for row in rows:
        month = row["month"] if isinstance(row["month"], date) else row["month"].date()
        by_month[month.replace(day=1)] = cells.rate(row["attended"], row["days"], row["persons"])
        days, present = days + row["days"], present + row["attended"]
        hours += float(row["hours"] or 0)
        persons = max(persons, row["persons"])
    # Hours are withheld, like the rate, when fewer than five people stand behind them.
    withheld = cells.suppress and persons < 5 and days > 0
    return {
        "by_month": by_month,
        "rate": cells.rate(present, days, persons),
        "hours": None if withheld else round(hours),
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
    from django.utils.translation import gettext as _

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
        "placement_hours": _("Hours in placements"),
        "attendance_rate": _("Attendance rate (%)"),
        "follow_up_6": _("Status 6 months after exit"),
        "follow_up_12": _("Status 12 months after exit"),
    }


def category_labels(figure: str) -> dict[str, str]:
    """What each category of one figure's breakdown is called: «unknown» means «gender not
    stated» in one breakdown and «could not be reached» in another."""
    from django.utils.translation import gettext as _

    from participants.models import EducationLevel, FollowUpStatus, Gender, NeetStatus
    from placements.models import Route

    ages = {"under 18": _("under 18"), "30 and over": _("30 and over")}
    by_figure = {
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
