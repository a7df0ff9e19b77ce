"""Signing out ends Fotfeste's session and, where the provider offers it, the provider's too
(docs/sign-in.md): OpenID Connect RP-initiated logout (the browser goes on to the provider's
end_session_endpoint with the ID token as hint) and SAML single logout (python3-saml's
LogoutRequest to the IdP's SLO service; the IdP's LogoutResponse, or its own LogoutRequest, at
Fotfeste's SLS address).

Fotfeste's session always ends first, whatever the provider does: one that cannot be reached
or offers no logout leaves a plain sign-out, recorded as such (accounts.SignInEvent).
"""

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.error import URLError
from urllib.parse import urlencode

import requests
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.saml.utils import build_saml_config, prepare_django_request
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from onelogin.saml2.auth import OneLogin_Saml2_Auth
from onelogin.saml2.logout_request import OneLogin_Saml2_Logout_Request
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from accounts.identity import provider_by_slug, provider_session, sign_out_record
from accounts.models import IdentityProvider, Protocol, SignInMethod
from accounts.social import VerifyingOIDCAdapter, social_app

logger = logging.getLogger("fotfeste.sign_in")

# In the new, signed-out session: the provider whose answer is awaited, and the state (OpenID
# Connect) or the LogoutRequest's id (SAML) that answer must carry.
AWAITED_KEY = "_fotfeste_sign_out_awaited"
# The provider's logout address, kept in the new session for the page that goes on to it.
ONWARD_KEY = "_fotfeste_sign_out_onward"
_PLAN_ATTR = "_fotfeste_sign_out"


@dataclass(frozen=True)
class SignOut:
    """What a sign-out does next: where the browser goes, and what the record says."""

    url: str = ""
    provider: IdentityProvider | None = None
    method: str = SignInMethod.PASSWORD
    reason: str = ""
    awaited: dict[str, str] = field(default_factory=dict)


def signed_out_page(request: HttpRequest, provider: IdentityProvider) -> str:
    """The municipality's own sign-in page: the post-logout address its provider registers."""
    return request.build_absolute_uri(reverse("municipality-login", kwargs={"slug": provider.slug}))


# --- Fotfeste's sign-out --------------------------------------------------------------------


def sign_out_planned(request: HttpRequest) -> SignOut:
    """Where the sign-out goes on to, worked out while the session still holds the provider's
    facts (allauth asks for the address before it ends the session)."""
    plan = _plan(request) if request.user.is_authenticated else SignOut()
    setattr(request, _PLAN_ATTR, plan)
    return plan


def _plan(request: HttpRequest) -> SignOut:
    kept = provider_session(request.session)
    provider = provider_by_slug(kept.get("provider", "")) if kept else None
    if provider is None:
        return SignOut()
    plain = SignOut(
        url=signed_out_page(request, provider), provider=provider, method=provider.protocol
    )
    if not provider.sign_out_at_provider:
        return replace(plain, reason="provider_no_logout")
    logout = _saml_logout if provider.protocol == Protocol.SAML else _oidc_logout
    try:
        found = logout(request, provider, kept)
    except (requests.RequestException, URLError, TimeoutError):
        return replace(plain, reason="provider_unreachable")
    except Exception:  # a provider's settings or metadata that python3-saml or allauth refuse
        logger.warning("sign-out at the provider failed: provider=%s", provider.pk)
        return replace(plain, reason="provider_no_logout")
    if found is None:
        return replace(plain, reason="provider_no_logout")
    url, awaited = found
    return SignOut(
        url=url,
        provider=provider,
        method=provider.protocol,
        reason="provider",
        awaited={"provider": provider.slug, **awaited},
    )


