"""The participants side of the API: the same people, fields and rules as the pages, with
ETag / If-Match for changes and one error format for everything that goes wrong."""

import json
from datetime import date, timedelta

import pytest
from django.db.models import F

from audit.models import AccessEvent, ChangeEvent
from participants.journal import note_create, task_create
from participants.models import CaseNote, Enrollment, Goal, Milestone, Participant, Task
from participants.plan import goal_create, milestone_add
from participants.synthetic import synthetic_fodselsnummer
from tests.factories import (
    ConsentFactory,
    EnrollmentFactory,
    MembershipFactory,
    ParticipantFactory,
    PlacementFactory,
    UserFactory,
)
from tests.support.api import Api, ids, is_error, queries

pytestmark = pytest.mark.django_db
TODAY = date.today()
NUMBER = synthetic_fodselsnummer(date(2005, 9, 30), 655)
OUT_OF_SCOPE = ["other_caseworker", "other_arbeidsleder", "admin", "foreign_caseworker"]


@pytest.fixture
def api(client_for):
    return lambda user: Api(client_for(user))


def person_url(world) -> str:
    return f"/api/participants/{world.participant.pk}/"


# --- participants: scope and fields --------------------------------------------------------------


class TestParticipantScope:
    @pytest.mark.parametrize("who", ["caseworker", "programme_lead", "arbeidsleder"])
    def test_those_who_may_see_the_person_get_them(self, world, api, who):
        client = api(getattr(world, who))
        assert ids(client.get("/api/participants/")) == {world.participant.pk}
        assert client.get(person_url(world)).status_code == 200

    @pytest.mark.parametrize("who", OUT_OF_SCOPE)
    def test_anyone_else_gets_404_and_an_empty_list(self, world, api, who):
        client = api(getattr(world, who))
        is_error(client.get(person_url(world)), 404, "not_found")
        assert world.participant.pk not in ids(client.get("/api/participants/"))

    def test_the_arbeidsleder_gets_the_name_and_placement_and_nothing_of_the_case(self, world, api):
        Participant.objects.filter(pk=world.participant.pk).update(
            national_id_masked="140304*****", phone="+47 400 00 000", address="Gata 1"
        )
        body = api(world.arbeidsleder).get(person_url(world)).json()
        assert "national_id" not in body
        assert {"phone", "address", "nav_innsatsgruppe", "enrollments", "birth_date"}.isdisjoint(
            body
        )
        assert body["last_name"] == "Testesen"
        assert [p["worksite_name"] for p in body["placements"]] == ["Helsehuset"]
        listed = api(world.arbeidsleder).get("/api/participants/").json()["results"][0]
        assert "national_id" not in listed and "phone" not in listed

    def test_the_caseworker_gets_the_case_with_the_national_id_masked(self, world, api):
        Participant.objects.filter(pk=world.participant.pk).update(national_id_masked="140304*****")
        body = api(world.caseworker).get(person_url(world)).json()
        assert body["national_id"] == "140304*****"
        assert [e["programme_name"] for e in body["enrollments"]] == ["En av mange"]

    def test_a_protected_address_is_only_for_the_assigned_caseworker(self, world, api):
        Participant.objects.filter(pk=world.participant.pk).update(
            protected_address=True, address="Hemmeligveien 7", city="Lyngdal"
        )
        assert api(world.caseworker).get(person_url(world)).json()["address"] == "Hemmeligveien 7"
        lead = api(world.programme_lead).get(person_url(world)).json()
        assert "address" not in lead and "city" not in lead
        assert lead["protected_address"] is True
        assert (
            "Hemmeligveien"
            not in api(world.programme_lead).get("/api/participants/").content.decode()
        )

    def test_reading_a_person_is_recorded_in_their_access_log(self, world, api):
        api(world.arbeidsleder).get(person_url(world))
        api(world.other_caseworker).get(person_url(world))
        events = AccessEvent.objects.filter(participant=world.participant)
        assert [(e.user, e.page) for e in events] == [
            (world.arbeidsleder, "api:participant-detail")
        ]

    def test_a_list_is_not_recorded_as_reading_each_person(self, world, api):
        api(world.caseworker).get("/api/participants/")
        assert not AccessEvent.objects.exists()

    def test_anonymous_requests_get_401_in_the_error_format(self, world, client):
        is_error(client.get("/api/participants/"), 401, "not_authenticated")
        is_error(client.get(person_url(world)), 401)


