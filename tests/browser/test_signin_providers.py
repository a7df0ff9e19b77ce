"""Staff sign in through their municipality's identity provider in Chromium, against real ones
running as their own processes on 127.0.0.1: Kristiansand through an OpenID Connect provider
(panva's oidc-provider) and Solvik through a SAML 2.0 IdP (pysaml2's), each configured on the
live site with `manage.py identity_provider_set` as platform staff would (docs/sign-in.md).

For each: an invited demo staff member signs in and reaches their home page, without
Fotfeste's own code when the provider says it asked for a second factor and with it when not;
someone outside the allowed group is refused with a page; an account the provider has closed
gets nowhere; a user of the other municipality is refused and never tied to the provider.
Refusals are read from the page's reason code and the sign-in record, not from its words."""

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
import requests

from tests.browser.helpers import arrive, enter_code, no_violations, shot, sign_in_fully
from tests.support.oidc_provider import oidc_provider
from tests.support.saml_idp import saml_idp

pytestmark = pytest.mark.browser

TENANT = "33333333-cccc-4000-8000-000000000003"
STAFF, OTHER_GROUP = "fotfeste-brukere", "kantina"
SAML_MAIL = "urn:oid:0.9.2342.19200300.100.1.3"
SAML_NAME = "urn:oid:2.16.840.1.113730.3.1.241"
SAML_GROUPS = "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups"
OIDC_SECRET = "kristiansand-test-secret-not-real"


def _oidc_account(login: str, email: str, groups=(STAFF,), **extra) -> dict:
    claims = {"tid": TENANT, "oid": f"oid-{login}", "email": email, "name": login.title()}
    return {"claims": {**claims, "groups": list(groups)}, **extra}


def _saml_user(login: str, email: str, groups=(STAFF,), **extra) -> dict:
    attributes = {"mail": [email], "displayName": [login.title()], SAML_GROUPS: list(groups)}
    return {"nameid": f"pid-{login}", "attributes": attributes, **extra}


OIDC_ACCOUNTS = {
    "programleder": _oidc_account("programleder", "programleder@kristiansand.example.org"),
    "kantine": _oidc_account("kantine", "kantine@kristiansand.example.org", groups=[OTHER_GROUP]),
    "sluttet": _oidc_account("sluttet", "sluttet@kristiansand.example.org", disabled=True),
    "gjest": _oidc_account("gjest", "gjest@kristiansand.example.org"),
}
SAML_USERS = {
    "handlaggare": _saml_user("handlaggare", "handlaggare@solvik.example.org"),
    "kantin": _saml_user("kantin", "kantin@solvik.example.org", groups=[OTHER_GROUP]),
    "slutat": _saml_user("slutat", "slutat@solvik.example.org", disabled=True),
    "gast": _saml_user("gast", "gast@solvik.example.org"),
}


@dataclass(frozen=True)
class Way:
    """One municipality's provider, and who tries it."""

    protocol: str
    slug: str
    staff: str  # a demo staff member, invited to sign in through the provider
    login: str  # their account at the provider
    outsider: str  # an account at the provider outside the allowed group
    closed: str  # an account the provider has closed
    stranger: str  # an account at the provider that nobody of this municipality holds
    other_staff: str  # a demo staff member of the other municipality
    locale: str  # the browser's language, the municipality's own

    @property
    def login_path(self) -> str:
        if self.protocol == "saml":
            return f"/accounts/saml/{self.slug}/login/"
        return f"/accounts/oidc/{self.slug}/login/"


WAYS = {
    "oidc": Way(
        "openid_connect",
        "kristiansand",
        staff="programleder@kristiansand.example.org",
        login="programleder",
        outsider="kantine",
        closed="sluttet",
        stranger="gjest",
        other_staff="handledare.kok@solvik.example.org",
        locale="nb-NO",
    ),
    "saml": Way(
        "saml",
        "solvik",
        staff="handlaggare@solvik.example.org",
        login="handlaggare",
        outsider="kantin",
        closed="slutat",
        stranger="gast",
        other_staff="programleder@kristiansand.example.org",
        locale="sv-SE",
    ),
}
ORIGINS: dict[str, str] = {}  # the providers' addresses, by protocol


