"""Personal API tokens: made, listed and revoked by their owner, found by the hash of the secret.

A token carries no rights of its own: a request with it is the user's request, with exactly the
roles the user holds at that moment."""

import hashlib
import secrets
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken, ApiTokenQuerySet, User
from audit.models import ChangeAction
from audit.services import change_record, snapshot
from config.errors import ApplicationError

PREFIX = "ff_"
DEFAULT_DAYS = 90
MAX_DAYS = 365
MAX_OPEN_TOKENS = 20
# last_used_at is written at most this often, so that a busy integration does not write a row
# on every request.
_USE_RESOLUTION = timedelta(minutes=5)
_AUDITED = ("user", "name", "expires_at", "revoked_at")


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def token_default_expiry() -> date:
    return timezone.localdate() + timedelta(days=DEFAULT_DAYS)


def api_token_create(*, actor: User, name: str, expires_on: date) -> tuple[ApiToken, str]:
    """Make a token for ``actor``; returns it with its secret, which is never stored."""
    name = (name or "").replace("\x00", "").strip()
    if not name:
        raise ApplicationError(_("Give the token a name."), field="name")
    today = timezone.localdate()
    if expires_on is None or expires_on <= today:
        raise ApplicationError(_("The expiry date must be after today."), field="expires_on")
    if expires_on > today + timedelta(days=MAX_DAYS):
        raise ApplicationError(
            _("A token can be valid for at most %(days)d days.") % {"days": MAX_DAYS},
            field="expires_on",
        )
    if user_tokens(user=actor).usable().count() >= MAX_OPEN_TOKENS:  # expired ones do not count
        raise ApplicationError(
            _("You have %(count)d valid tokens. Revoke one you no longer use.")
            % {"count": MAX_OPEN_TOKENS}
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    # Valid through the chosen day, in the municipality's time zone.
    expires_at = timezone.make_aware(datetime.combine(expires_on, time(23, 59, 59)))
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor, name=name[:100], digest=token_digest(secret), expires_at=expires_at
        )
        change_record(
            actor=actor,
            instance=token,
            action=ChangeAction.CREATE,
            after=snapshot(token, _AUDITED),
        )
    return token, secret


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Stop a token from working; revoking it again changes nothing."""
    if token.user_id != actor.pk:
        raise ApplicationError(_("You can revoke only your own tokens."))
    with transaction.atomic():
        claimed = ApiToken.objects.filter(pk=token.pk, revoked_at=None).update(
            revoked_at=timezone.now()
        )
        if claimed:
            before = snapshot(token, _AUDITED)
            token.refresh_from_db()
            change_record(
                actor=actor,
                instance=token,
                action=ChangeAction.UPDATE,
                before=before,
                after=snapshot(token, _AUDITED),
            )
    return token


def user_tokens(*, user: User) -> ApiTokenQuerySet:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


def user_token_get(*, user: User, pk: int) -> ApiToken:
    """One of the user's own tokens, or 404."""
    return get_object_or_404(user_tokens(user=user), pk=pk)


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The usable token a secret stands for, with its user loaded, or None. Notes when it was
    last used (at most every few minutes)."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.usable()
        .select_related("user__municipality")
        .filter(digest=token_digest(secret))
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > _USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
