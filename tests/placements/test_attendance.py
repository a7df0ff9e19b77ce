"""The arbeidsleder's attendance page: one tap per person, history on changes, missing days."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import ChangeEvent
from placements.models import AttendanceRecord
from tests.factories import ConsentFactory, EnrollmentFactory, ParticipantFactory, PlacementFactory

TODAY = date.today()
PAGE = reverse("placements:attendance")


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("every_day")]


def tap(client, world, status="present", day=TODAY, htmx=True, **extra):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(
        reverse("placements:attendance-record", args=[world.placement.pk]),
        {"status": status, "date": day.isoformat(), **extra},
        **headers,
    )


def test_today_lists_the_people_expected_with_one_tap_each(world, client_for):
    page = client_for(world.arbeidsleder).get(PAGE).content.decode()
    assert "Testesen" in page and "Helsehuset" in page
    assert page.count('name="status"') == 4


def test_one_tap_records_the_day_and_returns_only_the_row(world, client_for):
    response = tap(client_for(world.arbeidsleder), world)
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert 'aria-pressed="true"' in response.content.decode()
    record = AttendanceRecord.objects.get()
    assert (record.status, record.hours, record.recorded_by) == (
        "present",
        world.placement.hours_per_day,
        world.arbeidsleder,
    )


def test_a_second_tap_updates_the_day_and_the_history_keeps_the_first(world, client_for):
    client = client_for(world.arbeidsleder)
    tap(client, world, "present")
    tap(client, world, "late", hours="4,5")
    record = AttendanceRecord.objects.get()
    assert (record.status, str(record.hours)) == ("late", "4.50")
    update = ChangeEvent.objects.get(model="placements.attendancerecord", action="update")
    assert update.changes["status"] == ["present", "late"]


def test_an_absence_records_zero_hours(world, client_for):
    tap(client_for(world.arbeidsleder), world, "excused")
    assert AttendanceRecord.objects.get().hours == 0


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"hours": "-1"}, "between 0 and 24"),
        ({"hours": "25"}, "between 0 and 24"),
        ({"hours": "abc"}, "must be a number"),
        ({"hours": "NaN"}, "between 0 and 24"),
        ({"status": "asleep"}, "Choose present"),
    ],
)
def test_bad_taps_get_a_message_and_record_nothing(world, client_for, extra, message):
    data = {"status": "present", **extra}
    response = tap(client_for(world.arbeidsleder), world, **data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not AttendanceRecord.objects.exists()


def test_a_day_in_the_future_or_outside_the_placement_is_refused(world, client_for):
    client = client_for(world.arbeidsleder)
    future = tap(client, world, day=TODAY + timedelta(days=1), htmx=False)
    assert future.status_code == 302
    before = tap(client, world, day=TODAY - timedelta(days=30))
    assert "The placement starts on" in before.content.decode()
    assert not AttendanceRecord.objects.exists()


@pytest.mark.parametrize("date_param", ["not-a-date", "2026-02-31", "9999-12-31", "%00"])
def test_a_malformed_date_in_the_address_shows_today(world, client_for, date_param):
    response = client_for(world.arbeidsleder).get(PAGE, {"date": date_param})
    assert response.status_code == 200 and "Testesen" in response.content.decode()


def test_expected_days_nobody_recorded_are_flagged_as_missing(world, client_for):
    client = client_for(world.arbeidsleder)
    tap(client, world, day=TODAY - timedelta(days=1))
    page = client.get(PAGE).content.decode()
    assert "9 days missing" in page  # ten expected days before today, one recorded


@pytest.mark.parametrize(
    "who", ["other_arbeidsleder", "foreign_arbeidsleder", "other_caseworker", "foreign_caseworker"]
)
def test_nobody_else_can_record_for_the_person(world, client_for, who):
    response = tap(client_for(getattr(world, who)), world)
    assert response.status_code == 404
    assert not AttendanceRecord.objects.exists()
    page = client_for(getattr(world, who)).get(PAGE)
    # Other arbeidsledere have an attendance page of their own; caseworkers have none.
    assert page.status_code == (200 if who.endswith("arbeidsleder") else 404)
    assert "Testesen" not in page.content.decode()


def test_the_caseworker_may_correct_attendance_for_someone_they_follow(world, client_for):
    assert tap(client_for(world.caseworker), world, htmx=False).status_code == 302
    assert AttendanceRecord.objects.get().recorded_by == world.caseworker


def test_without_consent_the_arbeidsleder_neither_sees_nor_records(world, client_for):
    from participants.models import Consent

    Consent.objects.filter(participant=world.participant).update(withdrawn_on=TODAY)
    client = client_for(world.arbeidsleder)
    assert "Testesen" not in client.get(PAGE).content.decode()
    assert tap(client, world).status_code == 404


def test_the_page_costs_the_same_queries_for_thirty_people(world, client_for):
    client = client_for(world.arbeidsleder)
    client.get(PAGE)
    with CaptureQueriesContext(connection) as one:
        client.get(PAGE)
    for _ in range(29):
        person = ParticipantFactory(municipality=world.municipality)
        ConsentFactory(participant=person, recorded_by=world.caseworker)
        PlacementFactory(
            enrollment=EnrollmentFactory(participant=person, programme=world.programme),
            worksite=world.worksite,
            schedule_days="0123456",
            starts_on=TODAY - timedelta(days=10),
        )
    with CaptureQueriesContext(connection) as thirty:
        page = client.get(PAGE).content.decode()
    assert page.count('name="status" value="present"') == 30
    assert len(one) == len(thirty) <= 12


class TestWeekAndStats:
    def test_the_week_grid_shows_recorded_and_missing_days(self, world, client_for):
        client = client_for(world.arbeidsleder)
        tap(client, world, "present", day=TODAY - timedelta(days=1), htmx=False)
        yesterday = (TODAY - timedelta(days=1)).isoformat()
        page = client.get(
            reverse("placements:attendance-week"), {"date": yesterday}
        ).content.decode()
        assert "Testesen" in page and "cell-present" in page and "cell-missing" in page

    def test_the_week_grid_says_each_day_in_words_to_a_screen_reader(self, world, client_for):
        client = client_for(world.arbeidsleder)
        client.cookies["django_language"] = "nb"
        yesterday = TODAY - timedelta(days=1)
        tap(client, world, "present", day=yesterday, htmx=False)
        page = client.get(
            reverse("placements:attendance-week"), {"date": yesterday.isoformat()}
        ).content.decode()
        weekday = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
        hidden = re.findall(r'<span class="visually-hidden">([^<]+)</span>', page)
        assert f"{weekday[yesterday.weekday()]}: Til stede" in hidden
        assert any(text.endswith(": Mangler") for text in hidden)
        assert '<span class="dmark" aria-hidden="true">T</span>' in page  # T for «til stede»
        this_week = client.get(reverse("placements:attendance-week")).content.decode()
        assert "Ikke registrert ennå" in this_week  # today: expected, not recorded, not late yet

    def test_attendance_rate_and_absences_in_a_row(self, world):
        from placements.attendance import attendance_record, attendance_stats

        for offset, status in ((4, "present"), (3, "late"), (2, "unexcused"), (1, "excused")):
            attendance_record(
                actor=world.arbeidsleder,
                placement=world.placement,
                day=TODAY - timedelta(days=offset),
                status=status,
            )
        records = {r.date: r for r in AttendanceRecord.objects.all()}
        stats = attendance_stats(world.placement, records, TODAY)
        # Ten expected days before today: 2 attended, 2 absent, 6 nobody recorded.
        assert (stats.rate, stats.consecutive_absences, stats.missing) == (20, 2, 6)

    def test_the_caseworker_is_told_about_missing_days_and_absences(self, world, client_for):
        page = client_for(world.caseworker).get("/").content.decode()
        assert "days missing" in page and "Testesen" in page
        client_for(world.other_caseworker).get("/")
        assert "Testesen" not in client_for(world.other_caseworker).get("/").content.decode()

    @pytest.mark.parametrize("who", ["caseworker", "admin", "foreign_caseworker"])
    def test_the_week_grid_is_for_work_supervisors(self, world, client_for, who):
        response = client_for(getattr(world, who)).get(reverse("placements:attendance-week"))
        assert response.status_code == 404

    def test_the_week_grid_costs_the_same_queries_for_many_people(self, world, client_for):
        client = client_for(world.arbeidsleder)
        url = reverse("placements:attendance-week")
        client.get(url)
        with CaptureQueriesContext(connection) as one:
            client.get(url)
        for _ in range(15):
            person = ParticipantFactory(municipality=world.municipality)
            ConsentFactory(participant=person, recorded_by=world.caseworker)
            PlacementFactory(
                enrollment=EnrollmentFactory(participant=person, programme=world.programme),
                worksite=world.worksite,
                schedule_days="0123456",
                starts_on=TODAY - timedelta(days=10),
            )
        with CaptureQueriesContext(connection) as many:
            client.get(url)
        assert len(one) == len(many) <= 12


def test_hours_typed_in_the_row_are_recorded_with_the_tap(world, client_for):
    client = client_for(world.arbeidsleder)
    page = client.get(PAGE).content.decode()
    assert 'name="hours"' in page
    tap(client, world, "present", hours="3.5")
    assert str(AttendanceRecord.objects.get().hours) == "3.50"