@pytest.fixture(scope="module", autouse=True)
def providers(live_site, live_manage) -> Iterator[None]:
    """Both providers running, and configured on the live site; switched off again afterwards
    so that the other browser tests see the sign-in page without them."""
    callback = f"{live_site}/accounts/oidc/kristiansand/login/callback/"
    client = {
        "client_id": "fotfeste",
        "client_secret": OIDC_SECRET,
        "redirect_uris": [callback],
        # Where the provider sends the browser back after signing out there.
        "post_logout_redirect_uris": [f"{live_site}/accounts/login/kristiansand/"],
    }
    with (
        oidc_provider(clients=[client], accounts=OIDC_ACCOUNTS) as op,
        saml_idp(users=SAML_USERS) as idp,
    ):
        ORIGINS.update(openid_connect=op.issuer, saml=idp.base)
        # The secret reaches the command through its environment, never its command line.
        live_manage(
            *("identity_provider_set", "Kristiansand", "--slug", "kristiansand"),
            *("--protocol", "openid_connect", "--name", "Kristiansand kommune"),
            *("--issuer", op.issuer, "--client-id", "fotfeste", "--subject", "entra"),
            *("--client-secret-env", "KRISTIANSAND_OIDC_SECRET"),
            *("--allowed-tenants", TENANT, "--allowed-groups", STAFF),
            env={"KRISTIANSAND_OIDC_SECRET": OIDC_SECRET},
        )
        live_manage(
            *("identity_provider_set", "Solvik", "--slug", "solvik", "--protocol", "saml"),
            *("--name", "Solviks kommun", "--issuer", idp.entity_id),
            *("--metadata-url", idp.entity_id, "--allowed-groups", STAFF),
            *("--email-claim", SAML_MAIL, "--name-claim", SAML_NAME),
            *("--groups-claim", SAML_GROUPS),
        )
        # As the IdP's admin registers Fotfeste from the metadata it serves.
        metadata = requests.get(f"{live_site}/accounts/saml/solvik/metadata/", timeout=10)
        assert metadata.status_code == 200, metadata.text
        idp.register(metadata.content)
        try:
            yield
        finally:
            for municipality in ("Kristiansand", "Solvik"):
                live_manage("identity_provider_set", municipality, "--no-enabled")


@pytest.fixture(params=list(WAYS))
def way(request) -> Way:
    return WAYS[request.param]


def _records(live_manage, code: str):
    """What Python in the live site's shell prints last, as JSON (mail it sends comes before)."""
    output = live_manage("shell", "-c", f"import json\n{code}")
    return json.loads(output.strip().splitlines()[-1])


def _last_event(live_manage, slug: str) -> dict:
    return _records(
        live_manage,
        "from accounts.models import SignInEvent\n"
        f"e = SignInEvent.objects.filter(provider__slug={slug!r}).order_by('-pk')"
        ".values('pk', 'outcome', 'reason', 'second_factor', 'user__email').first()\n"
        "print(json.dumps(e))",
    )


def _linked_to(live_manage, email: str) -> list[str]:
    return _records(
        live_manage,
        "from allauth.socialaccount.models import SocialAccount\n"
        f"print(json.dumps(list(SocialAccount.objects.filter(user__email={email!r})"
        ".values_list('provider', flat=True))))",
    )


def _user_exists(live_manage, email: str) -> bool:
    return _records(
        live_manage,
        "from accounts.models import User\n"
        f"print(json.dumps(User.objects.filter(email={email!r}).exists()))",
    )


def _email_at_provider(login: str) -> str:
    if login in OIDC_ACCOUNTS:
        return OIDC_ACCOUNTS[login]["claims"]["email"]
    return SAML_USERS[login]["attributes"]["mail"][0]


def _invitation_path(live_manage, email: str) -> str:
    """The link of the invitation the municipality's admin sends (accounts/services.py)."""
    token = _records(
        live_manage,
        "from accounts.models import User\n"
        "from accounts.services import invitation_create, invitation_token\n"
        f"user = User.objects.get(email={email!r})\n"
        "print(json.dumps(invitation_token(invitation_create(user=user, invited_by=None))))",
    )
    return f"/manage/invitation/{token}/"


@contextmanager
def fresh_page(browser, width: int = 390, locale: str = "nb-NO") -> Iterator:
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        yield page
    finally:
        context.close()


def _press_sign_in_with(page, site: str, way: Way) -> None:
    page.goto(f"{site}/accounts/login/{way.slug}/")
    page.click(f"main form[action='{way.login_path}'] button[type=submit]")