class TestParticipantFilters:
    @pytest.fixture
    def others(self, world):
        paused = ParticipantFactory(municipality=world.municipality, last_name="Pausesen")
        EnrollmentFactory(participant=paused, programme=world.programme, status="paused")
        elsewhere = ParticipantFactory(municipality=world.municipality, last_name="Andresen")
        EnrollmentFactory(participant=elsewhere, programme=world.other_programme)
        return paused, elsewhere

    def test_status_programme_and_search_narrow_the_list(self, world, api, others):
        paused, _ = others
        client = api(world.caseworker)
        assert ids(client.get("/api/participants/", status="paused")) == {paused.pk}
        assert ids(client.get("/api/participants/", search="Teste")) == {world.participant.pk}
        assert ids(client.get("/api/participants/", programme=world.programme.pk)) == {
            world.participant.pk,
            paused.pk,
        }

    def test_another_programme_as_a_filter_finds_nobody(self, world, api, others):
        client = api(world.caseworker)
        assert ids(client.get("/api/participants/", programme=world.other_programme.pk)) == set()

    def test_ordering_by_name_pages_through_everyone_once(self, world, api, others):
        client = api(world.caseworker)
        first = client.get("/api/participants/", ordering="name", page_size=1).json()
        second = client.client.get(first["next"]).json()
        names = [first["results"][0]["last_name"], second["results"][0]["last_name"]]
        assert names == ["Pausesen", "Testesen"]
        assert second["next"] is None

    @pytest.mark.parametrize(
        "params, field",
        [
            ({"ordering": "national_id_hash"}, "ordering"),
            ({"status": "nonsense"}, "status"),
            ({"programme": "abc"}, "programme"),
            ({"programme": "99999999999999999999"}, "programme"),
            ({"search": "x" * 101}, "search"),
            ({"search": "Te\x00st"}, "search"),
        ],
    )
    def test_a_bad_query_parameter_is_a_400_naming_it(self, world, api, params, field):
        body = is_error(api(world.caseworker).get("/api/participants/", **params), 400)
        assert field in body["fields"]

    @pytest.mark.parametrize("size", ["99999999999999999999", "-1", "abc", "0"])
    def test_an_absurd_page_size_is_not_an_error(self, world, api, size):
        assert ids(api(world.caseworker).get("/api/participants/", page_size=size)) == {
            world.participant.pk
        }

    def test_a_damaged_cursor_is_a_404_in_the_error_format(self, world, api):
        is_error(api(world.caseworker).get("/api/participants/", cursor="garbage"), 404)

    @pytest.mark.parametrize("path", ["99999999999999999999", "0", "abc", "1e3", "-1", "%00", "١"])
    def test_an_absurd_id_is_a_404_in_the_error_format(self, world, api, path):
        is_error(api(world.caseworker).get(f"/api/participants/{path}/"), 404)


# --- participants: writes -------------------------------------------------------------------------


def intake(world, **overrides) -> dict:
    return {
        "first_name": "Nora",
        "last_name": "Nyttnavn",
        "national_id": NUMBER,
        "programme": world.programme.pk,
        **overrides,
    }


