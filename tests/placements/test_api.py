"""The worksite side of the API: the same placements, days, observations and modules as the
pages, for the same people, with the arbeidsleder's narrower view, ETag / If-Match on changes
and the one error format for everything that goes wrong."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from audit.models import ChangeEvent
from participants.models import Consent
from placements.attendance import attendance_record
from placements.models import (
    AttendanceRecord,
    ModuleProgress,
    Placement,
    ProgressEntry,
    ProgressReply,
    QualificationPath,
    WorksiteCapacity,
)
from placements.progress import progress_reply, progress_write
from placements.qualification import module_sign_off, path_create
from programs.models import Module, QualificationTrack
from tests.factories import (
    ConsentFactory,
    EnrollmentFactory,
    ParticipantFactory,
    PlacementFactory,
    SupervisorFactory,
    WorksiteFactory,
)
from tests.support.api import Api, ids, is_error, placement_data, queries

pytestmark = pytest.mark.django_db
TODAY = date.today()
YESTERDAY = TODAY - timedelta(days=1)
SEE_THE_PLACEMENT = ["caseworker", "programme_lead", "arbeidsleder"]
OUT_OF_SCOPE = ["other_caseworker", "other_arbeidsleder", "admin", "foreign_caseworker"]


@pytest.fixture
def api(client_for):
    return lambda user: Api(client_for(user))


def a_day(world, day=YESTERDAY, status="present") -> AttendanceRecord:
    return attendance_record(
        actor=world.arbeidsleder, placement=world.placement, day=day, status=status
    )


def an_entry(world) -> ProgressEntry:
    return progress_write(
        actor=world.arbeidsleder, placement=world.placement, text="Came on time all week."
    )


@pytest.fixture
def track():
    track = QualificationTrack.objects.create(name="Helsearbeiderfaget")
    for number in (1, 2, 3):
        Module.objects.create(track=track, number=number, name=f"Modul {number}")
    return track


@pytest.fixture
def path(world, track) -> QualificationPath:
    return path_create(
        actor=world.caseworker,
        enrollment=world.enrollment,
        track=track,
        route="mfy",
        training_office="Opplæringskontoret",
        contract_starts_on=TODAY - timedelta(days=30),
        contract_ends_on=TODAY + timedelta(days=300),
    )


def withdraw_consent(world) -> None:
    Consent.objects.filter(participant=world.participant).update(withdrawn_on=TODAY)


def etag_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response["ETag"]


# --- worksites -----------------------------------------------------------------------------------


class TestWorksites:
    def test_staff_see_the_municipalitys_worksites_and_an_arbeidsleder_only_their_own(
        self, world, api
    ):
        both = {world.worksite.pk, world.other_worksite.pk}
        assert ids(api(world.caseworker).get("/api/worksites/")) == both
        assert ids(api(world.admin).get("/api/worksites/")) == both
        assert ids(api(world.arbeidsleder).get("/api/worksites/")) == {world.worksite.pk}
        is_error(api(world.arbeidsleder).get(f"/api/worksites/{world.other_worksite.pk}/"), 404)

    def test_another_municipality_gets_404_and_an_empty_list(self, world, api):
        client = api(world.foreign_caseworker)
        is_error(client.get(f"/api/worksites/{world.worksite.pk}/"), 404)
        assert not both_in(ids(client.get("/api/worksites/")), world)

    def test_the_count_of_people_placed_is_only_of_people_the_user_sees(self, world, api):
        listed = api(world.other_caseworker).get(f"/api/worksites/{world.worksite.pk}/").json()
        assert listed["placed"] == 0
        assert api(world.caseworker).get(f"/api/worksites/{world.worksite.pk}/").json()["placed"]

    def test_worksites_cannot_be_changed_through_the_api(self, world, api):
        response = api(world.programme_lead).patch(
            f"/api/worksites/{world.worksite.pk}/", {"name": "X"}, **{"If-Match": '"1"'}
        )
        is_error(response, 405)


def both_in(found: set[int], world) -> bool:
    return bool(found & {world.worksite.pk, world.other_worksite.pk})


# --- placements ----------------------------------------------------------------------------------


def placement_url(world) -> str:
    return f"/api/placements/{world.placement.pk}/"


class TestPlacementScope:
    @pytest.mark.parametrize("who", SEE_THE_PLACEMENT)
    def test_those_who_see_the_placement_on_the_pages_get_it(self, world, api, who):
        client = api(getattr(world, who))
        assert ids(client.get("/api/placements/")) == {world.placement.pk}
        assert client.get(placement_url(world)).json()["worksite_name"] == "Helsehuset"

    @pytest.mark.parametrize("who", OUT_OF_SCOPE)
    def test_anyone_else_gets_404_and_an_empty_list(self, world, api, who):
        client = api(getattr(world, who))
        is_error(client.get(placement_url(world)), 404, "not_found")
        assert world.placement.pk not in ids(client.get("/api/placements/"))

    def test_the_arbeidsleder_gets_the_schedule_and_not_the_case(self, world, api):
        Placement.objects.filter(pk=world.placement.pk).update(nav_agreement="NAV-123")
        body = api(world.arbeidsleder).get(placement_url(world)).json()
        assert body["participant_name"] == "Amalie Testesen"
        assert body["schedule_days"] == "01234"
        assert {"nav_agreement", "stop_reason", "enrollment"}.isdisjoint(body)
        assert "NAV-123" not in api(world.arbeidsleder).get("/api/placements/").content.decode()
        case = api(world.caseworker).get(placement_url(world)).json()
        assert case["nav_agreement"] == "NAV-123"
        assert case["enrollment"] == world.enrollment.pk

    def test_withdrawn_consent_cuts_the_arbeidsleder_off_at_once(self, world, api):
        withdraw_consent(world)
        client = api(world.arbeidsleder)
        is_error(client.get(placement_url(world)), 404)
        assert ids(client.get("/api/placements/")) == set()
        assert ids(api(world.caseworker).get("/api/placements/")) == {world.placement.pk}

    def test_an_ended_placement_is_no_longer_the_worksites(self, world, api):
        Placement.objects.filter(pk=world.placement.pk).update(status="ended", ends_on=YESTERDAY)
        is_error(api(world.arbeidsleder).get(placement_url(world)), 404)
        assert ids(api(world.caseworker).get("/api/placements/", status="ended")) == {
            world.placement.pk
        }

    def test_filters_narrow_the_list(self, world, api):
        client = api(world.caseworker)
        assert ids(client.get("/api/placements/", worksite=world.other_worksite.pk)) == set()
        assert ids(client.get("/api/placements/", participant=world.participant.pk)) == {
            world.placement.pk
        }
        assert ids(client.get("/api/placements/", status="active", ordering="-starts_on")) == {
            world.placement.pk
        }

    @pytest.mark.parametrize(
        "params, field",
        [
            ({"status": "gone"}, "status"),
            ({"worksite": "abc"}, "worksite"),
            ({"participant": "99999999999999999999"}, "participant"),
            ({"ordering": "nav_agreement"}, "ordering"),
        ],
    )
    def test_a_bad_filter_is_a_400_naming_it(self, world, api, params, field):
        response = api(world.caseworker).get("/api/placements/", **params)
        assert field in is_error(response, 400)["fields"]

    @pytest.mark.parametrize("path", ["99999999999999999999", "0", "abc", "-1", "%00", "a%2Fb"])
    def test_an_absurd_id_is_a_404_in_the_error_format(self, world, api, path):
        is_error(api(world.caseworker).get(f"/api/placements/{path}/"), 404)


class TestPlacementWrites:
    def test_a_caseworker_places_a_person_through_the_placement_service(self, world, api):
        response = api(world.caseworker).post("/api/placements/", placement_data(world))
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["status"] == "planned" and body["hours_per_day"] == "4.50"
        assert response["ETag"] == '"1"'
        assert Placement.objects.get(pk=body["id"]).schedule_days == "024"
        assert ChangeEvent.objects.filter(participant=world.participant, action="create").exists()

    def test_a_full_field_asks_for_confirmation_and_then_places(self, world, api):
        WorksiteCapacity.objects.create(worksite=world.other_worksite, field="kjokken", places=1)
        other = EnrollmentFactory(programme=world.programme)
        PlacementFactory(
            enrollment=other,
            worksite=world.other_worksite,
            field="kjokken",
            starts_on=TODAY,
            ends_on=None,
        )
        client = api(world.caseworker)
        is_error(client.post("/api/placements/", placement_data(world)), 400, "capacity")
        assert Placement.objects.filter(worksite=world.other_worksite).count() == 1
        confirmed = placement_data(world, confirmed_over_capacity=True)
        assert client.post("/api/placements/", confirmed).status_code == 201

    def test_colliding_days_are_refused_by_the_service(self, world, api):
        response = api(world.caseworker).post(
            "/api/placements/", placement_data(world, starts_on=TODAY.isoformat())
        )
        assert "schedule_days" in is_error(response, 400)["fields"]

    @pytest.mark.parametrize("who", ["arbeidsleder", "admin"])
    def test_who_does_not_follow_people_cannot_place_them(self, world, api, who):
        is_error(api(getattr(world, who)).post("/api/placements/", placement_data(world)), 403)
        assert Placement.objects.count() == 2

    @pytest.mark.parametrize(
        "overrides, field",
        [
            ({"enrollment": 10**15}, "enrollment"),
            ({"enrollment": 99999999999999999999}, "enrollment"),
            ({"worksite": "Helsehuset"}, "worksite"),
            ({"type": "slave"}, "type"),
            ({"starts_on": "0001-01-01"}, "starts_on"),
            ({"starts_on": "2025-02-30"}, "starts_on"),
            ({"hours_per_day": "25"}, "hours_per_day"),
            ({"hours_per_day": "NaN"}, "hours_per_day"),
            ({"percentage": 0}, "percentage"),
            ({"schedule_days": "789"}, "schedule_days"),
            ({"schedule_days": 12}, "schedule_days"),
            ({"nav_agreement": "x" * 51}, "nav_agreement"),
            ({"confirmed_over_capacity": "yes"}, "confirmed_over_capacity"),
            ({"status": "active"}, "status"),
        ],
    )
    def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(
        self, world, api, overrides, field
    ):
        response = api(world.caseworker).post(
            "/api/placements/", placement_data(world, **overrides)
        )
        assert field in is_error(response, 400)["fields"]
        assert Placement.objects.count() == 2

    def test_a_worksite_of_another_municipality_does_not_exist_for_the_user(self, world, api):
        foreign = Placement.objects.exclude(pk=world.placement.pk).get().worksite
        response = api(world.caseworker).post(
            "/api/placements/", placement_data(world, worksite=foreign.pk)
        )
        assert "worksite" in is_error(response, 400)["fields"]


class TestEndingAPlacement:
    def end(self, client, world, etag, **overrides):
        data = {"status": "stopped", "ends_on": TODAY.isoformat(), "stop_reason": "Moved away"}
        return client.patch(placement_url(world), {**data, **overrides}, **{"If-Match": etag})

    def test_the_caseworker_stops_it_with_its_etag(self, world, api):
        client = api(world.caseworker)
        response = self.end(client, world, etag_of(client, placement_url(world)))
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "stopped" and response["ETag"] == '"2"'
        world.placement.refresh_from_db()
        assert world.placement.stop_reason == "Moved away"

    def test_a_stale_etag_gets_412_and_a_missing_one_428_and_nothing_changes(self, world, api):
        client = api(world.caseworker)
        Placement.objects.filter(pk=world.placement.pk).update(version=2)
        is_error(self.end(client, world, '"1"'), 412, "stale")
        response = client.patch(placement_url(world), {"status": "ended", "ends_on": "2030-01-01"})
        is_error(response, 428, "precondition_required")
        world.placement.refresh_from_db()
        assert world.placement.status == "active"

    def test_stopping_needs_a_reason_and_a_whole_request(self, world, api):
        client = api(world.caseworker)
        assert (
            "stop_reason" in is_error(self.end(client, world, '"1"', stop_reason=""), 400)["fields"]
        )
        body = is_error(client.patch(placement_url(world), {}, **{"If-Match": '"1"'}), 400)
        assert {"status", "ends_on"} <= set(body["fields"])

    @pytest.mark.parametrize("who", ["arbeidsleder", *OUT_OF_SCOPE])
    def test_only_who_follows_the_person_ends_it(self, world, api, who):
        is_error(self.end(api(getattr(world, who)), world, '"1"'), 404)
        world.placement.refresh_from_db()
        assert world.placement.status == "active"


# --- attendance ----------------------------------------------------------------------------------


class TestAttendance:
    @pytest.mark.parametrize("who", SEE_THE_PLACEMENT)
    def test_the_days_are_seen_by_those_who_see_the_placement(self, world, api, who):
        record = a_day(world)
        client = api(getattr(world, who))
        assert ids(client.get("/api/attendance/", placement=world.placement.pk)) == {record.pk}
        assert client.get(f"/api/attendance/{record.pk}/").json()["status"] == "present"

    @pytest.mark.parametrize("who", OUT_OF_SCOPE)
    def test_anyone_else_gets_404_and_an_empty_list(self, world, api, who):
        record = a_day(world)
        client = api(getattr(world, who))
        is_error(client.get(f"/api/attendance/{record.pk}/"), 404)
        assert ids(client.get("/api/attendance/")) == set()

    def test_withdrawn_consent_hides_the_days_from_the_arbeidsleder(self, world, api):
        record = a_day(world)
        withdraw_consent(world)
        is_error(api(world.arbeidsleder).get(f"/api/attendance/{record.pk}/"), 404)
        assert ids(api(world.arbeidsleder).get("/api/attendance/")) == set()

    def test_a_date_range_narrows_the_list(self, world, api):
        old = a_day(world, day=TODAY - timedelta(days=7))
        new = a_day(world)
        client = api(world.arbeidsleder)
        since = (TODAY - timedelta(days=3)).isoformat()
        assert ids(client.get("/api/attendance/", date_from=since)) == {new.pk}
        assert ids(client.get("/api/attendance/", date_to=since)) == {old.pk}
        rows = client.get("/api/attendance/", ordering="date").json()["results"]
        assert [row["id"] for row in rows] == [old.pk, new.pk]

    @pytest.mark.parametrize(
        "params", [{"date_from": "yesterday"}, {"date_to": "0000-01-01"}, {"status": "asleep"}]
    )
    def test_a_bad_filter_is_a_400(self, world, api, params):
        is_error(api(world.arbeidsleder).get("/api/attendance/", **params), 400)

    def test_the_arbeidsleder_records_a_day_in_one_tap(self, world, api):
        response = api(world.arbeidsleder).post(
            "/api/attendance/",
            {"placement": world.placement.pk, "date": YESTERDAY.isoformat(), "status": "late"},
        )
        assert response.status_code == 201, response.content
        assert response.json()["hours"] == "6.00"
        assert response.json()["recorded_by"] == world.arbeidsleder.pk

    def test_recording_the_same_day_again_replaces_it_and_keeps_the_history(self, world, api):
        client = api(world.arbeidsleder)
        day = {"placement": world.placement.pk, "date": YESTERDAY.isoformat()}
        first = client.post("/api/attendance/", {**day, "status": "present"}).json()
        second = client.post("/api/attendance/", {**day, "status": "excused"}).json()
        assert first["id"] == second["id"] and second["hours"] == "0.00"
        assert AttendanceRecord.objects.get().status == "excused"
        assert ChangeEvent.objects.filter(action="update", participant=world.participant).exists()

    def test_a_day_in_the_future_is_refused_by_the_service(self, world, api):
        response = api(world.arbeidsleder).post(
            "/api/attendance/",
            {
                "placement": world.placement.pk,
                "date": (TODAY + timedelta(days=1)).isoformat(),
                "status": "late",
            },
        )
        assert "date" in is_error(response, 400)["fields"]

    @pytest.mark.parametrize("who", ["other_arbeidsleder", "foreign_arbeidsleder", "admin"])
    def test_a_placement_out_of_sight_cannot_be_recorded(self, world, api, who):
        response = api(getattr(world, who)).post(
            "/api/attendance/",
            {"placement": world.placement.pk, "date": YESTERDAY.isoformat(), "status": "present"},
        )
        assert "placement" in is_error(response, 400)["fields"]
        assert not AttendanceRecord.objects.exists()

    @pytest.mark.parametrize(
        "overrides, field",
        [
            ({"hours": "-1"}, "hours"),
            ({"hours": 1e300}, "hours"),
            ({"hours": "1,5,5"}, "hours"),
            ({"status": "sick"}, "status"),
            ({"date": 20250101}, "date"),
            ({"placement": [1]}, "placement"),
            ({"recorded_by": 1}, "recorded_by"),
        ],
    )
    def test_bad_input_is_refused_naming_the_field(self, world, api, overrides, field):
        data = {"placement": world.placement.pk, "date": YESTERDAY.isoformat(), "status": "late"}
        response = api(world.arbeidsleder).post("/api/attendance/", {**data, **overrides})
        assert field in is_error(response, 400)["fields"]
        assert not AttendanceRecord.objects.exists()

    def test_a_correction_needs_the_current_etag(self, world, api):
        record = a_day(world)
        url = f"/api/attendance/{record.pk}/"
        client = api(world.arbeidsleder)
        etag = etag_of(client, url)
        is_error(client.patch(url, {"hours": "3"}), 428)
        changed = client.patch(url, {"hours": "3"}, **{"If-Match": etag})
        assert changed.status_code == 200, changed.content
        assert changed.json()["hours"] == "3.00" and changed.json()["status"] == "present"
        assert changed["ETag"] != etag
        is_error(client.patch(url, {"status": "unexcused"}, **{"If-Match": etag}), 412, "stale")
        record.refresh_from_db()
        assert record.status == "present" and record.hours == Decimal("3.00")

    @pytest.mark.parametrize("who", OUT_OF_SCOPE)
    def test_a_correction_out_of_scope_is_404(self, world, api, who):
        record = a_day(world)
        response = api(getattr(world, who)).patch(
            f"/api/attendance/{record.pk}/", {"status": "unexcused"}, **{"If-Match": '"x"'}
        )
        is_error(response, 404)


# --- progress ------------------------------------------------------------------------------------


class TestProgress:
    @pytest.mark.parametrize("who", SEE_THE_PLACEMENT)
    def test_entries_and_replies_are_seen_by_those_who_see_the_placement(self, world, api, who):
        entry = an_entry(world)
        reply = progress_reply(actor=world.caseworker, entry=entry, text="Thank you.")
        client = api(getattr(world, who))
        assert ids(client.get("/api/progress/", participant=world.participant.pk)) == {entry.pk}
        body = client.get(f"/api/progress/{entry.pk}/").json()
        assert [r["text"] for r in body["replies"]] == ["Thank you."]
        assert ids(client.get("/api/progress-replies/", entry=entry.pk)) == {reply.pk}

    @pytest.mark.parametrize("who", OUT_OF_SCOPE)
    def test_anyone_else_gets_404_and_empty_lists(self, world, api, who):
        entry = an_entry(world)
        reply = progress_reply(actor=world.caseworker, entry=entry, text="Thank you.")
        client = api(getattr(world, who))
        is_error(client.get(f"/api/progress/{entry.pk}/"), 404)
        is_error(client.get(f"/api/progress-replies/{reply.pk}/"), 404)
        assert ids(client.get("/api/progress/")) == set()
        assert ids(client.get("/api/progress-replies/")) == set()

    def test_the_arbeidsleder_writes_and_the_caseworker_replies(self, world, api):
        written = api(world.arbeidsleder).post(
            "/api/progress/",
            {"placement": world.placement.pk, "text": "Helpful with residents.", "cooperation": 5},
        )
        assert written.status_code == 201, written.content
        assert written.json()["written_on"] == TODAY.isoformat()
        replied = api(world.caseworker).post(
            "/api/progress-replies/", {"entry": written.json()["id"], "text": "Good to hear."}
        )
        assert replied.status_code == 201, replied.content
        assert ProgressReply.objects.get().author == world.caseworker

    @pytest.mark.parametrize(
        "overrides, field",
        [
            ({"text": "   "}, "text"),
            ({"text": "x" * 5001}, "text"),
            ({"text": "a\x00b"}, "text"),
            ({"punctuality": 6}, "punctuality"),
            ({"punctuality": "five"}, "punctuality"),
            ({"written_on": (TODAY + timedelta(days=2)).isoformat()}, "written_on"),
            ({"author": 1}, "author"),
        ],
    )
    def test_bad_entries_are_refused(self, world, api, overrides, field):
        data = {"placement": world.placement.pk, "text": "Fine.", **overrides}
        response = api(world.arbeidsleder).post("/api/progress/", data)
        assert field in is_error(response, 400)["fields"]
        assert not ProgressEntry.objects.exists()

    def test_a_reply_to_an_entry_out_of_sight_is_refused(self, world, api):
        entry = an_entry(world)
        response = api(world.other_caseworker).post(
            "/api/progress-replies/", {"entry": entry.pk, "text": "Hello"}
        )
        assert "entry" in is_error(response, 400)["fields"]
        assert not ProgressReply.objects.exists()

    def test_entries_cannot_be_changed(self, world, api):
        entry = an_entry(world)
        response = api(world.arbeidsleder).patch(
            f"/api/progress/{entry.pk}/", {"text": "Rewritten"}, **{"If-Match": '"x"'}
        )
        is_error(response, 405)


# --- qualification -------------------------------------------------------------------------------


class TestQualification:
    @pytest.mark.parametrize("who", SEE_THE_PLACEMENT)
    def test_the_path_and_its_modules_are_seen_as_on_the_page(self, world, api, path, who):
        module = path.track.modules.get(number=1)
        module_sign_off(actor=world.arbeidsleder, path=path, module=module, result="passed")
        client = api(getattr(world, who))
        assert ids(client.get("/api/qualification-paths/")) == {path.pk}
        body = client.get(f"/api/qualification-paths/{path.pk}/").json()
        assert body["registration_deadline"] and body["fagprove_result"] == ""
        assert [(m["module_number"], m["result"]) for m in body["modules"]] == [(1, "passed")]
        assert len(ids(client.get("/api/module-progress/", path=path.pk))) == 1

    def test_the_arbeidsleder_does_not_get_the_contracts_details(self, world, api, path):
        body = api(world.arbeidsleder).get(f"/api/qualification-paths/{path.pk}/").json()
        assert {"training_office", "contract_starts_on", "enrollment"}.isdisjoint(body)
        assert body["contract_ends_on"]
        case = api(world.caseworker).get(f"/api/qualification-paths/{path.pk}/").json()
        assert case["training_office"] == "Opplæringskontoret"

    @pytest.mark.parametrize("who", OUT_OF_SCOPE)
    def test_anyone_else_gets_404_and_empty_lists(self, world, api, path, who):
        module = path.track.modules.get(number=1)
        progress = module_sign_off(
            actor=world.arbeidsleder, path=path, module=module, result="passed"
        )
        client = api(getattr(world, who))
        is_error(client.get(f"/api/qualification-paths/{path.pk}/"), 404)
        is_error(client.get(f"/api/module-progress/{progress.pk}/"), 404)
        assert ids(client.get("/api/qualification-paths/")) == set()
        assert ids(client.get("/api/module-progress/")) == set()

    def test_the_caseworker_opens_a_path_with_its_registration_deadline(self, world, api, track):
        response = api(world.caseworker).post(
            "/api/qualification-paths/",
            {
                "enrollment": world.enrollment.pk,
                "track": track.pk,
                "route": "laerekandidat",
                "contract_ends_on": "2030-06-30",
            },
        )
        assert response.status_code == 201, response.content
        assert response.json()["registration_deadline"] == "2030-03-30"

    def test_an_arbeidsleder_cannot_open_a_path(self, world, api, track):
        data = {"enrollment": world.enrollment.pk, "track": track.pk, "route": "mfy"}
        is_error(api(world.arbeidsleder).post("/api/qualification-paths/", data), 403)

    @pytest.mark.parametrize(
        "overrides, field",
        [
            ({"route": "shortcut"}, "route"),
            ({"track": 10**17}, "track"),
            ({"contract_ends_on": "0001-01-01"}, "contract_ends_on"),
            ({"contract_ends_on": "9999-12-31"}, "contract_ends_on"),
            ({"training_office": "x" * 151}, "training_office"),
        ],
    )
    def test_bad_paths_are_refused(self, world, api, track, overrides, field):
        data = {"enrollment": world.enrollment.pk, "track": track.pk, "route": "mfy"}
        response = api(world.caseworker).post("/api/qualification-paths/", {**data, **overrides})
        assert field in is_error(response, 400)["fields"]
        assert not QualificationPath.objects.exists()

    def test_the_arbeidsleder_signs_a_module_off_once(self, world, api, path):
        module = path.track.modules.get(number=2)
        client = api(world.arbeidsleder)
        data = {"path": path.pk, "module": module.pk, "result": "passed"}
        response = client.post("/api/module-progress/", data)
        assert response.status_code == 201, response.content
        assert response.json()["signed_off_by"] == world.arbeidsleder.pk
        is_error(client.post("/api/module-progress/", data), 400)
        assert ModuleProgress.objects.count() == 1

    def test_a_module_of_another_trade_is_refused(self, world, api, path):
        other = QualificationTrack.objects.create(name="Kokkfaget")
        module = Module.objects.create(track=other, number=1, name="Kald mat")
        response = api(world.caseworker).post(
            "/api/module-progress/", {"path": path.pk, "module": module.pk, "result": "passed"}
        )
        assert "module" in is_error(response, 400)["fields"]

    def test_the_fagprove_is_recorded_with_the_paths_etag(self, world, api, path):
        client = api(world.caseworker)
        url = f"/api/qualification-paths/{path.pk}/"
        etag = etag_of(client, url)
        is_error(client.patch(url, {"fagprove_on": TODAY.isoformat()}), 428)
        response = client.patch(
            url,
            {"fagprove_on": TODAY.isoformat(), "fagprove_result": "passed"},
            **{"If-Match": etag},
        )
        assert response.status_code == 200, response.content
        is_error(client.patch(url, {"fagprove_result": "not_passed"}, **{"If-Match": etag}), 412)
        path.refresh_from_db()
        assert path.fagprove_result == "passed"

    @pytest.mark.parametrize("who", ["arbeidsleder", *OUT_OF_SCOPE])
    def test_only_who_follows_the_person_records_the_fagprove(self, world, api, path, who):
        response = api(getattr(world, who)).patch(
            f"/api/qualification-paths/{path.pk}/",
            {"fagprove_on": TODAY.isoformat()},
            **{"If-Match": '"x"'},
        )
        is_error(response, 404)
        path.refresh_from_db()
        assert path.fagprove_on is None


# --- query counts --------------------------------------------------------------------------------


def grow(world, n: int, track) -> None:
    """n more worksites the arbeidsleder supervises, and n more people placed at the first,
    each with a day, an entry with a reply, and a path with a module signed off."""
    module = track.modules.get(number=1)
    for _ in range(n):
        worksite = WorksiteFactory(municipality=world.municipality)
        SupervisorFactory(user=world.arbeidsleder, worksite=worksite)
        person = ParticipantFactory(municipality=world.municipality)
        enrollment = EnrollmentFactory(participant=person, programme=world.programme)
        placement = PlacementFactory(enrollment=enrollment, worksite=world.worksite)
        ConsentFactory(participant=person, recorded_by=world.caseworker)
        attendance_record(
            actor=world.arbeidsleder, placement=placement, day=YESTERDAY, status="present"
        )
        entry = progress_write(actor=world.arbeidsleder, placement=placement, text="Fine.")
        progress_reply(actor=world.caseworker, entry=entry, text="Good.")
        path = path_create(actor=world.caseworker, enrollment=enrollment, track=track, route="mfy")
        module_sign_off(actor=world.arbeidsleder, path=path, module=module, result="passed")


LISTS = [
    "/api/worksites/",
    "/api/placements/",
    "/api/attendance/",
    "/api/progress/",
    "/api/progress-replies/",
    "/api/qualification-paths/",
    "/api/module-progress/",
]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("who", ["caseworker", "arbeidsleder"])
def test_a_list_costs_the_same_queries_for_one_row_as_for_many(world, client_for, track, url, who):
    client = client_for(getattr(world, who))
    grow(world, 1, track)
    few = queries(client, url)
    grow(world, 12, track)
    assert len(ids(client.get(url))) > 12
    many = queries(client, url)
    assert many == few
    assert many <= 12