def _at_provider(page, way: Way, login: str, *, mfa: bool, keep: bool = False) -> None:
    """Sign in at the provider's own form: the OpenID provider's «second factor» box, or the
    IdP's authentication context (REFEDS MFA or a password); ``keep``: the IdP keeps a session
    (the OpenID provider always does)."""
    arrive(page, "^" + re.escape(ORIGINS[way.protocol]), f"{way.slug}-provider-form")
    page.fill("input[name=login]", login)
    if way.protocol == "saml":
        page.select_option("select[name=context]", "refeds-mfa" if mfa else "password")
        if keep:
            page.check("input[name=keep]")
    elif mfa:
        page.check("input[name=mfa]")
    page.click("button[type=submit]")


def _at_home(page, site: str, step: str) -> None:
    arrive(page, "^" + re.escape(site) + r"/(?!accounts/)", step)
    assert page.locator("details.usermenu").count() == 1


def _refused(page, site: str, reason: str) -> None:
    arrive(page, "^" + re.escape(site) + "/accounts/", f"refused-{reason}")
    assert page.locator("[data-refusal]").get_attribute("data-refusal") == reason


def _signed_out(page, site: str) -> None:
    page.goto(f"{site}/participants/")
    assert "/accounts/login/" in page.url


def _tie_through_invitation(browser, site: str, live_manage, way: Way) -> None:
    """The staff member, with Fotfeste's own second factor from a password sign-in before,
    follows their admin's invitation to the provider, which says a second factor was used:
    their home page, without Fotfeste's code."""
    with fresh_page(browser, locale=way.locale) as page:
        sign_in_fully(page, site, way.staff)
    with fresh_page(browser, locale=way.locale) as page:
        page.goto(site + _invitation_path(live_manage, way.staff))
        page.click("form[action$='/provider/'] button[type=submit]")
        _at_provider(page, way, way.login, mfa=True)
        _at_home(page, site, f"{way.slug}-home-with-mfa")


def test_the_sign_in_pages_offer_each_municipality_s_provider(browser, live_site):
    for width in (1280, 390):
        with fresh_page(browser, width) as page:
            page.goto(f"{live_site}/accounts/login/")
            for way in WAYS.values():
                button = page.locator(f"main form[action='{way.login_path}'] button")
                assert button.is_visible()
            no_violations(page, "sign-in page with providers")
            shot(page, f"sign-in-providers-{width}")
        for way in WAYS.values():
            with fresh_page(browser, width, way.locale) as page:
                page.goto(f"{live_site}/accounts/login/{way.slug}/")
                assert page.locator("main form[action$='/login/'] button").count() == 1
                assert page.locator("html").get_attribute("lang") == way.locale[:2]
                shot(page, f"sign-in-{way.slug}-{width}")


def test_invited_staff_sign_in_with_and_without_the_provider_s_second_factor(
    browser, live_site, live_manage, way
):
    _tie_through_invitation(browser, live_site, live_manage, way)
    event = _last_event(live_manage, way.slug)
    assert (event["outcome"], event["user__email"]) == ("signed_in", way.staff)
    assert event["second_factor"] == "provider"
    assert _linked_to(live_manage, way.staff) == [way.slug]

    # Another day, the provider asked for a password only: Fotfeste asks for its own code.
    with fresh_page(browser, locale=way.locale) as page:
        _press_sign_in_with(page, live_site, way)
        _at_provider(page, way, way.login, mfa=False)
        arrive(page, r"/accounts/2fa/authenticate/", f"{way.slug}-fotfeste-code")
        shot(page, f"sign-in-{way.slug}-code-390")
        enter_code(page, way.staff)
        _at_home(page, live_site, f"{way.slug}-home-with-code")
        event = _last_event(live_manage, way.slug)
        assert (event["user__email"], event["second_factor"]) == (way.staff, "totp")


