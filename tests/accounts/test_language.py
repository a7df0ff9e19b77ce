"""Bokmål for every Norwegian browser, Swedish for Swedes, the municipality's language for its
users, and the language form to choose another."""

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from accounts.services import invitation_create
from tests import factories as f
from tests.accounts.conftest import text

pytestmark = pytest.mark.django_db

PASSWORD_LABEL = {"nb": "Passord", "sv": "Lösenord", "en": "Password"}


def language_of(response) -> str:
    html_lang = text(response).split('<html lang="', 1)[1].split('"', 1)[0]
    assert html_lang == response["Content-Language"]
    return html_lang


# Each header ends in English, so a Norwegian variant that is not understood falls to English
# rather than to the site's default bokmål.
@pytest.mark.parametrize(
    "header",
    ["no, en;q=0.5", "no-NO, en;q=0.5", "nb-NO,nb;q=0.9,en;q=0.5", "nn, en;q=0.5", "nn-NO,en"],
)
def test_every_norwegian_browser_gets_bokmal(db, header):
    response = Client(HTTP_ACCEPT_LANGUAGE=header).get("/accounts/login/")

    assert response.status_code == 200
    assert language_of(response) == "nb"
    assert PASSWORD_LABEL["nb"] in text(response)


@pytest.mark.parametrize(
    ("header", "expected"),
    [("sv-SE", "sv"), ("sv-SE,sv;q=0.9,en;q=0.5", "sv"), ("en", "en"), ("en-GB,en;q=0.9", "en")],
)
def test_swedish_and_english_browsers_get_their_language(db, header, expected):
    response = Client(HTTP_ACCEPT_LANGUAGE=header).get("/accounts/login/")

    assert language_of(response) == expected
    assert PASSWORD_LABEL[expected] in text(response)


def test_an_unsupported_language_gets_bokmal(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="de-DE").get("/accounts/login/")

    assert language_of(response) == "nb"


def test_a_word_that_merely_contains_no_is_not_taken_for_norwegian(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="nod, en;q=0.5").get("/accounts/login/")

    assert language_of(response) == "en"


def signed_in_without_a_language_choice(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_a_swedish_municipality_user_gets_swedish_without_a_choice(world):
    client = signed_in_without_a_language_choice(world.foreign_caseworker)

    response = client.get("/")

    assert response.status_code == 200
    assert language_of(response) == "sv"


def test_a_norwegian_municipality_user_gets_bokmal_without_a_choice(world):
    client = signed_in_without_a_language_choice(world.caseworker)

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="sv-SE")

    assert language_of(response) == "nb"


def test_the_language_form_switches_the_language(world):
    client = signed_in_without_a_language_choice(world.foreign_caseworker)
    assert language_of(client.get("/participants/")) == "sv"

    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/participants/"})
    response = client.get("/participants/")

    assert switched.status_code == 302
    assert switched["Location"] == "/participants/"
    assert language_of(response) == "en"


def test_the_language_form_works_before_signing_in(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="nb-NO")

    client.post("/i18n/setlang/", {"language": "sv", "next": "/accounts/login/"})
    response = client.get("/accounts/login/")

    assert language_of(response) == "sv"
    assert PASSWORD_LABEL["sv"] in text(response)


def test_the_language_form_does_not_redirect_to_another_site(db):
    response = Client().post(
        "/i18n/setlang/", {"language": "en", "next": "https://evil.example.com/"}
    )

    assert response.status_code == 302
    assert not response["Location"].startswith("https://evil.example.com")


@pytest.mark.parametrize(("country", "date_format"), [("SE", "%Y-%m-%d"), ("NO", "%d.%m.%Y")])
def test_the_invitation_email_uses_the_municipalitys_date_format(
    world, django_capture_on_commit_callbacks, country, date_format
):
    municipality = world.foreign_municipality if country == "SE" else world.municipality
    invited = f.UserFactory(municipality=municipality, email="ny@test.example.org")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(user=invited, invited_by=None)

    expires = timezone.localtime(invitation.expires_at)
    other_format = "%d.%m.%Y" if country == "SE" else "%Y-%m-%d"
    assert len(mail.outbox) == 1
    assert expires.strftime(date_format) in mail.outbox[0].body
    assert expires.strftime(other_format) not in mail.outbox[0].body


@pytest.mark.parametrize(("header", "language"), [("nb-NO", "nb"), ("sv-SE", "sv")])
def test_fotfestes_own_words_on_the_sign_in_page_are_translated(db, header, language):
    with translation.override(language):
        heading = gettext("Sign in to Fotfeste")

    response = Client(HTTP_ACCEPT_LANGUAGE=header).get("/accounts/login/")

    assert heading != "Sign in to Fotfeste", f"no {language} translation of the sign-in page"
    assert escape(heading) in text(response)
