"""The municipality's admin sets the smallest count of people its reports show."""

import pytest
from django.urls import reverse

from audit.models import ChangeEvent

pytestmark = pytest.mark.django_db
URL = reverse("accounts:municipality")


def test_the_admin_sets_the_threshold_and_it_is_recorded(world, client_for):
    client = client_for(world.admin)
    assert 'value="5"' in client.get(URL).content.decode()
    response = client.post(URL, {"disclosure_threshold": "10", "language": "nb"})
    assert response.status_code == 302
    world.municipality.refresh_from_db()
    assert world.municipality.disclosure_threshold == 10
    assert ChangeEvent.objects.filter(object_id=str(world.municipality.pk)).exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2", "greater than or equal to 3"),
        ("21", "less than or equal to 20"),
        ("fem", "whole number"),
    ],
)
def test_a_threshold_outside_three_to_twenty_is_refused_and_nothing_changes(
    world, client_for, value, message
):
    response = client_for(world.admin).post(URL, {"disclosure_threshold": value})
    assert response.status_code == 200 and message in response.content.decode()
    world.municipality.refresh_from_db()
    assert world.municipality.disclosure_threshold == 5


def test_only_the_municipalitys_admin_reaches_its_settings(world, client_for):
    for user in (world.programme_lead, world.caseworker, world.foreign_caseworker):
        client = client_for(user)
        assert client.get(URL).status_code == 404
        assert client.post(URL, {"disclosure_threshold": "3"}).status_code == 404
    world.municipality.refresh_from_db()
    assert world.municipality.disclosure_threshold == 5


def test_the_service_refuses_a_threshold_out_of_range_whoever_calls_it(world):
    from accounts.services import municipality_threshold_set
    from config.errors import ApplicationError

    for value in (2, 21):
        with pytest.raises(ApplicationError, match="from 3 to 20"):
            municipality_threshold_set(actor=world.admin, threshold=value)
    with pytest.raises(ApplicationError, match="admin"):
        municipality_threshold_set(actor=world.programme_lead, threshold=4)
    world.municipality.refresh_from_db()
    assert world.municipality.disclosure_threshold == 5
