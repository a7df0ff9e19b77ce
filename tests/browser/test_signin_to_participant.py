"""A caseworker signs in, sets up and then uses the second factor, opens the caseload and a
participant; the arbeidsleder of another municipality cannot reach that participant."""

import base64
import hashlib
import hmac
import re
import struct
import time
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238, as an authenticator app computes it."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def fresh_totp(secret: str, used: set[str]) -> str:
    """A code not used before: a code works once, so wait for the next one if needed."""
    code = totp(secret)
    while code in used:
        time.sleep(1)
        code = totp(secret)
    used.add(code)
    return code


def sign_in(page, site: str, email: str) -> None:
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", settings.FOTFESTE_DEMO_PASSWORD)
    page.click("button[type=submit]")


def set_up_second_factor(page, used: set[str]) -> str:
    """The second factor is required: after sign-in the user confirms their password once more
    and activates an authenticator app before anything else opens."""
    page.wait_for_url(re.compile(r"/accounts/(reauthenticate|2fa/totp/activate)/"))
    if "/reauthenticate/" in page.url:
        page.fill("input[name=password]", settings.FOTFESTE_DEMO_PASSWORD)
        page.click("form[action*='/reauthenticate/'] button[type=submit]")
        page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    secret = page.input_value("#authenticator_secret")
    page.fill("input[name=code]", fresh_totp(secret, used))
    page.click("form[action$='/totp/activate/'] button[type=submit]")
    page.wait_for_url(lambda url: "/totp/activate/" not in url)
    return secret


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_caseworker_signs_in_with_a_second_factor_and_opens_a_participant(page, live_site):
    sign_in(page, live_site, "veileder@lyngdal.example.org")
    used: set[str] = set()
    secret = set_up_second_factor(page, used)

    page.goto(f"{live_site}/participants/")
    assert (
        page.locator("h1").inner_text() in {"Caseload", "Mine deltakere", "Saksportefølje"}
        or page.locator("table").count() == 1
    )
    rows = page.locator("table tbody tr")
    assert rows.count() >= 10  # Lyngdal's ten, and whoever other browser tests registered
    screenshot(page, "caseload-phone")
    first = rows.first.locator("a").first
    name = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/participants/\d+/$"))
    surname = name.split(",")[0]
    assert surname in page.locator("h1").inner_text()
    assert "Lyngdal helsehus" in page.content()
    participant_url = page.url
    screenshot(page, "participant-phone")

    # Sign out, and in again: now the code is asked for at sign-in; a wrong one is refused.
    page.locator("details.usermenu summary").click()
    page.locator("form[action$='/accounts/logout/'] button").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    sign_in(page, live_site, "veileder@lyngdal.example.org")
    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.fill("input[name=code]", "000000" if totp(secret) != "000000" else "111111")
    page.click("form button[type=submit]")
    assert page.locator(".errorlist, .error, [role=alert]").count() >= 1
    assert "/2fa/authenticate/" in page.url
    page.fill("input[name=code]", fresh_totp(secret, used))
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)
    page.goto(participant_url)
    assert surname in page.locator("h1").inner_text()

    # Another municipality's arbeidsleder gets "not found" for the same address.
    page.context.clear_cookies()
    sign_in(page, live_site, "arbeidsleder.presteheia@kristiansand.example.org")
    set_up_second_factor(page, set())
    response = page.goto(participant_url)
    assert response.status == 404
    assert surname not in page.content()
