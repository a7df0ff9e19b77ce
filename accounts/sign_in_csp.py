"""A page with «Sign in with …» buttons lets its forms go on to the identity providers.

The site's Content-Security-Policy says `form-action 'self'`, and browsers hold a form to it
along the redirects that follow the form's submission: the button's POST to Fotfeste's
login address is answered with a redirect to the provider's sign-in address, which Chromium
refuses unless the page's policy names the provider's origin. The origin is read from the
configuration, without asking the provider: the OpenID issuer's (Entra ID, Keycloak and the
like authorise on the issuer's host), and for SAML the metadata address's, the sign-in address
in metadata XML handed over, and the entity id's where it is a web address (docs/sign-in.md).
"""

from collections.abc import Iterable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from django.http import HttpResponseBase

from accounts.models import IdentityProvider, Protocol
from accounts.saml_app import metadata_xml_idp


def _origin(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


def provider_origins(providers: Iterable[IdentityProvider]) -> list[str]:
    """Where the providers' sign-in addresses are, as CSP sources."""
    found: list[str] = []
    for provider in providers:
        urls = [provider.issuer]
        if provider.protocol == Protocol.SAML:
            urls.append(provider.metadata_url)
            if provider.metadata_xml and not provider.metadata_url:
                urls.append(
                    metadata_xml_idp(provider.metadata_xml, provider.issuer).get("sso_url", "")
                )
        for url in urls:
            origin = _origin(url or "")
            if origin and origin not in found:
                found.append(origin)
    return found


Response = TypeVar("Response", bound=HttpResponseBase)


def provider_forms_allowed(response: Response, providers: Iterable[IdentityProvider]) -> Response:
    """The response's policy lets its forms go on to the providers' sign-in addresses."""
    origins = provider_origins(providers)
    if origins:
        update: dict[str, Any] = dict(getattr(response, "_csp_update", None) or {})
        update["form-action"] = [*update.get("form-action", []), *origins]
        response._csp_update = update  # type: ignore[attr-defined]  # read by django-csp
    return response
