"""Changes by hand to a run for real: a reason each time, a place with room and the age it asks,
kept with who made it; only by the programme's leads and coordinators, never on a dry run."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.errors import ApplicationError
from summerjobs.models import Allocation, Override, Place
from summerjobs.services import allocation_override, lottery_run
from tests import factories as f
from tests.support.summerjobs import YEAR, apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(world, summer):
    user = f.UserFactory(municipality=world.foreign_municipality, full_name="Lena Projektledare")
    f.MembershipFactory(user=user, programme=summer.season.programme, role="programme_lead")
    return user


@pytest.fixture
def run(summer):
    """Four 17-year-olds wanting only the Vaktmästeri (two places): two placed, two reserve;
    and a Storkök place with room that nobody wished for."""
    area = [summer.areas["Vaktmästeri"].pk]
    for n in range(4):
        apply(summer, born=date(YEAR - 17, 5, 1 + n), serial=900 + n, area_ids=area)
    summer.places.append(
        Place.objects.create(
            workplace=summer.places[0].workplace,
            period=summer.periods[0],
            area=summer.areas["Storkök"],
            slots=1,
        )
    )
    return lottery_run(season=summer.season, seed=4, dry_run=False, actor=None)


def reserve(run) -> list[Allocation]:
    return list(run.allocations.filter(place__isnull=True).order_by("reserve_position"))


def test_a_reserve_gets_a_place_with_room_and_the_change_is_kept(lead, summer, run, client_for):
    first = reserve(run)[0]
    storkok = summer.places[-1]
    client = client_for(lead)
    url = reverse("summerjobs:override", kwargs={"pk": first.pk})
    assert "Storkök" in client.get(url).content.decode()

    response = client.post(url, {"place": storkok.pk, "reason": "Bor nära storköket, ringde oss."})

    first.refresh_from_db()
    assert response.status_code == 302
    assert (first.place, first.reserve_position, first.choice_rank) == (storkok, None, None)
    change = Override.objects.get()
    assert (change.from_place, change.to_place, change.made_by) == (None, storkok, lead)
    page = client.get(reverse("summerjobs:run", kwargs={"pk": run.pk})).content.decode()
    assert "Bor nära storköket" in page


def test_a_full_place_a_missing_reason_and_too_young_are_refused(lead, summer, run):
    first = reserve(run)[0]
    vaktmasteri, aldreomsorg = summer.places[0], summer.places[2]
    cases = [
        (vaktmasteri, "Full plats ändå", "place"),
        (summer.places[-1], "  ", "reason"),
        (aldreomsorg, "Vill till äldreomsorgen", "place"),  # 18 and over; they are 17
    ]
    for place, reason, field in cases:
        with pytest.raises(ApplicationError) as caught:
            allocation_override(actor=lead, allocation=first, place=place, reason=reason)
        assert caught.value.field == field
    first.refresh_from_db()
    assert first.place is None and not Override.objects.exists()


def test_a_place_taken_back_goes_to_the_end_of_the_reserve_list(lead, run):
    placed = run.allocations.filter(place__isnull=False).first()
    allocation_override(actor=lead, allocation=placed, place=None, reason="Tackade nej i telefon.")
    placed.refresh_from_db()
    assert placed.place is None and placed.reserve_position == 3
    with pytest.raises(ApplicationError):
        allocation_override(actor=lead, allocation=placed, place=None, reason="Igen, av misstag")


def test_a_dry_run_is_not_changed_by_hand(lead, summer, run):
    dry = lottery_run(season=summer.season, seed=5, dry_run=True, actor=lead)
    assert not dry.allocations.exists()
    allocation = reserve(run)[0]
    allocation.run = dry
    with pytest.raises(ApplicationError):
        allocation_override(actor=lead, allocation=allocation, place=None, reason="Provkörning")


def test_others_get_404_and_change_nothing(world, lead, summer, run, client_for):
    first = reserve(run)[0]
    url = reverse("summerjobs:override", kwargs={"pk": first.pk})
    data = {"place": summer.places[-1].pk, "reason": "Försöker ändå"}
    colleague = f.UserFactory(municipality=world.foreign_municipality)
    f.MembershipFactory(
        user=colleague,
        programme=f.ProgrammeFactory(municipality=world.foreign_municipality),
        role="programme_lead",
    )
    for user in (world.foreign_caseworker, colleague, world.programme_lead):
        client = client_for(user)
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
    page = client_for(world.foreign_caseworker).get(
        reverse("summerjobs:run", kwargs={"pk": run.pk})
    )
    assert url not in page.content.decode()
    first.refresh_from_db()
    assert first.place is None and not Override.objects.exists()


def test_when_every_place_is_taken_the_page_says_so(lead, summer, run, client_for):
    Place.objects.filter(pk=summer.places[-1].pk).delete()
    Place.objects.filter(pk=summer.places[1].pk).delete()  # the Fritidshem place nobody got
    Place.objects.filter(pk=summer.places[2].pk).delete()  # the Äldreomsorg place nobody got
    url = reverse("summerjobs:override", kwargs={"pk": reserve(run)[0].pk})
    assert "Every place is taken" in client_for(lead).get(url).content.decode()


def test_the_run_page_costs_the_same_queries_with_or_without_changes_by_hand(lead, run, client_for):
    client = client_for(lead)
    url = reverse("summerjobs:run", kwargs={"pk": run.pk})

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    placed = list(run.allocations.filter(place__isnull=False))
    for allocation in placed:
        allocation_override(actor=lead, allocation=allocation, place=None, reason="Tackade nej.")
    assert queries() == before <= 12
