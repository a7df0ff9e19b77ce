"""Bokmål for a Norwegian browser that does not say which written form, nynorsk for one that
asks for it, Swedish for Swedes; the user's own choice, else the municipality's language (a
nynorsk municipality's users read nynorsk without choosing), in pages and mail alike; and the
language forms, which offer each country's languages and English only."""

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from accounts.services import invitation_create, municipality_language_set, user_language_set
from audit.models import ChangeEvent
from config.errors import ApplicationError
from tests import factories as f
from tests.support.visitors import text

pytestmark = pytest.mark.django_db
LANGUAGE_PAGE = reverse("user-language")
MUNICIPALITY_PAGE = reverse("accounts:municipality")
NOT_OFFERED = "%(language)s is not offered in %(country)s. Choose one of: %(offered)s."

PASSWORD_LABEL = {"nb": "Passord", "nn": "Passord", "sv": "Lösenord", "en": "Password"}


def language_of(response) -> str:
    html_lang = text(response).split('<html lang="', 1)[1].split('"', 1)[0]
    assert html_lang == response["Content-Language"]
    return html_lang


# Each header ends in English, so a Norwegian variant that is not understood falls to English
# rather than to the site's default bokmål.
@pytest.mark.parametrize(
    "header", ["no, en;q=0.5", "no-NO, en;q=0.5", "nb-NO,nb;q=0.9,en;q=0.5", "NO-no,en"]
)
def test_a_norwegian_browser_gets_bokmal_unless_it_asks_for_nynorsk(db, header):
    response = Client(HTTP_ACCEPT_LANGUAGE=header).get("/accounts/login/")

    assert response.status_code == 200
    assert language_of(response) == "nb"
    assert PASSWORD_LABEL["nb"] in text(response)


@pytest.mark.parametrize(
    "header", ["nn, en;q=0.5", "nn-NO,en", "nn-NO,nn;q=0.9,nb;q=0.8,no;q=0.7", "en;q=0.5, nn"]
)
def test_a_browser_asking_for_nynorsk_gets_nynorsk(db, header):
    response = Client(HTTP_ACCEPT_LANGUAGE=header).get("/accounts/login/")

    assert language_of(response) == "nn"
    assert escape(in_language("nn", "Sign in to Fotfeste")) in text(response)


def in_language(language: str, msgid: str) -> str:
    with translation.override(language):
        return gettext(msgid)


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


def test_nynorsk_pages_are_not_bokmal():
    """The strings a user meets first read differently in the two written forms."""
    for msgid in ("Caseload", "Skip to content", "Two-factor authentication"):
        assert in_language("nn", msgid) != msgid, f"{msgid!r} has no nynorsk translation"
    assert in_language("nn", "Skip to content") != in_language("nb", "Skip to content")


def test_a_nynorsk_municipalitys_users_get_nynorsk_without_choosing(world):
    world.municipality.language = "nn"
    world.municipality.save()
    client = signed_in_without_a_language_choice(world.caseworker)

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="nb-NO")

    assert language_of(response) == "nn"
    assert escape(in_language("nn", "Skip to content")) in text(response)


def test_a_municipality_without_a_choice_speaks_its_countrys_language(world):
    assert world.municipality.default_language == "nb"
    assert world.foreign_municipality.default_language == "sv"
    world.municipality.language = "nn"
    assert world.municipality.default_language == "nn"


