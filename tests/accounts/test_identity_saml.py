"""Signing in through a municipality's SAML 2.0 IdP, against a real one: pysaml2's IdP in its own
process (tests/support/saml_idp.py), the SP-initiated flow over HTTP (HTTP-Redirect binding to
the IdP, its login form, the HTTP-POST binding back), the assertion's signature checked against
the certificate in the IdP's metadata. The IdP is one regional IdP serving two municipalities."""

import pytest
import requests
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount

from accounts.admin import IdentityProviderForm
from accounts.models import (
    GroupRole,
    IdentityProvider,
    ProgrammeMembership,
    ProgrammeRole,
    SecondFactor,
    SignInOutcome,
    User,
)
from accounts.services import invitation_create, invitation_token
from tests import factories as f
from tests.support.oidc_provider import last_sign_in, signed_in_as
from tests.support.saml_idp import Browser, saml_idp
from tests.support.visitors import english_visitor, text

pytestmark = pytest.mark.django_db

MAIL = "urn:oid:0.9.2342.19200300.100.1.3"
DISPLAY_NAME = "urn:oid:2.16.840.1.113730.3.1.241"
GROUPS = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"
STAFF, OTHER_GROUP, SOLVIK_STAFF = "fotfeste-staff", "kantine", "solvik-fotfeste"


def _user(nameid: str, email: str, groups=(), **extra):
    attributes = {"mail": [email], "displayName": [f"Test {nameid}"], GROUPS: list(groups)}
    return {"nameid": nameid, "attributes": attributes, **extra}


USERS = {
    "kari": _user("pid-kari", "kari@lyngdal.example.org", groups=[STAFF]),
    "ola": _user("pid-ola", "ola@lyngdal.example.org"),
    "kantine": _user("pid-kantine", "kantine@lyngdal.example.org", groups=[OTHER_GROUP]),
    "closed": _user("pid-closed", "closed@lyngdal.example.org", groups=[STAFF], disabled=True),
    "sara": _user("pid-sara", "sara@solvik.example.org", groups=[SOLVIK_STAFF]),
    "mailonly": _user(
        "mailonly@lyngdal.example.org",
        "mailonly@lyngdal.example.org",
        groups=[STAFF],
        format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    ),
}


@pytest.fixture(scope="module")
def idp():
    with saml_idp(users=USERS) as running:
        yield running


def _provider(idp, municipality, slug, group=STAFF, **fields) -> IdentityProvider:
    provider = IdentityProvider.objects.create(
        municipality=municipality,
        slug=slug,
        name=f"{municipality.name} kommune",
        protocol="saml",
        issuer=idp.entity_id,
        metadata_url=idp.entity_id,
        allowed_groups=group,
        email_claim=MAIL,
        name_claim=DISPLAY_NAME,
        groups_claim=GROUPS,
        **fields,
    )
    # As the IdP's admin registers Fotfeste from the metadata Fotfeste serves.
    metadata = english_visitor().get(f"/accounts/saml/{slug}/metadata/")
    assert metadata.status_code == 200, text(metadata)
    idp.register(metadata.content)
    return provider


@pytest.fixture
def lyngdal(idp, world):
    return _provider(idp, world.municipality, "lyngdal")


@pytest.fixture
def visitor():
    return Browser(english_visitor())


def test_the_sign_in_page_offers_the_saml_provider(lyngdal):
    page = english_visitor().get("/accounts/login/lyngdal/")

    assert 'action="/accounts/saml/lyngdal/login/"' in page.content.decode()
    assert "Sign in with" in text(page)


def test_a_member_of_an_allowed_group_gets_an_account_tied_to_the_persistent_nameid(
    lyngdal, visitor
):
    response = visitor.sign_in("lyngdal", "kari")

    assert response.status_code == 302, text(response)
    user = signed_in_as(visitor.client)
    assert user.email == "kari@lyngdal.example.org"
    assert user.full_name == "Test pid-kari"
    assert user.municipality == lyngdal.municipality
    assert not user.has_usable_password()
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("lyngdal", "pid-kari")
    event = last_sign_in()
    assert (event.user, event.method, event.provider) == (user, "saml", lyngdal)
    assert event.outcome == SignInOutcome.SIGNED_IN


def test_the_idp_s_answer_is_taken_from_a_browser_that_sends_csrf_checked_forms(lyngdal):
    # The IdP's HTTP-POST binding carries no token of Fotfeste's: its answer is signed instead.
    browser = Browser(english_visitor(enforce_csrf_checks=True))
    browser.client.get("/accounts/login/lyngdal/")
    token = browser.client.cookies["csrftoken"].value
    start = browser.client.post("/accounts/saml/lyngdal/login/", {"csrfmiddlewaretoken": token})

    response = browser.at_idp(start["Location"], "kari")

    assert response.status_code == 302, text(response)
    assert signed_in_as(browser.client) is not None


