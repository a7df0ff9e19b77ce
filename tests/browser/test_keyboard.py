"""With the keyboard alone (Tab, typing, Enter and Space; no click), the Lyngdal arbeidsleder signs
in with the second factor and records a person as present on the attendance page; the record is
saved, focus stays on the button, and the focused sign-in button shows a visible outline."""

import re

import pytest
from django.conf import settings

from tests.browser.axe_check import describe, violations
from tests.browser.helpers import SECRETS, fresh_totp

pytestmark = pytest.mark.browser

ARBEIDSLEDER = "arbeidsleder@lyngdal.example.org"
FOCUS_STYLE = """el => {
  const style = getComputedStyle(el);
  return {outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
          shadow: style.boxShadow};
}"""


def focused(page, selector: str) -> bool:
    return page.evaluate("s => !!document.activeElement?.matches(s)", selector)


def tab_to(page, selector: str, limit: int = 40) -> None:
    """Tab forward until the element matching selector has focus."""
    for _ in range(limit):
        if focused(page, selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {selector} on {page.url}")


def visible_focus(page, selector: str) -> None:
    """The element looks different focused than not, with an outline or a shadow that shows."""
    element = page.locator(selector)
    page.keyboard.press("Shift+Tab")
    before = element.evaluate(FOCUS_STYLE)
    tab_to(page, selector)
    after = element.evaluate(FOCUS_STYLE)
    assert after != before, f"{selector} looks the same focused: {after}"
    width = float(after["outline"].split()[1].removesuffix("px"))
    assert (not after["outline"].startswith("none") and width >= 2) or after["shadow"] != "none"


def type_code(page, email: str) -> None:
    """The second factor: set up the first time (password again, then the app's code), asked
    for after that."""
    page.wait_for_url(re.compile(r"/accounts/(reauthenticate|2fa/totp/activate|2fa/authenticate)/"))
    if "/reauthenticate/" in page.url:
        tab_to(page, "main input[name=password]")
        page.keyboard.type(settings.FOTFESTE_DEMO_PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/"))
    if "/totp/activate/" in page.url:
        SECRETS[email] = page.input_value("#authenticator_secret")  # read off, as from the screen
    else:
        found = violations(page)
        assert not found, describe({"second factor": found})
    tab_to(page, "main input[name=code]")
    page.keyboard.type(fresh_totp(SECRETS[email]))
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: not re.search(r"/2fa/(totp/activate|authenticate)/", url))


def test_an_arbeidsleder_signs_in_and_records_attendance_with_the_keyboard_alone(page, live_site):
    page.goto(f"{live_site}/accounts/login/")
    page.keyboard.press("Tab")
    assert focused(page, ".skip-link")
    box = page.locator(".skip-link").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0  # shown while focused

    tab_to(page, "#id_login")
    page.keyboard.type(ARBEIDSLEDER)
    page.keyboard.press("Tab")
    assert focused(page, "#id_password")
    page.keyboard.type(settings.FOTFESTE_DEMO_PASSWORD)
    tab_to(page, "main form button[type=submit]")
    visible_focus(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    type_code(page, ARBEIDSLEDER)

    tab_to(page, ".mainnav a[href$='/worksites/attendance/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/worksites/attendance/"))
    for _ in range(7):  # a weekend or a holiday: back day by day to the last day with people
        if page.locator("li.attendance-row").count():
            break
        tab_to(page, ".daynav a[rel=prev]")
        before = page.url
        page.keyboard.press("Enter")
        # Wait for the day before to arrive, not the page we are leaving: counting rows on the
        # old page would press on and on into the past.
        page.wait_for_url(lambda url, before=before: url != before)
        page.wait_for_load_state()
    assert page.locator("li.attendance-row").count(), "no day with people in the last week"
    row = page.locator("li.attendance-row").first
    row_id = row.get_attribute("id")
    present = f"#{row_id} button[value=present]"

    tab_to(page, present)
    page.keyboard.press("Space")  # htmx: the row alone is replaced
    page.wait_for_selector(f"{present}[aria-pressed=true]")
    assert focused(page, present), "focus is lost when the row is replaced"
    found = violations(page)
    assert not found, describe({"attendance, after recording": found})

    page.reload()
    assert page.locator(f"{present}[aria-pressed=true]").count() == 1
    assert page.locator(f"#{row_id} button[aria-pressed=true]").count() == 1
