"""Signing staff in through their municipality's identity provider (docs/sign-in.md).

Who gets in: a user already tied to the provider's stable subject, a user the municipality's
admin invited who follows the invitation to the provider, or a member of one of the
provider's allowed groups (who gets an account at the first sign-in). Nobody is ever found by
e-mail address, and nobody is tied to another municipality's provider. Everyone else is refused
with a reason that names nobody (SignInRefused).
"""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import (
    GroupRole,
    IdentityProvider,
    Invitation,
    ProgrammeMembership,
    Protocol,
    SecondFactor,
    SignInEvent,
    SignInMethod,
    SignInOutcome,
    SubjectKind,
    User,
)
from audit.models import ChangeAction
from audit.services import change_record, snapshot
from config import crypto

logger = logging.getLogger("fotfeste.sign_in")

SECRET_PURPOSE = "fotfeste.identity-provider.client-secret"  # noqa: S105 (a key purpose)

# What a refused person is told, by reason; the reason alone is logged and recorded.
REFUSALS = {
    "provider_off": _("Sign-in through this identity provider is switched off."),
    "wrong_tenant": _("Your organisation's account cannot be used for Fotfeste here."),
    "not_permitted": _(
        "Your account has not been given access to Fotfeste. Ask your municipality's Fotfeste "
        "admin to invite you, or to add you to a group that has access."
    ),
    "other_municipality": _("Your account belongs to another municipality's Fotfeste."),
    "inactive": _("Your Fotfeste account is closed. Ask your municipality's Fotfeste admin."),
    "missing_subject": _("The identity provider did not say who you are. Nothing was saved."),
    "missing_email": _("The identity provider did not give an e-mail address for you."),
    "email_taken": _(
        "A Fotfeste account already has your e-mail address. Ask your municipality's Fotfeste "
        "admin for an invitation, and follow it to sign in with your organisation's account."
    ),
    "provider_error": _(
        "The sign-in could not be completed: the answer from the identity provider was not "
        "valid or has been used already. Start again from the sign-in page."
    ),
    "provider_unreachable": _("The identity provider cannot be reached just now."),
    "unsolicited": _(
        "Fotfeste did not ask for this sign-in: it must start at Fotfeste's sign-in page, not "
        "at the identity provider's. Start again from the sign-in page."
    ),
    "password_off": _(
        "Your municipality signs in through its identity provider. Password sign-in is kept "
        "for admins with two-factor authentication."
    ),
}


# What a sign-out did at the provider, as recorded: nothing (a password user), sent on to the
# provider's logout, the provider offers none, the provider could not be reached, or the
# provider itself asked (SAML single logout the IdP started).
SIGN_OUT_REASONS = frozenset(
    {"", "provider", "provider_no_logout", "provider_unreachable", "provider_asked"}
)


class SignInRefused(Exception):
    def __init__(self, reason: str) -> None:
        assert reason in REFUSALS
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self) -> str:
        return str(REFUSALS[self.reason])


@dataclass(frozen=True)
class Claims:
    """What Fotfeste reads of a provider's answer about the person signing in."""

    subject: str
    tenant: str = ""
    groups: tuple[str, ...] = ()
    email: str = ""
    name: str = ""
    mfa: bool = False


# --- the provider's configuration ---------------------------------------------------------


def identity_provider_secret_set(*, provider: IdentityProvider, secret: str) -> None:
    """Keep the client secret encrypted (config/crypto.py); an empty one removes it."""
    provider.client_secret_encrypted = (
        crypto.encrypt(secret, purpose=SECRET_PURPOSE) if secret else ""
    )
    provider.save(update_fields=["client_secret_encrypted"])


def identity_provider_save(
    *,
    provider: IdentityProvider,
    fields: Iterable[str],
    secret: str | None = None,
    group_roles: Iterable[tuple[str, int, str]] | None = None,
    actor: User | None = None,
) -> IdentityProvider:
    """Save a provider whose ``fields`` a validated form has set on it: the row, the client
    secret encrypted when one is given, the group roles replaced by ``group_roles`` (group,
    programme id, role) when given, and the change in the audit log, in one transaction. The
    log's «before» is the row as stored, since a form's validation already changed the object."""
    names = list(fields)
    with transaction.atomic():
        stored = IdentityProvider.objects.filter(pk=provider.pk).first() if provider.pk else None
        before = snapshot(stored, names) if stored else {}
        provider.save()
        if secret is not None:
            identity_provider_secret_set(provider=provider, secret=secret)
        if group_roles is not None:
            GroupRole.objects.filter(provider=provider).delete()
            GroupRole.objects.bulk_create(
                GroupRole(provider=provider, group=group, programme_id=programme, role=role)
                for group, programme, role in group_roles
            )
        change_record(
            actor=actor,
            instance=provider,
            action=ChangeAction.UPDATE if stored else ChangeAction.CREATE,
            before=before,
            after=snapshot(provider, names),
        )
    return provider


def identity_provider_secret(provider: IdentityProvider) -> str:
    if not provider.client_secret_encrypted:
        return ""
    return crypto.decrypt(provider.client_secret_encrypted, purpose=SECRET_PURPOSE)