class TestIntake:
    def test_a_caseworker_registers_and_enrolls_a_person(self, world, api):
        response = api(world.caseworker).post("/api/participants/", intake(world))
        assert response.status_code == 201, response.content
        body = response.json()
        assert response["ETag"] == '"1"'
        assert body["national_id"] == f"{NUMBER[:6]} •••••"
        assert NUMBER not in response.content.decode()
        person = Participant.objects.get(pk=body["id"])
        assert person.enrollments.get().programme == world.programme
        assert ChangeEvent.objects.filter(participant=person, action="create").count() == 2

    def test_a_second_registration_of_the_same_national_id_is_refused(self, world, api):
        client = api(world.caseworker)
        client.post("/api/participants/", intake(world))
        body = is_error(client.post("/api/participants/", intake(world)), 400, "duplicate")
        assert Participant.objects.filter(last_name="Nyttnavn").count() == 1
        assert NUMBER not in body["detail"]

    @pytest.mark.parametrize("who", ["arbeidsleder", "admin"])
    def test_who_does_not_follow_people_cannot_register_them(self, world, api, who):
        is_error(api(getattr(world, who)).post("/api/participants/", intake(world)), 403)
        assert not Participant.objects.filter(last_name="Nyttnavn").exists()

    @pytest.mark.parametrize(
        "programme", ["other_programme", "foreign"], ids=["same-municipality", "abroad"]
    )
    def test_a_programme_that_is_not_ones_own_is_refused(self, world, api, programme):
        pk = (
            world.other_programme.pk
            if programme == "other_programme"
            else world.foreign_caseworker.memberships.get().programme_id
        )
        body = is_error(
            api(world.caseworker).post("/api/participants/", intake(world, programme=pk)), 400
        )
        assert "programme" in body["fields"]

    @pytest.mark.parametrize(
        "overrides, field",
        [
            ({"first_name": 5}, "first_name"),
            ({"first_name": ["Nora"]}, "first_name"),
            ({"first_name": "N" * 101}, "first_name"),
            ({"first_name": "No\x00ra"}, "first_name"),
            ({"last_name": ""}, "last_name"),
            ({"birth_date": "2004-02-30"}, "birth_date"),
            ({"national_id": "12345678901"}, "national_id"),
            ({"social_assistance": "yes"}, "social_assistance"),
            ({"gender": "robot"}, "gender"),
            ({"programme": 99999999999999999999}, "programme"),
            ({"programme": True}, "programme"),
            ({"programme": "1; DROP TABLE"}, "programme"),
            ({"national_id_hash": "x"}, "national_id_hash"),
            ({"version": 7}, "version"),
        ],
    )
    def test_bad_input_is_refused_with_the_field_named_and_nothing_saved(
        self, world, api, overrides, field
    ):
        response = api(world.caseworker).post("/api/participants/", intake(world, **overrides))
        body = is_error(response, 400)
        assert field in body["fields"]
        assert not Participant.objects.filter(last_name="Nyttnavn").exists()

    @pytest.mark.parametrize("payload", ["{not json", '["a list"]', "null", '"text"', ""])
    def test_a_body_that_is_not_a_json_object_is_a_400(self, world, api, payload):
        is_error(api(world.caseworker).post("/api/participants/", payload), 400)

    def test_a_form_encoded_body_is_refused_with_415(self, world, client_for):
        response = client_for(world.caseworker).post("/api/participants/", intake(world))
        is_error(response, 415)

    def test_a_huge_body_is_refused_before_it_is_read(self, world, api):
        body = json.dumps(intake(world, languages="x" * 3_000_000))
        is_error(api(world.caseworker).post("/api/participants/", body), 413)


