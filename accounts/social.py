"""django-allauth's social accounts, fitted to Fotfeste: its apps are built from each
municipality's IdentityProvider row (never settings), its answers go through the who-gets-in
rules of accounts/identity.py, and every refusal is a page of Fotfeste's, never a server error.
"""

from typing import Any

import requests
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.stages import AuthenticateStage
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp, SocialLogin, SocialToken
from allauth.socialaccount.providers.base import ProviderException
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.identity import (
    Claims,
    SignInRefused,
    enabled_providers,
    group_roles_apply,
    identity_provider_secret,
    invitation_accept_through_provider,
    oidc_claims,
    provider_by_slug,
    provider_claims,
    provider_session_answered,
    provider_session_claimed,
    provider_user_create,
    sign_in_decide,
    sign_in_record,
)
from accounts.models import IdentityProvider, Invitation, Protocol, User
from accounts.saml_app import saml_app_settings

# The session keys of a sign-in through a provider under way: the invitation being followed,
# and the user whose second factor the provider vouched for.
INVITATION_KEY = "_fotfeste_invitation"
PROVIDER_MFA_KEY = "_fotfeste_provider_mfa"


def social_app(provider: IdentityProvider) -> SocialApp:
    """An unsaved SocialApp, as allauth makes from settings; built per request, so a change
    made by platform staff holds at the next sign-in."""
    common = {"provider": provider.protocol, "provider_id": provider.slug, "name": provider.name}
    if provider.protocol == Protocol.SAML:
        # allauth finds a SAML app by its client id, which is in the app's addresses.
        return SocialApp(**common, client_id=provider.slug, settings=saml_app_settings(provider))
    return SocialApp(
        **common,
        client_id=provider.client_id,
        secret=identity_provider_secret(provider),
        settings={"server_url": provider.issuer, "oauth_pkce_enabled": True},
    )


def refused_page(
    request: HttpRequest, refusal: SignInRefused, provider: IdentityProvider | None
) -> HttpResponse:
    context = {"message": refusal.message, "reason": refusal.reason, "provider": provider}
    status = 503 if refusal.reason == "provider_unreachable" else 403
    return render(request, "account/sign_in_refused.html", context, status=status)


def _refuse(
    request: HttpRequest,
    refusal: SignInRefused,
    provider: IdentityProvider | None,
    user: User | None = None,
) -> ImmediateHttpResponse:
    method = provider.protocol if provider else Protocol.OIDC
    sign_in_record(method=method, provider=provider, user=user, refused=refusal.reason)
    return ImmediateHttpResponse(refused_page(request, refusal, provider))


def _claims(provider: IdentityProvider, sociallogin: SocialLogin) -> Claims:
    return provider_claims(provider, sociallogin.account.extra_data)


def _open_invitation(request: HttpRequest) -> Invitation | None:
    pk = request.session.pop(INVITATION_KEY, None)
    if not isinstance(pk, int):
        return None
    invitation = Invitation.objects.select_related("user").filter(pk=pk).first()
    return invitation if invitation is not None and invitation.is_open else None


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None) -> list[SocialApp]:
        apps = [social_app(row) for row in enabled_providers()]
        if provider:
            apps = [app for app in apps if provider in (app.provider, app.provider_id)]
        if client_id:
            apps = [app for app in apps if app.client_id == client_id]
        return apps

    def is_open_for_signup(self, request, sociallogin) -> bool:
        # pre_social_login has tied every answer it lets through to a user.
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        provider = provider_by_slug(sociallogin.account.provider)
        if provider is None:
            raise Http404
        linked = sociallogin.user if sociallogin.is_existing else None
        invitation = None if linked else _open_invitation(request)
        try:
            claims = _claims(provider, sociallogin)
            with transaction.atomic():
                user = sign_in_decide(
                    provider=provider, claims=claims, linked=linked, invitation=invitation
                )
                if user is None:
                    user = provider_user_create(provider=provider, claims=claims)
                if linked is None:
                    sociallogin.user = user
                    sociallogin.save(request, connect=True)
                    if invitation is not None:
                        invitation_accept_through_provider(invitation=invitation)
                group_roles_apply(user=user, provider=provider, groups=claims.groups)
        except SignInRefused as refusal:
            raise _refuse(request, refusal, provider, linked) from None
        provider_session_claimed(request.session, provider_slug=provider.slug, user_pk=user.pk)
        vouched = claims.mfa and provider.trust_provider_mfa
        request.session[PROVIDER_MFA_KEY] = str(user.pk) if vouched else None

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        row = provider_by_slug(provider.app.provider_id) if provider and provider.app else None
        reason = "provider_error"
        if isinstance(exception, requests.RequestException):
            reason = "provider_unreachable"
        elif row is not None and row.protocol == Protocol.SAML and _unsolicited(extra_context):
            reason = "unsolicited"
        raise _refuse(request, SignInRefused(reason), row)


