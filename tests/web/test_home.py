import pytest

pytestmark = pytest.mark.django_db


def test_the_home_page_speaks_to_each_role(world, client_for):
    def home(user) -> str:
        return client_for(user).get("/").content.decode()

    assert "You are the caseworker for 1 person" in home(world.caseworker)
    lead = home(world.programme_lead)
    assert "Programmes I lead" in lead and "You are the caseworker" not in lead
    assert "Testesen" in home(world.arbeidsleder)  # today's people at the worksite
    admin = home(world.admin)
    assert "Invite a user" in admin and "Testesen" not in admin
    foreign = home(world.foreign_arbeidsleder)
    assert "Testesen" not in foreign and "Utlandsson" in foreign
