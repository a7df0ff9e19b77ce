"""Each synthetic person's story, decided in memory before anything is written: when they were
referred, which programme took them, whether and where they were placed, and how it ended.

The rules are those the services enforce one row at a time: the status pipeline of
``participants.services.TRANSITIONS`` (an exit has a date, a reason and a destination; an
open enrollment has none), placements only for people in intake, active or paused, a stopped
placement with a reason, nothing recorded after today."""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from demo.scale.names import STOP_REASONS
from participants.vocabularies import Destination, ExitReason
from placements.models import PlacementStatus, PlacementType, WorkField
from programs.models import EnrollmentStatus, ProgrammeKind

S = EnrollmentStatus
YEARS = 3
REFERRAL_DAYS = 21  # from referral to intake
SUMMER = (date(2000, 6, 16), date(2000, 8, 8))  # month and day of the summer jobs


@dataclass(frozen=True)
class ProgrammeSpec:
    name: str
    kind: str
    share: float  # of the people
    types: tuple[str, ...]  # placement types, the first the most common
    months: tuple[int, int]  # how long an enrollment runs


PROGRAMMES = (
    ProgrammeSpec(
        "Inn i jobb",
        ProgrammeKind.INN_I_JOBB,
        0.30,
        (PlacementType.WORK_TRAINING, PlacementType.TRAINEE_CANDIDATE, PlacementType.APPRENTICE),
        (12, 34),
    ),
    ProgrammeSpec(
        "Kvalifiseringsprogrammet",
        ProgrammeKind.KVP,
        0.20,
        (PlacementType.WORK_TRAINING, PlacementType.PRACTICE, PlacementType.AFT),
        (12, 30),
    ),
    ProgrammeSpec(
        "Arbeidstrening i kommunen",
        ProgrammeKind.WORK_TRAINING,
        0.22,
        (PlacementType.WORK_TRAINING, PlacementType.PRACTICE),
        (8, 20),
    ),
    ProgrammeSpec(
        "Jobbspor helse og omsorg",
        ProgrammeKind.JOBBSPAR,
        0.10,
        (PlacementType.PRACTICE, PlacementType.WAGE_SUBSIDY),
        (10, 20),
    ),
    ProgrammeSpec(
        "Fagbrev på jobb",
        ProgrammeKind.OTHER,
        0.10,
        (PlacementType.CERTIFICATE_AT_WORK, PlacementType.APPRENTICE),
        (20, 32),
    ),
    ProgrammeSpec(
        "Sommerjobb for ungdom",
        ProgrammeKind.SUMMER_JOBS,
        0.08,
        (PlacementType.SUMMER_JOB,),
        (3, 3),
    ),
)
SUMMER_PROGRAMME = len(PROGRAMMES) - 1

FIELDS = (
    (WorkField.HEALTH_CARE, 0.5),
    (WorkField.CLEANING, 0.15),
    (WorkField.KITCHEN, 0.15),
    (WorkField.CARETAKER, 0.1),
    (WorkField.OTHER, 0.1),
)
SCHEDULES = (("01234", 0.72), ("0123", 0.12), ("1234", 0.06), ("024", 0.06), ("012", 0.04))
HOURS = (Decimal("7.50"), Decimal("6.00"), Decimal("4.00"))

_GOOD_EXITS = (
    (ExitReason.COMPLETED, Destination.APPRENTICESHIP),
    (ExitReason.GOT_JOB, Destination.WORK_FULL_TIME),
    (ExitReason.GOT_JOB, Destination.WORK_PART_TIME),
    (ExitReason.STARTED_EDUCATION, Destination.EDUCATION),
    (ExitReason.OTHER_MEASURE, Destination.NAV_MEASURE),
    (ExitReason.COMPLETED, Destination.OTHER),
)
_EARLY_EXITS = (
    (ExitReason.MOVED, Destination.UNKNOWN),
    (ExitReason.HEALTH, Destination.OTHER),
    (ExitReason.LOST_CONTACT, Destination.UNKNOWN),
    (ExitReason.DECLINED, Destination.OTHER),
)


@dataclass
class PlacementPlan:
    starts_on: date
    ends_on: date | None
    status: str
    type: str
    field: str
    schedule_days: str = "01234"
    hours_per_day: Decimal = HOURS[0]
    stop_reason: str = ""
    worksite: int = -1  # index into the world's worksites, chosen later

    @property
    def percentage(self) -> int:
        weekly = len(self.schedule_days) * self.hours_per_day
        return max(1, min(100, round(100 * weekly / Decimal("37.5"))))

    def is_current(self, today: date) -> bool:
        return self.status == PlacementStatus.ACTIVE and (
            self.ends_on is None or self.ends_on >= today
        )


@dataclass
class PersonPlan:
    index: int
    programme: int
    referred_on: date
    status: str
    pipeline: list[tuple[str, date]]  # the status changes, in order
    ends_on: date | None = None
    exit_reason: str = ""
    destination: str = ""
    placement: PlacementPlan | None = None
    caseworker: int = 0  # index into the programme's caseworkers, chosen later
    referral_source: str = ""

    @property
    def is_open(self) -> bool:
        return self.status not in (S.COMPLETED, S.WITHDRAWN)