def sign_out(request: HttpRequest, end_session: Callable[[HttpRequest], None]) -> None:
    """Record the sign-out, end Fotfeste's session (always), and keep in the new session what
    the provider's answer must carry."""
    plan: SignOut | None = getattr(request, _PLAN_ATTR, None)
    if plan is None:
        kept = provider_session(request.session)
        provider = provider_by_slug(kept.get("provider", "")) if kept else None
        method = provider.protocol if provider else SignInMethod.PASSWORD
        plan = SignOut(provider=provider, method=method)
    if request.user.is_authenticated:
        user: Any = request.user
        sign_out_record(method=plan.method, user=user, provider=plan.provider, reason=plan.reason)
    end_session(request)
    if plan.awaited:
        request.session[AWAITED_KEY] = plan.awaited
        request.session[ONWARD_KEY] = plan.url
    _note(request, plan.reason)


def sign_out_redirect(request: HttpRequest) -> str | None:
    """Where allauth sends the browser after the sign-out: Fotfeste's own page that goes on to
    the provider's logout. The sign-out is a form, and the site's policy (`form-action 'self'`)
    holds a form's redirects to Fotfeste's origin, so the provider is reached from a page of
    Fotfeste's instead (``views.sign_out_onward``); None: no provider's logout to go on to."""
    plan = sign_out_planned(request)
    if not plan.awaited:
        return plan.url or None
    return reverse("sign-out-onward")


def sign_out_onward_url(request: HttpRequest) -> str | None:
    """The provider's logout address kept for the page between the sign-outs, once."""
    return request.session.pop(ONWARD_KEY, None)


def _note(request: HttpRequest, reason: str) -> None:
    """What the person is told when the provider's session may still be open."""
    if reason == "provider_unreachable":
        messages.warning(
            request,
            _(
                "The identity provider could not be reached, so you may still be signed in "
                "there. Close the browser to be sure."
            ),
        )
    elif reason == "provider_no_logout":
        messages.info(
            request,
            _(
                "Your organisation's sign-in may still be open in this browser. Close the "
                "browser to end it."
            ),
        )


def _also_signed_out(request: HttpRequest, provider: IdentityProvider) -> None:
    request.session.pop(AWAITED_KEY, None)
    message = _("You are signed out at %(provider)s too.") % {"provider": provider.name}
    messages.success(request, message)


# --- OpenID Connect: RP-initiated logout ---------------------------------------------------


def _oidc_logout(
    request: HttpRequest, provider: IdentityProvider, kept: dict[str, str]
) -> tuple[str, dict[str, str]] | None:
    try:
        config = VerifyingOIDCAdapter(request, provider.slug).openid_config
    except SocialApp.DoesNotExist:  # the provider was switched off meanwhile
        return None
    endpoint = config.get("end_session_endpoint")
    if not endpoint:
        return None
    state = secrets.token_urlsafe(24)
    query = {
        "client_id": provider.client_id,
        "post_logout_redirect_uri": signed_out_page(request, provider),
        "state": state,
    }
    if kept.get("id_token"):
        query["id_token_hint"] = kept["id_token"]
    joiner = "&" if "?" in endpoint else "?"
    return f"{endpoint}{joiner}{urlencode(query)}", {"state": state}


def oidc_sign_out_returned(request: HttpRequest, provider: IdentityProvider) -> None:
    """The provider sent the browser back to the post-logout address with the state Fotfeste
    gave it: the person is signed out there too."""
    awaited = request.session.get(AWAITED_KEY) or {}
    state = request.GET.get("state", "")
    if (
        state
        and awaited.get("provider") == provider.slug
        and secrets.compare_digest(str(awaited.get("state", "")), state)
    ):
        _also_signed_out(request, provider)


# --- SAML: single logout --------------------------------------------------------------------


def _saml_auth(request: HttpRequest, provider: IdentityProvider) -> OneLogin_Saml2_Auth:
    """python3-saml as allauth builds it, but the IdP's logout messages must be signed: the
    sign-in's Response need not be (its assertion is), a logout message has nothing else."""
    # python3-saml builds Fotfeste's addresses from the Host header, which HTTP/1.0 may lack.
    request.META.setdefault("HTTP_HOST", request.get_host())
    config = build_saml_config(request, social_app(provider).settings, provider.slug)
    config["security"]["wantMessagesSigned"] = True
    return OneLogin_Saml2_Auth(prepare_django_request(request), config)