class TestParticipantUpdate:
    def etag(self, client, world) -> str:
        return client.get(person_url(world))["ETag"]

    def test_a_detail_carries_the_version_as_etag(self, world, api):
        response = api(world.caseworker).get(person_url(world))
        assert response["ETag"] == '"1"' and response.json()["version"] == 1

    def test_a_change_with_the_current_etag_is_saved_and_gets_a_new_one(self, world, api):
        client = api(world.caseworker)
        response = client.patch(person_url(world), {"phone": "+47 411"}, **{"If-Match": '"1"'})
        assert response.status_code == 200, response.content
        assert response["ETag"] == '"2"' and response.json()["phone"] == "+47 411"
        world.participant.refresh_from_db()
        assert world.participant.phone == "+47 411" and world.participant.first_name == "Amalie"
        assert ChangeEvent.objects.filter(participant=world.participant, action="update").exists()

    def test_a_stale_etag_gets_412_and_changes_nothing(self, world, api):
        client = api(world.caseworker)
        client.patch(person_url(world), {"phone": "+47 411"}, **{"If-Match": '"1"'})
        response = client.patch(person_url(world), {"phone": "+47 999"}, **{"If-Match": '"1"'})
        is_error(response, 412, "stale")
        world.participant.refresh_from_db()
        assert world.participant.phone == "+47 411" and world.participant.version == 2

    def test_a_change_that_loses_the_race_after_the_check_is_still_412(
        self, world, api, monkeypatch
    ):
        def another_save_lands(request, etag):
            Participant.objects.filter(pk=world.participant.pk).update(version=F("version") + 1)

        monkeypatch.setattr("config.viewsets.check_if_match", another_save_lands)
        response = api(world.caseworker).patch(
            person_url(world), {"phone": "+47 2"}, **{"If-Match": '"1"'}
        )
        is_error(response, 412, "stale")
        world.participant.refresh_from_db()
        assert world.participant.phone == ""

    @pytest.mark.parametrize("header", [None, "", "*"])
    def test_a_change_without_if_match_gets_428(self, world, api, header):
        headers = {} if header is None else {"If-Match": header}
        is_error(
            api(world.caseworker).patch(person_url(world), {"phone": "1"}, **headers),
            428,
            "precondition_required",
        )
        world.participant.refresh_from_db()
        assert world.participant.phone == ""

    @pytest.mark.parametrize("header", ['W/"1"', "1", '"99999999999999999999999"', '"abc"'])
    def test_a_weak_or_malformed_etag_does_not_match(self, world, api, header):
        response = api(world.caseworker).patch(
            person_url(world), {"phone": "1"}, **{"If-Match": header}
        )
        is_error(response, 412)

    def test_a_put_needs_the_names(self, world, api):
        client = api(world.caseworker)
        body = is_error(client.put(person_url(world), {"phone": "1"}, **{"If-Match": '"1"'}), 400)
        assert {"first_name", "last_name"} <= set(body["fields"])
        response = client.put(
            person_url(world),
            {"first_name": "Amalie", "last_name": "Nyesen"},
            **{"If-Match": '"1"'},
        )
        assert response.status_code == 200 and response.json()["last_name"] == "Nyesen"

    @pytest.mark.parametrize("who", ["arbeidsleder", *OUT_OF_SCOPE])
    def test_who_does_not_follow_the_person_cannot_change_them(self, world, api, who):
        response = api(getattr(world, who)).patch(
            person_url(world), {"last_name": "Hacked"}, **{"If-Match": '"1"'}
        )
        is_error(response, 404)
        world.participant.refresh_from_db()
        assert world.participant.last_name == "Testesen"

    def test_the_lead_cannot_send_a_protected_address(self, world, api):
        Participant.objects.filter(pk=world.participant.pk).update(
            protected_address=True, address="Hemmeligveien 7"
        )
        response = api(world.programme_lead).patch(
            person_url(world), {"address": "Ny vei 1"}, **{"If-Match": '"1"'}
        )
        assert "address" in is_error(response, 400)["fields"]
        world.participant.refresh_from_db()
        assert world.participant.address == "Hemmeligveien 7"


# --- enrollments ---------------------------------------------------------------------------------


class TestEnrollments:
    def url(self, world) -> str:
        return f"/api/enrollments/{world.enrollment.pk}/"

    @pytest.mark.parametrize("who", ["caseworker", "programme_lead"])
    def test_own_programmes_enrollments_are_listed(self, world, api, who):
        assert ids(api(getattr(world, who)).get("/api/enrollments/")) == {world.enrollment.pk}

    @pytest.mark.parametrize("who", ["arbeidsleder", *OUT_OF_SCOPE])
    def test_anyone_else_gets_404_and_an_empty_list(self, world, api, who):
        client = api(getattr(world, who))
        is_error(client.get(self.url(world)), 404)
        assert world.enrollment.pk not in ids(client.get("/api/enrollments/"))

    def test_status_and_participant_filter_the_list(self, world, api):
        client = api(world.caseworker)
        assert ids(client.get("/api/enrollments/", status="active")) == {world.enrollment.pk}
        assert ids(client.get("/api/enrollments/", status="paused")) == set()
        assert ids(client.get("/api/enrollments/", participant=world.participant.pk)) == {
            world.enrollment.pk
        }

    def test_a_status_change_goes_through_the_pipeline(self, world, api):
        response = api(world.caseworker).patch(
            self.url(world), {"status": "paused"}, **{"If-Match": '"1"'}
        )
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "paused" and response["ETag"] == '"2"'

    def test_an_exit_without_its_reason_is_refused(self, world, api):
        response = api(world.caseworker).patch(
            self.url(world),
            {"status": "completed", "exit_date": TODAY.isoformat()},
            **{"If-Match": '"1"'},
        )
        assert "exit_reason" in is_error(response, 400)["fields"]

    def test_a_stale_status_change_gets_412_and_changes_nothing(self, world, api):
        Enrollment.objects.filter(pk=world.enrollment.pk).update(version=2)
        response = api(world.caseworker).patch(
            self.url(world), {"status": "paused"}, **{"If-Match": '"1"'}
        )
        is_error(response, 412)
        world.enrollment.refresh_from_db()
        assert world.enrollment.status == "active"

    def test_enrolling_someone_followed_in_another_own_programme(self, world, api):
        MembershipFactory(user=world.caseworker, programme=world.other_programme)
        response = api(world.caseworker).post(
            "/api/enrollments/",
            {"participant": world.participant.pk, "programme": world.other_programme.pk},
        )
        assert response.status_code == 201, response.content
        assert response.json()["status"] == "referred"

    def test_enrolling_someone_not_followed_is_refused_as_if_they_did_not_exist(self, world, api):
        client = api(world.caseworker)
        for pk in (world.foreign_participant.pk, 10**15):
            body = is_error(
                client.post(
                    "/api/enrollments/", {"participant": pk, "programme": world.programme.pk}
                ),
                400,
            )
            assert body["fields"]["participant"] == [f'Invalid pk "{pk}" - object does not exist.']


