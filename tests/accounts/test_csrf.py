"""A form sent without its CSRF token is refused with a page that explains what happened."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from tests import factories as f
from tests.support.visitors import text

pytestmark = pytest.mark.django_db

FORM_EXPIRED = "The form has expired"
NOTHING_SAVED = "Nothing was saved."


def strict_client(settings, language: str = "en") -> Client:
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_signing_in_without_a_csrf_token_is_refused_with_a_friendly_page(world, settings):
    client = strict_client(settings)

    response = client.post(
        "/accounts/login/", {"login": world.caseworker.email, "password": f.PASSWORD}
    )

    assert response.status_code == 403
    assert FORM_EXPIRED in text(response)
    assert NOTHING_SAVED in text(response)
    assert 'href="/accounts/login/"' in text(response)
    assert SESSION_KEY not in client.session


def test_signing_in_with_the_csrf_token_works(world, settings):
    client = strict_client(settings)
    client.get("/accounts/login/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value

    response = client.post(
        "/accounts/login/",
        {"login": world.caseworker.email, "password": f.PASSWORD, "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(world.caseworker.pk)


def test_editing_a_participant_without_a_csrf_token_saves_nothing(world, settings):
    client = strict_client(settings)
    client.force_login(world.caseworker)

    response = client.post(
        f"/participants/{world.participant.pk}/edit/",
        {"first_name": "Forged", "last_name": "Name", "version": world.participant.version},
    )

    assert response.status_code == 403
    assert FORM_EXPIRED in text(response)
    world.participant.refresh_from_db()
    assert (world.participant.first_name, world.participant.version) == ("Amalie", 1)


@pytest.mark.parametrize("language", ["nb", "sv"])
def test_the_csrf_page_speaks_the_visitors_language(db, settings, language):
    with translation.override(language):
        heading = gettext(FORM_EXPIRED)

    response = strict_client(settings, language).post("/accounts/login/", {})

    assert response.status_code == 403
    assert response["Content-Language"] == language
    assert f'<html lang="{language}">' in text(response)
    assert heading != FORM_EXPIRED, f"no {language} translation of the CSRF page"
    assert escape(heading) in text(response)