def enabled_providers() -> "list[IdentityProvider]":
    return list(IdentityProvider.objects.filter(enabled=True).select_related("municipality"))


def municipality_provider(municipality_id: int | None) -> IdentityProvider | None:
    """The municipality's provider, if it has one in use."""
    if municipality_id is None:
        return None
    return IdentityProvider.objects.filter(municipality_id=municipality_id, enabled=True).first()


def provider_by_slug(slug: str) -> IdentityProvider | None:
    return IdentityProvider.objects.select_related("municipality").filter(slug=slug).first()


# --- reading an answer ----------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return str(value).strip() if value is not None else ""


def _many(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(item) for item in value)


def oidc_claims(provider: IdentityProvider, data: Mapping[str, Any]) -> Claims:
    """From the ID token (signature, issuer, audience and expiry checked by allauth) and the
    user info; ``amr`` and Entra's ``tid`` and ``oid`` are read from the ID token only."""
    token = data.get("id_token") or {}
    merged = {**token, **(data.get("userinfo") or {})}
    if provider.subject == SubjectKind.ENTRA:
        tenant, oid = _text(token.get("tid")), _text(token.get("oid"))
        subject = f"{tenant}:{oid}" if tenant and oid else ""
    else:
        tenant, subject = _text(token.get("tid")), _text(token.get("sub"))
    if not subject:
        raise SignInRefused("missing_subject")
    return Claims(
        subject=subject,
        tenant=tenant,
        groups=_many(merged.get(provider.groups_claim)),
        email=_text(merged.get(provider.email_claim)).lower(),
        name=_text(merged.get(provider.name_claim)),
        mfa="mfa" in _many(token.get("amr")),
    )


# The only NameID an account is tied to: the same for the person at every sign-in, and meant
# for this service provider alone (an e-mail address or a transient id never is).
PERSISTENT_NAMEID = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
# Authentication contexts (AuthnContextClassRef) that say a second factor was used.
MFA_CONTEXTS = frozenset(
    {
        "https://refeds.org/profile/mfa",
        "http://schemas.microsoft.com/claims/multipleauthn",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorContract",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:MobileTwoFactorUnregistered",
    }
)


def saml_claims(provider: IdentityProvider, data: Mapping[str, Any]) -> Claims:
    """From the assertion (signature, audience, validity and the request it answers checked by
    python3-saml and allauth): the subject is the persistent NameID, the rest attributes."""
    attributes = data.get("attributes") or {}
    persistent = data.get("nameid_format") == PERSISTENT_NAMEID
    subject = _text(data.get("nameid")) if persistent else ""
    if not subject:
        raise SignInRefused("missing_subject")
    return Claims(
        subject=subject,
        groups=_many(attributes.get(provider.groups_claim)),
        email=_text(attributes.get(provider.email_claim)).lower(),
        name=_text(attributes.get(provider.name_claim)),
        mfa=bool(MFA_CONTEXTS & set(_many(data.get("authn_contexts")))),
    )


def provider_claims(provider: IdentityProvider, data: Mapping[str, Any]) -> Claims:
    if provider.protocol == Protocol.SAML:
        return saml_claims(provider, data)
    return oidc_claims(provider, data)


# --- who gets in ----------------------------------------------------------------------------


def _was_invited(user: User) -> bool:
    return Invitation.objects.filter(user=user, accepted_at__isnull=False).exists()


def _in_allowed_group(provider: IdentityProvider, claims: Claims) -> bool:
    return bool(set(provider.groups) & set(claims.groups))


def sign_in_decide(
    *,
    provider: IdentityProvider,
    claims: Claims,
    linked: User | None,
    invitation: Invitation | None,
) -> User | None:
    """The user this answer signs in, None for a new member of an allowed group (made by
    ``provider_user_create``), or SignInRefused."""
    if not provider.enabled:
        raise SignInRefused("provider_off")
    if provider.tenants and claims.tenant not in provider.tenants:
        raise SignInRefused("wrong_tenant")
    user = linked or (invitation.user if invitation is not None else None)
    if user is not None:
        if user.municipality_id != provider.municipality_id:
            raise SignInRefused("other_municipality")
        if not user.is_active:
            raise SignInRefused("inactive")
        # Someone given access by group loses it with the group; an invited user keeps it.
        if (
            linked is not None
            and provider.groups
            and not _in_allowed_group(provider, claims)
            and not _was_invited(linked)
        ):
            raise SignInRefused("not_permitted")
        return user
    if not _in_allowed_group(provider, claims):
        raise SignInRefused("not_permitted")
    return None


def provider_user_create(*, provider: IdentityProvider, claims: Claims) -> User:
    """A member of an allowed group signing in for the first time: an account in the
    provider's municipality, without a password and without roles but its groups'."""
    if not claims.email:
        raise SignInRefused("missing_email")
    if User.objects.filter(email=claims.email).exists():
        raise SignInRefused("email_taken")
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                claims.email,
                full_name=claims.name[:150] or claims.email,
                municipality=provider.municipality,
            )
            change_record(
                actor=None,
                instance=user,
                action=ChangeAction.CREATE,
                after=snapshot(user, ["email", "full_name", "municipality"]),
            )
    except IntegrityError:
        raise SignInRefused("email_taken") from None
    return user


