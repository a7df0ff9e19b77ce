"""A page with «Sign in with …» buttons names the providers' origins in its form-action, so that
a browser lets the button's form go on to the provider (tests/browser/test_signin_providers.py
proves it in Chromium); other pages keep `form-action 'self'` alone."""

import pytest

from accounts.models import IdentityProvider
from accounts.services import invitation_create, invitation_token
from tests.support.visitors import english_visitor

pytestmark = pytest.mark.django_db

ENTRA = "https://login.microsoftonline.com"
IDP = "https://idp.solvik.example.se"


def _form_action(response) -> list[str]:
    policy = response["Content-Security-Policy"]
    directive = next(part for part in policy.split(";") if "form-action" in part)
    return directive.split()[1:]


@pytest.fixture
def providers(world):
    lyngdal = IdentityProvider.objects.create(
        municipality=world.municipality,
        slug="lyngdal",
        name="Lyngdal kommune",
        protocol="openid_connect",
        issuer=f"{ENTRA}/11111111-aaaa-4000-8000-000000000001/v2.0",
        client_id="fotfeste",
    )
    solvik = IdentityProvider.objects.create(
        municipality=world.foreign_municipality,
        slug="solvik",
        name="Solviks kommun",
        protocol="saml",
        issuer="urn:solvik:idp",
        metadata_url=f"{IDP}/metadata.xml",
    )
    return lyngdal, solvik


def test_the_sign_in_page_lets_its_forms_go_to_every_provider(providers):
    response = english_visitor().get("/accounts/login/")

    assert _form_action(response) == ["'self'", ENTRA, IDP]


def test_a_municipality_s_page_names_its_own_provider_only(providers):
    response = english_visitor().get("/accounts/login/lyngdal/")

    assert _form_action(response) == ["'self'", ENTRA]


def test_a_provider_not_in_use_is_not_named(providers):
    IdentityProvider.objects.filter(slug="solvik").update(enabled=False)

    response = english_visitor().get("/accounts/login/")

    assert _form_action(response) == ["'self'", ENTRA]


def test_the_invitation_page_names_the_municipality_s_provider(providers, world):
    invitation = invitation_create(user=world.caseworker, invited_by=world.admin)

    response = english_visitor().get(f"/manage/invitation/{invitation_token(invitation)}/")

    assert response.status_code == 200
    assert _form_action(response) == ["'self'", ENTRA]


def test_other_pages_keep_form_action_self(providers):
    response = english_visitor().get("/accounts/password/reset/")

    assert _form_action(response) == ["'self'"]