def _unsolicited(extra_context: dict[str, Any] | None) -> bool:
    """allauth's SAML answer that matched no request of Fotfeste's (IdP-initiated, or no
    answer kept) is an error without python3-saml's errors."""
    return not (extra_context or {}).get("saml_errors")


def provider_vouched_mfa(request: HttpRequest, user: Any) -> bool:
    return user is not None and request.session.get(PROVIDER_MFA_KEY) == str(user.pk)


class ProviderAwareAuthenticateStage(AuthenticateStage):
    """Fotfeste's own second factor, unless the provider vouched that it asked for one."""

    def _should_handle(self, request: HttpRequest) -> bool:
        if provider_vouched_mfa(request, self.login.user):
            return False
        return super()._should_handle(request)


# --- OpenID Connect -------------------------------------------------------------------------


class FotfesteOIDCProvider(OpenIDConnectProvider):
    """The account is tied to the subject the municipality chose (sub, or Entra's tid + oid)."""

    @classmethod
    def get_package(cls) -> str:
        # Its addresses are allauth's own (web/urls.py puts Fotfeste's views in front).
        return "allauth.socialaccount.providers.openid_connect"

    def extract_uid(self, data: dict[str, Any]) -> str:
        row = provider_by_slug(self.app.provider_id)
        if row is None:
            raise ProviderException("unknown provider")
        return oidc_claims(row, data).subject


class VerifyingOIDCAdapter(OpenIDConnectOAuth2Adapter):
    """allauth may skip the ID token's signature when the token came straight from the token
    endpoint; Fotfeste always checks it, as well as issuer, audience and expiry."""

    def complete_login(
        self, request: HttpRequest, app: SocialApp, token: SocialToken, **kwargs: Any
    ) -> SocialLogin:
        login: SocialLogin = super().complete_login(request, app, token, **kwargs)
        # The raw ID token is the id_token_hint of signing out at the provider (sign_out.py).
        raw = (kwargs.get("response") or {}).get("id_token") or ""
        provider_session_answered(
            request.session,
            provider_slug=app.provider_id,
            protocol=Protocol.OIDC,
            facts={"id_token": raw},
        )
        return login

    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict[str, Any]:
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )


def refused_answer(request: HttpRequest, provider_id: str, reason: str) -> HttpResponse:
    """A refusal met outside allauth's hooks: recorded, and Fotfeste's page."""
    provider = provider_by_slug(provider_id)
    refusal = SignInRefused(reason)
    method = provider.protocol if provider else Protocol.OIDC
    sign_in_record(method=method, provider=provider, refused=refusal.reason)
    return refused_page(request, refusal, provider)


def _unreachable(request: HttpRequest, provider_id: str) -> HttpResponse:
    return refused_answer(request, provider_id, "provider_unreachable")


def oidc_login(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        view = OAuth2LoginView.adapter_view(VerifyingOIDCAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    except requests.RequestException:
        return _unreachable(request, provider_id)


def oidc_callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    try:
        view = OAuth2CallbackView.adapter_view(VerifyingOIDCAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
    except SignInRefused as refusal:
        # Raised while reading the answer (a missing subject), before pre_social_login.
        return refused_answer(request, provider_id, refusal.reason)
