"""Signing out ends Fotfeste's session and, where the provider offers it, the provider's: against
the real providers of the sign-in tests, panva's oidc-provider (RP-initiated logout) and
pysaml2's IdP (SAML single logout), each in its own process (tests/support/)."""

import html
import re
import time

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache

from accounts.identity import identity_provider_secret_set
from accounts.models import IdentityProvider, SignInOutcome, SubjectKind
from tests.support.oidc_provider import (
    Browser,
    last_sign_in,
    oidc_provider,
    provider_asks_for_login,
    sign_out_at_provider,
    signed_in_as,
)
from tests.support.saml_idp import Browser as SamlBrowser
from tests.support.saml_idp import (
    idp_asks_for_login,
    idp_session_alive,
    logout_from_idp,
    saml_idp,
    sign_in_keeping_session,
    sign_out_at_idp,
)
from tests.support.visitors import english_visitor, sign_in, text

pytestmark = pytest.mark.django_db

TENANT = "11111111-aaaa-4000-8000-000000000001"
STAFF = "g-fotfeste-staff"
SIGNED_OUT_PAGE = "http://testserver/accounts/login/lyngdal/"
ALSO_SIGNED_OUT = "You are signed out at Lyngdal kommune too."
ACCOUNTS = {
    "kari": {
        "claims": {
            "tid": TENANT,
            "oid": "oid-kari",
            "email": "kari@lyngdal.example.org",
            "name": "Test Kari",
            "groups": [STAFF],
        }
    }
}
CLIENTS = [
    {
        "client_id": "fotfeste-lyngdal",
        "client_secret": "secret-of-lyngdal-not-real",
        "redirect_uris": ["http://testserver/accounts/oidc/lyngdal/login/callback/"],
        # As the municipality's IT registers Fotfeste's post-logout address (docs/sign-in.md).
        "post_logout_redirect_uris": [SIGNED_OUT_PAGE],
    }
]


@pytest.fixture(scope="module")
def op():
    with oidc_provider(clients=CLIENTS, accounts=ACCOUNTS) as running:
        yield running


def _oidc_provider(op, world) -> IdentityProvider:
    provider = IdentityProvider.objects.create(
        municipality=world.municipality,
        slug="lyngdal",
        name="Lyngdal kommune",
        protocol="openid_connect",
        issuer=op.issuer,
        client_id="fotfeste-lyngdal",
        subject=SubjectKind.ENTRA,
        allowed_tenants=TENANT,
        allowed_groups=STAFF,
    )
    identity_provider_secret_set(provider=provider, secret=op.clients["fotfeste-lyngdal"])
    return provider


def _signed_in(op, world) -> Browser:
    _oidc_provider(op, world)
    browser = Browser(english_visitor())
    # The provider vouches for the second factor: no TOTP of Fotfeste's in the way.
    response = browser.sign_in("lyngdal", "kari", mfa=True)
    assert response.status_code == 302, text(response)
    assert signed_in_as(browser.client) is not None
    return browser


def _same_browser(browser: Browser) -> Browser:
    """Another Fotfeste tab of the same browser: the provider's cookies, no Fotfeste session."""
    return Browser(english_visitor(), provider=browser.provider)


def _onward(client) -> str:
    """Sign out; Fotfeste's page that goes on to the provider's logout (a form's redirect may
    not leave the site: `form-action 'self'`) gives the address, once."""
    response = client.post("/accounts/logout/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/signing-out/")
    page = client.get("/accounts/signing-out/")
    assert page.status_code == 200 and page["Referrer-Policy"] == "no-referrer"
    found = re.search(r'href="([^"]+)" id="sign-out-onward"', text(page))
    assert found, text(page)
    url = html.unescape(found.group(1))
    assert f'content="0; url={html.escape(url)}"' in text(page)
    assert client.get("/accounts/signing-out/")["Location"] == "/accounts/login/"
    return url


def test_signing_out_ends_fotfeste_s_session_and_the_provider_s(op, world, caplog):
    browser = _signed_in(op, world)
    assert not provider_asks_for_login(_same_browser(browser), "lyngdal")
    user = signed_in_as(browser.client)

    location = _onward(browser.client)

    assert location.startswith(f"{op.issuer}/session/end?")
    assert "id_token_hint=" in location and "client_id=fotfeste-lyngdal" in location
    assert (
        "post_logout_redirect_uri=http%3A%2F%2Ftestserver%2Faccounts%2Flogin%2Flyngdal%2F"
        in location
    )
    assert signed_in_as(browser.client) is None
    event = last_sign_in()
    assert (event.user, event.method, event.provider.slug) == (user, "openid_connect", "lyngdal")
    assert (event.outcome, event.reason) == (SignInOutcome.SIGNED_OUT, "provider")

    back = sign_out_at_provider(browser, location)

    assert back.status_code == 200, text(back)
    assert ALSO_SIGNED_OUT in text(back)
    assert provider_asks_for_login(_same_browser(browser), "lyngdal")
    id_token = location.split("id_token_hint=")[1].split("&")[0]
    assert all(id_token not in record.getMessage() for record in caplog.records)


