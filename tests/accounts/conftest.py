import re

import pytest
from django.test import Client

from tests import factories as f


@pytest.fixture
def browser(settings):
    """An anonymous visitor who has chosen English, so messages can be read as text (a signed-in
    user would otherwise get their municipality's language)."""

    def make(**kwargs) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en", **kwargs)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return make


def sign_in(client: Client, email: str, password: str = f.PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def text(response) -> str:
    return response.content.decode()


def link_in(message, pattern: str) -> str:
    """The path of the first link in an e-mail body that matches ``pattern``."""
    match = re.search(r"https?://[^/\s]+(" + pattern + r"[^\s]*)", message.body)
    assert match, f"no link like {pattern!r} in:\n{message.body}"
    return match.group(1)