def pick(rng: random.Random, weighted) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def plan_people(rng: random.Random, count: int, today: date) -> list[PersonPlan]:
    """``count`` stories, referred over the last three years."""
    weights = [p.share for p in PROGRAMMES]
    people = []
    for index in range(count):
        programme = rng.choices(range(len(PROGRAMMES)), weights)[0]
        if programme == SUMMER_PROGRAMME:
            people.append(_summer_job(rng, index, today))
        else:
            people.append(_enrollment(rng, index, programme, today))
    return people


def _enrollment(rng: random.Random, index: int, programme: int, today: date) -> PersonPlan:
    spec = PROGRAMMES[programme]
    referred = today - timedelta(days=rng.randrange(YEARS * 365))
    intake = referred + timedelta(days=rng.randrange(5, REFERRAL_DAYS))
    active = intake + timedelta(days=rng.randrange(7, 28))
    planned_end = referred + timedelta(days=30 * rng.randint(*spec.months))
    withdrawn = rng.random() < 0.22
    end = referred + (planned_end - referred) * rng.uniform(0.05, 0.9) if withdrawn else planned_end
    person = PersonPlan(index, programme, referred, S.REFERRED, [(S.REFERRED, referred)])
    if end < today:
        return _exited(rng, person, intake, active, end, withdrawn=withdrawn)
    return _open(rng, person, intake, active, planned_end, today)


def _exited(
    rng: random.Random, person: PersonPlan, intake: date, active: date, end: date, *, withdrawn
) -> PersonPlan:
    for status, day in ((S.INTAKE, intake), (S.ACTIVE, active)):
        if day < end:
            person.pipeline.append((status, day))
    if withdrawn or len(person.pipeline) < 3:
        person.status = S.WITHDRAWN
        person.exit_reason, person.destination = rng.choice(_EARLY_EXITS)
    else:
        person.status = S.COMPLETED
        person.exit_reason, person.destination = rng.choice(_GOOD_EXITS)
    person.pipeline.append((person.status, end))
    person.ends_on = end
    if len(person.pipeline) > 3 and rng.random() < 0.93:
        person.placement = _placement(rng, person.programme, active)
        _end_placement(rng, person.placement, end, stopped=person.status == S.WITHDRAWN)
    return person


def _open(
    rng: random.Random, person: PersonPlan, intake: date, active: date, planned_end, today
) -> PersonPlan:
    if intake > today:
        return person  # referred, waiting for intake
    person.status = S.INTAKE
    person.pipeline.append((S.INTAKE, intake))
    if active > today or rng.random() < 0.04:
        if rng.random() < 0.5:  # placement agreed, starting soon
            person.placement = _placement(rng, person.programme, today + timedelta(days=7))
            person.placement.status = PlacementStatus.PLANNED
        return person
    person.status = S.ACTIVE
    person.pipeline.append((S.ACTIVE, active))
    if rng.random() < 0.06:
        return person  # active, between placements
    person.placement = _placement(rng, person.programme, active)
    person.placement.ends_on = planned_end if rng.random() < 0.8 else None
    paused = today - timedelta(days=rng.randrange(1, 60))
    if rng.random() < 0.07 and paused > active:
        person.status = S.PAUSED
        person.pipeline.append((S.PAUSED, paused))
        person.placement.ends_on = paused - timedelta(days=1)
        person.placement.status = PlacementStatus.STOPPED
        person.placement.stop_reason = "Pause i programmet"
    return person


def _placement(rng: random.Random, programme: int, starts_on: date) -> PlacementPlan:
    types = PROGRAMMES[programme].types
    return PlacementPlan(
        starts_on=starts_on,
        ends_on=None,
        status=PlacementStatus.ACTIVE,
        type=types[0] if rng.random() < 0.6 else rng.choice(types),
        field=pick(rng, FIELDS),
        schedule_days=pick(rng, SCHEDULES),
        hours_per_day=rng.choice(HOURS),
    )


def _end_placement(rng: random.Random, placement: PlacementPlan, end: date, *, stopped) -> None:
    placement.ends_on = max(placement.starts_on, end - timedelta(days=rng.randrange(0, 10)))
    if stopped:
        placement.status = PlacementStatus.STOPPED
        placement.stop_reason = rng.choice(STOP_REASONS)
    else:
        placement.status = PlacementStatus.ENDED


def _summer_job(rng: random.Random, index: int, today: date) -> PersonPlan:
    """Six to eight weeks in one of the last three summers (or this one, if it has begun)."""
    summers = [y for y in range(today.year - YEARS, today.year + 1) if _summer(y)[0] < today]
    year = rng.choice(summers[-YEARS:])
    starts, ends = _summer(year)
    referred = date(year, 4, 1) + timedelta(days=rng.randrange(45))
    person = PersonPlan(index, SUMMER_PROGRAMME, referred, S.ACTIVE, [(S.REFERRED, referred)])
    person.pipeline += [(S.INTAKE, date(year, 5, 20)), (S.ACTIVE, starts)]
    person.placement = PlacementPlan(
        starts, ends, PlacementStatus.ACTIVE, PlacementType.SUMMER_JOB, pick(rng, FIELDS)
    )
    person.placement.hours_per_day = HOURS[1]
    if ends < today:
        person.placement.status = PlacementStatus.ENDED
        person.status, person.ends_on = S.COMPLETED, ends
        person.exit_reason, person.destination = ExitReason.COMPLETED, Destination.EDUCATION
        person.pipeline.append((S.COMPLETED, ends))
    return person


def _summer(year: int) -> tuple[date, date]:
    return SUMMER[0].replace(year=year), SUMMER[1].replace(year=year)
