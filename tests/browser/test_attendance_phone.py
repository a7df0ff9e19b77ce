"""On a phone-sized screen the arbeidsleder at Ternevig records a day's attendance in one tap
and writes a progress entry; the caseworker sees both; the arbeidsleder at Presteheia cannot
reach any of Ternevig's participants."""

from datetime import date, timedelta

import pytest

from tests.browser.helpers import screenshot, sign_in_fully

pytestmark = pytest.mark.browser


def last_weekday() -> date:
    """The demo's placements run Monday to Friday."""
    day = date.today()
    while day.weekday() > 4:
        day -= timedelta(days=1)
    return day


def test_arbeidsleder_records_attendance_in_one_tap_on_a_phone(page, live_site):
    assert page.viewport_size == {"width": 390, "height": 844}
    sign_in_fully(page, live_site, "arbeidsleder.ternevig@kristiansand.example.org")
    day = last_weekday().isoformat()
    page.goto(f"{live_site}/worksites/attendance/?date={day}")
    rows = page.locator("li.attendance-row")
    assert rows.count() == 3  # Ternevig's three participants
    rows.first.locator("button[value=late]").click()  # htmx: the row alone is replaced
    page.wait_for_selector("li.attendance-row >> nth=0 >> button[value=late][aria-pressed=true]")
    assert page.url.endswith(f"?date={day}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    screenshot(page, "attendance-phone")
    person = rows.first.locator(".who a").get_attribute("href")

    # A progress entry from the person's page, which for an arbeidsleder shows only the placement.
    page.goto(f"{live_site}{person}")
    assert page.locator("text=Fødselsnummer").count() == 0  # no national ID for an arbeidsleder
    page.locator("a[href*='/progress/new/']").first.click()
    page.select_option("#id_punctuality", "4")
    page.fill("#id_text", "Steady week; good with the residents.")
    page.click("main form.form button[type=submit]")
    page.wait_for_selector("#progress >> text=good with the residents")

    # The caseworker sees both the day and the entry on the person's page.
    page.context.clear_cookies()
    sign_in_fully(page, live_site, "veileder@kristiansand.example.org")
    page.goto(f"{live_site}{person}")
    page.wait_for_selector("#progress >> text=good with the residents")
    assert page.locator("#progress li.cell-late").count() >= 1  # the tap above
    screenshot(page, "caseworker-sees-attendance-and-progress")

    page.context.clear_cookies()
    sign_in_fully(page, live_site, "arbeidsleder.presteheia@kristiansand.example.org")
    response = page.goto(f"{live_site}{person}")
    assert response.status == 404
    page.goto(f"{live_site}/worksites/attendance/?date={day}")
    assert page.locator("li.attendance-row").count() == 3  # Presteheia's own three, not Ternevig's
    assert "Ternevig" not in page.locator("main").inner_text()