# --- notes ---------------------------------------------------------------------------------------


@pytest.fixture
def colleague(world):
    """A second caseworker in the same programme."""
    user = UserFactory(municipality=world.municipality, full_name="Cecilie Colleague")
    MembershipFactory(user=user, programme=world.programme, role="caseworker")
    return user


def a_note(world, *, confidential=False) -> CaseNote:
    return note_create(
        actor=world.caseworker,
        participant=world.participant,
        kind="meeting",
        occurred_on=TODAY,
        text="Secret matter" if confidential else "Talked about the placement.",
        confidential=confidential,
    )


class TestNotes:
    def test_a_note_is_written_with_a_follow_up_task(self, world, api):
        response = api(world.caseworker).post(
            "/api/notes/",
            {
                "participant": world.participant.pk,
                "kind": "phone",
                "occurred_on": TODAY.isoformat(),
                "text": "Called about Monday.",
                "follow_up_on": (TODAY + timedelta(days=3)).isoformat(),
            },
        )
        assert response.status_code == 201, response.content
        assert response.json()["author"] == world.caseworker.pk
        assert Task.objects.get().note_id == response.json()["id"]

    @pytest.mark.parametrize("who", ["caseworker", "programme_lead", "colleague"])
    def test_a_note_is_read_by_those_who_follow_the_person(self, world, api, colleague, who):
        note = a_note(world)
        user = colleague if who == "colleague" else getattr(world, who)
        assert ids(api(user).get("/api/notes/")) == {note.pk}
        assert api(user).get(f"/api/notes/{note.pk}/").json()["text"] == note.text

    @pytest.mark.parametrize("who", ["arbeidsleder", *OUT_OF_SCOPE])
    def test_anyone_else_gets_404_and_an_empty_list(self, world, api, who):
        note = a_note(world)
        client = api(getattr(world, who))
        is_error(client.get(f"/api/notes/{note.pk}/"), 404)
        assert ids(client.get("/api/notes/")) == set()

    def test_a_confidential_note_is_only_for_its_author_and_the_lead(self, world, api, colleague):
        note = a_note(world, confidential=True)
        assert ids(api(world.caseworker).get("/api/notes/")) == {note.pk}
        assert ids(api(world.programme_lead).get("/api/notes/")) == {note.pk}
        assert ids(api(colleague).get("/api/notes/")) == set()
        is_error(api(colleague).get(f"/api/notes/{note.pk}/"), 404)

    def test_the_author_edits_a_note_with_its_etag(self, world, api):
        note = a_note(world)
        client = api(world.caseworker)
        etag = client.get(f"/api/notes/{note.pk}/")["ETag"]
        response = client.patch(
            f"/api/notes/{note.pk}/", {"text": "Better words."}, **{"If-Match": etag}
        )
        assert response.status_code == 200, response.content
        note.refresh_from_db()
        assert note.text == "Better words." and note.kind == "meeting"
        is_error(
            client.patch(f"/api/notes/{note.pk}/", {"text": "Again"}, **{"If-Match": etag}), 412
        )
        note.refresh_from_db()
        assert note.text == "Better words."

    def test_only_the_author_changes_a_note(self, world, api, colleague):
        note = a_note(world)
        response = api(colleague).patch(
            f"/api/notes/{note.pk}/", {"text": "Not mine"}, **{"If-Match": '"1"'}
        )
        is_error(response, 400)
        note.refresh_from_db()
        assert note.text == "Talked about the placement."

    @pytest.mark.parametrize(
        "overrides, field",
        [
            ({"text": "x" * 20001}, "text"),
            ({"text": "a\x00b"}, "text"),
            ({"kind": "gossip"}, "kind"),
            ({"occurred_on": (TODAY + timedelta(days=1)).isoformat()}, "occurred_on"),
            ({"confidential": "on"}, "confidential"),
            ({"author": 1}, "author"),
        ],
    )
    def test_bad_notes_are_refused(self, world, api, overrides, field):
        data = {
            "participant": world.participant.pk,
            "kind": "meeting",
            "occurred_on": TODAY.isoformat(),
            "text": "Fine words.",
            **overrides,
        }
        assert field in is_error(api(world.caseworker).post("/api/notes/", data), 400)["fields"]
        assert not CaseNote.objects.exists()

    def test_an_arbeidsleder_cannot_write_a_note(self, world, api):
        data = {
            "participant": world.participant.pk,
            "kind": "meeting",
            "occurred_on": TODAY.isoformat(),
            "text": "Worksite news.",
        }
        is_error(api(world.arbeidsleder).post("/api/notes/", data), 403)


