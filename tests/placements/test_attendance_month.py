"""The monthly attendance sums that funder reports and the dashboard read: kept by the database
on every way of writing a day, and adding up to the same figures as the days themselves, for
any period, on SQLite and on PostgreSQL alike (CI runs this file on both)."""

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count

from placements.attendance import attendance_by_month, attendance_record, month_end
from placements.models import AttendanceMonth, AttendanceRecord, AttendanceStatus, Placement
from tests.factories import EnrollmentFactory, PlacementFactory

pytestmark = pytest.mark.django_db

STATUSES = list(AttendanceStatus.values)
START = date(2024, 11, 1)


def _placements(world, n: int) -> list[Placement]:
    """``n`` placements of different people, each since ``START``, with its own hours per day."""
    found = []
    for i in range(n):
        enrollment = EnrollmentFactory(programme=world.programme)
        found.append(
            PlacementFactory(
                enrollment=enrollment,
                worksite=world.worksite,
                starts_on=START,
                ends_on=None,
                hours_per_day=Decimal("4.00") + i,
            )
        )
    return found


def _days(world, placements: list[Placement], count: int, seed: int) -> list[AttendanceRecord]:
    """``count`` random days over about six months, some with hours written down, some not."""
    rng = random.Random(seed)
    chosen = set()
    while len(chosen) < count:
        chosen.add((rng.choice(placements), START + timedelta(days=rng.randrange(180))))
    return AttendanceRecord.objects.bulk_create(
        AttendanceRecord(
            placement=placement,
            date=day,
            status=rng.choice(STATUSES),
            hours=rng.choice([None, Decimal("2.50"), Decimal("7.25")]),
            recorded_by=world.arbeidsleder,
        )
        for placement, day in sorted(chosen, key=lambda pair: (pair[0].pk, pair[1]))
    )


def _kept() -> dict:
    """The monthly sums as kept, rows of all zeros left out."""
    return {
        (row.placement_id, row.month): (row.days, row.attended, row.hours, row.attended_unhoured)
        for row in AttendanceMonth.objects.all()
        if (row.days, row.attended, row.hours, row.attended_unhoured) != (0, 0, 0, 0)
    }


def _recounted() -> dict:
    """The same sums counted again from the days, in Python."""
    sums: dict = {}
    for record in AttendanceRecord.objects.all():
        key = (record.placement_id, record.date.replace(day=1))
        days, attended, hours, unhoured = sums.get(key, (0, 0, Decimal(0), 0))
        came = record.status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE)
        sums[key] = (
            days + 1,
            attended + came,
            hours + (record.hours or 0 if came else 0),
            unhoured + (came and record.hours is None),
        )
    return sums


def _by_day(ids: list[int], start: date, end: date) -> dict:
    """Per month: days, attended, people and hours, counted in Python from every day."""
    months: dict = {}
    for record in AttendanceRecord.objects.filter(
        placement__enrollment_id__in=ids, date__range=(start, end)
    ).select_related("placement__enrollment"):
        month = record.date.replace(day=1)
        days, attended, people, hours = months.get(month, (0, 0, set(), Decimal(0)))
        came = record.status in (AttendanceStatus.PRESENT, AttendanceStatus.LATE)
        worked = record.hours if record.hours is not None else record.placement.hours_per_day
        people.add(record.placement.enrollment.participant_id)
        months[month] = (days + 1, attended + came, people, hours + (worked if came else 0))
    return {m: (d, a, len(p), h) for m, (d, a, p, h) in months.items()}


def _read(ids: list[int], start: date, end: date) -> dict:
    found = {}
    for row in attendance_by_month(enrollment_ids=ids, start=start, end=end):
        month = row["month"] if type(row["month"]) is date else row["month"].date()
        hours = Decimal(str(row["hours"] or 0)).quantize(Decimal("0.01"))
        found[month] = (row["days"], row["attended"], row["persons"], hours)
    return found


def test_a_bulk_insert_is_added_up_per_placement_and_month(world):
    _days(world, _placements(world, 4), 300, seed=1)
    assert _kept() == _recounted()
    assert len(_kept()) > 4


def test_every_way_of_changing_a_day_keeps_the_sums(world):
    placements = _placements(world, 3)
    records = _days(world, placements, 120, seed=2)
    # One at a time through the service the attendance page uses, a new day and a changed one.
    day = START + timedelta(days=200)
    attendance_record(
        actor=world.arbeidsleder, placement=placements[0], day=day, status="present", hours="3"
    )
    attendance_record(actor=world.arbeidsleder, placement=placements[0], day=day, status="late")
    attendance_record(
        actor=world.arbeidsleder, placement=placements[1], day=records[5].date, status="excused"
    )
    # A queryset update of status and of hours, a move to another placement, and deletions.
    AttendanceRecord.objects.filter(status="unexcused").update(status="present")
    AttendanceRecord.objects.filter(hours__isnull=True).exclude(pk=records[0].pk).update(
        hours=Decimal("1.75")
    )
    moved = AttendanceRecord.objects.filter(placement=placements[2]).order_by("date").first()
    if not AttendanceRecord.objects.filter(placement=placements[1], date=moved.date).exists():
        moved.placement = placements[1]
        moved.save()
    records[10].delete()
    AttendanceRecord.objects.filter(date__month=1).delete()
    assert _kept() == _recounted()


