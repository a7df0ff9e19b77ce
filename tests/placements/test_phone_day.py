"""The arbeidsleder's day on a phone: everyone present in one confirmed step, then the
exceptions; hours within the schedule; the week with every missing day named; nothing final
by accident; access that ends with the person's exit."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import ChangeEvent
from placements import attendance as attendance_module
from placements.attendance import attendance_record, attendance_record_all_present
from placements.models import AttendanceRecord, ModuleProgress
from placements.qualification import module_sign_off, path_create
from programs.models import Module, QualificationTrack
from tests.factories import ConsentFactory, EnrollmentFactory, ParticipantFactory, PlacementFactory

TODAY = date.today()
PAGE = reverse("placements:attendance")
WEEK = reverse("placements:attendance-week")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("every_day")]


def place(world, n: int) -> list:
    """n more people at the world's worksite, every day, for the last ten days."""
    placements = []
    for i in range(n):
        person = ParticipantFactory(municipality=world.municipality, last_name=f"Person{i}")
        ConsentFactory(participant=person, recorded_by=world.caseworker)
        placements.append(
            PlacementFactory(
                enrollment=EnrollmentFactory(
                    participant=person, programme=world.programme, caseworker=world.caseworker
                ),
                worksite=world.worksite,
                schedule_days="0123456",
                starts_on=TODAY - timedelta(days=10),
            )
        )
    return placements


def all_present(client, world, day=TODAY):
    return client.post(
        reverse("placements:attendance-all-present", args=[world.worksite.pk]),
        {"date": day.isoformat()},
        follow=True,
    )


def tap(client, world, status, day=TODAY, **extra):
    return client.post(
        reverse("placements:attendance-record", args=[world.placement.pk]),
        {"status": status, "date": day.isoformat(), **extra},
        HTTP_HX_REQUEST="true",
    )


class TestEveryonePresent:
    def test_a_normal_day_for_ten_people_is_two_taps(self, world, client_for):
        place(world, 9)
        client = client_for(world.arbeidsleder)
        page = client.get(PAGE).content.decode()
        # The button names the count, and its confirmation says what will happen.
        assert "Everyone present (10)" in page
        assert "Record 10 people as present with their scheduled hours?" in page
        response = all_present(client, world)
        assert "10 people recorded as present." in response.content.decode()
        records = AttendanceRecord.objects.filter(date=TODAY)
        assert records.count() == 10
        assert {(r.status, r.hours) for r in records} == {("present", Decimal("6.00"))}
        assert (
            ChangeEvent.objects.filter(model="placements.attendancerecord", action="create").count()
            == 10
        )
        assert "Everyone present (" not in client.get(PAGE).content.decode()

    def test_days_already_recorded_stay_as_they_are_and_a_second_run_records_nothing(
        self, world, client_for
    ):
        place(world, 2)
        client = client_for(world.arbeidsleder)
        tap(client, world, "late", hours="4")
        assert "Everyone present (2)" in client.get(PAGE).content.decode()
        assert "2 people recorded as present." in all_present(client, world).content.decode()
        mine = AttendanceRecord.objects.get(placement=world.placement, date=TODAY)
        assert (mine.status, mine.hours) == ("late", Decimal("4.00"))
        again = all_present(client, world).content.decode()
        assert "Everyone was already recorded; nothing was changed." in again
        assert AttendanceRecord.objects.filter(date=TODAY).count() == 3

    def test_a_single_tap_racing_everyone_present_is_kept(self, world, monkeypatch):
        """The second phone's tap lands after everyone-present read the list and before it
        wrote: the unique constraint stops the duplicate, the tap stands, nothing fails."""
        others = place(world, 2)
        real = attendance_module._unrecorded

        def read_then_the_other_phone_taps(actor, worksite, day):
            found = real(actor, worksite, day)
            attendance_record(
                actor=world.caseworker, placement=world.placement, day=day, status="unexcused"
            )
            return found

        monkeypatch.setattr(attendance_module, "_unrecorded", read_then_the_other_phone_taps)
        n = attendance_record_all_present(
            actor=world.arbeidsleder, worksite=world.worksite, day=TODAY
        )
        assert n == 2
        tapped = AttendanceRecord.objects.get(placement=world.placement, date=TODAY)
        assert (tapped.status, tapped.recorded_by) == ("unexcused", world.caseworker)
        assert AttendanceRecord.objects.filter(placement__in=others, status="present").count() == 2

    @pytest.mark.parametrize("who", ["other_arbeidsleder", "foreign_arbeidsleder", "caseworker"])
    def test_only_the_worksites_arbeidsleder_may(self, world, client_for, who):
        response = client_for(getattr(world, who)).post(
            reverse("placements:attendance-all-present", args=[world.worksite.pk]),
            {"date": TODAY.isoformat()},
        )
        assert response.status_code == 404
        assert not AttendanceRecord.objects.exists()

    def test_a_day_in_the_future_is_refused_with_a_message(self, world, client_for):
        response = all_present(client_for(world.arbeidsleder), world, TODAY + timedelta(days=1))
        assert "cannot be recorded for a day in the future" in response.content.decode()
        assert not AttendanceRecord.objects.exists()