# --- plans ---------------------------------------------------------------------------------------


@pytest.fixture
def goal(world) -> Goal:
    return goal_create(
        actor=world.caseworker, participant=world.participant, category="fagbrev", title="Fagbrev"
    )


class TestPlans:
    def test_a_goal_is_made_changed_and_a_stale_change_refused(self, world, api):
        client = api(world.caseworker)
        created = client.post(
            "/api/goals/",
            {"participant": world.participant.pk, "category": "work", "title": "Job by summer"},
        )
        assert created.status_code == 201, created.content
        url = f"/api/goals/{created.json()['id']}/"
        changed = client.patch(url, {"status": "in_progress"}, **{"If-Match": created["ETag"]})
        assert changed.status_code == 200 and changed.json()["title"] == "Job by summer"
        is_error(client.patch(url, {"status": "dropped"}, **{"If-Match": created["ETag"]}), 412)
        assert Goal.objects.get().status == "in_progress"

    def test_milestones_are_added_and_ticked_off_with_their_etag(self, world, api, goal):
        client = api(world.caseworker)
        added = client.post("/api/milestones/", {"goal": goal.pk, "title": "Vg2"})
        assert added.status_code == 201, added.content
        url = f"/api/milestones/{added.json()['id']}/"
        done = client.patch(url, {"done": True}, **{"If-Match": added["ETag"]})
        assert done.status_code == 200 and done.json()["done_on"] == TODAY.isoformat()
        assert done["ETag"] != added["ETag"]
        is_error(client.patch(url, {"done": False}, **{"If-Match": added["ETag"]}), 412)
        is_error(client.patch(url, {"done": False}), 428)
        assert Milestone.objects.get().done_on == TODAY
        goal_body = client.get(f"/api/goals/{goal.pk}/").json()
        assert [m["title"] for m in goal_body["milestones"]] == ["Vg2"]

    @pytest.mark.parametrize("who", ["arbeidsleder", *OUT_OF_SCOPE])
    def test_the_plan_is_only_for_people_who_follow_the_case(self, world, api, goal, who):
        milestone = milestone_add(actor=world.caseworker, goal=goal, title="Vg2")
        client = api(getattr(world, who))
        is_error(client.get(f"/api/goals/{goal.pk}/"), 404)
        is_error(client.get(f"/api/milestones/{milestone.pk}/"), 404)
        assert ids(client.get("/api/goals/")) == set()
        assert ids(client.get("/api/milestones/")) == set()
        response = client.post("/api/milestones/", {"goal": goal.pk, "title": "Sneaky"})
        assert response.status_code in {400, 403}
        assert Milestone.objects.count() == 1

    def test_done_must_be_a_boolean(self, world, api, goal):
        milestone = milestone_add(actor=world.caseworker, goal=goal, title="Vg2")
        client = api(world.caseworker)
        etag = client.get(f"/api/milestones/{milestone.pk}/")["ETag"]
        response = client.patch(
            f"/api/milestones/{milestone.pk}/", {"done": "yes"}, **{"If-Match": etag}
        )
        assert "done" in is_error(response, 400)["fields"]


