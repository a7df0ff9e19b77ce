"""Signing in through the real flow, second factor included, for the browser tests."""

import base64
import hashlib
import hmac
import os
import re
import struct
import time
from pathlib import Path

from django.conf import settings
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.axe_check import describe, settle, violations

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Where the public pages' screenshots go too, when set, for a person to look at.
SHOTS = Path(os.environ.get("FOTFESTE_SHOTS", str(ARTIFACTS)))
# One live site serves every browser test: remember each user's authenticator secret, and the
# codes used (a code works once).
SECRETS: dict[str, str] = {}
USED: set[str] = set()


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238, as an authenticator app computes it."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def fresh_totp(secret: str) -> str:
    """A code not used before, and not about to expire: wait for the next one if needed."""
    if time.time() % 30 > 25:  # would expire before the server checks it
        time.sleep(30 - time.time() % 30 + 0.5)
    code = totp(secret)
    while code in USED:
        time.sleep(1)
        code = totp(secret)
    USED.add(code)
    return code


def sign_in(page, site: str, email: str) -> None:
    page.goto(f"{site}/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", settings.FOTFESTE_DEMO_PASSWORD)
    # The password form's button, not a «Sign in with …» one above it.
    page.click("main form:has(#id_password) button[type=submit]")


def set_up_second_factor(page, email: str) -> str:
    """The second factor is required: after sign-in the user confirms their password once more
    and activates an authenticator app before anything else opens."""
    page.wait_for_url(re.compile(r"/accounts/(reauthenticate|2fa/totp/activate)/"))
    if "/reauthenticate/" in page.url:
        page.fill("input[name=password]", settings.FOTFESTE_DEMO_PASSWORD)
        page.click("form[action*='/reauthenticate/'] button[type=submit]")
        page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    secret = page.input_value("#authenticator_secret")
    page.fill("input[name=code]", fresh_totp(secret))
    page.click("form[action$='/totp/activate/'] button[type=submit]")
    page.wait_for_url(lambda url: "/totp/activate/" not in url)
    SECRETS[email] = secret
    return secret


def arrive(page, pattern: str, step: str) -> None:
    """Wait for the page a step leads to; if it does not come, fail with where the browser is
    and what the page says (its heading and any error), and keep a screenshot of it."""
    try:
        page.wait_for_url(re.compile(pattern), timeout=30_000)
    except PlaywrightTimeout:
        screenshot(page, f"failed-{step}")
        shown = page.locator("h1, .errorlist, .messages, [role=alert]").all_inner_texts()
        raise AssertionError(f"{step}: expected {pattern}, at {page.url}: {shown}") from None


def enter_code(page, email: str) -> None:
    arrive(page, r"/accounts/2fa/authenticate/", "sign-in-code")
    page.fill("input[name=code]", fresh_totp(SECRETS[email]))
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)


def sign_in_fully(page, site: str, email: str) -> None:
    """Sign in with the second factor, activating it the first time this user signs in."""
    sign_in(page, site, email)
    if email in SECRETS:
        enter_code(page, email)
    else:
        set_up_second_factor(page, email)


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def no_violations(page, where: str) -> None:
    settle(page)
    found = violations(page)
    assert not found, describe({where: found})
