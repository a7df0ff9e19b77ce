from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings

from accounts.identity import (
    SignInRefused,
    municipality_provider,
    provider_by_slug,
    provider_session_start,
    sign_in_record,
)
from accounts.middleware import second_factor_done
from accounts.models import IdentityProvider, PasswordSignIn, SecondFactor, SignInMethod
from accounts.services import user_password_set
from accounts.sign_out import sign_out, sign_out_redirect
from accounts.social import PROVIDER_MFA_KEY, provider_vouched_mfa, refused_page

_MFA_STAGE = "allauth.mfa.stages.AuthenticateStage"


def _has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def _password_provider(user) -> IdentityProvider | None:
    """The municipality's provider, where it keeps password sign-in for break-glass admins."""
    provider = municipality_provider(user.municipality_id)
    if provider and provider.password_sign_in == PasswordSignIn.BREAK_GLASS:
        return provider
    return None


def _password_allowed(request, user) -> None:
    provider = _password_provider(user) if user.municipality_id else None
    if provider is None or (user.is_municipality_admin and _has_totp(user)):
        return
    refusal = SignInRefused("password_off")
    method = SignInMethod.PASSWORD
    sign_in_record(method=method, user=user, provider=provider, refused=refusal.reason)
    raise ImmediateHttpResponse(refused_page(request, refusal, provider))


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # Users are invited by their municipality's admin; nobody signs up on their own.
        return False

    def set_password(self, user, password: str) -> None:
        """Password reset and change: an open invitation must not overwrite the new password."""

        user_password_set(user=user, password=password)

    def get_login_stages(self) -> list[str]:
        # Fotfeste's second factor is skipped where the identity provider vouched for its own.
        stages = super().get_login_stages()
        return [
            "accounts.social.ProviderAwareAuthenticateStage" if stage == _MFA_STAGE else stage
            for stage in stages
        ]

    def pre_login(self, request, user, **kwargs):
        """A municipality that signs in through its provider keeps passwords for break-glass
        admins with a second factor only."""
        if not (kwargs.get("signal_kwargs") or {}).get("sociallogin"):
            _password_allowed(request, user)
        return super().pre_login(request, user, **kwargs)

    def post_login(self, request, user, **kwargs):
        """Every completed sign-in is recorded with its method, provider and second factor."""
        records = get_authentication_records(request, user)
        first = next(
            (r for r in reversed(records) if r.get("method") in ("password", "socialaccount")), {}
        )
        after = records[records.index(first) + 1 :] if first else []
        provider = provider_by_slug(first.get("provider", "")) if first.get("provider") else None
        factor = SecondFactor.NONE
        if any(r.get("method") == "mfa" for r in after):
            factor = SecondFactor.TOTP
        elif provider_vouched_mfa(request, user):
            factor = SecondFactor.PROVIDER
            second_factor_done(request)
        request.session.pop(PROVIDER_MFA_KEY, None)
        slug = provider.slug if provider else ""
        provider_session_start(request.session, provider_slug=slug, user_pk=user.pk)
        sign_in_record(
            method=provider.protocol if provider else SignInMethod.PASSWORD,
            user=user,
            provider=provider,
            second_factor=factor,
        )
        return super().post_login(request, user, **kwargs)

    def get_logout_redirect_url(self, request):
        """After signing out: the provider's logout, where it offers one (accounts/sign_out.py);
        allauth asks for this address before it ends the session."""
        return sign_out_redirect(request) or super().get_logout_redirect_url(request)

    def logout(self, request) -> None:
        sign_out(request, super().logout)


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if settings.FOTFESTE_MFA_REQUIRED and authenticator.type == Authenticator.Type.TOTP:
            return False
        return super().can_delete_authenticator(authenticator)
