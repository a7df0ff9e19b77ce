"""A season's work areas, priority tiers and places, and the municipality's workplaces, set up
from their pages: what may be changed or removed and when, ids of another season or
municipality refused on their fields, stale edits told."""

from datetime import date

import pytest
from django.urls import reverse

from audit.models import ChangeEvent
from summerjobs.models import (
    Allocation,
    Offer,
    Period,
    Place,
    PriorityTier,
    Season,
    WorkArea,
    Workplace,
)
from summerjobs.offers import offer_decline, offers_create
from summerjobs.services import application_set_tier, lottery_run
from summerjobs.setup import row_seen
from tests import factories as f
from tests.support.season_setup import setup_users
from tests.support.summerjobs import YEAR, apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(world, summer):
    return setup_users(world, summer)


@pytest.fixture
def other_season(world, summer):
    """A season of another Swedish municipality, with a period, an area and a workplace."""
    abroad = f.MunicipalityFactory(name="Annanstad", country="SE")
    programme = f.ProgrammeFactory(municipality=abroad, kind="feriearbete")
    season = Season.objects.create(
        programme=programme,
        name="Feriearbete Annanstad",
        applications_open_at=summer.season.applications_open_at,
        applications_close_at=summer.season.applications_close_at,
        born_from_year=2008,
        born_to_year=2010,
    )
    Period.objects.create(
        season=season, number=1, starts_on=date(YEAR, 6, 1), ends_on=date(YEAR, 6, 5)
    )
    WorkArea.objects.create(season=season, name="Park")
    Workplace.objects.create(municipality=abroad, name="Annanstads park", kind="unit")
    return season


def tiers_in_order(summer) -> list[tuple[int, str]]:
    return list(summer.season.tiers.order_by("position").values_list("position", "name"))


# --- work areas -----------------------------------------------------------------------------


def test_a_work_area_is_added_renamed_and_a_second_of_the_same_name_refused(
    users, summer, client_for
):
    client = client_for(users.coordinator)
    add = reverse("summerjobs:area-create", args=[summer.season.pk])
    assert client.post(add, {"name": "  Bibliotek  "}).status_code == 302
    area = WorkArea.objects.get(season=summer.season, name="Bibliotek")
    again = client.post(add, {"name": "bibliotek"})
    assert again.context["form"].errors["name"] == [
        "The season already has a work area of that name."
    ]

    edit = reverse("summerjobs:area-edit", args=[area.pk])
    assert client.post(edit, {"name": "Biblioteket", "seen": row_seen(area)}).status_code == 302
    area.refresh_from_db()
    assert area.name == "Biblioteket"
    assert ChangeEvent.objects.filter(model="summerjobs.workarea", action="update").count() == 1


def test_a_work_area_that_is_wished_for_or_offered_stays_and_a_free_one_goes(
    users, summer, client_for
):
    apply(summer, born=date(YEAR - 17, 4, 4), serial=601)  # wishes Vaktmästeri, Fritidshem
    client = client_for(users.lead)

    def remove(name: str):
        return client.post(
            reverse("summerjobs:area-remove", args=[summer.areas[name].pk]), follow=True
        ).content.decode()

    assert "Young people have chosen this work area, so it stays." in remove("Fritidshem")
    assert "Places are offered in this work area" in remove("Äldreomsorg")
    assert "The work area has been removed." in remove("Storkök")
    assert set(summer.season.areas.values_list("name", flat=True)) == {
        "Vaktmästeri",
        "Fritidshem",
        "Äldreomsorg",
    }


# --- priority tiers -------------------------------------------------------------------------


def test_tiers_are_added_last_moved_and_removed_with_positions_unique_and_gapless(
    users, summer, client_for
):
    client = client_for(users.lead)
    add = reverse("summerjobs:tier-create", args=[summer.season.pk])
    assert client.post(add, {"name": "Funktionsnedsättning", "sensitive": "on"}).status_code == 302
    new = PriorityTier.objects.get(name="Funktionsnedsättning")
    assert new.position == 3 and new.sensitive

    move = reverse("summerjobs:tier-move", args=[new.pk])
    client.post(move, {"direction": "up"})
    client.post(move, {"direction": "up"})
    assert tiers_in_order(summer) == [
        (0, "Känd av socialtjänsten"),
        (1, "Funktionsnedsättning"),
        (2, "Första ansökan"),
        (3, "Alla"),
    ]
    first = reverse("summerjobs:tier-move", args=[summer.tiers[0].pk])
    client.post(first, {"direction": "up"})  # already first: nothing moves
    client.post(first, {"direction": "sideways"})
    assert tiers_in_order(summer)[0] == (0, "Känd av socialtjänsten")

    client.post(reverse("summerjobs:tier-remove", args=[summer.tiers[0].pk]))
    assert tiers_in_order(summer) == [
        (0, "Funktionsnedsättning"),
        (1, "Första ansökan"),
        (2, "Alla"),
    ]


