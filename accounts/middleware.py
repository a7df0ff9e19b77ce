"""Request policies that hold for every page: language, session lifetime, second factor."""

import re
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

Handler = Callable[[HttpRequest], HttpResponse]

# Browsers say "no" or "no-NO" for Norwegian without saying which written form: that is bokmål.
# "nb", "nb-NO", "nn" and "nn-NO" say which, and Django understands them as they are.
_NORWEGIAN = re.compile(r"(?<![A-Za-z-])no(?:-[A-Za-z]{2})?(?=\s*(?:[;,]|$))", re.I)

# Pages for people without a staff account (the summer-job application): a staff member signed
# in elsewhere in the same browser is neither asked for a second factor nor signed out there;
# those pages never read the staff user.
PUBLIC_PREFIXES = ("/apply/",)

_STARTED = "_fotfeste_started"
_SEEN = "_fotfeste_seen"
_MFA_OK = "_fotfeste_mfa_ok"


def norwegian_language_alias(get_response: Handler) -> Handler:
    def middleware(request: HttpRequest) -> HttpResponse:
        header = request.META.get("HTTP_ACCEPT_LANGUAGE")
        if header:
            request.META["HTTP_ACCEPT_LANGUAGE"] = _NORWEGIAN.sub("nb", header)
        return get_response(request)

    return middleware


def _redirect_or_refuse(request: HttpRequest, url: str, api_message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": api_message}, status=401)
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def session_lifetime(get_response: Handler) -> Handler:
    """End a session after 30 idle minutes or 12 hours, whichever comes first."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PUBLIC_PREFIXES) and request.user.is_authenticated:
            now = time.time()
            started = request.session.get(_STARTED)
            seen = request.session.get(_SEEN, now)
            if started is None:
                request.session[_STARTED] = now
                request.session[_SEEN] = now
            elif (
                now - seen > settings.FOTFESTE_SESSION_IDLE_SECONDS
                or now - started > settings.FOTFESTE_SESSION_ABSOLUTE_SECONDS
            ):
                logout(request)
                message = _("Your session has expired. Please sign in again.")
                messages.info(request, message)
                login = f"{reverse('account_login')}?{urlencode({'next': request.path})}"
                return _redirect_or_refuse(request, login, message)
            elif now - seen > 60:
                # Written at most once a minute, so most requests do not write the session.
                request.session[_SEEN] = now
        return get_response(request)

    return middleware


def municipality_language(get_response: Handler) -> Handler:
    """A signed-in user reads their own saved choice; else the language chosen in this browser
    (before signing in, say) when their country offers it; else their municipality's."""

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            browser_choice = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            language = signed_in_language(user, browser_choice)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return get_response(request)

    return middleware


def signed_in_language(user, browser_choice: str | None) -> str | None:
    """None leaves the browser's language: for platform operators, who have no municipality."""
    offered = user.offered_languages
    if user.chosen_language in offered:
        return user.chosen_language
    if browser_choice in offered:
        return browser_choice
    return user.language if user.municipality_id else None


_MFA_EXEMPT_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/static/",
    "/i18n/",
    *PUBLIC_PREFIXES,
)


def second_factor_done(request: HttpRequest) -> None:
    """The session's second factor was asked for (by the identity provider, say)."""
    request.session[_MFA_OK] = True


def second_factor_required(get_response: Handler) -> Handler:
    """Where the setting requires it, a user without TOTP sets it up before anything else."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if (
            settings.FOTFESTE_MFA_REQUIRED
            and request.user.is_authenticated
            and not request.session.get(_MFA_OK)
            and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
        ):
            from allauth.mfa.models import Authenticator

            if Authenticator.objects.filter(
                user=request.user, type=Authenticator.Type.TOTP
            ).exists():
                request.session[_MFA_OK] = True
            else:
                message = _("Set up two-factor authentication to continue.")
                if not request.path.startswith("/api/"):
                    messages.warning(request, message)
                return _redirect_or_refuse(request, reverse("mfa_activate_totp"), message)
        return get_response(request)

    return middleware
