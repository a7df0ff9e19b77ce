"""Signing in and reading pages and e-mails as a person would."""

import re
import time

from django.conf import settings
from django.test import Client

from tests import factories as f


def sign_in(client: Client, email: str, password: str = f.PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def text(response) -> str:
    return response.content.decode()


def link_in(message, pattern: str) -> str:
    """The path of the first link in an e-mail body that matches ``pattern``."""
    match = re.search(r"https?://[^/\s]+(" + pattern + r"[^\s]*)", message.body)
    assert match, f"no link like {pattern!r} in:\n{message.body}"
    return match.group(1)


def recently_authenticated(client):
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(session["_auth_user_id"])
    session.save()
    return client


def english_visitor(**kwargs) -> Client:
    """An anonymous visitor who has chosen English, so messages can be read as text (a signed-in
    user would otherwise get their municipality's language)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en", **kwargs)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
