import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def worksite_url(worksite) -> str:
    return reverse("placements:worksite", kwargs={"pk": worksite.pk})


@pytest.mark.parametrize("who", ["arbeidsleder", "caseworker", "programme_lead", "admin"])
def test_staff_of_the_municipality_can_open_the_worksite(world, client_for, who):
    response = client_for(getattr(world, who)).get(worksite_url(world.worksite))
    assert response.status_code == 200
    assert "Helsehuset" in response.content.decode()


@pytest.mark.parametrize(
    "who", ["other_arbeidsleder", "foreign_caseworker", "foreign_arbeidsleder"]
)
def test_an_arbeidsleder_elsewhere_and_other_municipalities_get_404(world, client_for, who):
    client = client_for(getattr(world, who))
    assert client.get(worksite_url(world.worksite)).status_code == 404
    assert "Helsehuset" not in client.get(reverse("placements:worksites")).content.decode()


def test_the_worksite_page_lists_only_participants_the_user_may_see(world, client_for):
    assert (
        "Testesen"
        in client_for(world.arbeidsleder).get(worksite_url(world.worksite)).content.decode()
    )
    # The other programme's caseworker may open the worksite but not see who is placed there.
    page = client_for(world.other_caseworker).get(worksite_url(world.worksite)).content.decode()
    assert "Helsehuset" in page and "Testesen" not in page


def test_the_municipality_admin_sees_worksites_but_no_participants(world, client_for):
    page = client_for(world.admin).get(worksite_url(world.worksite)).content.decode()
    assert "Testesen" not in page


def test_worksite_counts_only_count_visible_placements(world, client_for):
    rows = client_for(world.other_caseworker).get("/api/worksites/").json()["results"]
    counts = {row["name"]: row["placed"] for row in rows}
    assert counts["Helsehuset"] == 0
    rows = client_for(world.caseworker).get("/api/worksites/").json()["results"]
    assert {row["name"]: row["placed"] for row in rows}["Helsehuset"] == 1


def test_an_arbeidsleder_lists_only_own_worksites(world, client_for):
    page = client_for(world.arbeidsleder).get(reverse("placements:worksites")).content.decode()
    assert "Helsehuset" in page and "Kjøkkenet" not in page


def test_the_worksite_api_answers_404_for_another_municipality(world, client_for):
    client = client_for(world.foreign_caseworker)
    assert client.get(f"/api/worksites/{world.worksite.pk}/").status_code == 404
