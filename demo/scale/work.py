"""Work: placements at worksites with their arbeidsleder, worksite capacities, three years of
daily attendance, the arbeidsleder's progress notes, and qualification paths with module
sign-offs."""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from demo.scale.organisation import KIND_FIELDS
from demo.scale.plan import PersonPlan, PlacementPlan
from demo.scale.world import World
from participants.services import add_months
from placements.attendance import MISSING_LOOKBACK_DAYS
from placements.models import (
    AttendanceRecord,
    AttendanceStatus,
    ExamResult,
    ModuleProgress,
    Placement,
    PlacementStatus,
    ProgressEntry,
    QualificationPath,
    WorkField,
    WorksiteCapacity,
)
from placements.qualification import REGISTRATION_MONTHS_BEFORE_END
from programs.models import EnrollmentStatus

NAMED_SITE_PLACES = 30  # current placements at the named arbeidsleder's worksite
ZERO = Decimal("0.00")
_ABSENT = (AttendanceStatus.EXCUSED, AttendanceStatus.UNEXCUSED)
_STATUSES = (
    (0.85, AttendanceStatus.PRESENT),
    (0.90, AttendanceStatus.LATE),
    (0.96, AttendanceStatus.EXCUSED),
    (1.0, AttendanceStatus.UNEXCUSED),
)


def worksites_assign(world: World, people: list[PersonPlan]) -> None:
    """Each placement to a worksite that has its field. The first worksite gets about thirty
    of the current placements, all on weekdays, and no other current ones: the named
    arbeidsleder's attendance page shows that many people every weekday."""
    fits = KIND_FIELDS[world.worksites[0].kind]
    named = [pl for pl in _placements(people) if _is_running(pl, world.today) and pl.field in fits]
    for placement in named[:NAMED_SITE_PLACES]:
        placement.worksite, placement.schedule_days = 0, "01234"
    others = range(1, len(world.worksites))
    sites = {
        work_field: [i for i in others if work_field in KIND_FIELDS[world.worksites[i].kind]]
        or list(others)
        for work_field in WorkField.values
    }
    for placement in _placements(people):
        if placement.worksite < 0:
            closed = placement.status in (PlacementStatus.ENDED, PlacementStatus.STOPPED)
            choices = sites[placement.field] + ([0] if closed and placement.field in fits else [])
            placement.worksite = world.rng.choice(choices)


def _placements(people: list[PersonPlan]) -> list[PlacementPlan]:
    return [p.placement for p in people if p.placement is not None]


def _is_running(placement: PlacementPlan, today: date) -> bool:
    return placement.is_current(today) and placement.starts_on <= today


def capacities_create(world: World, people: list[PersonPlan]) -> None:
    """Places per field that the current placements fit into, with a little room to spare."""
    taken = Counter(
        (pl.worksite, pl.field) for pl in _placements(people) if pl.is_current(world.today)
    )
    world.writer.create(
        WorksiteCapacity,
        (
            WorksiteCapacity(
                worksite=site,
                field=work_field,
                places=max(2, taken[index, work_field] + world.rng.randrange(3)),
            )
            for index, site in enumerate(world.worksites)
            for work_field in KIND_FIELDS[site.kind]
        ),
    )


def placements_create(world: World, people: list[PersonPlan], enrollments: list) -> list:
    """The placements, as (plan, person, Placement) in the order of ``people``."""
    placed = [(p.placement, p, e) for p, e in zip(people, enrollments, strict=True) if p.placement]
    rows = world.writer.create(Placement, (_placement(world, plan, e) for plan, _, e in placed))
    return [(plan, p, row) for (plan, p, _), row in zip(placed, rows, strict=True)]


def _placement(world: World, plan: PlacementPlan, enrollment) -> Placement:
    closed = plan.status in (PlacementStatus.ENDED, PlacementStatus.STOPPED)
    words = world.words
    number = f"{words.agreement_prefix}-{plan.starts_on.year}-{enrollment.pk:06d}"
    nav = number if plan.type in words.agreement_types else ""
    return Placement(
        enrollment=enrollment,
        worksite=world.worksites[plan.worksite],
        supervisor=world.supervisors[plan.worksite],
        type=plan.type,
        field=plan.field,
        status=plan.status,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        schedule_days=plan.schedule_days,
        hours_per_day=plan.hours_per_day,
        percentage=plan.percentage,
        nav_agreement=nav,
        stop_reason=plan.stop_reason,
        version=2 if closed else 1,
    )


def attendance_create(world: World, placed: list) -> int:
    """Every scheduled day of every placement up to yesterday, by the worksite's arbeidsleder;
    a few days nobody recorded (more of them lately: the «missing» the pages flag)."""
    rows = (
        record
        for plan, _, placement in placed
        if plan.status != PlacementStatus.PLANNED
        for record in _attendance(world, plan, placement)
    )
    return world.writer.stream(AttendanceRecord, rows, every=250_000)