def test_a_change_that_touches_no_summed_column_leaves_the_sums_alone(world):
    placements = _placements(world, 1)
    _days(world, placements, 20, seed=3)
    before = _kept()
    AttendanceRecord.objects.update(recorded_by=world.caseworker)
    assert _kept() == before


def test_deleting_a_placement_takes_its_sums_to_zero(world):
    placements = _placements(world, 2)
    _days(world, placements, 60, seed=4)
    placements[0].delete()
    assert _kept() == _recounted()
    assert not [key for key in _kept() if key[0] == placements[0].pk]


@pytest.mark.parametrize(
    "start,end",
    [
        (date(2024, 11, 1), date(2025, 4, 30)),  # whole months only
        (date(2024, 11, 15), date(2025, 3, 10)),  # cut at both ends
        (date(2025, 1, 1), date(2025, 2, 14)),  # cut at the end
        (date(2024, 12, 20), date(2025, 2, 28)),  # cut at the start
        (date(2025, 1, 5), date(2025, 1, 25)),  # inside one month
        (date(2025, 2, 1), date(2025, 2, 28)),  # exactly one month
        (date(2024, 12, 31), date(2025, 1, 1)),  # two cut months, no whole one
    ],
)
def test_the_figures_per_month_are_those_of_the_days_for_any_period(world, start, end):
    placements = _placements(world, 5)
    _days(world, placements, 400, seed=5)
    ids = [p.enrollment_id for p in placements[:4]]
    assert _read(ids, start, end) == _by_day(ids, start, end)
    assert _read(ids, start, end)


def test_a_day_without_hours_counts_the_placements_hours_per_day_as_they_are_now(world):
    (placement,) = _placements(world, 1)
    attendance_record(
        actor=world.arbeidsleder, placement=placement, day=date(2025, 1, 6), status="present"
    )
    AttendanceRecord.objects.update(hours=None)
    period = (date(2025, 1, 1), date(2025, 1, 31))
    placement.hours_per_day = Decimal("3.50")
    placement.save()
    read = _read([placement.enrollment_id], *period)
    assert read == {date(2025, 1, 1): (1, 1, 1, Decimal("3.50"))}
    assert read == _by_day([placement.enrollment_id], *period)


def test_people_are_counted_once_per_month_across_their_placements(world):
    first, second = _placements(world, 2)
    second.enrollment = first.enrollment
    second.save()
    for placement in (first, second):
        attendance_record(
            actor=world.arbeidsleder, placement=placement, day=date(2025, 1, 6), status="present"
        )
    read = _read([first.enrollment_id], date(2025, 1, 1), date(2025, 1, 31))
    assert read[date(2025, 1, 1)][:3] == (2, 2, 1)


def test_other_peoples_days_are_not_in_the_figures(world):
    mine, theirs = _placements(world, 2)
    _days(world, [mine, theirs], 80, seed=6)
    read = _read([mine.enrollment_id], date(2024, 11, 1), date(2025, 4, 30))
    days = AttendanceRecord.objects.filter(placement=mine).aggregate(n=Count("pk"))
    assert sum(row[0] for row in read.values()) == days["n"]


def test_emptying_the_sums_before_the_days_leaves_no_negative_month(world):
    # Django's flush on SQLite empties table by table, in any order.
    _days(world, _placements(world, 2), 40, seed=7)
    AttendanceMonth.objects.all().delete()
    AttendanceRecord.objects.all().delete()
    assert not AttendanceMonth.objects.exists()


def test_truncating_the_days_empties_the_sums(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    _days(world, _placements(world, 2), 40, seed=8)
    with connection.cursor() as cursor:
        # The days' deferred foreign-key checks run first: TRUNCATE refuses to run before them.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {AttendanceRecord._meta.db_table}")
    assert not AttendanceMonth.objects.exists()


def test_the_triggers_that_keep_the_sums_are_installed():
    # A later migration that rebuilds the days' table on SQLite would drop them silently.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [AttendanceRecord._meta.db_table],
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [AttendanceRecord._meta.db_table],
            )
        found = {name for (name,) in cursor.fetchall()}
    events = ["insert", "delete", "update"]
    if connection.vendor == "postgresql":
        events.append("truncate")
    assert found >= {f"placements_attendance_month_{event}" for event in events}


def test_a_period_that_ends_before_it_starts_counts_nothing(world):
    placements = _placements(world, 1)
    _days(world, placements, 30, seed=9)
    assert _read([placements[0].enrollment_id], date(2025, 3, 31), date(2025, 1, 1)) == {}


@pytest.mark.parametrize(
    "day,last",
    [
        (date(2024, 2, 10), date(2024, 2, 29)),
        (date(2025, 2, 1), date(2025, 2, 28)),
        (date(2025, 12, 31), date(2025, 12, 31)),
        (date(2025, 4, 15), date(2025, 4, 30)),
    ],
)
def test_month_end_is_the_last_day_of_the_month(day, last):
    assert month_end(day) == last
