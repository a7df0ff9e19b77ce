"""A caseworker signs in, sets up and then uses the second factor, opens the caseload and a
participant; the arbeidsleder of another municipality cannot reach that participant."""

import re

import pytest

from tests.browser.helpers import (
    fresh_totp,
    screenshot,
    set_up_second_factor,
    sign_in,
    sign_in_fully,
    totp,
)

pytestmark = pytest.mark.browser


def test_caseworker_signs_in_with_a_second_factor_and_opens_a_participant(page, live_site, browser):
    sign_in(page, live_site, "veileder@lyngdal.example.org")
    secret = set_up_second_factor(page, "veileder@lyngdal.example.org")

    page.goto(f"{live_site}/participants/")
    assert page.locator("h1").inner_text() == "Mine deltakere"  # bokmål, the default
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
    page.fill("input[name=code]", fresh_totp(secret))
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)
    page.goto(participant_url)
    assert surname in page.locator("h1").inner_text()

    # Another municipality's arbeidsleder, in a browser of their own, gets "not found" for the
    # same address.
    other = browser.new_context(locale="nb-NO", viewport={"width": 390, "height": 844})
    try:
        theirs = other.new_page()
        sign_in_fully(theirs, live_site, "arbeidsleder.presteheia@kristiansand.example.org")
        response = theirs.goto(participant_url)
        assert response.status == 404
        assert surname not in theirs.content()
    finally:
        other.close()
