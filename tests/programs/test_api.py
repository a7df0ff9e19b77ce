"""Programmes and grants in the API: the people who see them on the pages see them here, the
leads change them through the set-up services, with ETag / If-Match."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from audit.models import ChangeEvent
from programs.models import Grant, Programme
from programs.services import grant_save
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    MembershipFactory,
    ProgrammeFactory,
    UserFactory,
)
from tests.support.api import Api, ids, is_error, queries

pytestmark = pytest.mark.django_db
TODAY = date.today()
NOT_MEMBERS = ["other_caseworker", "arbeidsleder", "admin", "foreign_caseworker"]


@pytest.fixture
def api(client_for):
    return lambda user: Api(client_for(user))


def programme_url(world) -> str:
    return f"/api/programmes/{world.programme.pk}/"


def a_grant(world, programmes=None) -> Grant:
    return grant_save(
        actor=world.programme_lead,
        municipality=world.municipality,
        programmes=programmes or [world.programme],
        funder="Agder fylkeskommune",
        name="LIM 2025",
        amount=Decimal("450000.00"),
        starts_on=TODAY - timedelta(days=30),
        ends_on=TODAY + timedelta(days=335),
        funded_position_share=Decimal("0.50"),
    )


@pytest.fixture
def other_lead(world):
    """The lead of the municipality's other programme."""
    user = UserFactory(municipality=world.municipality, full_name="Other Lead")
    MembershipFactory(user=user, programme=world.other_programme, role="programme_lead")
    return user


# --- programmes ----------------------------------------------------------------------------------


class TestProgrammeScope:
    def test_the_lead_gets_the_programme_with_its_set_up_and_counts(self, world, api):
        CohortFactory(programme=world.programme, name="Høst 2025")
        body = api(world.programme_lead).get(programme_url(world)).json()
        assert body["led"] is True
        assert body["active_count"] == 1 and body["total_count"] == 1
        assert body["retention_months"] == 60
        assert [c["name"] for c in body["cohorts"]] == ["Høst 2025"]

    def test_a_caseworker_gets_what_intake_offers_and_not_the_leads_figures(self, world, api):
        client = api(world.caseworker)
        assert ids(client.get("/api/programmes/")) == {world.programme.pk}
        body = client.get(programme_url(world)).json()
        assert body["name"] == "En av mange" and body["led"] is False
        assert {
            "active_count",
            "total_count",
            "retention_months",
            "target_participants",
        }.isdisjoint(body)

    @pytest.mark.parametrize("who", NOT_MEMBERS)
    def test_who_does_not_work_in_it_gets_404_and_never_sees_it_listed(self, world, api, who):
        client = api(getattr(world, who))
        is_error(client.get(programme_url(world)), 404)
        assert world.programme.pk not in ids(client.get("/api/programmes/"))

    def test_kind_and_ordering_filter_the_list(self, world, api):
        MembershipFactory(user=world.programme_lead, programme=world.other_programme)
        client = api(world.programme_lead)
        names = [
            p["name"] for p in client.get("/api/programmes/", ordering="-name").json()["results"]
        ]
        assert names == ["Ung i jobb", "En av mange"]
        assert ids(client.get("/api/programmes/", kind="kvp")) == set()

    @pytest.mark.parametrize("params", [{"kind": "circus"}, {"ordering": "retention_months"}])
    def test_a_bad_filter_is_a_400(self, world, api, params):
        is_error(api(world.programme_lead).get("/api/programmes/", **params), 400)

    def test_programmes_are_not_created_through_the_api(self, world, api):
        response = api(world.programme_lead).post("/api/programmes/", {"name": "New"})
        is_error(response, 405)