def invitation_accept_through_provider(*, invitation: Invitation) -> None:
    """The invited user signed in through the provider: the invitation is used up."""
    Invitation.objects.filter(pk=invitation.pk, accepted_at=None).update(accepted_at=timezone.now())


def group_roles_apply(*, user: User, provider: IdentityProvider, groups: Iterable[str]) -> None:
    """Give the roles of the user's groups, and take away those of groups they left (or whose
    mapping was removed). Roles given in Fotfeste are left as they are."""
    groups = set(groups)
    wanted = {
        (mapping.programme_id, mapping.group): mapping.role
        for mapping in GroupRole.objects.filter(provider=provider, group__in=groups)
    }
    held = {m.programme_id: m for m in ProgrammeMembership.objects.filter(user=user)}
    for (programme_id, group), role in wanted.items():
        if programme_id in held:
            continue
        membership = ProgrammeMembership.objects.create(
            user=user, programme_id=programme_id, role=role, via_group=group
        )
        held[programme_id] = membership
        change_record(
            actor=None,
            instance=membership,
            action=ChangeAction.CREATE,
            after=snapshot(membership, ["user", "programme", "role", "via_group"]),
        )
    for membership in held.values():
        if membership.via_group and (membership.programme_id, membership.via_group) not in wanted:
            change_record(
                actor=None,
                instance=membership,
                action=ChangeAction.DELETE,
                before=snapshot(membership, ["user", "programme", "role", "via_group"]),
            )
            membership.delete()


# --- the provider's session, for signing out there too (accounts/sign_out.py) --------------

# What signing out at the provider needs: the raw ID token (OpenID Connect), or the NameID and
# the session index (SAML). Kept in Fotfeste's session only, never logged nor saved elsewhere.
PROVIDER_SESSION_KEY = "_fotfeste_provider_session"
_ANSWERED_KEY = "_fotfeste_provider_answer"


def provider_session_answered(
    session: SessionBase, *, provider_slug: str, protocol: str, facts: Mapping[str, str]
) -> None:
    """The provider answered: its facts wait for the sign-in to complete (second factor and
    all), and are dropped if it does not."""
    session[_ANSWERED_KEY] = {"provider": provider_slug, "protocol": protocol, **facts}


def provider_session_claimed(session: SessionBase, *, provider_slug: str, user_pk: int) -> None:
    """The answer signs this user in (accounts/social.py, after the who-gets-in rules)."""
    answer = session.get(_ANSWERED_KEY)
    if isinstance(answer, dict) and answer.get("provider") == provider_slug:
        session[_ANSWERED_KEY] = {**answer, "user": str(user_pk)}


def provider_session_start(session: SessionBase, *, provider_slug: str, user_pk: int) -> None:
    """The sign-in completed: keep the facts of this user's answer from this provider; any
    other sign-in (a password, say) has no provider session."""
    answer = session.pop(_ANSWERED_KEY, None)
    session.pop(PROVIDER_SESSION_KEY, None)
    if (
        isinstance(answer, dict)
        and provider_slug
        and answer.get("provider") == provider_slug
        and answer.pop("user", None) == str(user_pk)
    ):
        session[PROVIDER_SESSION_KEY] = answer


def provider_session(session: SessionBase) -> dict[str, str]:
    kept = session.get(PROVIDER_SESSION_KEY)
    return kept if isinstance(kept, dict) else {}


# --- the record -----------------------------------------------------------------------------


def sign_out_record(
    *, method: str, user: User, provider: IdentityProvider | None, reason: str
) -> SignInEvent:
    """A sign-out, and what became of the provider's session (SIGN_OUT_REASONS)."""
    assert reason in SIGN_OUT_REASONS
    logger.info(
        "signed out: method=%s provider=%s at_provider=%s",
        method,
        provider.pk if provider else "-",
        reason or "-",
    )
    return SignInEvent.objects.create(
        user=user,
        method=SignInMethod(method),
        provider=provider,
        outcome=SignInOutcome.SIGNED_OUT,
        reason=reason,
    )


def sign_in_record(
    *,
    method: str,
    user: User | None = None,
    provider: IdentityProvider | None = None,
    refused: str = "",
    second_factor: str = SecondFactor.NONE,
) -> SignInEvent:
    """Every sign-in and refusal. The log line names the provider and the reason, never the
    person; the row names the user where one is known (a closed account, say)."""
    if refused:
        logger.warning(
            "sign-in refused: method=%s provider=%s reason=%s",
            method,
            provider.pk if provider else "-",
            refused,
        )
    return SignInEvent.objects.create(
        user=user,
        method=SignInMethod(method),
        provider=provider,
        outcome=SignInOutcome.REFUSED if refused else SignInOutcome.SIGNED_IN,
        reason=refused,
        second_factor=second_factor,
    )