def test_a_tier_is_renamed_and_marked_sensitive_and_a_stale_change_is_told(
    users, summer, client_for
):
    tier = summer.tiers[1]
    url = reverse("summerjobs:tier-edit", args=[tier.pk])
    seen = row_seen(tier)
    first = client_for(users.coordinator).post(
        url, {"name": "Första ansökan i år", "sensitive": "on", "seen": seen}
    )
    assert first.status_code == 302
    stale = client_for(users.lead).post(url, {"name": "Nytt namn", "seen": seen})

    tier.refresh_from_db()
    assert tier.name == "Första ansökan i år" and tier.sensitive
    saved = [(str(label), text) for label, text in stale.context["saved"]]
    assert stale.status_code == 200
    assert saved == [("Name", "Första ansökan i år"), ("Sensitive ground", "Yes")]
    assert "Someone else changed this" in stale.content.decode()


def test_a_tier_with_applications_in_it_stays(users, summer, client_for):
    application = apply(summer, born=date(YEAR - 17, 4, 4), serial=602)
    application_set_tier(
        actor=users.lead, application=application, tier=summer.tiers[2], expected_version=1
    )
    response = client_for(users.lead).post(
        reverse("summerjobs:tier-remove", args=[summer.tiers[2].pk]), follow=True
    )
    assert "Applications are in this tier, so it stays." in response.content.decode()
    assert len(tiers_in_order(summer)) == 3


def test_after_a_run_for_real_the_tiers_stay_as_they_were(users, summer, client_for):
    apply(summer, born=date(YEAR - 17, 4, 4), serial=603)
    lottery_run(season=summer.season, seed=1, dry_run=False, actor=users.lead)
    client = client_for(users.coordinator)
    before = tiers_in_order(summer)
    tier = summer.tiers[1]

    page = client.get(reverse("summerjobs:setup", args=[summer.season.pk])).content.decode()
    assert (
        "stay as they were" in page and reverse("summerjobs:tier-move", args=[tier.pk]) not in page
    )
    client.post(reverse("summerjobs:tier-move", args=[tier.pk]), {"direction": "up"})
    client.post(reverse("summerjobs:tier-remove", args=[summer.tiers[2].pk]))
    added = client.post(reverse("summerjobs:tier-create", args=[summer.season.pk]), {"name": "Ny"})
    edited = client.post(
        reverse("summerjobs:tier-edit", args=[tier.pk]), {"name": "Ny", "seen": row_seen(tier)}
    )
    assert "The lottery has been run for real" in added.content.decode()
    assert "The lottery has been run for real" in edited.content.decode()
    assert tiers_in_order(summer) == before


# --- places ---------------------------------------------------------------------------------


def place_data(summer, **changes) -> dict:
    values = {
        "workplace": summer.places[0].workplace_id,
        "period": summer.periods[2].pk,
        "area": summer.areas["Storkök"].pk,
        "slots": "3",
        "min_age": "16",
        "tasks": "Diska och duka.",
        "supervisor_name": "Testhandledare",
        "supervisor_phone": "070-111 22 33",
    }
    return {**values, **changes}


def test_a_place_is_added_in_one_of_the_seasons_periods_and_areas(users, summer, client_for):
    url = reverse("summerjobs:place-create", args=[summer.season.pk])
    response = client_for(users.lead).post(url, place_data(summer, record_extract_required="on"))

    assert response.status_code == 302
    assert response["Location"] == reverse("summerjobs:places", args=[summer.season.pk])
    place = Place.objects.get(area=summer.areas["Storkök"])
    assert (place.slots, place.period, place.record_extract_required) == (
        3,
        summer.periods[2],
        True,
    )
    page = client_for(users.lead).get(response["Location"]).content.decode()
    assert "Testhandledare" in page and "070-111 22 33" in page


