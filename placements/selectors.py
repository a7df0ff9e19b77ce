"""Reads of worksites and placements, scoped through ``visible_to``."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts import memberships
from accounts.models import User
from participants.models import Enrollment, Participant
from placements.attendance import (
    MISSING_LOOKBACK_DAYS,
    AttendanceStats,
    attendance_summary,
    missing_days,
    supervised_placements,
)
from placements.models import (
    AttendanceRecord,
    ModuleProgress,
    Placement,
    PlacementQuerySet,
    ProgressEntry,
    ProgressReply,
    QualificationPath,
    Worksite,
)
from placements.qualification import sign_off_undoable
from programs.models import Cohort, Module


def _visible_current_placements(user: User) -> QuerySet[Placement]:
    return Placement.objects.current().filter(
        enrollment__participant__in=Participant.objects.visible_to(user)
    )


def worksite_list(*, user: User) -> QuerySet[Worksite]:
    """Worksites the user may see, each with the number of current placements the user may see
    and its supervisors."""
    return _worksites_placed(user).prefetch_related("supervisors__user")


def _worksites_placed(user: User) -> QuerySet[Worksite]:
    """Worksites the user may see, each with the number of current placements the user may see
    (``placed``)."""
    counts = (
        _visible_current_placements(user)
        .filter(worksite=OuterRef("pk"))
        .values("worksite")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Worksite.objects.visible_to(user).annotate(placed=Coalesce(Subquery(counts), 0))


def worksite_get(*, user: User, pk: int) -> Worksite:
    return get_object_or_404(worksite_list(user=user), pk=pk)


def worksite_placements(*, user: User, worksite: Worksite) -> QuerySet[Placement]:
    """Current placements at a worksite, limited to participants the user may see."""
    return (
        _visible_current_placements(user)
        .filter(worksite=worksite)
        .select_related("enrollment__participant", "enrollment__caseworker", "supervisor")
        .order_by("enrollment__participant__last_name", "enrollment__participant__first_name")
    )


def supervised_worksites(*, user: User) -> QuerySet[Worksite]:
    """The worksites the user is arbeidsleder at, each with ``placed``; not their supervisors,
    which neither the home page nor "everyone present" names (two queries fewer)."""
    return _worksites_placed(user).filter(memberships.supervised_by(user))


def placements_at_supervised_worksites(*, user: User) -> QuerySet[Placement]:
    return (
        supervised_placements(user)
        .select_related("enrollment__participant", "worksite")
        .order_by("worksite__name", "enrollment__participant__last_name")
    )


@dataclass(frozen=True)
class AttendanceRow:
    placement: Placement
    record: AttendanceRecord | None
    missing: list[date]
    stats: AttendanceStats | None = None


def attendance_day(
    *, user: User, day: date, placement: Placement | None = None
) -> list[AttendanceRow]:
    """The people an arbeidsleder expects on ``day`` at their worksites, each with that day's
    record and the days nobody recorded: three queries whatever the number of people. With
    ``placement``: that person's row alone, if expected (the row a tap gives back)."""
    today = timezone.localdate()
    placements = _expected_on(user, day, placement)
    ids = [placement.pk for placement in placements]
    records = AttendanceRecord.objects.filter(placement__in=ids, date=day)
    on_day = {r.placement_id: r for r in records.only("placement_id", "date", "status", "hours")}
    statuses = _recent_statuses(ids, today)
    rows = []
    for placement in placements:
        missing, stats = attendance_summary(placement, statuses.get(placement.pk, {}), today)
        rows.append(AttendanceRow(placement, on_day.get(placement.pk), missing, stats))
    return rows


# What a row of the attendance day reads (the schedule, the exit, the name, the worksite):
# not the person's sixty other columns, encrypted national id and all, for thirty people.
_ATTENDANCE_ROW_FIELDS = (
    *("field", "status", "starts_on", "ends_on", "schedule_days", "hours_per_day"),
    *("enrollment__status", "enrollment__ends_on", "worksite__name"),
    *("enrollment__participant__first_name", "enrollment__participant__last_name"),
    "enrollment__participant__anonymised_at",
)


