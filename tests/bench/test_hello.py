"""/hello/: the signed-in baseline page of the benchmark."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_hello_sends_a_visitor_who_is_not_signed_in_to_the_sign_in_page():
    response = Client().get("/hello/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/hello/")


def test_hello_answers_a_signed_in_user_in_plain_text(world, client_for):
    response = client_for(world.caseworker).get("/hello/")

    assert response.status_code == 200
    assert response.content == b"hello\n"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]


def test_hello_passes_the_second_factor_policy_like_every_page(world, client_for, settings):
    settings.FOTFESTE_MFA_REQUIRED = True

    response = client_for(world.caseworker).get("/hello/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
