"""Every figure of every report is the same number however ``figures`` counts it: its output,
to the last cell, type and key order, equals that of the implementation it replaced (frozen in
tests/support/figures_reference.py), for worlds built to meet the edge of every rule, on
SQLite and on PostgreSQL (CI runs this file on both)."""

import json
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from participants.models import FollowUp
from participants.vocabularies import (
    Destination,
    EducationLevel,
    FollowUpStatus,
    Gender,
    NeetStatus,
)
from placements.models import (
    AttendanceRecord,
    AttendanceStatus,
    ExamResult,
    ModuleProgress,
    PlacementType,
    QualificationPath,
    Route,
)
from programs.models import Module, QualificationTrack
from reporting.figures import enrollments_for, figures
from reporting.profiles import Audience
from tests import factories as f
from tests.support.figures_reference import figures_before

pytestmark = pytest.mark.django_db

# The periods asked about: a calendar year, one cut at both ends inside months, one day (a
# leap day), one whole month, one across a new year, more than five years (the charts keep
# the last sixty months), and one after everything.
PERIODS = [
    (date(2024, 1, 1), date(2024, 12, 31)),
    (date(2024, 3, 15), date(2024, 9, 10)),
    (date(2024, 2, 29), date(2024, 2, 29)),
    (date(2024, 6, 1), date(2024, 6, 30)),
    (date(2023, 12, 15), date(2024, 1, 20)),
    (date(2018, 7, 1), date(2024, 12, 31)),
    (date(2031, 1, 1), date(2031, 3, 31)),
]
# How the cells are shown: exact (the dashboard), to the named recipient, for publication,
# with the default threshold and others.
CELLS = [
    {"suppress": False},
    {"suppress": True, "audience": Audience.RECIPIENT, "threshold": 5},
    {"suppress": True, "audience": Audience.PUBLICATION, "threshold": 5},
    {"suppress": True, "audience": Audience.PUBLICATION, "threshold": 3},
    {"suppress": True, "audience": Audience.PUBLICATION, "threshold": 1},
]


def _days_around(period: tuple[date, date]) -> list[date]:
    start, end = period
    return [start, end, *(d + timedelta(days=k) for d in (start, end) for k in (-1, 1, -40, 40))]


def _date_pool() -> list[date]:
    """Days on and next to every period's ends and month ends, so that ties and boundaries are
    common."""
    pool = {d for period in PERIODS for d in _days_around(period)}
    pool |= {date(2024, m, 1) for m in range(1, 13)} | {date(2023, 6, 30), date(2022, 1, 3)}
    return sorted(pool)


def _birth_dates(rng: random.Random) -> list[date | None]:
    """Birthdays on, before and after the day a period ends, at the edges of the age bands."""
    ends = [end for _, end in PERIODS]
    found: list[date | None] = [None]
    for age in (15, 17, 18, 20, 21, 24, 25, 29, 30, 45):
        end = rng.choice(ends)
        born = end.replace(year=end.year - age) if (end.month, end.day) != (2, 29) else None
        if born is not None:
            found += [born, born + timedelta(days=1), born - timedelta(days=1)]
    # Leap days, for a period that ends on one and for a person born on one.
    found += [date(2004, 2, 29), date(2006, 2, 28), date(2006, 3, 1), date(2003, 2, 28)]
    found += [date(2003, 3, 1), date(2020, 2, 29), date(2031, 3, 1)]
    return found