def test_after_fotfeste_s_own_second_factor_the_sign_out_still_reaches_the_provider(op, world):
    first = _signed_in(op, world)
    secret = generate_totp_secret()
    TOTP.activate(signed_in_as(first.client), secret)
    browser = Browser(english_visitor())
    asked = browser.sign_in("lyngdal", "kari", mfa=False)
    assert asked["Location"] == "/accounts/2fa/authenticate/"
    if 30 - time.time() % 30 < 3:
        time.sleep(3)  # a code made at the end of its 30 seconds may be stale when it arrives
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    assert browser.client.post(asked["Location"], {"code": code}).status_code == 302
    assert signed_in_as(browser.client) is not None

    assert _onward(browser.client).startswith(f"{op.issuer}/session/end?")
    assert last_sign_in().reason == "provider"


def test_a_state_fotfeste_did_not_give_says_nothing_about_the_provider(op, world):
    browser = _signed_in(op, world)
    browser.client.post("/accounts/logout/")

    page = browser.client.get("/accounts/login/lyngdal/?state=made-up")

    assert page.status_code == 200
    assert ALSO_SIGNED_OUT not in text(page)


def test_a_provider_without_end_session_gives_fotfeste_s_own_sign_out(world):
    with oidc_provider(clients=CLIENTS, accounts=ACCOUNTS, end_session=False) as plain:
        browser = _signed_in(plain, world)

        response = browser.client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == SIGNED_OUT_PAGE
    assert signed_in_as(browser.client) is None
    assert last_sign_in().reason == "provider_no_logout"
    page = browser.client.get(response["Location"])
    assert "may still be open in this browser" in text(page)


def test_platform_staff_may_turn_signing_out_at_the_provider_off(op, world):
    browser = _signed_in(op, world)
    IdentityProvider.objects.filter(slug="lyngdal").update(sign_out_at_provider=False)

    response = browser.client.post("/accounts/logout/")

    assert response["Location"] == SIGNED_OUT_PAGE
    assert signed_in_as(browser.client) is None
    assert last_sign_in().reason == "provider_no_logout"
    assert not provider_asks_for_login(_same_browser(browser), "lyngdal")


def test_a_provider_that_is_down_at_sign_out_still_signs_out_of_fotfeste(world):
    with oidc_provider(clients=CLIENTS, accounts=ACCOUNTS) as soon_down:
        browser = _signed_in(soon_down, world)

    response = browser.client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == SIGNED_OUT_PAGE
    assert signed_in_as(browser.client) is None
    assert last_sign_in().reason == "provider_unreachable"
    assert browser.client.get("/").status_code == 302
    page = browser.client.get(response["Location"])
    assert "could not be reached" in text(page)


def test_a_provider_session_still_ends_at_the_idle_limit(op, world):
    browser = _signed_in(op, world)
    assert browser.client.get("/").status_code == 200
    session = browser.client.session
    session["_fotfeste_seen"] = time.time() - 31 * 60
    session.save()

    response = browser.client.get("/participants/")

    assert response.status_code == 302
    assert SESSION_KEY not in browser.client.session


def test_a_password_user_signs_out_as_before(world, client):
    sign_in(client, world.caseworker.email)
    assert signed_in_as(client) == world.caseworker

    response = client.post("/accounts/logout/")

    assert response["Location"] == "/accounts/login/"
    assert signed_in_as(client) is None
    event = last_sign_in()
    assert (event.method, event.provider, event.reason) == ("password", None, "")
    assert event.outcome == SignInOutcome.SIGNED_OUT


# --- SAML single logout ----------------------------------------------------------------------

MAIL = "urn:oid:0.9.2342.19200300.100.1.3"
SP = "http://testserver/accounts/saml/lyngdal/metadata/"
USERS = {
    "kari": {
        "nameid": "pid-kari",
        "attributes": {"mail": ["kari@lyngdal.example.org"], "groups": [STAFF]},
    },
    "ola": {
        "nameid": "pid-ola",
        "attributes": {"mail": ["ola@lyngdal.example.org"], "groups": [STAFF]},
    },
}


@pytest.fixture(scope="module")
def idp():
    with saml_idp(users=USERS) as running:
        yield running


def _saml_provider(idp, world) -> IdentityProvider:
    provider = IdentityProvider.objects.create(
        municipality=world.municipality,
        slug="lyngdal",
        name="Lyngdal kommune",
        protocol="saml",
        issuer=idp.entity_id,
        metadata_url=idp.entity_id,
        allowed_groups=STAFF,
        email_claim=MAIL,
        groups_claim="groups",
    )
    idp.register(english_visitor().get("/accounts/saml/lyngdal/metadata/").content)
    return provider


def _saml_signed_in(idp, world, login="kari") -> SamlBrowser:
    _saml_provider(idp, world)
    browser = SamlBrowser(english_visitor())
    response = sign_in_keeping_session(browser, "lyngdal", login)
    assert response.status_code == 302, text(response)
    assert signed_in_as(browser.client) is not None
    assert idp_session_alive(browser, idp)
    return browser