class TestProgrammeChanges:
    def test_the_lead_changes_it_with_its_etag(self, world, api):
        client = api(world.programme_lead)
        etag = client.get(programme_url(world))["ETag"]
        response = client.patch(
            programme_url(world), {"target_participants": 25}, **{"If-Match": etag}
        )
        assert response.status_code == 200, response.content
        assert response.json()["target_participants"] == 25 and response["ETag"] == '"2"'
        world.programme.refresh_from_db()
        assert world.programme.name == "En av mange" and world.programme.retention_months == 60
        assert ChangeEvent.objects.filter(action="update").exists()

    def test_a_stale_etag_gets_412_and_a_missing_one_428(self, world, api):
        client = api(world.programme_lead)
        Programme.objects.filter(pk=world.programme.pk).update(version=2)
        is_error(client.patch(programme_url(world), {"name": "Stale"}, **{"If-Match": '"1"'}), 412)
        is_error(client.patch(programme_url(world), {"name": "Missing"}), 428)
        world.programme.refresh_from_db()
        assert world.programme.name == "En av mange"

    @pytest.mark.parametrize("who", ["caseworker", *NOT_MEMBERS])
    def test_only_its_lead_changes_it(self, world, api, who):
        response = api(getattr(world, who)).patch(
            programme_url(world), {"name": "Taken over"}, **{"If-Match": '"1"'}
        )
        is_error(response, 404)
        world.programme.refresh_from_db()
        assert world.programme.name == "En av mange"

    @pytest.mark.parametrize(
        "data, field",
        [
            ({"name": "Ung i jobb"}, "name"),
            ({"name": ""}, "name"),
            ({"name": 7}, "name"),
            ({"retention_months": 6}, "retention_months"),
            ({"retention_months": 99999999999999999999}, "retention_months"),
            ({"target_participants": -1}, "target_participants"),
            ({"kind": "circus"}, "kind"),
            ({"starts_on": "2026-01-01", "ends_on": "2025-01-01"}, "ends_on"),
            ({"ends_on": "10000-01-01"}, "ends_on"),
            ({"municipality": 2}, "municipality"),
        ],
    )
    def test_bad_changes_are_refused_naming_the_field(self, world, api, data, field):
        response = api(world.programme_lead).patch(
            programme_url(world), data, **{"If-Match": '"1"'}
        )
        assert field in is_error(response, 400)["fields"]
        world.programme.refresh_from_db()
        assert world.programme.version == 1

    def test_a_put_needs_the_name_and_kind(self, world, api):
        response = api(world.programme_lead).put(
            programme_url(world), {"target_participants": 3}, **{"If-Match": '"1"'}
        )
        assert {"name", "kind"} <= set(is_error(response, 400)["fields"])


# --- grants --------------------------------------------------------------------------------------


def grant_data(world, **overrides) -> dict:
    return {
        "funder": "Agder fylkeskommune",
        "name": "LIM 2026",
        "amount": "300000.00",
        "starts_on": "2026-01-01",
        "ends_on": "2026-12-31",
        "own_contribution_percent": "20",
        "programmes": [world.programme.pk],
        **overrides,
    }