def test_an_email_address_as_nameid_is_not_a_subject(lyngdal, visitor):
    response = visitor.sign_in("lyngdal", "mailonly")

    assert response.status_code == 403
    assert "did not say who you are" in text(response)
    assert last_sign_in().reason == "missing_subject"
    assert not User.objects.filter(email="mailonly@lyngdal.example.org").exists()


def test_the_account_follows_the_nameid_not_the_email_address(lyngdal, visitor):
    visitor.sign_in("lyngdal", "kari")
    user = signed_in_as(visitor.client)
    user.email = "kari.renamed@lyngdal.example.org"
    user.save()

    again = Browser(english_visitor())
    again.sign_in("lyngdal", "kari")

    assert signed_in_as(again.client) == user


def test_someone_outside_the_allowed_groups_is_refused_with_a_clear_page(lyngdal, visitor):
    response = visitor.sign_in("lyngdal", "kantine")

    assert response.status_code == 403
    assert "has not been given access to Fotfeste" in text(response)
    assert signed_in_as(visitor.client) is None
    assert not User.objects.filter(email="kantine@lyngdal.example.org").exists()
    event = last_sign_in()
    assert (event.method, event.reason, event.user) == ("saml", "not_permitted", None)


def test_a_user_the_idp_refuses_cannot_sign_in(lyngdal, visitor):
    response = visitor.sign_in("lyngdal", "closed")

    assert response.status_code == 403
    assert "This account is disabled." in response.text
    assert signed_in_as(visitor.client) is None
    assert not User.objects.filter(email="closed@lyngdal.example.org").exists()


def test_a_user_of_the_other_municipality_is_refused_at_this_one(lyngdal, idp, world, visitor):
    # The regional IdP serves Solvik too; Sara is in Solvik's group, not Lyngdal's.
    _provider(idp, world.foreign_municipality, "solvik", group=SOLVIK_STAFF)
    assert visitor.sign_in("solvik", "sara").status_code == 302

    response = Browser(english_visitor()).sign_in("lyngdal", "sara")

    assert response.status_code == 403
    assert last_sign_in().reason == "not_permitted"
    assert SocialAccount.objects.get(uid="pid-sara").provider == "solvik"


def test_an_invited_user_of_another_municipality_is_never_linked_here(lyngdal, idp, world, visitor):
    _provider(idp, world.foreign_municipality, "solvik", group=SOLVIK_STAFF)
    invitation = invitation_create(user=world.foreign_caseworker, invited_by=None)
    visitor.client.post(f"/manage/invitation/{invitation_token(invitation)}/provider/")

    response = visitor.sign_in("lyngdal", "ola")

    assert response.status_code == 403
    assert last_sign_in().reason == "other_municipality"
    assert not SocialAccount.objects.filter(user=world.foreign_caseworker).exists()


def test_an_invited_user_follows_the_invitation_to_the_idp_and_is_linked(lyngdal, world, visitor):
    invited = f.UserFactory(
        municipality=world.municipality, email="ola.invited@lyngdal.example.org"
    )
    invitation = invitation_create(user=invited, invited_by=world.admin)
    start = visitor.client.post(f"/manage/invitation/{invitation_token(invitation)}/provider/")

    response = visitor.at_idp(start["Location"], "ola")

    assert response.status_code == 302, text(response)
    assert signed_in_as(visitor.client) == invited
    assert SocialAccount.objects.get(user=invited).uid == "pid-ola"


@pytest.mark.parametrize("context", ["refeds-mfa", "multipleauthn"])
def test_the_idp_s_second_factor_is_trusted_when_the_authn_context_says_so(
    lyngdal, visitor, context
):
    visitor.sign_in("lyngdal", "kari")
    user = signed_in_as(visitor.client)
    TOTP.activate(user, generate_totp_secret())

    again = Browser(english_visitor())
    response = again.sign_in("lyngdal", "kari", context=context)

    assert response["Location"] == "/"
    assert signed_in_as(again.client) == user
    assert last_sign_in().second_factor == SecondFactor.PROVIDER


def test_a_password_context_leaves_fotfeste_asking_for_its_own(lyngdal, visitor):
    visitor.sign_in("lyngdal", "kari")
    TOTP.activate(signed_in_as(visitor.client), generate_totp_secret())

    again = Browser(english_visitor())
    response = again.sign_in("lyngdal", "kari", context="password")

    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert signed_in_as(again.client) is None


def test_a_municipality_may_ask_for_its_own_second_factor_anyway(lyngdal, visitor):
    visitor.sign_in("lyngdal", "kari")
    TOTP.activate(signed_in_as(visitor.client), generate_totp_secret())
    lyngdal.trust_provider_mfa = False
    lyngdal.save()

    response = Browser(english_visitor()).sign_in("lyngdal", "kari", context="refeds-mfa")

    assert response["Location"] == "/accounts/2fa/authenticate/"


def test_a_group_role_is_given_and_taken_away_with_the_group(lyngdal, world, visitor):
    GroupRole.objects.create(
        provider=lyngdal, group=STAFF, programme=world.programme, role=ProgrammeRole.CASEWORKER
    )
    visitor.sign_in("lyngdal", "kari")
    user = signed_in_as(visitor.client)
    assert ProgrammeMembership.objects.get(user=user).via_group == STAFF

    GroupRole.objects.all().delete()
    Browser(english_visitor()).sign_in("lyngdal", "kari")

    assert not ProgrammeMembership.objects.filter(user=user).exists()