class TestExceptions:
    def test_a_late_arrival_with_fewer_hours_is_two_actions(self, world, client_for):
        client = client_for(world.arbeidsleder)
        # Type the hours, tap «Late»: one request.
        row = tap(client, world, "late", hours="4,5").content.decode()
        record = AttendanceRecord.objects.get()
        assert (record.status, record.hours) == ("late", Decimal("4.50"))
        assert 'value="4.50"' in row and "autofocus" in row  # the hours, ready to change
        # Or tap «Late» first: the scheduled hours are filled in, to change right there.
        record.delete()
        row = tap(client, world, "late").content.decode()
        assert re.search(r'name="hours"[^>]*value="6"', row)
        assert "Save hours" in row

    def test_changing_a_late_day_to_an_absence_keeps_no_hours(self, world, client_for):
        client = client_for(world.arbeidsleder)
        tap(client, world, "late", hours="6")
        tap(client, world, "excused", hours="6")  # the field still shows 6
        assert AttendanceRecord.objects.get().hours == 0
        update = ChangeEvent.objects.get(model="placements.attendancerecord", action="update")
        assert update.changes["hours"] == ["6.00", "0.00"]

    @pytest.mark.parametrize(
        ("hours", "message"),
        [
            ("7", "The schedule has 6 hours for this day; write down at most that."),
            ("-1", "Hours must be between 0 and 24."),
        ],
    )
    def test_hours_above_the_schedule_or_negative_are_refused(
        self, world, client_for, hours, message
    ):
        client = client_for(world.arbeidsleder)
        tap(client, world, "present")
        row = tap(client, world, "late", hours=hours).content.decode()
        assert message in row and 'role="alert"' in row
        record = AttendanceRecord.objects.get()
        assert (record.status, record.hours) == ("present", Decimal("6.00"))  # nothing lost

    def test_missing_days_are_named_in_text_each_a_link_to_record_it(self, world, client_for):
        client = client_for(world.arbeidsleder)
        for offset in range(2, 11):
            attendance_record(
                actor=world.arbeidsleder,
                placement=world.placement,
                day=TODAY - timedelta(days=offset),
                status="present",
            )
        page = client.get(PAGE).content.decode()
        yesterday = TODAY - timedelta(days=1)
        assert "1 day missing" in page
        assert f'?date={yesterday.isoformat()}#attendance-{world.placement.pk}"' in page
        assert 'title="' not in page.split('id="attendance-')[1]  # nothing in a tooltip alone


