"""Who may see a participant: the executable version of DESIGN.md §3 for the pages and the API."""

import pytest
from django.urls import reverse

from participants.models import Participant

pytestmark = pytest.mark.django_db

DETAIL = "participants:detail"


def detail_url(participant) -> str:
    return reverse(DETAIL, kwargs={"pk": participant.pk})


@pytest.mark.parametrize("who", ["caseworker", "programme_lead", "arbeidsleder"])
def test_people_who_follow_or_supervise_the_participant_can_open_the_page(world, client_for, who):
    response = client_for(getattr(world, who)).get(detail_url(world.participant))
    assert response.status_code == 200
    assert "Amalie Testesen" in response.content.decode()


@pytest.mark.parametrize(
    "who",
    [
        "other_caseworker",
        "other_arbeidsleder",
        "admin",
        "foreign_caseworker",
        "foreign_arbeidsleder",
    ],
)
def test_everyone_else_gets_404_on_the_participant_page(world, client_for, who):
    response = client_for(getattr(world, who)).get(detail_url(world.participant))
    assert response.status_code == 404
    assert "Amalie" not in response.content.decode()


@pytest.mark.parametrize(
    "who", ["other_caseworker", "other_arbeidsleder", "foreign_caseworker", "foreign_arbeidsleder"]
)
def test_the_caseload_never_lists_a_participant_out_of_scope(world, client_for, who):
    client = client_for(getattr(world, who))
    response = client.get(reverse("participants:caseload"))
    assert response.status_code == 200
    assert "Testesen" not in response.content.decode()
    client.post(reverse("participants:caseload"), {"q": "Amalie"})
    assert "Testesen" not in client.get(reverse("participants:caseload")).content.decode()


def test_the_caseload_lists_own_participants_and_finds_them_by_name(world, client_for):
    client = client_for(world.caseworker)
    assert "Testesen" in client.get(reverse("participants:caseload")).content.decode()
    response = client.post(reverse("participants:caseload"), {"q": "amalie"}, follow=True)
    assert "Testesen" in response.content.decode()
    response = client.post(reverse("participants:caseload"), {"q": "nobody-like-this"}, follow=True)
    assert "Testesen" not in response.content.decode()


def test_a_search_term_never_appears_in_a_url(world, client_for):
    client = client_for(world.caseworker)
    response = client.post(reverse("participants:caseload"), {"q": "Amalie"})
    assert response.status_code == 303
    assert "Amalie" not in response["Location"]


def test_the_municipality_admin_has_no_caseload(world, client_for):
    assert client_for(world.admin).get(reverse("participants:caseload")).status_code == 404


def test_an_arbeidsleder_sees_the_placement_but_nothing_of_the_case(world, client_for):
    page = client_for(world.arbeidsleder).get(detail_url(world.participant)).content.decode()
    assert "Helsehuset" in page
    assert "En av mange" not in page  # the enrollment
    assert "Kari Caseworker" not in page  # the caseworker
    assert "Who has looked at this record" not in page
    assert "What changed" not in page


def test_an_arbeidsleder_loses_sight_of_a_participant_when_the_placement_ends(world, client_for):
    world.placement.status = "ended"
    world.placement.save()
    client = client_for(world.arbeidsleder)
    assert client.get(detail_url(world.participant)).status_code == 404
    assert "Testesen" not in client.get(reverse("participants:caseload")).content.decode()


@pytest.mark.parametrize("who", ["arbeidsleder", "other_caseworker", "foreign_caseworker", "admin"])
def test_only_people_who_follow_the_case_may_edit_it(world, client_for, who):
    client = client_for(getattr(world, who))
    url = reverse("participants:edit", kwargs={"pk": world.participant.pk})
    assert client.get(url).status_code == 404
    data = {"first_name": "Changed", "last_name": "Name", "version": 1}
    assert client.post(url, data).status_code == 404
    world.participant.refresh_from_db()
    assert world.participant.first_name == "Amalie"


def test_visible_to_is_empty_for_users_without_a_municipality(world):
    from tests.factories import UserFactory

    operator = UserFactory(municipality=None, is_staff=True, is_superuser=True)
    assert not Participant.objects.visible_to(operator).exists()


def test_a_user_with_two_roles_sees_the_union_but_case_data_only_where_they_follow(
    world, client_for
):
    # The caseworker also supervises the kitchen, where someone from another programme works.
    from tests.factories import (
        EnrollmentFactory,
        ParticipantFactory,
        PlacementFactory,
        SupervisorFactory,
    )

    SupervisorFactory(user=world.caseworker, worksite=world.other_worksite)
    stranger = ParticipantFactory(municipality=world.municipality, last_name="Kjøkkensen")
    from tests.factories import ConsentFactory

    ConsentFactory(participant=stranger, recorded_by=world.caseworker)
    PlacementFactory(
        enrollment=EnrollmentFactory(participant=stranger, programme=world.other_programme),
        worksite=world.other_worksite,
    )
    client = client_for(world.caseworker)
    caseload = client.get(reverse("participants:caseload")).content.decode()
    assert "Testesen" in caseload and "Kjøkkensen" in caseload
    page = client.get(detail_url(stranger)).content.decode()
    assert "Ung i jobb" not in page  # the other programme's enrollment stays hidden
    assert client.get(reverse("participants:edit", kwargs={"pk": stranger.pk})).status_code == 404


class TestApi:
    def test_the_api_lists_only_participants_in_scope(self, world, client_for):
        names = {
            row["last_name"]
            for row in client_for(world.caseworker).get("/api/participants/").json()["results"]
        }
        assert names == {"Testesen"}

    @pytest.mark.parametrize(
        "who", ["other_caseworker", "other_arbeidsleder", "admin", "foreign_caseworker"]
    )
    def test_the_api_answers_404_out_of_scope_and_lists_nothing(self, world, client_for, who):
        client = client_for(getattr(world, who))
        assert client.get(f"/api/participants/{world.participant.pk}/").status_code == 404
        rows = client.get("/api/participants/").json()["results"]
        assert world.participant.pk not in {row["id"] for row in rows}

    def test_the_api_refuses_anonymous_requests(self, world, client):
        assert client.get("/api/participants/").status_code in {401, 403}
        assert client.get(f"/api/participants/{world.participant.pk}/").status_code in {401, 403}

    def test_an_absurd_id_is_a_404_not_a_server_error(self, world, client_for):
        client = client_for(world.caseworker)
        assert client.get("/api/participants/99999999999999999999999/").status_code == 404
        assert client.get("/api/participants/abc/").status_code == 404
