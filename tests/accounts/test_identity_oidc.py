"""Signing in through a municipality's OpenID Connect provider, against a real one: panva's
oidc-provider in its own process (tests/support/oidc_provider.py), the whole authorization-code
flow over HTTP, with PKCE, the ID token's signature checked against the provider's keys."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from cryptography.hazmat.primitives.asymmetric import rsa

from accounts.identity import identity_provider_secret_set
from accounts.models import (
    GroupRole,
    IdentityProvider,
    ProgrammeMembership,
    ProgrammeRole,
    SecondFactor,
    SignInOutcome,
    SubjectKind,
    User,
)
from accounts.services import invitation_create, invitation_token
from accounts.social import VerifyingOIDCAdapter, social_app
from tests import factories as f
from tests.support.oidc_provider import Browser, last_sign_in, oidc_provider, signed_in_as
from tests.support.visitors import english_visitor, sign_in, text

pytestmark = pytest.mark.django_db

TENANT, OTHER_TENANT = (
    "11111111-aaaa-4000-8000-000000000001",
    "22222222-bbbb-4000-8000-000000000002",
)
STAFF, OTHER_GROUP = "g-fotfeste-staff", "g-kantine"
CALLBACK = "http://testserver/accounts/oidc/{slug}/login/callback/"


def _account(oid: str, email: str, groups=(), tenant=TENANT, **extra):
    claims = {"tid": tenant, "oid": oid, "email": email, "name": f"Test {oid}"}
    return {"claims": {**claims, "groups": list(groups)}, **extra}


ACCOUNTS = {
    "kari": _account("oid-kari", "kari@lyngdal.example.org", groups=[STAFF]),
    "ola": _account("oid-ola", "ola@lyngdal.example.org"),
    "kantine": _account("oid-kantine", "kantine@lyngdal.example.org", groups=[OTHER_GROUP]),
    "closed": _account("oid-closed", "closed@lyngdal.example.org", groups=[STAFF], disabled=True),
    "guest": _account("oid-guest", "guest@other.example.org", groups=[STAFF], tenant=OTHER_TENANT),
    "nobody": {"claims": {"email": "nobody@lyngdal.example.org", "groups": [STAFF]}},
}


@pytest.fixture(scope="module")
def op():
    clients = [
        {
            "client_id": f"fotfeste-{slug}",
            "client_secret": f"secret-of-{slug}-not-real",
            "redirect_uris": [CALLBACK.format(slug=slug)],
        }
        for slug in ("lyngdal", "solvik")
    ]
    with oidc_provider(clients=clients, accounts=ACCOUNTS) as running:
        yield running


def _provider(op, municipality, slug, **fields) -> IdentityProvider:
    defaults = {
        "name": f"{municipality.name} kommune",
        "protocol": "openid_connect",
        "issuer": op.issuer,
        "client_id": f"fotfeste-{slug}",
        "subject": SubjectKind.ENTRA,
        "allowed_tenants": TENANT,
        "allowed_groups": STAFF,
    }
    provider = IdentityProvider.objects.create(
        municipality=municipality, slug=slug, **{**defaults, **fields}
    )
    identity_provider_secret_set(provider=provider, secret=op.clients[f"fotfeste-{slug}"])
    return provider


@pytest.fixture
def lyngdal(op, world):
    return _provider(op, world.municipality, "lyngdal")


@pytest.fixture
def visitor():
    return Browser(english_visitor())


def test_a_member_of_an_allowed_group_gets_an_account_tied_to_tenant_and_object_id(
    lyngdal, visitor
):
    response = visitor.sign_in("lyngdal", "kari")

    assert response.status_code == 302, text(response)
    user = signed_in_as(visitor.client)
    assert user.email == "kari@lyngdal.example.org"
    assert user.municipality == lyngdal.municipality
    assert not user.has_usable_password()
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("lyngdal", f"{TENANT}:oid-kari")
    event = last_sign_in()
    assert (event.user, event.method, event.provider) == (user, "openid_connect", lyngdal)
    assert event.outcome == SignInOutcome.SIGNED_IN


def test_the_account_follows_the_subject_not_the_email_address(lyngdal, visitor, op):
    visitor.sign_in("lyngdal", "kari")
    user = signed_in_as(visitor.client)
    user.email = "kari.renamed@lyngdal.example.org"
    user.save()

    again = Browser(english_visitor())
    again.sign_in("lyngdal", "kari")

    assert signed_in_as(again.client) == user
    assert (
        User.objects.filter(municipality=lyngdal.municipality, email__startswith="kari").count()
        == 1
    )


def test_someone_outside_the_allowed_groups_is_refused_with_a_clear_page(lyngdal, visitor):
    response = visitor.sign_in("lyngdal", "kantine")

    assert response.status_code == 403
    assert "has not been given access to Fotfeste" in text(response)
    assert signed_in_as(visitor.client) is None
    assert not User.objects.filter(email="kantine@lyngdal.example.org").exists()
    event = last_sign_in()
    assert (event.outcome, event.reason, event.user) == (
        SignInOutcome.REFUSED,
        "not_permitted",
        None,
    )


def test_the_log_line_of_a_refusal_names_nobody(lyngdal, visitor, caplog):
    visitor.sign_in("lyngdal", "kantine")

    logged = " ".join(r.getMessage() for r in caplog.records if r.name == "fotfeste.sign_in")
    assert "not_permitted" in logged
    assert "kantine" not in logged and "oid-" not in logged


def test_a_user_of_another_tenant_is_refused(lyngdal, visitor):
    response = visitor.sign_in("lyngdal", "guest")

    assert response.status_code == 403
    assert last_sign_in().reason == "wrong_tenant"
    assert signed_in_as(visitor.client) is None


def test_a_user_disabled_at_the_provider_cannot_sign_in(lyngdal, visitor):
    response = visitor.sign_in("lyngdal", "closed")

    assert "This account is disabled." in response.text
    assert signed_in_as(visitor.client) is None
    assert not User.objects.filter(email="closed@lyngdal.example.org").exists()


def test_a_missing_subject_claim_is_refused_without_a_server_error(op, world, visitor):
    # The provider ties accounts to tid + oid, which this account lacks.
    _provider(op, world.municipality, "lyngdal")

    response = visitor.sign_in("lyngdal", "nobody")

    assert response.status_code == 403
    assert "did not say who you are" in text(response)
    assert last_sign_in().reason == "missing_subject"


def test_an_invited_user_follows_the_invitation_to_the_provider_and_is_linked(
    lyngdal, world, visitor
):
    invited = f.UserFactory(
        municipality=world.municipality, email="ola.invited@lyngdal.example.org"
    )
    invitation = invitation_create(user=invited, invited_by=world.admin)
    start = visitor.client.post(f"/manage/invitation/{invitation_token(invitation)}/provider/")

    response = visitor.at_provider(start["Location"], "ola")

    assert response.status_code == 302, text(response)
    assert signed_in_as(visitor.client) == invited
    assert SocialAccount.objects.get(user=invited).uid == f"{TENANT}:oid-ola"
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_an_uninvited_user_without_an_allowed_group_is_refused(lyngdal, visitor):
    response = visitor.sign_in("lyngdal", "ola")

    assert response.status_code == 403
    assert last_sign_in().reason == "not_permitted"


def test_a_user_of_another_municipality_is_never_linked_to_this_provider(
    lyngdal, op, world, visitor
):
    # Solvik's invited user starts at Solvik's provider, then turns to Lyngdal's.
    _provider(op, world.foreign_municipality, "solvik")
    foreigner = world.foreign_caseworker
    invitation = invitation_create(user=foreigner, invited_by=None)
    visitor.client.post(f"/manage/invitation/{invitation_token(invitation)}/provider/")

    response = visitor.sign_in("lyngdal", "ola")

    assert response.status_code == 403
    assert last_sign_in().reason == "other_municipality"
    assert not SocialAccount.objects.filter(user=foreigner).exists()


def test_a_link_to_a_user_of_another_municipality_is_refused(lyngdal, world, visitor):
    SocialAccount.objects.create(
        user=world.foreign_caseworker, provider="lyngdal", uid=f"{TENANT}:oid-kari"
    )

    response = visitor.sign_in("lyngdal", "kari")

    assert response.status_code == 403
    assert last_sign_in().reason == "other_municipality"
    assert signed_in_as(visitor.client) is None


def test_a_user_closed_in_fotfeste_cannot_sign_in_through_the_provider(lyngdal, visitor):
    visitor.sign_in("lyngdal", "kari")
    user = signed_in_as(visitor.client)
    User.objects.filter(pk=user.pk).update(is_active=False)

    again = Browser(english_visitor())
    response = again.sign_in("lyngdal", "kari")

    assert response.status_code == 403
    assert last_sign_in().reason == "inactive"


def test_leaving_the_allowed_group_takes_access_away(lyngdal, visitor):
    visitor.sign_in("lyngdal", "kari")
    lyngdal.allowed_groups = "g-someone-else"
    lyngdal.save()

    again = Browser(english_visitor())
    response = again.sign_in("lyngdal", "kari")

    assert response.status_code == 403
    assert last_sign_in().reason == "not_permitted"


def test_the_provider_s_second_factor_is_trusted_when_amr_says_mfa(lyngdal, visitor):
    visitor.sign_in("lyngdal", "kari")
    user = signed_in_as(visitor.client)
    TOTP.activate(user, generate_totp_secret())

    again = Browser(english_visitor())
    response = again.sign_in("lyngdal", "kari", mfa=True)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_as(again.client) == user
    assert last_sign_in().second_factor == SecondFactor.PROVIDER


def test_without_mfa_from_the_provider_fotfeste_asks_for_its_own(lyngdal, visitor):
    visitor.sign_in("lyngdal", "kari")
    user = signed_in_as(visitor.client)
    TOTP.activate(user, generate_totp_secret())

    again = Browser(english_visitor())
    response = again.sign_in("lyngdal", "kari", mfa=False)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert signed_in_as(again.client) is None


def test_a_municipality_may_ask_for_its_own_second_factor_anyway(lyngdal, visitor):
    visitor.sign_in("lyngdal", "kari")
    user = signed_in_as(visitor.client)
    TOTP.activate(user, generate_totp_secret())
    lyngdal.trust_provider_mfa = False
    lyngdal.save()

    again = Browser(english_visitor())
    response = again.sign_in("lyngdal", "kari", mfa=True)

    assert response["Location"] == "/accounts/2fa/authenticate/"


def test_a_replayed_callback_is_refused(lyngdal, visitor):
    visitor.sign_in("lyngdal", "kari")

    replayed = visitor.replay_callback()

    assert replayed.status_code == 403
    assert last_sign_in().reason == "provider_error"


def test_a_group_role_is_given_at_sign_in_and_taken_away_when_the_group_is_left(
    lyngdal, world, visitor
):
    GroupRole.objects.create(
        provider=lyngdal, group=STAFF, programme=world.programme, role=ProgrammeRole.CASEWORKER
    )
    visitor.sign_in("lyngdal", "kari")
    user = signed_in_as(visitor.client)
    assert ProgrammeMembership.objects.get(user=user).via_group == STAFF

    GroupRole.objects.all().delete()
    Browser(english_visitor()).sign_in("lyngdal", "kari")

    assert not ProgrammeMembership.objects.filter(user=user).exists()


def test_a_role_given_in_fotfeste_is_not_taken_away_by_groups(lyngdal, world, visitor):
    visitor.sign_in("lyngdal", "kari")
    user = signed_in_as(visitor.client)
    ProgrammeMembership.objects.create(
        user=user, programme=world.other_programme, role=ProgrammeRole.CASEWORKER
    )

    Browser(english_visitor()).sign_in("lyngdal", "kari")

    assert ProgrammeMembership.objects.filter(user=user).count() == 1


def test_a_provider_that_is_down_gives_a_clear_page_and_the_break_glass_route(world, visitor):
    IdentityProvider.objects.create(
        municipality=world.municipality,
        slug="lyngdal",
        name="Lyngdal kommune",
        protocol="openid_connect",
        issuer="http://127.0.0.1:9",
        client_id="fotfeste-lyngdal",
    )

    response = visitor.client.post("/accounts/oidc/lyngdal/login/")

    assert response.status_code == 503
    assert "cannot be reached" in text(response)
    assert "/accounts/login/lyngdal/?break-glass" in text(response)
    assert last_sign_in().reason == "provider_unreachable"


def test_password_sign_in_still_works_for_a_municipality_without_a_provider(world):
    client = english_visitor()

    response = sign_in(client, world.caseworker.email)

    assert response.status_code == 302
    event = last_sign_in()
    assert (event.method, event.user, event.provider) == ("password", world.caseworker, None)


# --- ID tokens Fotfeste must refuse, checked against the running provider's keys ------------


def _decode(op, lyngdal, rf, token: str):
    adapter = VerifyingOIDCAdapter(rf.get("/"), "lyngdal")
    # As after the token endpoint, where allauth's own adapter would skip the signature.
    adapter.did_fetch_access_token = True
    return adapter._decode_id_token(social_app(lyngdal), token)


def _claims(op, **changes):
    now = int(time.time())
    claims = {"iss": op.issuer, "aud": "fotfeste-lyngdal", "sub": "kari", "iat": now}
    return {**claims, "exp": now + 300, **changes}


def test_a_token_signed_by_the_provider_is_accepted(op, lyngdal, rf):
    assert _decode(op, lyngdal, rf, op.sign(_claims(op)))["sub"] == "kari"


@pytest.mark.parametrize(
    "changes",
    [
        {"iss": "http://127.0.0.1:1/not-the-issuer"},
        {"aud": "fotfeste-solvik"},
        {"exp": 1_000_000_000, "iat": 999_999_000},
    ],
    ids=["wrong issuer", "wrong audience", "expired"],
)
def test_a_token_with_the_wrong_issuer_audience_or_time_is_refused(op, lyngdal, rf, changes):
    with pytest.raises(OAuth2Error):
        _decode(op, lyngdal, rf, op.sign(_claims(op, **changes)))


def test_a_token_signed_with_another_key_is_refused(op, lyngdal, rf):
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    with pytest.raises(OAuth2Error):
        _decode(op, lyngdal, rf, op.sign(_claims(op), key=stranger))