def _expected_on(user: User, day: date, only: Placement | None) -> list[Placement]:
    """The placements at the user's worksites whose schedule expects the person on ``day``
    (of ``only``, if given)."""
    placements = (
        supervised_placements(user)
        .filter(Q(pk=only.pk) if only else Q(), starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("enrollment__participant", "worksite")
        .only(*_ATTENDANCE_ROW_FIELDS)
        .order_by(
            "worksite__name",
            "enrollment__participant__last_name",
            "enrollment__participant__first_name",
        )
    )
    return [placement for placement in placements if placement.expects(day)]


def _recent_statuses(placement_ids: list[int], today: date) -> dict[int, dict[date, str]]:
    """Per placement, the status of each day recorded in the last four weeks: as pairs rather
    than records, as a page reads hundreds of them and only these two fields."""
    statuses: dict[int, dict[date, str]] = {}
    for placement_id, day, status in (
        AttendanceRecord.objects.filter(
            placement__in=placement_ids,
            date__gte=today - timedelta(days=MISSING_LOOKBACK_DAYS),
        )
        .order_by()
        .values_list("placement_id", "date", "status")
    ):
        statuses.setdefault(placement_id, {})[day] = status
    return statuses


def _recent_attendance(
    today: date, since: date | None = None
) -> "Prefetch[str, QuerySet[AttendanceRecord], str]":
    """A placement's records of the last four weeks (or from ``since`` where that is earlier),
    as ``placement.recent``."""
    start = today - timedelta(days=MISSING_LOOKBACK_DAYS)
    return Prefetch(
        "attendance",
        to_attr="recent",
        # What the pages and figures read of a record: not who recorded it or when, whose
        # time zone conversion cost more than the rest of the row (hundreds of rows a page).
        queryset=AttendanceRecord.objects.filter(date__gte=min(start, since or start)).only(
            "placement_id", "date", "status", "hours"
        ),
    )


def missing_attendance(*, user: User) -> tuple[int, int]:
    """For an arbeidsleder: how many expected days in the last four weeks nobody recorded at
    their worksites, and for how many people. Two queries whatever the number of people."""
    today = timezone.localdate()
    placements = (
        supervised_placements(user)
        .select_related("enrollment")
        .prefetch_related(_recent_attendance(today))
    )
    days, people = 0, set()
    for placement in placements:
        missing = missing_days(placement, {r.date for r in placement.recent}, today)
        if missing:
            days += len(missing)
            people.add(placement.enrollment.participant_id)
    return days, len(people)


def placement_for_attendance(*, user: User, pk: int) -> Placement:
    """A placement the user may record attendance for: at a worksite they supervise (the
    person's consent in force), or in one of their programmes. Otherwise 404."""
    return get_object_or_404(
        _seeable_placements(user).select_related("enrollment__participant", "worksite"),
        pk=pk,
    )


def _seeable_placements(user: User) -> PlacementQuerySet:
    """Placements the user may see: in their programmes, or current ones at a worksite they
    supervise (the person's consent in force)."""
    supervised = supervised_placements(user)
    if not memberships.programme_ids_worked_in(user):
        # Only the worksites': filtered as such, not as ``pk IN (those)``, for which PostgreSQL
        # joined every placement of the city to its person before keeping an arbeidsleder's
        # thirty (the placements API's page: 24 ms against 0.7 ms at 10 000 people).
        return supervised
    followed = Placement.objects.filter(enrollment__in=Enrollment.objects.visible_to(user))
    return Placement.objects.filter(
        Q(pk__in=supervised.values("pk")) | Q(pk__in=followed.values("pk"))
    )


def participant_progress(*, user: User, participant: Participant) -> QuerySet[ProgressEntry]:
    return (
        ProgressEntry.objects.filter(
            placement__in=_seeable_placements(user), placement__enrollment__participant=participant
        )
        .select_related("author", "placement__worksite")
        .prefetch_related(
            Prefetch("replies", queryset=ProgressReply.objects.select_related("author"))
        )
    )


def progress_entry_get(*, user: User, pk: int) -> ProgressEntry:
    return get_object_or_404(
        ProgressEntry.objects.filter(placement__in=_seeable_placements(user)).select_related(
            "placement__enrollment__participant"
        ),
        pk=pk,
    )


def participant_seen_by(*, user: User, pk: int) -> Participant:
    """The person, if the user may see them at all (as caseworker or as arbeidsleder)."""
    person: Participant = get_object_or_404(Participant.objects.visible_to(user), pk=pk)
    return person


def _seeable_paths(user: User) -> QuerySet[QualificationPath]:
    return QualificationPath.objects.filter(
        Q(enrollment__in=Enrollment.objects.visible_to(user))
        | Q(enrollment__placements__in=_seeable_placements(user))
    ).distinct()


def participant_paths(*, user: User, participant: Participant) -> list[QualificationPath]:
    """The person's qualification paths with each module's progress, in three queries."""

    paths = list(
        _seeable_paths(user)
        .filter(enrollment__participant=participant)
        .select_related("track", "enrollment__programme")
        .prefetch_related(
            Prefetch("track__modules", queryset=Module.objects.order_by("number")),
            Prefetch("modules", queryset=ModuleProgress.objects.select_related("signed_off_by")),
        )
        .select_related("fagprove_recorded_by")
    )
    for path in paths:
        done = {p.module_id: p for p in path.modules.all()}
        for progress in done.values():
            progress.undoable = sign_off_undoable(progress)
        path.rows = [(module, done.get(module.pk)) for module in path.track.modules.all()]
        path.passed = sum(1 for p in done.values() if p.result == "passed")
        path.total = len(path.rows)
    return paths


def module_progress_get(*, user: User, pk: int) -> ModuleProgress:
    """A module's sign-off on a path the user may see; otherwise 404."""

    return get_object_or_404(
        ModuleProgress.objects.filter(path__in=_seeable_paths(user).values("pk")).select_related(
            "path__enrollment__participant", "module"
        ),
        pk=pk,
    )


def path_get(*, user: User, pk: int) -> QualificationPath:
    return get_object_or_404(
        _seeable_paths(user).select_related("enrollment__participant", "track"), pk=pk
    )


@dataclass(frozen=True)
class WeekRow:
    placement: Placement
    cells: list[tuple[date, AttendanceRecord | None, bool, bool]]  # expected, missing
    stats: AttendanceStats
    missing: list[date] = field(default_factory=list)  # every missing day, oldest first


def _week_row(placement: Placement, days: list[date], today: date) -> WeekRow:
    """A placement's ``days`` as cells, with the missing days of ``missing_days`` (the one
    definition) flagged in the cells and listed in full."""
    by_day = {r.date: r for r in placement.recent}
    missing, stats = attendance_summary(placement, _statuses(by_day), today)
    flagged = set(missing)
    cells = [(day, by_day.get(day), placement.expects(day), day in flagged) for day in days]
    return WeekRow(placement, cells, stats, missing)


def _statuses(by_day: dict[date, AttendanceRecord]) -> dict[date, str]:
    return {day: record.status for day, record in by_day.items()}


def attendance_week(*, user: User, monday: date) -> list[WeekRow]:
    """The week for catching up: every person at the user's worksites, each day's record, the
    days nobody recorded; three queries whatever the number of people."""
    today = timezone.localdate()
    sunday = monday + timedelta(days=6)
    placements = (
        supervised_placements(user)
        .filter(starts_on__lte=sunday)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=monday))
        .select_related("enrollment__participant", "worksite")
        .prefetch_related(_recent_attendance(today, since=monday))
        .order_by("worksite__name", "enrollment__participant__last_name")
    )
    days = [monday + timedelta(days=n) for n in range(7)]
    return [_week_row(placement, days, today) for placement in placements]