def _saml_logout(
    request: HttpRequest, provider: IdentityProvider, kept: dict[str, str]
) -> tuple[str, dict[str, str]] | None:
    auth = _saml_auth(request, provider)
    if not auth.get_slo_url() or not kept.get("name_id"):
        return None
    url = auth.logout(
        return_to="",
        name_id=kept["name_id"],
        session_index=kept.get("session_index") or None,
        nq=kept.get("name_id_nq") or None,
        name_id_format=kept.get("name_id_format") or None,
        spnq=kept.get("name_id_spnq") or None,
    )
    return url, {"request_id": auth.get_last_request_id()}


def saml_single_logout(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """Fotfeste's SLS address: the IdP's answer to Fotfeste's LogoutRequest, or the IdP's own
    LogoutRequest (the person logged out elsewhere), by the HTTP-Redirect binding."""
    provider = provider_by_slug(organization_slug)
    if provider is None or provider.protocol != Protocol.SAML:
        raise Http404
    try:
        auth = _saml_auth(request, provider)
        if "SAMLResponse" in request.GET:
            return _logout_answered(request, provider, auth)
        if "SAMLRequest" in request.GET:
            return _logout_asked(request, provider, auth)
    except (URLError, TimeoutError):
        return _not_accepted(request, provider, "provider_unreachable")
    except Exception:  # whatever an unreadable message makes python3-saml raise
        return _not_accepted(request, provider, "unreadable")
    return _not_accepted(request, provider, "no_message")


def _logout_answered(
    request: HttpRequest, provider: IdentityProvider, auth: OneLogin_Saml2_Auth
) -> HttpResponse:
    awaited = request.session.get(AWAITED_KEY) or {}
    if awaited.get("provider") != provider.slug or not awaited.get("request_id"):
        return _not_accepted(request, provider, "not_awaited")
    # python3-saml checks the signature, the destination, the issuer and that the answer is to
    # this LogoutRequest (allauth's own sls view does not give it the request's id).
    auth.process_slo(request_id=awaited["request_id"], keep_local_session=True)
    if auth.get_errors():
        return _not_accepted(request, provider, auth.get_errors()[0])
    _also_signed_out(request, provider)
    return HttpResponseRedirect(signed_out_page(request, provider))


def _logout_asked(
    request: HttpRequest, provider: IdentityProvider, auth: OneLogin_Saml2_Auth
) -> HttpResponse:
    """The IdP ends the person's sessions: this browser's Fotfeste session ends if it is that
    person's, signed in through this IdP (allauth's sls view would end anyone's)."""
    kept = provider_session(request.session)
    asked_for = _name_id(request.GET["SAMLRequest"])
    ours = (
        request.user.is_authenticated
        and kept.get("provider") == provider.slug
        and bool(asked_for)
        and kept.get("name_id") == asked_for
    )

    def end() -> None:
        if ours:
            setattr(
                request,
                _PLAN_ATTR,
                SignOut(provider=provider, method=provider.protocol, reason="provider_asked"),
            )
            get_account_adapter(request).logout(request)

    url = auth.process_slo(keep_local_session=False, delete_session_cb=end)
    if auth.get_errors():
        return _not_accepted(request, provider, auth.get_errors()[0])
    return HttpResponseRedirect(url)


def _name_id(message: str) -> str:
    try:
        xml = OneLogin_Saml2_Utils.decode_base64_and_inflate(message)
        return str(OneLogin_Saml2_Logout_Request.get_nameid(xml) or "")
    except Exception:  # unreadable: python3-saml refuses it next, with its reason
        return ""


def _not_accepted(request: HttpRequest, provider: IdentityProvider, error: str) -> HttpResponse:
    # The error is python3-saml's code (invalid_logout_response, …), never the message's content.
    logger.warning("sign-out message refused: provider=%s error=%s", provider.pk, error)
    context = {"provider": provider, "signed_in": request.user.is_authenticated}
    return render(request, "account/sign_out_refused.html", context, status=400)
