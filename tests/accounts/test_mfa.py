"""Two-factor authentication: required set-up, the code at sign-in, recovery codes."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.auth import SESSION_KEY

from tests import factories as f
from tests.support.visitors import sign_in, text

pytestmark = pytest.mark.django_db

PERIOD = 30


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // PERIOD))


def wrong_code(secret: str) -> str:
    """A code that is not valid in any window the server accepts."""
    now = int(time.time()) // PERIOD
    valid = {format_hotp_value(hotp_value(secret, now + d)) for d in range(-2, 3)}
    return next(c for c in ("000000", "111111", "123456", "999999") if c not in valid)


@pytest.fixture(autouse=True)
def _one_step_of_clock_drift(settings):
    # A code computed just before a 30-second boundary must still count when posted after it.
    settings.MFA_TOTP_TOLERANCE = 1


@pytest.fixture
def mfa_required(settings):
    settings.FOTFESTE_MFA_REQUIRED = True


@pytest.fixture
def with_totp(world):
    """The caseworker has an authenticator app set up; returns its secret."""
    secret = generate_totp_secret()
    TOTP.activate(world.caseworker, secret)
    return secret


@pytest.mark.parametrize("path", ["/", "/participants/", "/worksites/", "/manage/users/"])
def test_without_totp_every_page_leads_to_setting_it_up(world, client_for, mfa_required, path):
    response = client_for(world.admin).get(path)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


def test_the_redirect_says_why(world, client_for, mfa_required, settings):
    client = client_for(world.caseworker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/participants/", follow=True)

    assert "Set up two-factor authentication to continue." in text(response)


def test_without_totp_the_api_answers_401_json(world, client_for, mfa_required):
    response = client_for(world.caseworker).get("/api/participants/")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_without_totp_an_htmx_request_is_told_where_to_go(world, client_for, mfa_required):
    response = client_for(world.caseworker).get("/participants/", HTTP_HX_REQUEST="true")

    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/2fa/totp/activate/"


def test_when_not_required_pages_open_without_totp(world, client_for):
    assert client_for(world.caseworker).get("/participants/").status_code == 200


def test_setting_up_totp_with_the_shown_secret_opens_the_pages(world, browser, mfa_required):
    client = browser()
    sign_in(client, world.caseworker.email)
    assert client.get("/").status_code == 302

    asks_password_again = client.get("/accounts/2fa/totp/activate/")
    reauthenticate(client)
    form = client.get("/accounts/2fa/totp/activate/")
    secret = client.session[SECRET_SESSION_KEY]
    refused = client.post("/accounts/2fa/totp/activate/", {"code": wrong_code(secret)})
    activated = client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})

    assert asks_password_again["Location"].startswith("/accounts/reauthenticate/")
    assert form.status_code == 200
    assert secret in text(form)
    assert refused.status_code == 200
    assert "Incorrect code." in text(refused)
    assert activated.status_code == 302
    assert Authenticator.objects.filter(
        user=world.caseworker, type=Authenticator.Type.TOTP
    ).exists()
    assert client.get("/").status_code == 200
    assert client.get("/participants/").status_code == 200
    assert client.get("/api/participants/").status_code == 200


def test_a_user_with_totp_is_asked_for_the_code_after_the_password(world, browser, with_totp):
    client = browser()

    response = sign_in(client, world.caseworker.email)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert SESSION_KEY not in client.session
    assert client.get("/").status_code == 302
    page = client.get("/accounts/2fa/authenticate/")
    assert page.status_code == 200


def test_a_wrong_code_is_refused(world, browser, with_totp):
    client = browser()
    sign_in(client, world.caseworker.email)

    response = client.post("/accounts/2fa/authenticate/", {"code": wrong_code(with_totp)})

    assert response.status_code == 200
    assert "Incorrect code." in text(response)
    assert SESSION_KEY not in client.session


def test_the_right_code_signs_in(world, browser, with_totp, mfa_required):
    client = browser()
    sign_in(client, world.caseworker.email)

    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(with_totp)})

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(world.caseworker.pk)
    assert client.get("/participants/").status_code == 200


def test_a_code_cannot_be_used_twice(world, browser, with_totp):
    code = current_code(with_totp)
    first = browser()
    sign_in(first, world.caseworker.email)
    first.post("/accounts/2fa/authenticate/", {"code": code})
    second = browser()
    sign_in(second, world.caseworker.email)

    response = second.post("/accounts/2fa/authenticate/", {"code": code})

    assert first.session[SESSION_KEY] == str(world.caseworker.pk)
    assert "Incorrect code." in text(response)
    assert SESSION_KEY not in second.session


def test_repeated_wrong_codes_are_rate_limited(world, browser, with_totp):
    client = browser()
    sign_in(client, world.caseworker.email)
    for _ in range(5):
        client.post("/accounts/2fa/authenticate/", {"code": wrong_code(with_totp)})

    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(with_totp)})

    assert response.status_code == 200
    assert "Too many failed login attempts." in text(response)
    assert SESSION_KEY not in client.session


def test_a_recovery_code_works_once(world, browser, with_totp):
    code = RecoveryCodes.activate(world.caseworker).generate_codes()[0]
    first = browser()
    sign_in(first, world.caseworker.email)

    used = first.post("/accounts/2fa/authenticate/", {"code": code})
    second = browser()
    sign_in(second, world.caseworker.email)
    reused = second.post("/accounts/2fa/authenticate/", {"code": code})

    assert used.status_code == 302
    assert first.session[SESSION_KEY] == str(world.caseworker.pk)
    assert reused.status_code == 200
    assert "Incorrect code." in text(reused)
    assert SESSION_KEY not in second.session


def reauthenticate(client) -> None:
    response = client.post("/accounts/reauthenticate/", {"password": f.PASSWORD})
    assert response.status_code == 302, text(response)


def _fully_signed_in(client, user, secret: str):
    sign_in(client, user.email)
    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 302
    reauthenticate(client)


def test_with_mfa_required_totp_cannot_be_switched_off(world, browser, with_totp, mfa_required):
    client = browser()
    _fully_signed_in(client, world.caseworker, with_totp)

    page = client.get("/accounts/2fa/totp/deactivate/")
    response = client.post("/accounts/2fa/totp/deactivate/")

    assert "You cannot deactivate two-factor authentication." in text(page)
    assert response.status_code == 200
    assert "You cannot deactivate two-factor authentication." in text(response)
    assert Authenticator.objects.filter(
        user=world.caseworker, type=Authenticator.Type.TOTP
    ).exists()


def test_without_the_requirement_totp_can_be_switched_off(world, browser, with_totp):
    client = browser()
    _fully_signed_in(client, world.caseworker, with_totp)

    response = client.post("/accounts/2fa/totp/deactivate/")

    assert response.status_code == 302
    assert not Authenticator.objects.filter(
        user=world.caseworker, type=Authenticator.Type.TOTP
    ).exists()
