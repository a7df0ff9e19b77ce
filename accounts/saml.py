"""SAML 2.0 sign-in through allauth's own `saml` provider (python3-saml), fitted to Fotfeste as
accounts/social.py fits OpenID Connect: the account is tied to the persistent NameID, the
second factor read from the authentication context, and every refusal — an answer that is
unsigned, wrongly signed, for another service provider, expired, replayed or not asked for —
is a page of Fotfeste's, never a server error (docs/sign-in.md)."""

from typing import Any
from urllib.error import URLError

from allauth.socialaccount.providers.base import ProviderException
from allauth.socialaccount.providers.saml import views
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from onelogin.saml2.errors import OneLogin_Saml2_Error

from accounts.identity import (
    SignInRefused,
    provider_by_slug,
    provider_session_answered,
    saml_claims,
)
from accounts.models import Protocol
from accounts.sign_out import saml_single_logout
from accounts.social import refused_answer


class FotfesteSAMLProvider(SAMLProvider):
    """The account is tied to the persistent NameID, never to an attribute (not even the
    subject-id allauth prefers) nor the e-mail address."""

    @classmethod
    def get_package(cls) -> str:
        # Its addresses are allauth's own (web/urls.py puts Fotfeste's views in front).
        return "allauth.socialaccount.providers.saml"

    def extract_extra_data(self, data: Any) -> dict[str, Any]:
        return {
            "attributes": data.get_attributes(),
            "nameid": data.get_nameid(),
            "nameid_format": data.get_nameid_format(),
            "authn_contexts": data.get_last_authn_contexts(),
        }

    def extract_uid(self, data: Any) -> str:
        row = provider_by_slug(self.app.provider_id)
        if row is None:
            raise ProviderException("unknown provider")
        return saml_claims(row, self.extract_extra_data(data)).subject

    def sociallogin_from_response(self, request: HttpRequest, response: Any) -> Any:
        login = super().sociallogin_from_response(request, response)
        # What a LogoutRequest to the IdP names (accounts/sign_out.py).
        facts = {
            "name_id": response.get_nameid() or "",
            "name_id_format": response.get_nameid_format() or "",
            "name_id_nq": response.get_nameid_nq() or "",
            "name_id_spnq": response.get_nameid_spnq() or "",
            "session_index": response.get_session_index() or "",
        }
        provider_session_answered(
            request.session, provider_slug=self.app.provider_id, protocol=Protocol.SAML, facts=facts
        )
        return login


def _guarded(view: Any, request: HttpRequest, slug: str) -> HttpResponse:
    # python3-saml builds Fotfeste's addresses from the Host header, which HTTP/1.0 may lack.
    request.META.setdefault("HTTP_HOST", request.get_host())
    try:
        response: HttpResponse = view(request, organization_slug=slug)
    except URLError:
        # The IdP's metadata could not be read.
        return refused_answer(request, slug, "provider_unreachable")
    except OneLogin_Saml2_Error:
        return refused_answer(request, slug, "provider_error")
    except SignInRefused as refusal:
        # Raised while reading the answer (no persistent NameID), before pre_social_login.
        return refused_answer(request, slug, refusal.reason)
    return response


def saml_login(request: HttpRequest, organization_slug: str) -> HttpResponse:
    return _guarded(views.login, request, organization_slug)


@csrf_exempt  # the IdP's HTTP-POST binding: its signed answer, not a form of Fotfeste's
def saml_acs(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """Keeps the IdP's answer and goes on to finish_acs, within Fotfeste's own site (allauth)."""
    return _guarded(views.acs, request, organization_slug)


@csrf_exempt  # the IdP's logout request or answer, by the redirect binding
def saml_sls(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """Single logout (accounts/sign_out.py): allauth's sls view, but the IdP's answer must be to
    the LogoutRequest Fotfeste sent, and the IdP's own request ends only its person's session."""
    return saml_single_logout(request, organization_slug)


def saml_metadata(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """Fotfeste's service-provider metadata, which the municipality's IdP admin registers."""
    return _guarded(views.metadata, request, organization_slug)


def saml_finish_acs(request: HttpRequest, organization_slug: str) -> HttpResponse:
    try:
        return _guarded(views.finish_acs, request, organization_slug)
    except PermissionDenied:
        # allauth keeps the id of each request Fotfeste made, once: an answer to a request
        # already answered (a replay) or to none of this browser's matches none.
        return refused_answer(request, organization_slug, "provider_error")
