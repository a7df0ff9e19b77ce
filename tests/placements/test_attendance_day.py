"""Attendance per programme, cohort and day, which the dashboard and the funder reports read:
kept by the database through every way of changing a day, an enrollment or a placement, and
always equal to the days counted again one by one, on SQLite and on PostgreSQL alike (CI runs
this file on both)."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction

from participants.models import Enrollment
from placements.attendance import attendance_record
from placements.models import AttendanceDay, AttendanceRecord, AttendanceStatus, Placement
from tests import factories as f

pytestmark = pytest.mark.django_db

START = date(2024, 11, 1)
ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


@pytest.fixture
def people(world):
    """Six placements of five enrollments in two programmes, some in a cohort: one enrollment
    without a start, one that ended, one whose person has two placements."""
    cohort = f.CohortFactory(programme=world.programme, name="Vår")
    spans = [
        (world.programme, cohort, START, None),
        (world.programme, None, START + timedelta(days=40), START + timedelta(days=120)),
        (world.other_programme, None, START - timedelta(days=30), None),
        (world.programme, cohort, None, None),
        (world.other_programme, None, START + timedelta(days=10), START + timedelta(days=60)),
    ]
    placements = []
    for i, (programme, group, starts, ends) in enumerate(spans):
        enrollment = f.EnrollmentFactory(
            programme=programme, cohort=group, starts_on=starts, ends_on=ends
        )
        for _ in range(2 if i == 0 else 1):
            placements.append(
                f.PlacementFactory(
                    enrollment=enrollment,
                    worksite=world.worksite,
                    starts_on=START,
                    ends_on=None,
                    hours_per_day=Decimal("4.00") + i,
                )
            )
    return placements


def _days(world, placements: list[Placement], count: int, seed: int) -> None:
    """``count`` random days over about six months, some outside their enrollment's dates,
    some with hours written down, some not."""
    rng = random.Random(seed)
    chosen: set[tuple[Placement, date]] = set()
    while len(chosen) < count:
        chosen.add((rng.choice(placements), START + timedelta(days=rng.randrange(180))))
    AttendanceRecord.objects.bulk_create(
        AttendanceRecord(
            placement=placement,
            date=day,
            status=rng.choice(list(AttendanceStatus.values)),
            hours=rng.choice([None, Decimal("2.50"), Decimal("7.33")]),
            recorded_by=world.arbeidsleder,
        )
        for placement, day in sorted(chosen, key=lambda pair: (pair[0].pk, pair[1]))
    )


def _kept() -> dict:
    """The sums as kept, rows of all zeros left out."""
    return {
        (row.programme_id, row.date, row.cohort, row.outside): (row.days, row.attended, row.hours)
        for row in AttendanceDay.objects.all()
        if (row.days, row.attended, row.hours) != (0, 0, 0)
    }


def _recounted() -> dict:
    """The same sums counted again from the days, under each day's enrollment and placement
    as they are now."""
    sums: dict = {}
    for record in AttendanceRecord.objects.select_related("placement__enrollment"):
        placement, enrollment = record.placement, record.placement.enrollment
        within = (
            enrollment.starts_on is not None
            and enrollment.starts_on <= record.date
            and (enrollment.ends_on is None or record.date <= enrollment.ends_on)
        )
        key = (
            enrollment.programme_id,
            record.date,
            enrollment.cohort_id or 0,
            0 if within else enrollment.pk,
        )
        days, attended, hours = sums.get(key, (0, 0, Decimal(0)))
        came = record.status in ATTENDED
        worked = record.hours if record.hours is not None else placement.hours_per_day
        sums[key] = (days + 1, attended + came, hours + (worked if came else 0))
    return sums


def test_the_days_are_added_up_per_programme_cohort_and_day(world, people):
    _days(world, people, 300, seed=1)
    kept = _kept()
    assert kept == _recounted()
    assert any(key[3] for key in kept)  # some days lie outside their enrollment's dates
    assert any(key[2] for key in kept) and any(not key[2] for key in kept)


def test_every_way_of_changing_a_day_keeps_the_sums(world, people):
    _days(world, people, 150, seed=2)
    day = START + timedelta(days=200)
    attendance_record(
        actor=world.arbeidsleder, placement=people[0], day=day, status="present", hours="3"
    )
    attendance_record(actor=world.arbeidsleder, placement=people[0], day=day, status="late")
    AttendanceRecord.objects.filter(status="unexcused").update(status="present")
    AttendanceRecord.objects.filter(hours__isnull=True).update(hours=Decimal("1.75"))
    moved = AttendanceRecord.objects.filter(placement=people[2]).order_by("date").first()
    if not AttendanceRecord.objects.filter(placement=people[1], date=moved.date).exists():
        moved.placement = people[1]
        moved.save()
    AttendanceRecord.objects.filter(date__month=1).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO placements_attendancerecord "
            "(placement_id, date, status, hours, recorded_by_id, recorded_at) "
            "VALUES (%s, %s, 'present', NULL, %s, %s)",
            [people[3].pk, START + timedelta(days=300), world.arbeidsleder.pk, START],
        )
    assert _kept() == _recounted()


@pytest.mark.parametrize(
    "change",
    [
        {"starts_on": START + timedelta(days=90)},
        {"starts_on": START - timedelta(days=90)},
        {"starts_on": None},
        {"ends_on": START + timedelta(days=30)},
        {"ends_on": None},
        {"cohort": None},
        {"programme": "other"},
    ],
)
def test_a_changed_enrollment_moves_its_days(world, people, change):
    _days(world, people, 200, seed=3)
    values = {k: (world.other_programme if v == "other" else v) for k, v in change.items()}
    for enrollment in {p.enrollment for p in people}:
        for name, value in values.items():
            setattr(enrollment, name, value)
        starts, ends = enrollment.starts_on, enrollment.ends_on
        if not (starts and ends and ends < starts):  # an enrollment cannot end before it starts
            enrollment.save()
    assert _kept() == _recounted()


def test_a_queryset_update_of_enrollments_moves_their_days(world, people):
    _days(world, people, 200, seed=4)
    Enrollment.objects.update(starts_on=START + timedelta(days=45), ends_on=None)
    assert _kept() == _recounted()
    Enrollment.objects.filter(cohort__isnull=False).update(cohort=None)
    assert _kept() == _recounted()


def test_a_changed_placement_moves_its_days(world, people):
    _days(world, people, 200, seed=5)
    people[0].hours_per_day = Decimal("2.25")
    people[0].save()
    assert _kept() == _recounted()
    people[1].enrollment = people[4].enrollment
    people[1].save()
    assert _kept() == _recounted()
    Placement.objects.filter(pk__in=[p.pk for p in people[2:4]]).update(hours_per_day=Decimal("6"))
    assert _kept() == _recounted()


def test_a_change_that_moves_nothing_leaves_the_sums_alone(world, people):
    _days(world, people, 100, seed=6)
    before = _kept()
    Enrollment.objects.update(status="paused")
    Placement.objects.update(status="ended")
    AttendanceRecord.objects.update(recorded_by=world.caseworker)
    assert _kept() == before


def test_deleting_people_placements_and_enrollments_takes_their_days_away(world, people):
    _days(world, people, 200, seed=7)
    people[0].delete()
    assert _kept() == _recounted()
    people[2].enrollment.delete()
    assert _kept() == _recounted()
    people[4].enrollment.participant.delete()
    assert _kept() == _recounted()


def test_a_placement_deleted_before_its_days_takes_them_away_once(world, people):
    _days(world, people, 100, seed=8)
    placement = people[1]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM placements_placement WHERE id = %s", [placement.pk])
        cursor.execute(
            "DELETE FROM placements_attendancerecord WHERE placement_id = %s",
            [placement.pk],
        )
    assert _kept() == _recounted()


def test_emptying_the_sums_before_the_days_leaves_no_negative_sum(world, people):
    # Django's flush on SQLite empties table by table, in any order.
    _days(world, people, 60, seed=9)
    AttendanceDay.objects.all().delete()
    AttendanceRecord.objects.all().delete()
    Enrollment.objects.all().delete()
    assert not AttendanceDay.objects.exists()


def test_truncating_the_days_empties_the_sums(world, people):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    _days(world, people, 60, seed=10)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {AttendanceRecord._meta.db_table}")
    assert not AttendanceDay.objects.exists()


def _triggers(table: str) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [table],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
            )
        return {name for (name,) in cursor.fetchall()}


def test_the_triggers_that_keep_the_sums_are_installed():
    # A later migration that rebuilds one of these tables on SQLite would drop them silently.
    days = ["day_insert", "day_delete", "day_update"]
    if connection.vendor == "postgresql":
        days.append("truncate")
    expected = {
        AttendanceRecord._meta.db_table: days,
        Enrollment._meta.db_table: ["enrollment_delete", "enrollment_update"],
        Placement._meta.db_table: ["placement_delete", "placement_update"],
    }
    for table, names in expected.items():
        assert _triggers(table) >= {f"placements_attendance_day_{name}" for name in names}