def test_a_users_own_choice_wins_over_the_municipalitys_and_the_browsers(world):
    world.municipality.language = "nn"
    world.municipality.save()
    world.caseworker.chosen_language = "nb"
    world.caseworker.save()
    client = signed_in_without_a_language_choice(world.caseworker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    assert language_of(client.get("/")) == "nb"


def test_a_user_chooses_nynorsk_on_their_language_page_and_can_go_back(world):
    client = signed_in_without_a_language_choice(world.caseworker)
    page = text(client.get(LANGUAGE_PAGE))
    assert 'value="nn"' in page and 'value="sv"' not in page

    chosen = client.post(LANGUAGE_PAGE, {"language": "nn"})
    world.caseworker.refresh_from_db()
    assert chosen.status_code == 302
    assert world.caseworker.chosen_language == "nn"
    answer = client.get("/")
    assert language_of(answer) == "nn"
    assert in_language("nn", "Your language is saved.") in text(answer)

    client.post(LANGUAGE_PAGE, {"language": ""})
    world.caseworker.refresh_from_db()
    assert world.caseworker.chosen_language == ""
    assert language_of(client.get("/")) == "nb"


def test_the_language_menu_saves_a_signed_in_users_choice_for_their_mail_too(world):
    client = signed_in_without_a_language_choice(world.caseworker)

    client.post("/i18n/setlang/", {"language": "nn", "next": "/"})

    world.caseworker.refresh_from_db()
    assert world.caseworker.chosen_language == "nn"
    assert world.caseworker.language == "nn"


def test_a_swedish_user_is_not_offered_nynorsk(world):
    client = signed_in_without_a_language_choice(world.foreign_caseworker)

    page = text(client.get(LANGUAGE_PAGE))
    footer = page.split('id="language-select"', 1)[1].split("</select>", 1)[0]

    assert 'value="sv"' in footer and 'value="en"' in footer
    assert 'value="nn"' not in footer and 'value="nb"' not in footer
    form = page.split('name="language"', 1)[1].split("</select>", 1)[0]
    assert 'value="nn"' not in form


def test_a_swedish_user_cannot_choose_nynorsk_on_the_language_page(world):
    client = signed_in_without_a_language_choice(world.foreign_caseworker)

    response = client.post(LANGUAGE_PAGE, {"language": "nn"})

    assert response.status_code == 200
    assert "Välj ett giltigt alternativ" in text(response)
    world.foreign_caseworker.refresh_from_db()
    assert world.foreign_caseworker.chosen_language == ""


def test_a_swedish_user_cannot_choose_nynorsk_in_the_language_menu(world):
    client = signed_in_without_a_language_choice(world.foreign_caseworker)

    response = client.post("/i18n/setlang/", {"language": "nn", "next": "/"}, follow=True)

    assert language_of(response) == "sv"
    with translation.override("sv"):
        expected = gettext(
            "%(language)s is not offered in %(country)s. Choose one of: %(offered)s."
        )
        expected %= {
            "language": gettext("Norwegian Nynorsk"),
            "country": gettext("Sweden"),
            "offered": f"{gettext('Swedish')}, {gettext('English')}",
        }
    assert escape(expected) in text(response)
    world.foreign_caseworker.refresh_from_db()
    assert world.foreign_caseworker.chosen_language == ""
    assert client.cookies.get(settings.LANGUAGE_COOKIE_NAME) is None


def test_the_service_refuses_a_language_the_users_country_does_not_offer(world):
    with pytest.raises(ApplicationError, match="Norwegian Nynorsk is not offered in Sweden"):
        user_language_set(actor=world.foreign_caseworker, language="nn")
    with pytest.raises(ApplicationError, match="Choose one of these languages"):
        user_language_set(actor=world.caseworker, language="de")
    world.foreign_caseworker.refresh_from_db()
    assert world.foreign_caseworker.chosen_language == ""


def test_a_swedish_users_nynorsk_cookie_from_before_signing_in_is_not_followed(world):
    client = signed_in_without_a_language_choice(world.foreign_caseworker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nn"

    assert language_of(client.get("/")) == "sv"


def test_a_language_the_country_does_not_offer_is_not_followed_however_it_was_saved(world):
    world.foreign_caseworker.chosen_language = "nn"  # e.g. through the Django admin
    world.foreign_caseworker.save()
    client = signed_in_without_a_language_choice(world.foreign_caseworker)

    assert language_of(client.get("/")) == "sv"
    assert world.foreign_caseworker.language == "sv"


def test_a_platform_operator_reads_the_browsers_language(db):
    operator = f.UserFactory(municipality=None, is_staff=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="nn-NO")
    client.force_login(operator)

    assert language_of(client.get("/")) == "nn"


def invite(user, capture) -> str:
    with capture(execute=True):
        invitation_create(user=user, invited_by=None)
    return mail.outbox[-1].subject + mail.outbox[-1].body


INVITED = "You have been invited to Fotfeste. Open the link below to choose your password:"


def test_mail_to_a_nynorsk_municipalitys_user_is_in_nynorsk(
    world, django_capture_on_commit_callbacks
):
    world.municipality.language = "nn"
    world.municipality.save()
    invited = f.UserFactory(municipality=world.municipality, email="ny@test.example.org")

    message = invite(invited, django_capture_on_commit_callbacks)

    assert in_language("nn", INVITED) != in_language("nb", INVITED)
    assert in_language("nn", INVITED) in message


def test_mail_follows_the_users_own_choice(world, django_capture_on_commit_callbacks):
    world.municipality.language = "nn"
    world.municipality.save()
    invited = f.UserFactory(
        municipality=world.municipality, email="ny@test.example.org", chosen_language="en"
    )

    message = invite(invited, django_capture_on_commit_callbacks)

    assert INVITED in message


def test_the_municipality_admin_makes_nynorsk_the_default(world, client_for):
    client = client_for(world.admin)
    page = text(client.get(MUNICIPALITY_PAGE))
    assert 'value="nn"' in page and 'value="sv"' not in page

    response = client.post(MUNICIPALITY_PAGE, {"disclosure_threshold": "5", "language": "nn"})

    assert response.status_code == 302
    world.municipality.refresh_from_db()
    assert world.municipality.default_language == "nn"
    assert ChangeEvent.objects.filter(object_id=str(world.municipality.pk)).exists()
    assert language_of(signed_in_without_a_language_choice(world.caseworker).get("/")) == "nn"


def test_a_swedish_municipality_cannot_make_nynorsk_its_default(world, client_for):
    admin = f.UserFactory(municipality=world.foreign_municipality, is_municipality_admin=True)

    response = client_for(admin).post(
        MUNICIPALITY_PAGE, {"disclosure_threshold": "5", "language": "nn"}
    )

    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    with pytest.raises(ApplicationError, match="Norwegian Nynorsk is not offered in Sweden"):
        municipality_language_set(actor=admin, language="nn")
    world.foreign_municipality.refresh_from_db()
    assert world.foreign_municipality.default_language == "sv"


def test_the_database_refuses_a_language_of_another_country(world):
    world.foreign_municipality.language = "nb"
    with pytest.raises(ValidationError, match="one of its country's languages or English"):
        world.foreign_municipality.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        world.foreign_municipality.save()


def test_the_password_and_two_factor_pages_are_nynorsk_too(world):
    """django-allauth has no nynorsk of its own; locale_allauth/ gives its pages nynorsk."""
    world.caseworker.chosen_language = "nn"
    world.caseworker.save()
    client = signed_in_without_a_language_choice(world.caseworker)

    password_page = text(client.get("/accounts/password/change/"))
    two_factor_page = text(client.get("/accounts/2fa/"))

    assert in_language("nn", "Current Password") != in_language("nb", "Current Password")
    assert in_language("nn", "Current Password") in password_page
    assert in_language("nn", "An authenticator app is not active.") in two_factor_page
    assert in_language("nb", "An authenticator app is not active.") not in two_factor_page
