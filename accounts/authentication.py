"""Personal API tokens in the API: ``Authorization: Bearer ff_…`` (or ``Token ff_…``)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from accounts.tokens import api_token_authenticate

_KEYWORDS = {b"bearer", b"token"}


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """The token's user, with exactly that user's roles. A revoked or expired token, or one of a
    user who can no longer sign in, is refused with 401."""

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in _KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as: Authorization: Bearer <token>.")
            )
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            secret = ""
        token = api_token_authenticate(secret) if secret else None
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("The token is not valid: it may have expired or been revoked.")
            )
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(
                _(
                    "A personal API token (ff_…), made under Account → API tokens. It gives "
                    "exactly the access of the user who made it; 'Token ff_…' works as well."
                )
            ),
        }