class TestWeek:
    def test_the_whole_week_today_marked_the_rate_and_the_missing_days(self, world, client_for):
        attendance_record(
            actor=world.arbeidsleder,
            placement=world.placement,
            day=TODAY - timedelta(days=1),
            status="present",
        )
        page = client_for(world.arbeidsleder).get(WEEK).content.decode()
        card = page.split('class="card week-person"')[1]
        assert card.count('<li class="day') == 7  # Monday to Sunday
        assert card.count('aria-current="date"') == 1 and ">today<" in card
        assert "Attendance 10 %" in card  # 1 of 10 expected days
        missing = re.findall(r'class="chip" href="[^"]*\?date=([\d-]+)#attendance-', card)
        assert len(missing) == 9 and (TODAY - timedelta(days=1)).isoformat() not in missing
        assert "<table" not in page  # cards, not a wide table in a scrolling box

    def test_the_home_page_and_the_worksite_count_the_same_missing_days(self, world, client_for):
        """The caseworker's home page counted only the last week (1) where the worksite counted
        four weeks (2): both now call placements.attendance.missing_days."""
        for offset in (1, 3, 4, 5, 6, 7, 9, 10):
            attendance_record(
                actor=world.arbeidsleder,
                placement=world.placement,
                day=TODAY - timedelta(days=offset),
                status="present",
            )
        home = client_for(world.caseworker).get("/").content.decode()
        day = client_for(world.arbeidsleder).get(PAGE).content.decode()
        week = client_for(world.arbeidsleder).get(WEEK).content.decode()
        assert "2 days missing" in home and "2 days missing" in day
        assert len(re.findall(r'class="chip"', week)) == 2
        from placements.selectors import missing_attendance

        assert missing_attendance(user=world.arbeidsleder) == (2, 1)

    def test_the_week_page_keeps_a_fixed_number_of_queries(self, world, client_for):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client = client_for(world.arbeidsleder)
        client.get(WEEK)
        with CaptureQueriesContext(connection) as one:
            client.get(WEEK)
        place(world, 29)
        with CaptureQueriesContext(connection) as thirty:
            assert client.get(WEEK).content.decode().count('class="card week-person"') == 30
        assert len(one) == len(thirty) <= 12


class TestExit:
    def exit(self, world, on, status="completed"):
        world.enrollment.status, world.enrollment.ends_on = status, on
        world.enrollment.save()

    def test_after_the_exit_date_the_arbeidsleder_loses_the_person(self, world, client_for):
        self.exit(world, TODAY - timedelta(days=20))
        client = client_for(world.arbeidsleder)
        assert "Testesen" not in client.get(PAGE).content.decode()
        assert "Testesen" not in client.get(WEEK).content.decode()
        detail = reverse("participants:detail", args=[world.participant.pk])
        assert client.get(detail).status_code == 404
        assert tap(client, world, "present").status_code == 404
        assert not AttendanceRecord.objects.exists()

    def test_attendance_after_the_exit_is_refused_with_a_message(self, world, client_for):
        self.exit(world, TODAY - timedelta(days=3), status="withdrawn")
        client = client_for(world.caseworker)  # still follows the person
        response = tap(client, world, "present")
        assert "left the programme on" in response.content.decode()
        assert tap(client, world, "present", day=TODAY - timedelta(days=3)).status_code == 200
        assert list(AttendanceRecord.objects.values_list("date", flat=True)) == [
            TODAY - timedelta(days=3)
        ]

    def test_on_the_exit_date_itself_the_day_is_still_theirs(self, world, client_for):
        self.exit(world, TODAY)
        client = client_for(world.arbeidsleder)
        assert "Testesen" in client.get(PAGE).content.decode()
        assert tap(client, world, "present").status_code == 200
        assert AttendanceRecord.objects.count() == 1

    def test_days_after_the_exit_are_not_missing(self, world, client_for):
        self.exit(world, TODAY - timedelta(days=5))
        page = client_for(world.caseworker).get("/").content.decode()
        assert "Testesen" not in page  # no placement is current after the exit

    @pytest.mark.parametrize("who", ["other_arbeidsleder", "foreign_arbeidsleder"])
    def test_others_never_saw_the_person(self, world, client_for, who):
        client = client_for(getattr(world, who))
        detail = reverse("participants:detail", args=[world.participant.pk])
        assert client.get(detail).status_code == 404
        assert "Testesen" not in client.get(PAGE).content.decode()