@pytest.mark.parametrize("field", ["workplace", "period", "area"])
def test_an_id_of_another_season_or_municipality_is_an_error_on_its_field(
    users, summer, other_season, client_for, field
):
    foreign = {
        "workplace": Workplace.objects.get(name="Annanstads park").pk,
        "period": other_season.periods.get().pk,
        "area": other_season.areas.get().pk,
    }
    client = client_for(users.lead)
    for url in (
        reverse("summerjobs:place-create", args=[summer.season.pk]),
        reverse("summerjobs:place-edit", args=[summer.places[0].pk]),
    ):
        data = place_data(summer, seen=row_seen(summer.places[0]), **{field: foreign[field]})
        response = client.post(url, data)
        assert response.status_code == 200
        assert response.context["form"].errors[field]
        for junk in ("x", "", "-1", str(10**20)):
            assert client.post(url, {**data, field: junk}).status_code == 200
    assert Place.objects.count() == 3
    summer.places[0].refresh_from_db()
    assert summer.places[0].period == summer.periods[0]


def test_a_place_of_another_municipality_is_404(users, other_season, client_for):
    workplace = Workplace.objects.get(name="Annanstads park")
    place = Place.objects.create(
        workplace=workplace,
        period=other_season.periods.get(),
        area=other_season.areas.get(),
        slots=1,
    )
    client = client_for(users.lead)
    assert client.get(reverse("summerjobs:place-edit", args=[place.pk])).status_code == 404
    assert client.post(reverse("summerjobs:place-remove", args=[place.pk])).status_code == 404
    assert client.get(reverse("summerjobs:workplace-edit", args=[workplace.pk])).status_code == 404
    assert client.get(reverse("summerjobs:places", args=[other_season.pk])).status_code == 404
    assert Place.objects.filter(pk=place.pk).exists()


def test_after_a_run_for_real_a_place_keeps_its_people(users, summer, client_for):
    apply(summer, born=date(YEAR - 17, 4, 4), serial=604, period_ids=[summer.periods[0].pk])
    apply(summer, born=date(YEAR - 17, 4, 5), serial=605, period_ids=[summer.periods[0].pk])
    lottery_run(season=summer.season, seed=1, dry_run=False, actor=users.lead)
    place = summer.places[0]  # Vaktmästeri, period 1, two positions: both given
    url = reverse("summerjobs:place-edit", args=[place.pk])
    client = client_for(users.lead)
    data = place_data(
        summer,
        period=place.period_id,
        area=place.area_id,
        slots="2",
        seen=row_seen(place),
    )

    def error(**changes) -> str:
        response = client.post(url, {**data, **changes})
        assert response.status_code == 200
        return " ".join(
            str(e) for errors in response.context["form"].errors.values() for e in errors
        )

    page = client.get(url).content.decode()
    assert "has given this place to 2 young people" in page
    assert reverse("summerjobs:place-remove", args=[place.pk]) not in page
    assert "offer at least as many" in error(slots="1")
    assert "its period and work area stay" in error(period=summer.periods[1].pk)
    assert "minimum age cannot be raised" in error(min_age="18")
    assert client.post(url, {**data, "slots": "4"}).status_code == 302
    removed = client.post(reverse("summerjobs:place-remove", args=[place.pk]), follow=True)
    assert "The lottery run for real has given young people this place" in removed.content.decode()
    place.refresh_from_db()
    assert place.slots == 4

    free = summer.places[1]
    assert client.post(reverse("summerjobs:place-remove", args=[free.pk])).status_code == 302
    assert not Place.objects.filter(pk=free.pk).exists()


def test_the_places_come_fifty_to_a_page_with_the_seasons_totals(users, summer, client_for):
    workplace = summer.places[0].workplace
    Place.objects.bulk_create(
        Place(workplace=workplace, period=summer.periods[2], area=summer.areas["Storkök"], slots=1)
        for _ in range(57)
    )
    client = client_for(users.lead)
    url = reverse("summerjobs:places", args=[summer.season.pk])
    first, second = client.get(url), client.get(url, {"page": "2"})
    assert len(first.context["places"]) == 50 and len(second.context["places"]) == 10
    assert "61 places offered" in first.content.decode()
    assert "in 60 offers from workplaces" in first.content.decode()


