"""The Django admin signs in through allauth, and only platform staff get in."""

import pytest

from tests import factories as f
from tests.support.visitors import sign_in

pytestmark = pytest.mark.django_db


def test_the_admin_sign_in_page_sends_visitors_to_the_ordinary_sign_in(db, browser):
    response = browser().get("/admin/login/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Flogin%2F"


def test_the_admin_index_sends_anonymous_visitors_to_the_ordinary_sign_in(db, browser):
    response = browser().get("/admin/", follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/login/?next=%2Fadmin%2F"
    assert response.status_code == 200


def test_the_admin_password_form_cannot_be_used_to_sign_in(db, browser):
    staff = f.UserFactory(is_staff=True, is_superuser=True, municipality=None)
    client = browser()

    response = client.post("/admin/login/", {"username": staff.email, "password": f.PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("who", ["caseworker", "admin", "arbeidsleder"])
def test_ordinary_users_cannot_use_the_admin(world, client_for, who):
    client = client_for(getattr(world, who))

    index = client.get("/admin/", follow=True)
    users = client.get("/admin/accounts/user/", follow=True)

    assert index.status_code == 403
    assert users.status_code == 403


def test_platform_staff_reach_the_admin_after_the_ordinary_sign_in(db, browser):
    staff = f.UserFactory(is_staff=True, is_superuser=True, municipality=None)
    client = browser()

    sign_in(client, staff.email)
    response = client.get("/admin/")

    assert response.status_code == 200