@pytest.fixture
def path(world):
    track = QualificationTrack.objects.create(name="Helsearbeiderfaget")
    for number in range(1, 4):
        Module.objects.create(track=track, number=number, name=f"MFY modul {number}")
    return path_create(
        actor=world.caseworker, enrollment=world.enrollment, track=track, route="mfy"
    )


class TestNothingFinalByAccident:
    def sign_url(self, path):
        return reverse("placements:module-sign-off", args=[path.pk])

    def test_a_module_is_signed_only_after_a_confirmation_page(self, world, client_for, path):
        client = client_for(world.arbeidsleder)
        module = path.track.modules.get(number=1)
        fragment = client.get(
            reverse("placements:qualification", args=[world.participant.pk]),
            HTTP_HX_REQUEST="true",
        ).content.decode()
        link = f"{self.sign_url(path)}?module={module.pk}&amp;result=passed"
        assert link in fragment  # a link to the question, not a final button
        page = client.get(self.sign_url(path), {"module": module.pk, "result": "passed"})
        text = page.content.decode()
        assert "You are signing off «1. MFY modul 1»" in text and "undo it within 24 hours" in text
        assert not ModuleProgress.objects.exists()
        # A form posted without the confirmation (no JavaScript, an old page) asks again.
        again = client.post(self.sign_url(path), {"module": module.pk, "result": "passed"})
        assert again.status_code == 200 and "Yes, sign off as Passed" in again.content.decode()
        assert not ModuleProgress.objects.exists()
        client.post(self.sign_url(path), {"module": module.pk, "result": "passed", "confirm": "1"})
        progress = ModuleProgress.objects.get()
        assert (progress.result, progress.signed_off_by) == ("passed", world.arbeidsleder)
        fragment = client.get(
            reverse("placements:qualification", args=[world.participant.pk]),
            HTTP_HX_REQUEST="true",
        ).content.decode()
        assert "signed by Per Supervisor" in fragment and ">Undo<" in fragment

    def test_the_signer_undoes_within_the_window_and_the_history_keeps_both(
        self, world, client_for, path
    ):
        module = path.track.modules.get(number=1)
        progress = module_sign_off(
            actor=world.arbeidsleder, path=path, module=module, result="not_passed"
        )
        response = client_for(world.arbeidsleder).post(
            reverse("placements:module-sign-off-undo", args=[progress.pk]), follow=True
        )
        assert "The sign-off has been undone" in response.content.decode()
        progress.refresh_from_db()
        assert (progress.result, progress.signed_off_by, progress.signed_off_at) == ("", None, None)
        changes = ChangeEvent.objects.filter(model="placements.moduleprogress").order_by("pk")
        assert [c.changes["result"] for c in changes] == [["", "not_passed"], ["not_passed", ""]]

    def test_an_undo_after_the_window_is_refused_with_a_message(self, world, client_for, path):
        module = path.track.modules.get(number=1)
        progress = module_sign_off(
            actor=world.arbeidsleder, path=path, module=module, result="passed"
        )
        ModuleProgress.objects.filter(pk=progress.pk).update(
            signed_off_at=timezone.now() - timedelta(hours=25)
        )
        response = client_for(world.caseworker).post(
            reverse("placements:module-sign-off-undo", args=[progress.pk]), follow=True
        )
        assert response.status_code == 200
        assert "can be undone only within 24 hours" in response.content.decode()
        progress.refresh_from_db()
        assert progress.result == "passed"  # nothing lost

    def test_the_caseworker_may_undo_but_not_another_arbeidsleder(self, world, client_for, path):
        module = path.track.modules.get(number=1)
        progress = module_sign_off(
            actor=world.arbeidsleder, path=path, module=module, result="passed"
        )
        url = reverse("placements:module-sign-off-undo", args=[progress.pk])
        assert client_for(world.other_arbeidsleder).post(url).status_code == 404
        assert client_for(world.foreign_caseworker).post(url).status_code == 404
        progress.refresh_from_db()
        assert progress.result == "passed"
        client_for(world.caseworker).post(url)
        progress.refresh_from_db()
        assert progress.result == ""

    def test_a_fagprove_result_is_confirmed_and_says_who_recorded_it(self, world, client_for, path):
        client = client_for(world.caseworker)
        url = reverse("placements:fagprove", args=[path.pk])
        data = {"fagprove_on": TODAY.isoformat(), "fagprove_result": "not_passed"}
        first = client.post(url, data).content.decode()
        assert "You are recording the fagprøve" in first and "Not passed" in first
        path.refresh_from_db()
        assert path.fagprove_result == ""
        client.post(url, {**data, "confirm": "1"})
        path.refresh_from_db()
        assert (path.fagprove_result, path.fagprove_recorded_by) == ("not_passed", world.caseworker)
        fragment = client.get(
            reverse("placements:qualification", args=[world.participant.pk]),
            HTTP_HX_REQUEST="true",
        ).content.decode()
        assert "recorded by Kari Caseworker" in fragment

    def test_ending_a_placement_says_what_happens_first(self, world, client_for):
        client = client_for(world.caseworker)
        url = reverse("placements:placement-end", args=[world.placement.pk])
        data = {"status": "ended", "ends_on": TODAY.isoformat(), "version": 1}
        first = client.post(url, data).content.decode()
        assert "ends with" in first and "no longer sees" in first
        world.placement.refresh_from_db()
        assert world.placement.status == "active"
        assert client.post(url, {**data, "confirm": "1"}).status_code == 302
        world.placement.refresh_from_db()
        assert world.placement.status == "ended"