class Builder:
    def __init__(self, world, seed: int):
        self.world, self.rng = world, random.Random(seed)
        self.days = _date_pool()
        self.born = _birth_dates(self.rng)
        home = world.municipality
        self.programmes = [
            world.programme,
            world.other_programme,
            f.ProgrammeFactory(municipality=home, name="Tredje"),
        ]
        self.cohorts = [
            f.CohortFactory(programme=world.programme, name="Høst"),
            f.CohortFactory(programme=world.programme, name="Vår"),
            f.CohortFactory(programme=world.other_programme, name="Tom"),
        ]
        self.track = QualificationTrack.objects.create(name=f"Helsearbeiderfaget {seed}")
        self.modules = [
            Module.objects.create(track=self.track, number=n, name=f"M{n}") for n in range(1, 5)
        ]

    def day(self) -> date:
        return self.rng.choice(self.days)

    def maybe(self, value, p: float = 0.5):
        return value if self.rng.random() < p else None

    def person(self):
        rng = self.rng
        return f.ParticipantFactory(
            municipality=self.world.municipality,
            gender=rng.choice(["", *Gender.values]),
            education_level=rng.choice(["", *EducationLevel.values]),
            neet_status=rng.choice(["", *NeetStatus.values]),
            birth_date=rng.choice(self.born),
        )

    def enrollment(self, person, before=None):
        """One of the person's enrollments; ``before``: an earlier one, whose start this one
        shares now and then (the earliest is then the one with the lower number)."""
        rng = self.rng
        programme = rng.choice(self.programmes[:2] * 3 + self.programmes[2:])
        cohorts = [c for c in self.cohorts if c.programme_id == programme.pk]
        starts = self.maybe(self.day(), 0.93)
        if before is not None and rng.random() < 0.3:
            starts = before.starts_on
        ends = self.maybe(self.day(), 0.6)
        if starts is not None and ends is not None and ends < starts:
            starts, ends = ends, starts
        return f.EnrollmentFactory(
            participant=person,
            programme=programme,
            cohort=rng.choice([None, *cohorts]),
            starts_on=starts,
            ends_on=ends,
            destination=rng.choice(["", *Destination.values]) if ends or rng.random() < 0.1 else "",
            status="completed" if ends else "active",
        )

    def placement(self, enrollment):
        starts = self.day()
        ends = self.maybe(self.day(), 0.6)
        if ends is not None and ends < starts:
            starts, ends = ends, starts
        placement = f.PlacementFactory(
            enrollment=enrollment,
            worksite=self.world.worksite,
            type=self.rng.choice(PlacementType.values),
            starts_on=starts,
            ends_on=ends,
            hours_per_day=Decimal(self.rng.choice(["3.50", "6.00", "7.50"])),
        )
        self.attendance(placement)

    def attendance(self, placement):
        """Days in and out of the placement's and the enrollment's span, some with hours."""
        rng = self.rng
        days = {self.day() for _ in range(rng.randrange(0, 6))}
        days |= {date(2024, 1, 1) + timedelta(days=rng.randrange(400)) for _ in range(12)}
        AttendanceRecord.objects.bulk_create(
            AttendanceRecord(
                placement=placement,
                date=day,
                status=rng.choice(AttendanceStatus.values),
                hours=rng.choice([None, Decimal("2.50"), Decimal("0.00"), Decimal("7.25")]),
                recorded_by=self.world.arbeidsleder,
            )
            for day in sorted(days)
        )

    def route(self, enrollment):
        path = QualificationPath.objects.create(
            enrollment=enrollment,
            track=self.track,
            route=self.rng.choice(Route.values),
            contract_starts_on=self.maybe(self.day()),
        )
        for module in self.rng.sample(self.modules, self.rng.randrange(0, 4)):
            ModuleProgress.objects.create(
                path=path,
                module=module,
                result=self.rng.choice(["", *ExamResult.values]),
                signed_off_on=self.maybe(self.day(), 0.8),
            )

    def follow_ups(self, enrollment):
        for months in (6, 12):
            if self.rng.random() < 0.4:
                FollowUp.objects.create(
                    enrollment=enrollment,
                    months=months,
                    due_on=self.day(),
                    status=self.rng.choice(["", *FollowUpStatus.values]),
                    recorded_on=self.maybe(self.day(), 0.8),
                )

    def build(self, people: int) -> None:
        for _ in range(people):
            person = self.person()
            enrollment = None
            for _ in range(self.rng.choice([1, 1, 1, 2, 2, 3])):
                enrollment = self.enrollment(person, before=enrollment)
                for _ in range(self.rng.choice([0, 1, 1, 2])):
                    self.placement(enrollment)
                if self.rng.random() < 0.35:
                    self.route(enrollment)
                self.follow_ups(enrollment)


def _same(world, builder, *, programmes, cohort=None, period, drawn=None, **cells):
    enrollments = enrollments_for(programmes=programmes, cohort=cohort)
    start, end = period
    asked = {"start": start, "end": end, "drawn": drawn, **cells}
    before = figures_before(enrollments=enrollments, **asked)
    after = figures(programmes=programmes, cohort=cohort, **asked)
    assert json.dumps(after) == json.dumps(before), (programmes, cohort, asked)
    return before


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_figure_is_the_number_it_was(world, seed):
    builder = Builder(world, seed)
    builder.build(people=70)
    first, second, third = builder.programmes
    populations = [
        {"programmes": [first]},
        {"programmes": [first, second, third]},
        {"programmes": [first], "cohort": builder.cohorts[0]},
        {"programmes": [second], "cohort": builder.cohorts[2]},
    ]
    said = 0
    for population in populations:
        for period in PERIODS:
            for cells in CELLS:
                result = _same(world, builder, period=period, **population, **cells)
                said += not result["empty"]
            start, end = period
            drawn = (start + timedelta(days=20), end) if end - start > timedelta(days=20) else None
            _same(world, builder, period=period, drawn=drawn, suppress=False, **population)
    # The worlds say something: most questions have people in them.
    assert said > len(populations) * len(CELLS) * 3