def _signed_out_with_request(browser: SamlBrowser, idp) -> str:
    location = _onward(browser.client)
    assert location.startswith(f"{idp.base}/slo?SAMLRequest=")
    assert signed_in_as(browser.client) is None
    return location


def test_signing_out_sends_a_logout_request_and_ends_the_idp_s_session(idp, world):
    browser = _saml_signed_in(idp, world)
    assert not idp_asks_for_login(SamlBrowser(english_visitor(), idp=browser.idp), "lyngdal")
    user = signed_in_as(browser.client)

    logout = _signed_out_with_request(browser, idp)

    event = last_sign_in()
    assert (event.user, event.method, event.provider.slug) == (user, "saml", "lyngdal")
    assert (event.outcome, event.reason) == (SignInOutcome.SIGNED_OUT, "provider")
    back = sign_out_at_idp(browser, logout)
    assert back.status_code == 302, text(back)
    assert back["Location"] == SIGNED_OUT_PAGE
    assert ALSO_SIGNED_OUT in text(browser.client.get(back["Location"]))
    assert not idp_session_alive(browser, idp)
    assert idp_asks_for_login(SamlBrowser(english_visitor(), idp=browser.idp), "lyngdal")


@pytest.mark.parametrize("tamper", ["wrong-key", "unsigned", "other-request", "failed"])
def test_a_logout_response_that_is_not_right_is_refused_without_a_server_error(idp, world, tamper):
    browser = _saml_signed_in(idp, world)
    logout = _signed_out_with_request(browser, idp)

    back = sign_out_at_idp(browser, logout, tamper=tamper)

    assert back.status_code == 400
    assert "you may still be signed in there" in text(back)
    assert ALSO_SIGNED_OUT not in text(back)
    assert signed_in_as(browser.client) is None


def test_a_logout_response_nobody_waits_for_is_refused(idp, world):
    browser = _saml_signed_in(idp, world)
    logout = _signed_out_with_request(browser, idp)
    answer = browser.idp.get(logout, allow_redirects=False, timeout=30)
    elsewhere = english_visitor()

    back = elsewhere.get(answer.headers["Location"].removeprefix("http://testserver"))

    assert back.status_code == 400
    assert ALSO_SIGNED_OUT not in text(back)


@pytest.mark.parametrize("query", ["SAMLResponse=not-saml", "SAMLRequest=not-saml", ""])
def test_an_unreadable_logout_message_is_a_page_not_a_server_error(idp, world, query):
    browser = _saml_signed_in(idp, world)

    answer = browser.client.get(f"/accounts/saml/lyngdal/sls/?{query}")

    assert answer.status_code == 400
    assert signed_in_as(browser.client) is not None


def test_a_logout_the_idp_starts_ends_that_person_s_fotfeste_session(idp, world):
    browser = _saml_signed_in(idp, world)
    user = signed_in_as(browser.client)

    answer = logout_from_idp(browser, idp, SP, "kari")

    assert answer.status_code == 302, text(answer)
    assert answer["Location"].startswith(f"{idp.base}/slo?SAMLResponse=")
    assert signed_in_as(browser.client) is None
    event = last_sign_in()
    assert (event.user, event.outcome, event.reason) == (
        user,
        SignInOutcome.SIGNED_OUT,
        "provider_asked",
    )
    at_idp = browser.idp.get(answer["Location"], timeout=10)
    assert at_idp.text == "Logged out: urn:oasis:names:tc:SAML:2.0:status:Success"


def test_a_logout_the_idp_starts_for_someone_else_leaves_this_session(idp, world):
    browser = _saml_signed_in(idp, world)

    answer = logout_from_idp(browser, idp, SP, "ola")

    assert answer.status_code == 302
    assert signed_in_as(browser.client) is not None


def test_a_logout_request_signed_with_another_key_is_refused(idp, world):
    browser = _saml_signed_in(idp, world)

    answer = logout_from_idp(browser, idp, SP, "kari", tamper="wrong-key")

    assert answer.status_code == 400
    assert "nothing was changed" in text(answer)
    assert signed_in_as(browser.client) is not None


def test_an_idp_without_single_logout_gives_fotfeste_s_own_sign_out(world):
    with saml_idp(users=USERS, slo=False) as plain:
        browser = _saml_signed_in(plain, world)

        response = browser.client.post("/accounts/logout/")

    assert response["Location"] == SIGNED_OUT_PAGE
    assert signed_in_as(browser.client) is None
    assert last_sign_in().reason == "provider_no_logout"


def test_an_idp_that_is_down_at_sign_out_still_signs_out_of_fotfeste(world):
    with saml_idp(users=USERS) as soon_down:
        browser = _saml_signed_in(soon_down, world)
    # Its metadata is read again, as after the hour Fotfeste keeps it.
    cache.clear()

    response = browser.client.post("/accounts/logout/")

    assert response["Location"] == SIGNED_OUT_PAGE
    assert signed_in_as(browser.client) is None
    assert last_sign_in().reason == "provider_unreachable"