def test_the_place_form_can_start_with_a_workplace_chosen(users, summer, client_for):
    workplace = summer.places[1].workplace
    url = reverse("summerjobs:place-create", args=[summer.season.pk])
    response = client_for(users.lead).get(url, {"workplace": workplace.pk, "period": "x"})
    assert response.context["form"]["workplace"].value() == str(workplace.pk)


# --- workplaces -----------------------------------------------------------------------------


def test_a_workplace_is_added_to_the_municipality_and_changed(users, summer, client_for):
    client = client_for(users.coordinator)
    response = client.post(
        reverse("summerjobs:workplace-create"),
        {
            "name": "Solviks bibliotek",
            "kind": "unit",
            "address": "Storgatan 1",
            "contact_email": "bibliotek@solvik.example.org",
        },
    )
    workplace = Workplace.objects.get(name="Solviks bibliotek")
    assert workplace.municipality == summer.season.programme.municipality
    assert workplace.contact_email == "bibliotek@solvik.example.org"
    assert response["Location"] == reverse("summerjobs:workplace-edit", args=[workplace.pk])
    taken = client.post(
        reverse("summerjobs:workplace-create"), {"name": "SOLVIKS BIBLIOTEK", "kind": "unit"}
    )
    assert taken.context["form"].errors["name"]

    url = reverse("summerjobs:workplace-edit", args=[workplace.pk])
    changed = {"name": "Solviks stadsbibliotek", "kind": "unit", "seen": row_seen(workplace)}
    assert client.post(url, changed).status_code == 302
    stale = client_for(users.lead).post(url, {**changed, "name": "Ett annat namn"})
    workplace.refresh_from_db()
    assert workplace.name == "Solviks stadsbibliotek" and workplace.address == ""
    assert "Someone else changed this" in stale.content.decode()
    assert client.get(reverse("summerjobs:workplace-list")).content.decode().count("Solviks") >= 2


def test_the_workplace_page_lists_its_places_in_the_seasons_the_user_sets_up(
    users, summer, client_for
):
    workplace = summer.places[1].workplace
    page = client_for(users.lead).get(reverse("summerjobs:workplace-edit", args=[workplace.pk]))
    assert [p.pk for p in page.context["places"]] == [summer.places[1].pk]
    assert "Fritidshem" in page.content.decode()


def test_a_name_saved_meanwhile_by_someone_else_is_refused_on_its_field(
    users, summer, client_for, monkeypatch
):
    """Between the check and the save another lead saves the same name: the database's
    constraint refuses it, and the form says so instead of a server error."""
    monkeypatch.setattr("summerjobs.setup._area_name", lambda season, name, area: name)
    url = reverse("summerjobs:area-create", args=[summer.season.pk])
    response = client_for(users.lead).post(url, {"name": "Storkök"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "The season already has a work area of that name."
    ]
    assert summer.season.areas.filter(name="Storkök").count() == 1


def test_a_row_other_records_still_point_at_is_refused_not_a_server_error(
    users, summer, client_for, monkeypatch
):
    """Should a check miss a record that points at the row (a new kind of record, say), the
    database's protection refuses the removal with a message."""
    apply(summer, born=date(YEAR - 17, 4, 4), serial=606, period_ids=[summer.periods[0].pk])
    lottery_run(season=summer.season, seed=1, dry_run=False, actor=users.lead)
    monkeypatch.setattr(
        "summerjobs.setup_places.place_usage", lambda place: {"placed": 0, "overridden": 0}
    )
    place = summer.places[0]
    response = client_for(users.lead).post(
        reverse("summerjobs:place-remove", args=[place.pk]), follow=True
    )
    assert "Other records still rely on this, so it stays." in response.content.decode()
    assert Place.objects.filter(pk=place.pk).exists()


def test_a_place_that_was_offered_stays_after_the_offer_was_declined(users, summer, client_for):
    apply(summer, born=date(YEAR - 17, 4, 4), serial=607, period_ids=[summer.periods[0].pk])
    run = lottery_run(season=summer.season, seed=1, dry_run=False, actor=users.lead)
    offers_create(run=run, actor=users.lead)
    offer = Offer.objects.get()
    offer_decline(offer=offer, expected_version=offer.version)
    assert not Allocation.objects.filter(place=offer.place).exists()

    response = client_for(users.lead).post(
        reverse("summerjobs:place-remove", args=[offer.place_id]), follow=True
    )
    assert "has given young people this place, so it stays" in response.content.decode()
    assert Place.objects.filter(pk=offer.place_id).exists()
