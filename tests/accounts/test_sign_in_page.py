"""The sign-in page with a municipality's identity provider, and password sign-in kept for
break-glass admins where the municipality turns it off for everyone else."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import SESSION_KEY

from accounts.models import IdentityProvider, PasswordSignIn, SignInEvent
from tests.support.visitors import english_visitor, sign_in, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(world):
    return IdentityProvider.objects.create(
        municipality=world.municipality,
        slug="lyngdal",
        name="Lyngdal kommune",
        protocol="openid_connect",
        issuer="https://login.example.org/tenant/v2.0",
        client_id="fotfeste-lyngdal",
    )


def test_the_sign_in_page_offers_the_provider_first_and_the_password_form(provider):
    page = text(english_visitor().get("/accounts/login/"))

    assert page.index("Sign in with Lyngdal kommune") < page.index('name="password"')
    assert 'action="/accounts/oidc/lyngdal/login/"' in page


def test_a_switched_off_provider_is_not_offered(provider):
    provider.enabled = False
    provider.save()

    assert "Sign in with" not in text(english_visitor().get("/accounts/login/"))
    assert english_visitor().get("/accounts/login/lyngdal/").status_code == 404


def test_the_municipality_page_folds_the_password_form_away_for_break_glass(provider):
    provider.password_sign_in = PasswordSignIn.BREAK_GLASS
    provider.save()

    page = text(english_visitor().get("/accounts/login/lyngdal/"))

    assert "Sign in with Lyngdal kommune" in page
    assert "<details" in page and "Password sign-in for admins (break-glass)" in page


def test_a_caseworker_may_not_sign_in_with_a_password_when_it_is_kept_for_break_glass(
    world, provider
):
    provider.password_sign_in = PasswordSignIn.BREAK_GLASS
    provider.save()
    client = english_visitor()

    response = sign_in(client, world.caseworker.email)

    assert response.status_code == 403
    assert "Password sign-in is kept for admins" in text(response)
    assert SESSION_KEY not in client.session
    event = SignInEvent.objects.get()
    assert (event.reason, event.method, event.user) == (
        "password_off",
        "password",
        world.caseworker,
    )


def test_an_admin_without_two_factor_may_not_either(world, provider):
    provider.password_sign_in = PasswordSignIn.BREAK_GLASS
    provider.save()

    response = sign_in(english_visitor(), world.admin.email)

    assert response.status_code == 403


def test_an_admin_with_two_factor_signs_in_with_password_and_code(world, provider):
    provider.password_sign_in = PasswordSignIn.BREAK_GLASS
    provider.save()
    TOTP.activate(world.admin, generate_totp_secret())

    response = sign_in(english_visitor(), world.admin.email)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"


def test_everyone_signs_in_with_a_password_where_the_municipality_keeps_it(world, provider):
    response = sign_in(english_visitor(), world.caseworker.email)

    assert response.status_code == 302
    assert SignInEvent.objects.get().method == "password"