def test_someone_outside_the_allowed_group_gets_the_refusal_page(
    browser, live_site, live_manage, way
):
    for width in (390, 1280):
        with fresh_page(browser, width, way.locale) as page:
            _press_sign_in_with(page, live_site, way)
            _at_provider(page, way, way.outsider, mfa=True)
            _refused(page, live_site, "not_permitted")
            assert page.locator("[role=alert]").count() == 1
            back = page.locator(f"main a[href='/accounts/login/{way.slug}/']")
            assert back.count() == 1
            no_violations(page, f"{way.slug} refusal")
            shot(page, f"sign-in-{way.slug}-refused-{width}")
            _signed_out(page, live_site)
    event = _last_event(live_manage, way.slug)
    assert (event["outcome"], event["reason"], event["user__email"]) == (
        "refused",
        "not_permitted",
        None,
    )
    assert not _user_exists(live_manage, _email_at_provider(way.outsider))


def test_an_account_the_provider_has_closed_gets_nowhere(browser, live_site, live_manage, way):
    before = _last_event(live_manage, way.slug)
    with fresh_page(browser, locale=way.locale) as page:
        _press_sign_in_with(page, live_site, way)
        _at_provider(page, way, way.closed, mfa=True)
        # The provider refuses at its own form (the test providers' own words): nothing comes
        # back to Fotfeste.
        page.get_by_text("This account is disabled.").wait_for()
        assert page.url.startswith(ORIGINS[way.protocol])
        _signed_out(page, live_site)
    assert _last_event(live_manage, way.slug) == before


def test_a_user_of_the_other_municipality_is_refused_and_never_tied(
    browser, live_site, live_manage, way
):
    with fresh_page(browser, locale=way.locale) as page:
        # Their own municipality's invitation sends them to their own provider; they turn to
        # this municipality's instead.
        page.goto(live_site + _invitation_path(live_manage, way.other_staff))
        page.click("form[action$='/provider/'] button[type=submit]")
        page.wait_for_url(lambda url: not url.startswith(live_site))
        _press_sign_in_with(page, live_site, way)
        _at_provider(page, way, way.stranger, mfa=True)
        _refused(page, live_site, "other_municipality")
        _signed_out(page, live_site)
    event = _last_event(live_manage, way.slug)
    assert (event["outcome"], event["reason"]) == ("refused", "other_municipality")
    assert way.slug not in _linked_to(live_manage, way.other_staff)
    assert not _user_exists(live_manage, _email_at_provider(way.stranger))


def test_signing_out_ends_the_provider_s_session_too(browser, live_site, live_manage, way):
    if way.slug not in _linked_to(live_manage, way.staff):  # run alone: tie them first
        _tie_through_invitation(browser, live_site, live_manage, way)
    with fresh_page(browser, locale=way.locale) as page:
        _press_sign_in_with(page, live_site, way)
        _at_provider(page, way, way.login, mfa=True, keep=True)
        _at_home(page, live_site, f"{way.slug}-home-before-sign-out")
        # Held at Fotfeste's page between the two sign-outs (a 204 leaves the browser on it),
        # to look at it; then its button goes on, as for a browser that does not refresh.
        provider = re.compile("^" + re.escape(ORIGINS[way.protocol]))
        page.route(provider, lambda route: route.fulfill(status=204))
        page.click("details.usermenu summary")
        page.click("details.usermenu form[action='/accounts/logout/'] button[type=submit]")
        arrive(page, re.escape(f"{live_site}/accounts/signing-out/"), "signing-out")
        page.wait_for_timeout(500)  # the refresh has come and gone
        assert page.url == f"{live_site}/accounts/signing-out/"
        no_violations(page, f"{way.slug} signing out")
        shot(page, f"signing-out-{way.slug}-390")
        page.unroute(provider)
        page.click("#sign-out-onward")
        if way.protocol == "openid_connect":  # the provider asks whether to sign out there
            arrive(page, "^" + re.escape(ORIGINS[way.protocol]), f"{way.slug}-end-session")
            page.click("button[name=logout][value=yes]")
        arrive(page, "^" + re.escape(f"{live_site}/accounts/login/{way.slug}/"), "signed-out")
        shot(page, f"signed-out-{way.slug}-390")
        event = _last_event(live_manage, way.slug)
        assert (event["outcome"], event["reason"], event["user__email"]) == (
            "signed_out",
            "provider",
            way.staff,
        )
        _signed_out(page, live_site)
        # The provider's session is gone too: signing in again asks for the account there.
        _press_sign_in_with(page, live_site, way)
        arrive(page, "^" + re.escape(ORIGINS[way.protocol]), f"{way.slug}-provider-asks-again")
        assert page.locator("input[name=login]").count() == 1