def attendance_concerns(*, user: User, limit: int = 20) -> list[AttendanceRow]:
    """For a caseworker: their people whose attendance needs a look: with missing days (as the
    worksite counts them), or absent two expected days or more in a row. Two queries."""
    today = timezone.localdate()
    placements = list(
        Placement.objects.current()
        .filter(enrollment__in=Enrollment.objects.visible_to(user).filter(caseworker=user))
        .select_related("enrollment__participant", "worksite")
    )
    recorded = _recent_statuses([p.pk for p in placements], today)
    rows = []
    for placement in placements:
        missing, stats = attendance_summary(placement, recorded.get(placement.pk, {}), today)
        if missing or stats.consecutive_absences >= 2:
            rows.append(AttendanceRow(placement, None, missing, stats))
    return rows[:limit]


def participant_attendance(*, user: User, participant: Participant) -> list[WeekRow]:
    """The person's last two weeks at each placement the user may see, with the stats."""
    today = timezone.localdate()
    start = today - timedelta(days=13)
    placements = (
        _seeable_placements(user)
        .current()
        .filter(enrollment__participant=participant)
        .select_related("worksite", "enrollment")
        .prefetch_related(_recent_attendance(today))
    )
    rows = []
    for placement in placements:
        by_day = {r.date: r for r in placement.recent}
        days = [
            day
            for day in (start + timedelta(days=n) for n in range(14))
            if placement.expects(day) or day in by_day
        ]
        rows.append(_week_row(placement, days, today))
    return rows


