"""The settings of allauth's `saml` provider app (python3-saml), built from a municipality's
IdentityProvider row: the IdP from its metadata address, or from the metadata XML its admin
handed over; the assertion must be signed, answer a request Fotfeste made (IdP-initiated
answers are refused) and carry a persistent NameID (docs/sign-in.md)."""

from typing import Any

from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

from accounts.identity import PERSISTENT_NAMEID
from accounts.models import IdentityProvider

# How long the IdP's metadata (its certificate, its addresses) is kept before it is read again.
METADATA_CACHE_SECONDS = 60 * 60


def metadata_xml_idp(xml: str, entity_id: str) -> dict[str, Any]:
    """The IdP's signing certificate, sign-in address and single-logout address (when it has
    one) from its metadata XML; empty when the XML is not metadata of that entity id."""
    try:
        parsed = OneLogin_Saml2_IdPMetadataParser.parse(xml, entity_id=entity_id).get("idp", {})
    except Exception:  # not metadata: the sign-in fails on its page, other pages go on
        return {}
    sso_url = (parsed.get("singleSignOnService") or {}).get("url", "")
    if not (parsed.get("x509cert") and sso_url and parsed.get("entityId") == entity_id):
        return {}
    slo_url = (parsed.get("singleLogoutService") or {}).get("url", "")
    found = {"entity_id": entity_id, "x509cert": parsed["x509cert"], "sso_url": sso_url}
    return {**found, "slo_url": slo_url} if slo_url else found


def _idp(provider: IdentityProvider) -> dict[str, Any]:
    if provider.metadata_url:
        return {
            "entity_id": provider.issuer,
            "metadata_url": provider.metadata_url,
            "metadata_cache_timeout": METADATA_CACHE_SECONDS,
            "metadata_request_timeout": 10,
        }
    # Without usable metadata python3-saml refuses the settings: a page of Fotfeste's.
    return metadata_xml_idp(provider.metadata_xml, provider.issuer) or {
        "entity_id": provider.issuer,
        "x509cert": "",
        "sso_url": "",
    }


def saml_app_settings(provider: IdentityProvider) -> dict[str, Any]:
    return {
        "idp": _idp(provider),
        "attribute_mapping": {"email": provider.email_claim},
        "advanced": {
            "strict": True,
            "want_assertion_signed": True,
            "reject_idp_initiated_sso": True,
            "name_id_format": PERSISTENT_NAMEID,
            "reject_deprecated_algorithm": True,
            # Fotfeste's own addresses are built from a host ALLOWED_HOSTS let through, which
            # may be a single label on an intranet.
            "allow_single_label_domains": True,
        },
    }