def _attendance(world: World, plan: PlacementPlan, placement: Placement):
    rng, yesterday = world.rng, world.today - timedelta(days=1)
    recent = world.today - timedelta(days=MISSING_LOOKBACK_DAYS)
    weekdays = {int(d) for d in plan.schedule_days}
    last = min(plan.ends_on or yesterday, yesterday)
    for ordinal in range(plan.starts_on.toordinal(), last.toordinal() + 1):
        if (ordinal - 1) % 7 not in weekdays:  # ordinal 1 is a Monday
            continue
        day = date.fromordinal(ordinal)
        if rng.random() < (0.04 if day >= recent else 0.005):
            continue
        status = _status(rng.random())
        yield {
            "placement_id": placement.pk,
            "date": day,
            "status": status,
            "hours": ZERO if status in _ABSENT else plan.hours_per_day,
            "recorded_by_id": placement.supervisor_id,
            "recorded_at": world.moment(day, 15),
        }


def _status(draw: float) -> str:
    return next(status for limit, status in _STATUSES if draw < limit)


def progress_create(world: World, placed: list) -> None:
    """The arbeidsleder's observation every four to five weeks of a placement."""
    world.writer.stream(
        ProgressEntry,
        (entry for plan, _, placement in placed for entry in _progress(world, plan, placement)),
    )


def _progress(world: World, plan: PlacementPlan, placement: Placement) -> list[dict]:
    rng = world.rng
    last = min(plan.ends_on or world.today, world.today)
    day, entries = plan.starts_on + timedelta(days=14), []
    while day <= last:
        score = rng.randint(2, 5)
        entries.append(
            {
                "placement_id": placement.pk,
                "author_id": placement.supervisor_id,
                "written_on": day,
                "punctuality": score,
                "cooperation": min(5, score + rng.randint(-1, 1)),
                "independence": max(1, score - rng.randint(0, 1)),
                "text": rng.choice(world.words.progress_texts),
                "created_at": world.moment(day, 16),
            }
        )
        day += timedelta(days=rng.randrange(28, 36))
    return entries


def qualifications_create(world: World, placed: list) -> None:
    """A road to a fagbrev for apprentices, training candidates and fagbrev på jobb, and MFY
    for some in health and care; modules signed off by the arbeidsleder as the contract
    runs, a fagprøve where it has ended."""
    chosen = [
        (plan, person, placement, route)
        for plan, person, placement in placed
        if plan.status != PlacementStatus.PLANNED and (route := _route(world, plan)) is not None
    ]
    paths = world.writer.create(QualificationPath, (_path(world, *item) for item in chosen))
    world.writer.create(
        ModuleProgress,
        (
            row
            for (plan, _, placement, _), path in zip(chosen, paths, strict=True)
            for row in _modules(world, plan, placement, path)
        ),
    )


def _route(world: World, plan: PlacementPlan) -> tuple[str, int] | None:
    if plan.field not in world.tracks:
        return None
    if plan.type in world.words.routes:
        return world.words.routes[plan.type]
    if plan.field == WorkField.HEALTH_CARE and world.rng.random() < 0.2:
        return world.words.care_route
    return None


def _path(world: World, plan, person: PersonPlan, placement, route) -> QualificationPath:
    name, months = route
    ends = add_months(plan.starts_on, months)
    path = QualificationPath(
        enrollment_id=placement.enrollment_id,
        track=world.tracks[plan.field][0],
        route=name,
        training_office=world.words.training_office,
        contract_starts_on=plan.starts_on,
        contract_ends_on=ends,
        registration_deadline=add_months(ends, -REGISTRATION_MONTHS_BEFORE_END),
    )
    exam = ends - timedelta(days=30)
    if exam < world.today and person.status != EnrollmentStatus.WITHDRAWN:
        path.fagprove_on = exam
        path.fagprove_result = (
            ExamResult.PASSED if world.rng.random() < 0.85 else ExamResult.NOT_PASSED
        )
    return path


def _modules(world: World, plan: PlacementPlan, placement, path) -> list[ModuleProgress]:
    modules = world.tracks[plan.field][1]
    start, end = path.contract_starts_on, path.contract_ends_on
    stop = min(plan.ends_on or world.today, world.today)
    length = (end - start) / len(modules)
    done = min(len(modules), max(0, (stop - start) // length))
    rows = [
        ModuleProgress(
            path=path,
            module=module,
            started_on=start + length * n,
            result=ExamResult.PASSED,
            signed_off_by_id=placement.supervisor_id,
            signed_off_on=min(stop, start + length * (n + 1)),
        )
        for n, module in enumerate(modules[:done])
    ]
    if done < len(modules) and plan.is_current(world.today):
        rows.append(
            ModuleProgress(path=path, module=modules[done], started_on=start + length * done)
        )
    return rows
