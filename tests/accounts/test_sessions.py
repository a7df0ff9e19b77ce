"""Sessions end after 30 idle minutes or 12 hours, whichever comes first."""

import re
import time

import pytest
from django.contrib.auth import SESSION_KEY

from tests import factories as f
from tests.support.visitors import sign_in, text

pytestmark = pytest.mark.django_db

STARTED = "_fotfeste_started"
SEEN = "_fotfeste_seen"
EXPIRED = "Your session has expired. Please sign in again."
MINUTE = 60
HOUR = 60 * MINUTE


@pytest.fixture
def signed_in(world, client_for, settings):
    """A caseworker who has opened one page; the clock of the session has started."""
    client = client_for(world.caseworker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get("/").status_code == 200
    assert STARTED in client.session
    return client


def time_passes(client, seconds: float) -> None:
    """Move the session's clock, as if ``seconds`` went by without a request."""
    session = client.session
    session[STARTED] -= seconds
    session[SEEN] -= seconds
    session.save()


def age(client, *, started_ago: float, seen_ago: float) -> None:
    session = client.session
    now = time.time()
    session[STARTED] = now - started_ago
    session[SEEN] = now - seen_ago
    session.save()


def test_after_30_idle_minutes_the_next_request_signs_out(signed_in):
    age(signed_in, started_ago=HOUR, seen_ago=31 * MINUTE)

    response = signed_in.get("/participants/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fparticipants%2F"
    assert SESSION_KEY not in signed_in.session
    login_page = signed_in.get(response["Location"])
    assert EXPIRED in text(login_page)
    assert signed_in.get("/").status_code == 302


def test_after_12_hours_the_session_ends_even_for_an_active_user(signed_in):
    age(signed_in, started_ago=12 * HOUR + MINUTE, seen_ago=10)

    response = signed_in.get("/", follow=True)

    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    assert EXPIRED in text(response)
    assert SESSION_KEY not in signed_in.session


def test_within_both_limits_nothing_happens(signed_in):
    age(signed_in, started_ago=11 * HOUR, seen_ago=29 * MINUTE)

    response = signed_in.get("/participants/")

    assert response.status_code == 200
    assert EXPIRED not in text(response)
    assert SESSION_KEY in signed_in.session


def test_a_user_active_every_20_minutes_stays_signed_in(signed_in):
    time_passes(signed_in, 20 * MINUTE)
    assert signed_in.get("/").status_code == 200
    time_passes(signed_in, 20 * MINUTE)

    assert signed_in.get("/participants/").status_code == 200
    assert SESSION_KEY in signed_in.session


def test_the_idle_limit_follows_the_setting(signed_in, settings):
    settings.FOTFESTE_SESSION_IDLE_SECONDS = 5 * MINUTE
    age(signed_in, started_ago=HOUR, seen_ago=6 * MINUTE)

    assert signed_in.get("/").status_code == 302
    assert SESSION_KEY not in signed_in.session


def test_an_expired_htmx_request_gets_a_redirect_header(signed_in):
    age(signed_in, started_ago=HOUR, seen_ago=31 * MINUTE)

    response = signed_in.get("/participants/", HTTP_HX_REQUEST="true")

    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Fparticipants%2F"
    assert SESSION_KEY not in signed_in.session


def test_an_expired_api_request_gets_401_json(signed_in):
    age(signed_in, started_ago=HOUR, seen_ago=31 * MINUTE)

    response = signed_in.get("/api/participants/")

    assert response.status_code == 401
    assert response.json()["detail"] == EXPIRED
    assert SESSION_KEY not in signed_in.session


def test_an_expired_session_cannot_post_a_change(signed_in, world):
    age(signed_in, started_ago=HOUR, seen_ago=31 * MINUTE)

    response = signed_in.post(
        f"/participants/{world.participant.pk}/edit/",
        {"first_name": "Changed", "last_name": "Name", "version": world.participant.version},
    )

    assert response.status_code == 302
    world.participant.refresh_from_db()
    assert world.participant.first_name == "Amalie"


def test_the_session_cookie_ends_with_the_browser(world, browser, settings):
    response = sign_in(browser(), world.caseworker.email)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value
    assert not cookie["max-age"]
    assert not cookie["expires"]


def test_after_signing_in_again_the_user_is_back_on_the_page(signed_in, world):
    age(signed_in, started_ago=HOUR, seen_ago=31 * MINUTE)
    login_url = signed_in.get("/participants/")["Location"]
    page = text(signed_in.get(login_url))
    carried = re.search(r'name="next" value="([^"]*)"', page)

    response = signed_in.post(
        login_url,
        {"login": world.caseworker.email, "password": f.PASSWORD, "next": carried.group(1)},
    )

    assert response["Location"] == "/participants/"
    assert signed_in.get("/participants/").status_code == 200
