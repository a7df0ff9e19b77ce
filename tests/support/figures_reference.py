"""The figures as ``reporting.figures.figures`` computed them before it counted in the
database: a frozen copy, kept only so that tests can show that every figure of every report
is still the same number (tests/reporting/test_figures_unchanged.py). Never change it; it was
changed once, to read the months PostgreSQL gives back as timestamps (marked below)."""

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, DecimalField, Exists, F, Min, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth

from accounts.disclosure import DEFAULT_THRESHOLD, HIDDEN, merge_bands
from participants.models import Enrollment, FollowUp
from participants.services import add_months
from participants.vocabularies import (
    Destination,
    EducationLevel,
    FollowUpStatus,
    Gender,
    NeetStatus,
)
from placements.attendance import month_end
from placements.models import (
    AttendanceMonth,
    AttendanceRecord,
    AttendanceStatus,
    ModuleProgress,
    Placement,
    PlacementType,
    QualificationPath,
)
from reporting.figures import AGE_BANDS, MAX_MONTHS, OLDEST, Cells, age_key
from reporting.profiles import Audience

_WORK_TRAINING = [
    PlacementType.WORK_TRAINING,
    PlacementType.AFT,
    PlacementType.PRACTICE,
    PlacementType.ARBETSTRANING,
    PlacementType.PRAKTIK,
]
_IN_WORK = [Destination.WORK_FULL_TIME, Destination.WORK_PART_TIME]
_WORK_OR_EDUCATION = [*_IN_WORK, Destination.APPRENTICESHIP, Destination.EDUCATION]
_FOLLOW_UP_WORK_OR_EDUCATION = [FollowUpStatus.IN_WORK, FollowUpStatus.IN_EDUCATION]
_ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


def _split(start: date, end: date) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """The period as the calendar months that lie wholly within it (first and last day), and
    the one or two stretches of a month it cuts at either end."""
    first = start if start.day == 1 else month_end(start) + timedelta(days=1)
    last = end if end == month_end(end) else end.replace(day=1) - timedelta(days=1)
    if first > last:
        return None, [(start, end)]
    cut = [(start, first - timedelta(days=1)), (last + timedelta(days=1), end)]
    return (first, last), [(a, b) for a, b in cut if a <= b]


_HOURS = DecimalField(max_digits=12, decimal_places=2)


def _attendance_by_month(
    *, enrollment_ids: list[int], start: date, end: date
) -> QuerySet[Any, dict[str, Any]]:
    """Per calendar month of the period: days recorded, days attended (present or late), the
    people behind them, and hours worked (those written down, or the placement's hours per day
    for a day attended without hours), in one query. Whole months are read from the monthly
    sums; a month the period cuts is counted from its days, so that a period may start and end
    on any day."""
    whole, cut = _split(start, end)
    stretches = Q()
    for stretch in cut:
        stretches |= Q(date__range=stretch)
    attended = Q(status__in=_ATTENDED)
    by_day = (
        AttendanceRecord.objects.filter(stretches, placement__enrollment_id__in=enrollment_ids)
        .annotate(month=TruncMonth("date"))
        .order_by()
        .values("month")
        .annotate(
            days=Count("pk"),
            attended=Count("pk", filter=attended),
            persons=Count("placement__enrollment__participant", distinct=True),
            hours=Sum(
                Coalesce("hours", "placement__hours_per_day"), filter=attended, output_field=_HOURS
            ),
        )
    )
    if not whole:
        return by_day
    summed = (
        AttendanceMonth.objects.filter(
            placement__enrollment_id__in=enrollment_ids, month__range=whole, days__gt=0
        )
        .order_by()
        .values("month")
        .annotate(
            days=Sum("days"),
            attended=Sum("attended"),
            persons=Count("placement__enrollment__participant", distinct=True),
            hours=Sum(
                F("hours") + F("attended_unhoured") * F("placement__hours_per_day"),
                output_field=_HOURS,
            ),
        )
    )
    return summed.union(by_day, all=True) if cut else summed


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


def figures_before(
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
    routes = _routes(ids, start, end, cells)
    follow_ups = _follow_ups(enrollments, start, end, cells)
    values.update(routes.pop("shown"))
    values.update(follow_ups.pop("shown"))
    values["activities"] = _activities(ids, start, end, cells)
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


def _persons(enrolled: list[Any]) -> list[Any]:
    """One row per person: their earliest enrollment of the period, marked as in training or
    in a job if any of their enrollments is."""
    first: dict[int, Any] = {}
    for enrollment in sorted(enrolled, key=lambda e: (e.starts_on, e.pk)):
        kept = first.setdefault(enrollment.participant_id, enrollment)
        kept.in_training = kept.in_training or enrollment.in_training
        kept.has_job = kept.has_job or enrollment.has_job
    return list(first.values())


def _people(enrollments: QuerySet[Enrollment], start: date, end: date) -> list[Any]:
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


def _active_in(people: list[Any], first: date, last: date) -> int:
    return sum(
        1
        for e in people
        if e.starts_on is not None
        and e.starts_on <= last
        and (e.ends_on is None or e.ends_on >= first)
    )


def _routes(ids: list[int], start: date, end: date, cells: Cells) -> dict:
    """Routes of the people in the period; a route started when its contract did, or, with no
    contract (MFY), when the enrollment did."""
    routes = list(
        QualificationPath.objects.filter(enrollment_id__in=ids).values_list(
            "route", "contract_starts_on", "enrollment__starts_on"
        )
    )
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


def _activities(ids: list[int], start: date, end: date, cells: Cells) -> dict:
    """People per kind of placement; one person may be in several, so no total is shown."""
    pairs = (
        Placement.objects.filter(enrollment_id__in=ids, starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .order_by()  # the model's ordering would otherwise enter the DISTINCT
        .values_list("type", "enrollment__participant_id")
        .distinct()
    )
    return cells.breakdown(Counter(pair[0] for pair in pairs))


def _attendance(ids: list[int], start: date, end: date, cells: Cells) -> dict:
    """Attendance rate per month and hours worked, in one query over the monthly sums."""
    rows = _attendance_by_month(enrollment_ids=ids, start=start, end=end)
    by_month, days, present, hours, persons = {}, 0, 0, 0.0, 0
    for row in rows:
        # The one change to the frozen copy: on PostgreSQL the months of a period that cuts a
        # month came back as timestamps (a datetime is a date), and every monthly rate was lost.
        month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
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