class TestGrants:
    def test_the_lead_sees_the_grants_of_their_programmes(self, world, api):
        grant = a_grant(world)
        client = api(world.programme_lead)
        assert ids(client.get("/api/grants/")) == {grant.pk}
        body = client.get(f"/api/grants/{grant.pk}/").json()
        assert body["funded_position_share"] == "0.50"
        assert body["programmes"] == [world.programme.pk]

    @pytest.mark.parametrize("who", ["caseworker", "other_lead", *NOT_MEMBERS])
    def test_anyone_else_gets_404_and_an_empty_list(self, world, api, other_lead, who):
        grant = a_grant(world)
        client = api(other_lead if who == "other_lead" else getattr(world, who))
        is_error(client.get(f"/api/grants/{grant.pk}/"), 404)
        assert ids(client.get("/api/grants/")) == set()

    def test_a_lead_registers_a_grant_for_their_programme(self, world, api):
        response = api(world.programme_lead).post("/api/grants/", grant_data(world))
        assert response.status_code == 201, response.content
        assert response.json()["own_contribution_percent"] == "20.00"
        assert Grant.objects.get().programmes.get() == world.programme

    @pytest.mark.parametrize("who", ["caseworker", "arbeidsleder", "admin"])
    def test_who_leads_no_programme_cannot_register_one(self, world, api, who):
        is_error(api(getattr(world, who)).post("/api/grants/", grant_data(world)), 403)
        assert not Grant.objects.exists()

    def test_a_programme_one_does_not_lead_is_refused(self, world, api):
        foreign = ProgrammeFactory(name="Feriejobb")
        for programme in (world.other_programme, foreign):
            response = api(world.programme_lead).post(
                "/api/grants/", grant_data(world, programmes=[programme.pk])
            )
            assert "programmes" in is_error(response, 400)["fields"]
        assert not Grant.objects.exists()

    @pytest.mark.parametrize(
        "overrides, field",
        [
            ({"amount": "-1"}, "amount"),
            ({"amount": "1e20"}, "amount"),
            ({"amount": "Infinity"}, "amount"),
            ({"own_contribution_percent": "101"}, "own_contribution_percent"),
            ({"funded_position_share": "51"}, "funded_position_share"),
            ({"programmes": []}, "programmes"),
            ({"programmes": "1"}, "programmes"),
            ({"programmes": [99999999999999999999]}, "programmes"),
            ({"ends_on": "2025-12-31"}, "ends_on"),
            ({"name": "x" * 151}, "name"),
            ({"deadlines": []}, "deadlines"),
        ],
    )
    def test_bad_grants_are_refused(self, world, api, overrides, field):
        response = api(world.programme_lead).post("/api/grants/", grant_data(world, **overrides))
        assert field in is_error(response, 400)["fields"]
        assert not Grant.objects.exists()

    def test_a_change_keeps_the_programmes_and_needs_the_current_etag(self, world, api):
        grant = a_grant(world)
        url = f"/api/grants/{grant.pk}/"
        client = api(world.programme_lead)
        etag = client.get(url)["ETag"]
        response = client.patch(url, {"amount": "500000"}, **{"If-Match": etag})
        assert response.status_code == 200, response.content
        assert response.json()["programmes"] == [world.programme.pk]
        is_error(client.patch(url, {"amount": "1"}, **{"If-Match": etag}), 412)
        is_error(client.patch(url, {"amount": "1"}), 428)
        grant.refresh_from_db()
        assert grant.amount == Decimal("500000.00") and grant.name == "LIM 2025"

    def test_a_grant_shared_with_a_programme_one_does_not_lead_cannot_be_changed(
        self, world, api, other_lead
    ):
        grant = a_grant(world)
        grant.programmes.add(world.other_programme)
        response = api(world.programme_lead).patch(
            f"/api/grants/{grant.pk}/", {"amount": "1"}, **{"If-Match": '"1"'}
        )
        is_error(response, 400)
        grant.refresh_from_db()
        assert grant.amount == Decimal("450000.00")

    def test_a_lead_of_one_funded_programme_cannot_drop_the_others(self, world, api, other_lead):
        grant = a_grant(world)
        grant.programmes.add(world.other_programme)
        response = api(world.programme_lead).patch(
            f"/api/grants/{grant.pk}/",
            {"amount": "1", "programmes": [world.programme.pk]},
            **{"If-Match": '"1"'},
        )
        is_error(response, 400)  # the lead sees the grant, but may not change it
        grant.refresh_from_db()
        assert grant.amount == Decimal("450000.00")
        assert set(grant.programmes.all()) == {world.programme, world.other_programme}


# --- query counts --------------------------------------------------------------------------------


def grow(world, n: int) -> None:
    """n more programmes the lead leads, each with a cohort, an enrollment and a grant."""
    for _ in range(n):
        programme = ProgrammeFactory(municipality=world.municipality)
        MembershipFactory(user=world.programme_lead, programme=programme, role="programme_lead")
        CohortFactory(programme=programme)
        EnrollmentFactory(programme=programme)
        a_grant(world, programmes=[programme])


@pytest.mark.parametrize("url", ["/api/programmes/", "/api/grants/"])
def test_a_list_costs_the_same_queries_for_one_row_as_for_many(world, client_for, url):
    client = client_for(world.programme_lead)
    grow(world, 1)
    few = queries(client, url)
    grow(world, 12)
    assert len(ids(client.get(url))) > 12
    many = queries(client, url)
    assert many == few
    assert many <= 12