# --- tasks ---------------------------------------------------------------------------------------


def a_task(world, assignee=None) -> Task:
    return task_create(
        actor=world.caseworker,
        participant=world.participant,
        title="Call NAV",
        due_on=TODAY,
        assignee=assignee or world.caseworker,
    )


class TestTasks:
    def test_a_task_is_made_and_done(self, world, api):
        client = api(world.caseworker)
        created = client.post(
            "/api/tasks/",
            {
                "participant": world.participant.pk,
                "title": "Book a meeting",
                "due_on": TODAY.isoformat(),
                "assignee": world.programme_lead.pk,
            },
        )
        assert created.status_code == 201, created.content
        url = f"/api/tasks/{created.json()['id']}/"
        done = client.patch(url, {"done": True}, **{"If-Match": created["ETag"]})
        assert done.status_code == 200 and done.json()["done_at"]
        is_error(client.patch(url, {"done": False}, **{"If-Match": created["ETag"]}), 412)
        assert Task.objects.get().done_at is not None

    def test_a_task_for_someone_outside_the_case_is_refused(self, world, api):
        for assignee in (world.other_caseworker, world.foreign_caseworker):
            response = api(world.caseworker).post(
                "/api/tasks/",
                {
                    "participant": world.participant.pk,
                    "title": "Book a meeting",
                    "due_on": TODAY.isoformat(),
                    "assignee": assignee.pk,
                },
            )
            assert "assignee" in is_error(response, 400)["fields"]
        assert not Task.objects.exists()

    def test_open_and_done_filter_the_list(self, world, api):
        task = a_task(world)
        client = api(world.caseworker)
        assert ids(client.get("/api/tasks/", done="false")) == {task.pk}
        assert ids(client.get("/api/tasks/", done="true")) == set()
        assert ids(client.get("/api/tasks/", ordering="-due_on")) == {task.pk}

    @pytest.mark.parametrize("who", ["arbeidsleder", *OUT_OF_SCOPE])
    def test_anyone_else_gets_404_and_an_empty_list(self, world, api, who):
        task = a_task(world)
        client = api(getattr(world, who))
        is_error(client.get(f"/api/tasks/{task.pk}/"), 404)
        assert ids(client.get("/api/tasks/")) == set()
        is_error(client.patch(f"/api/tasks/{task.pk}/", {"done": True}, **{"If-Match": '"x"'}), 404)
        task.refresh_from_db()
        assert task.done_at is None


# --- query counts --------------------------------------------------------------------------------


def grow(world, n: int) -> None:
    """n more people in the programme, each with a placement, a note, a goal and a task."""
    for _ in range(n):
        person = ParticipantFactory(municipality=world.municipality)
        enrollment = EnrollmentFactory(
            participant=person, programme=world.programme, caseworker=world.caseworker
        )
        PlacementFactory(enrollment=enrollment, worksite=world.worksite)
        ConsentFactory(participant=person, recorded_by=world.caseworker)
        note_create(
            actor=world.caseworker,
            participant=person,
            kind="meeting",
            occurred_on=TODAY,
            text="A note.",
        )
        milestone_add(
            actor=world.caseworker,
            goal=goal_create(
                actor=world.caseworker, participant=person, category="work", title="Work"
            ),
            title="Step",
        )
        task_create(
            actor=world.caseworker,
            participant=person,
            title="Call",
            due_on=TODAY,
            assignee=world.caseworker,
        )


LISTS = [
    "/api/participants/",
    "/api/enrollments/",
    "/api/notes/",
    "/api/goals/",
    "/api/milestones/",
    "/api/tasks/",
]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("who", ["caseworker", "arbeidsleder"])
def test_a_list_costs_the_same_queries_for_one_row_as_for_many(world, client_for, url, who):
    client = client_for(getattr(world, who))
    grow(world, 1)
    few = queries(client, url)
    grow(world, 12)
    many = queries(client, url)
    assert many == few
    assert many <= 10
