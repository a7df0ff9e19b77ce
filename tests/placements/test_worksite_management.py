"""Worksites: created and edited by the municipality admin or a programme lead; capacity."""

from datetime import date

import pytest
from django.urls import reverse

from placements.models import Worksite, WorksiteCapacity

pytestmark = pytest.mark.django_db


def test_the_admin_creates_a_worksite_and_sets_capacity(world, client_for):
    client = client_for(world.admin)
    response = client.post(
        reverse("placements:worksite-create"),
        {"name": "Vaskeriet", "kind": "other", "address": "Gata 1"},
    )
    site = Worksite.objects.get(name="Vaskeriet")
    assert response.status_code == 302 and site.municipality == world.municipality
    client.post(
        reverse("placements:capacity-set", args=[site.pk]), {"field": "renhold", "places": "3"}
    )
    client.post(
        reverse("placements:capacity-set", args=[site.pk]), {"field": "renhold", "places": "4"}
    )
    assert WorksiteCapacity.objects.get(worksite=site).places == 4


def test_a_stale_edit_and_a_duplicate_name_are_refused(world, client_for):
    client = client_for(world.programme_lead)
    url = reverse("placements:worksite-edit", args=[world.worksite.pk])
    data = {"name": "Helsehuset", "kind": "helsehus", "address": "Ny vei 2", "version": 1}
    assert client.post(url, data).status_code == 302
    assert "Somebody else changed this worksite" in client.post(url, data).content.decode()
    response = client.post(url, {**data, "name": "kjøkkenet", "version": 2})
    assert "already has a worksite by this name" in response.content.decode()


def test_capacity_below_zero_is_refused(world, client_for):
    response = client_for(world.admin).post(
        reverse("placements:capacity-set", args=[world.worksite.pk]),
        {"field": "renhold", "places": "-1"},
        follow=True,
    )
    assert "greater than or equal to 0" in response.content.decode()
    assert not WorksiteCapacity.objects.exists()


def test_the_capacity_view_shows_places_taken_and_free(world, client_for):
    WorksiteCapacity.objects.create(worksite=world.worksite, field="helse_omsorg", places=3)
    page = (
        client_for(world.admin)
        .get(reverse("placements:capacity"), {"date": date.today().isoformat()})
        .content.decode()
    )
    assert "Helsehuset" in page and '<td data-label="Taken">1</td>' in page
    assert "Testesen" not in page  # counts, never people


@pytest.mark.parametrize("who", ["caseworker", "arbeidsleder"])
def test_caseworkers_and_arbeidsledere_do_not_manage_worksites(world, client_for, who):
    client = client_for(getattr(world, who))
    assert (
        client.post(
            reverse("placements:worksite-create"), {"name": "X", "kind": "other"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("placements:capacity-set", args=[world.worksite.pk]),
            {"field": "renhold", "places": "3"},
        ).status_code
        == 404
    )


def test_another_municipality_gets_404(world, client_for):
    from tests.factories import UserFactory

    foreign_admin = UserFactory(municipality=world.foreign_municipality, is_municipality_admin=True)
    client = client_for(foreign_admin)
    assert (
        client.get(reverse("placements:worksite-edit", args=[world.worksite.pk])).status_code == 404
    )
    assert (
        client.post(
            reverse("placements:capacity-set", args=[world.worksite.pk]),
            {"field": "renhold", "places": "3"},
        ).status_code
        == 404
    )
    assert "Helsehuset" not in client.get(reverse("placements:capacity")).content.decode()