def capacity_by_week(*, user: User, monday: date) -> list[dict[str, Any]]:
    """Places per worksite and field for one week: places, taken, free. Two queries."""
    sunday = monday + timedelta(days=6)
    worksites = list(
        Worksite.objects.visible_to(user).prefetch_related("capacities").order_by("name")
    )
    taken = (
        Placement.objects.current()
        .filter(worksite__in=worksites, starts_on__lte=sunday)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=monday))
        .values("worksite_id", "field")
        .annotate(n=Count("pk"))
    )
    counts = {(row["worksite_id"], row["field"]): row["n"] for row in taken}
    rows = []
    for worksite in worksites:
        for capacity in worksite.capacities.all():
            used = counts.get((worksite.pk, capacity.field), 0)
            rows.append(
                {
                    "worksite": worksite,
                    "field": capacity.get_field_display(),
                    "places": capacity.places,
                    "taken": used,
                    "free": capacity.places - used,
                }
            )
    return rows


# --- the API's lists: the same scopes as the pages, with what the rows show -------------------


def _case_access(user: User) -> Exists:
    """Whether the user follows the row's enrollment (caseworker or lead), as ``case_access``:
    False where they see it only as the worksite's arbeidsleder."""
    return Exists(Enrollment.objects.visible_to(user).filter(pk=OuterRef("enrollment_id")))


def placement_list(*, user: User) -> QuerySet[Placement]:
    """Placements the user may see (as on the pages), each with ``case_access``."""
    return (
        _seeable_placements(user)
        .annotate(case_access=_case_access(user))
        .select_related("enrollment__participant", "worksite")
    )


# Up to this many placements are named to the database as ids (below), more as a subquery.
NAMED_PLACEMENTS = 5000


def attendance_list(*, user: User) -> QuerySet[AttendanceRecord]:
    """Recorded days of the placements the user may see. The placements are read first and
    named as ids: given the scope as a subquery, PostgreSQL misjudged an arbeidsleder's thirty
    placements as one and read all two million days of the city to sort them (1 s against
    10 ms for the first API page at 10 000 people); by ids it reads those placements' days
    through their index."""
    seeable = _seeable_placements(user)
    ids = list(seeable.values_list("pk", flat=True)[: NAMED_PLACEMENTS + 1])
    placements = ids if len(ids) <= NAMED_PLACEMENTS else seeable
    return AttendanceRecord.objects.filter(placement__in=placements).select_related(
        "placement__enrollment"
    )


def progress_list(*, user: User) -> QuerySet[ProgressEntry]:
    """Progress entries on the placements the user may see, with their replies."""
    return (
        ProgressEntry.objects.filter(placement__in=_seeable_placements(user))
        .select_related("author", "placement__enrollment")
        .prefetch_related(
            Prefetch("replies", queryset=ProgressReply.objects.select_related("author"))
        )
    )


def progress_reply_list(*, user: User) -> QuerySet[ProgressReply]:
    return ProgressReply.objects.filter(
        entry__placement__in=_seeable_placements(user)
    ).select_related("author")


def path_list(*, user: User) -> QuerySet[QualificationPath]:
    """Qualification paths the user may see, each with ``case_access`` and its modules'
    progress."""

    return (
        QualificationPath.objects.filter(pk__in=_seeable_paths(user).values("pk"))
        .annotate(case_access=_case_access(user))
        .select_related("track", "enrollment")
        .prefetch_related(
            Prefetch(
                "modules",
                queryset=ModuleProgress.objects.select_related("module", "signed_off_by"),
            )
        )
    )


def module_progress_list(*, user: User) -> QuerySet[ModuleProgress]:
    return ModuleProgress.objects.filter(path__in=_seeable_paths(user).values("pk")).select_related(
        "module", "signed_off_by"
    )


def cohort_module_progress(*, user: User, cohort: Cohort) -> dict[str, dict[str, Any]]:
    """Per trade: the modules, and each person's progress through them, in a fixed number of
    queries."""
    paths = (
        QualificationPath.objects.filter(
            enrollment__in=Enrollment.objects.visible_to(user).filter(cohort=cohort)
        )
        .select_related("enrollment__participant", "track")
        .prefetch_related(
            Prefetch("track__modules", queryset=Module.objects.order_by("number")),
            Prefetch("modules", queryset=ModuleProgress.objects.filter(result="passed")),
        )
        .order_by("track__name", "enrollment__participant__last_name")
    )
    tracks: dict[str, dict[str, Any]] = {}
    for path in paths:
        modules = list(path.track.modules.all())
        passed = {p.module_id for p in path.modules.all()}
        entry = tracks.setdefault(
            path.track.name,
            {"modules": modules, "people": [], "passed_per_module": [0] * len(modules)},
        )
        row = [m.pk in passed for m in modules]
        entry["people"].append((path.enrollment.participant, row, sum(row)))
        entry["passed_per_module"] = [
            a + b for a, b in zip(entry["passed_per_module"], row, strict=True)
        ]
    return tracks