# --- answers Fotfeste must refuse, each with a page and never a server error -----------------


def test_a_replayed_response_is_refused(lyngdal, visitor):
    assert visitor.sign_in("lyngdal", "kari").status_code == 302

    replayed = visitor.replay()

    assert replayed.status_code == 403
    assert "has been used already" in text(replayed)
    assert last_sign_in().reason == "provider_error"


def test_a_response_replayed_in_another_browser_is_refused(lyngdal, visitor):
    visitor.sign_in("lyngdal", "kari")
    other = Browser(english_visitor())
    other.last_post = visitor.last_post

    assert other.replay().status_code == 403
    assert signed_in_as(other.client) is None


def test_an_idp_initiated_response_is_refused(lyngdal, idp, visitor):
    entity = "http://testserver/accounts/saml/lyngdal/metadata/"
    page = visitor.idp.post(f"{idp.base}/unsolicited", data={"sp": entity, "login": "kari"})

    response = visitor.post_back(page.text)

    assert response.status_code == 403
    assert "Fotfeste did not ask for this sign-in" in text(response)
    assert last_sign_in().reason == "unsolicited"
    assert signed_in_as(visitor.client) is None


@pytest.mark.parametrize("tamper", ["wrong-key", "wrong-audience", "expired"])
def test_a_response_that_is_not_valid_is_refused_with_a_page(lyngdal, visitor, tamper):
    response = visitor.sign_in("lyngdal", "kari", tamper=tamper)

    assert response.status_code == 403, text(response)
    assert "was not valid" in text(response)
    assert last_sign_in().reason == "provider_error"
    assert signed_in_as(visitor.client) is None


def test_an_idp_that_is_down_gives_a_clear_page_and_the_break_glass_route(world, visitor):
    IdentityProvider.objects.create(
        municipality=world.municipality,
        slug="lyngdal",
        name="Lyngdal kommune",
        protocol="saml",
        issuer="http://127.0.0.1:9/metadata",
        metadata_url="http://127.0.0.1:9/metadata",
    )

    response = visitor.client.post("/accounts/saml/lyngdal/login/")

    assert response.status_code == 503
    assert "cannot be reached" in text(response)
    assert "/accounts/login/lyngdal/?break-glass" in text(response)
    assert last_sign_in().reason == "provider_unreachable"


# --- the IdP's metadata handed over as XML, and the admin's form -----------------------------


def test_an_idp_configured_from_its_metadata_xml_signs_staff_in(idp, world, visitor):
    xml = requests.get(f"{idp.base}/metadata", timeout=10).text
    provider = _provider(idp, world.municipality, "lyngdal")
    provider.metadata_url, provider.metadata_xml = "", xml
    provider.save()

    response = visitor.sign_in("lyngdal", "kari")

    assert response.status_code == 302, text(response)
    assert signed_in_as(visitor.client).email == "kari@lyngdal.example.org"


@pytest.mark.parametrize("xml", ["", "<not-metadata/>"], ids=["none", "not metadata"])
def test_a_saml_provider_without_usable_metadata_gives_a_page_not_a_server_error(
    world, visitor, xml
):
    IdentityProvider.objects.create(
        municipality=world.municipality,
        slug="lyngdal",
        name="Lyngdal kommune",
        protocol="saml",
        issuer="https://idp.lyngdal.example.org/metadata",
        metadata_xml=xml,
    )

    response = visitor.client.post("/accounts/saml/lyngdal/login/")

    assert response.status_code == 403
    assert last_sign_in().reason == "provider_error"


def _admin_form(world, **fields) -> IdentityProviderForm:
    data = {
        "municipality": world.municipality.pk,
        "name": "Lyngdal kommune",
        "slug": "lyngdal",
        "protocol": "saml",
        "enabled": "on",
        "issuer": "https://idp.lyngdal.example.org/metadata",
        "subject": "sub",
        "email_claim": MAIL,
        "name_claim": DISPLAY_NAME,
        "groups_claim": GROUPS,
        "password_sign_in": "everyone",
        **fields,
    }
    return IdentityProviderForm(data=data)


def test_the_admin_asks_a_saml_provider_for_its_metadata(world):
    form = _admin_form(world)

    assert not form.is_valid()
    assert "metadata address or its metadata XML" in str(form.errors)


def test_the_admin_refuses_xml_that_is_not_the_idp_s_metadata(world, idp):
    other = requests.get(f"{idp.base}/metadata", timeout=10).text

    assert not _admin_form(world, metadata_xml="<not-metadata/>").is_valid()
    # The right IdP's metadata under another entity id is not it either.
    assert "metadata_xml" in _admin_form(world, metadata_xml=other).errors
    assert _admin_form(world, metadata_xml=other, issuer=idp.entity_id).is_valid()