class TestPersonListAndMenu:
    def test_the_arbeidsleder_menu_offers_no_api_tokens(self, world, client_for):
        assert "API tokens" not in client_for(world.arbeidsleder).get("/").content.decode()
        assert "API tokens" in client_for(world.caseworker).get("/").content.decode()

    def test_the_worksite_list_shows_the_caseworker_to_contact_and_no_empty_rows(
        self, world, client_for
    ):
        page = (
            client_for(world.arbeidsleder)
            .get(reverse("placements:worksite", args=[world.worksite.pk]))
            .content.decode()
        )
        assert "Kari Caseworker" in page and f"mailto:{world.caseworker.email}" in page
        assert "–</dd>" not in page
        caseload = client_for(world.arbeidsleder).get(reverse("participants:caseload"))
        text = caseload.content.decode()
        assert "Kari Caseworker" in text and ">–<" not in text

    def test_a_saved_progress_entry_and_a_reply_open_at_the_entry(self, world, client_for):
        response = client_for(world.arbeidsleder).post(
            reverse("placements:progress-create", args=[world.placement.pk]),
            {"text": "A good week."},
        )
        from placements.models import ProgressEntry

        entry = ProgressEntry.objects.get()
        progress = reverse("placements:progress", args=[world.participant.pk])
        assert response["Location"] == f"{progress}#entry-{entry.pk}"
        page = client_for(world.arbeidsleder).get(progress).content.decode()
        assert f'id="entry-{entry.pk}"' in page
        reply = client_for(world.caseworker).post(
            reverse("placements:progress-reply", args=[entry.pk]), {"text": "Thanks"}
        )
        assert reply["Location"] == f"{progress}#entry-{entry.pk}"
