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

from demo.scale.words import NORWEGIAN, Words
from participants.vocabularies import Destination, ExitReason
from placements.models import PlacementStatus, PlacementType, WorkField
from programs.models import EnrollmentStatus

S = EnrollmentStatus
YEARS = 3
REFERRAL_DAYS = 21  # from referral to intake
SUMMER = (date(2000, 6, 16), date(2000, 8, 8))  # month and day of the summer jobs

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


def plan_people(
    rng: random.Random, count: int, today: date, words: Words = NORWEGIAN
) -> list[PersonPlan]:
    """``count`` stories, referred over the last three years, in the country's programmes."""
    weights = [p.share for p in words.programmes]
    people = []
    for index in range(count):
        programme = rng.choices(range(len(words.programmes)), weights)[0]
        if programme == words.summer_programme:
            people.append(_summer_job(rng, index, today, programme))
        else:
            people.append(_enrollment(rng, words, index, programme, today))
    return people


def _enrollment(
    rng: random.Random, words: Words, index: int, programme: int, today: date
) -> PersonPlan:
    spec = words.programmes[programme]
    referred = today - timedelta(days=rng.randrange(YEARS * 365))
    intake = referred + timedelta(days=rng.randrange(5, REFERRAL_DAYS))
    active = intake + timedelta(days=rng.randrange(7, 28))
    planned_end = referred + timedelta(days=30 * rng.randint(*spec.months))
    withdrawn = rng.random() < 0.22
    end = referred + (planned_end - referred) * rng.uniform(0.05, 0.9) if withdrawn else planned_end
    person = PersonPlan(index, programme, referred, S.REFERRED, [(S.REFERRED, referred)])
    if end < today:
        _exited(rng, words, person, (intake, active, end), withdrawn=withdrawn)
    else:
        _open(rng, words, person, (intake, active, planned_end), today)
    return person


def _exited(
    rng: random.Random,
    words: Words,
    person: PersonPlan,
    days: tuple[date, date, date],
    *,
    withdrawn,
) -> None:
    intake, active, end = days
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
        person.placement = _placement(rng, words.programmes[person.programme].types, active)
        if person.status == S.WITHDRAWN:
            _end_placement(rng, person.placement, end, stop_reasons=words.stop_reasons)
        else:
            _end_placement(rng, person.placement, end)


def _open(
    rng: random.Random, words: Words, person: PersonPlan, days: tuple[date, ...], today
) -> None:
    intake, active, planned_end = days
    if intake > today:
        return  # referred, waiting for intake
    types = words.programmes[person.programme].types
    person.status = S.INTAKE
    person.pipeline.append((S.INTAKE, intake))
    if active > today or rng.random() < 0.04:
        if rng.random() < 0.5:  # placement agreed, starting soon
            person.placement = _placement(rng, types, today + timedelta(days=7))
            person.placement.status = PlacementStatus.PLANNED
        return
    person.status = S.ACTIVE
    person.pipeline.append((S.ACTIVE, active))
    if rng.random() < 0.06:
        return  # active, between placements
    person.placement = _placement(rng, types, active)
    person.placement.ends_on = planned_end if rng.random() < 0.8 else None
    paused = today - timedelta(days=rng.randrange(1, 60))
    if rng.random() < 0.07 and paused > active:
        person.status = S.PAUSED
        person.pipeline.append((S.PAUSED, paused))
        person.placement.ends_on = paused - timedelta(days=1)
        person.placement.status = PlacementStatus.STOPPED
        person.placement.stop_reason = words.pause_reason


def _placement(rng: random.Random, types: tuple[str, ...], starts_on: date) -> PlacementPlan:
    return PlacementPlan(
        starts_on=starts_on,
        ends_on=None,
        status=PlacementStatus.ACTIVE,
        type=types[0] if rng.random() < 0.6 else rng.choice(types),
        field=pick(rng, FIELDS),
        schedule_days=pick(rng, SCHEDULES),
        hours_per_day=rng.choice(HOURS),
    )


def _end_placement(
    rng: random.Random, placement: PlacementPlan, end: date, *, stop_reasons: tuple = ()
) -> None:
    """Ended as agreed, or stopped early (for one of ``stop_reasons``) when there are any."""
    placement.ends_on = max(placement.starts_on, end - timedelta(days=rng.randrange(0, 10)))
    if stop_reasons:
        placement.status = PlacementStatus.STOPPED
        placement.stop_reason = rng.choice(stop_reasons)
    else:
        placement.status = PlacementStatus.ENDED


def _summer_job(rng: random.Random, index: int, today: date, programme: int) -> PersonPlan:
    """Six to eight weeks in one of the last three summers (or this one, if it has begun)."""
    summers = [y for y in range(today.year - YEARS, today.year + 1) if _summer(y)[0] < today]
    year = rng.choice(summers[-YEARS:])
    starts, ends = _summer(year)
    referred = date(year, 4, 1) + timedelta(days=rng.randrange(45))
    person = PersonPlan(index, programme, referred, S.ACTIVE, [(S.REFERRED, referred)])
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
