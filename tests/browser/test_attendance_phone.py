"""On a phone-sized screen the arbeidsleder at Ternevig records a day's attendance in one tap
and writes a progress entry; the caseworker sees both; the arbeidsleder at Presteheia cannot
reach any of Ternevig's participants. Then the arbeidsleder's whole day: everyone present, an
exception, a missing day fixed from the week, a module signed with confirmation."""

from datetime import date, timedelta

import pytest

from tests.browser.axe_check import describe, settle, violations
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


def test_arbeidsleder_day_all_present_an_exception_a_missing_day_and_a_module(page, live_site):
    """The arbeidsleder's day on a phone: a missing day named on the week page is opened and
    fixed with «everyone present» (a button that names the count, then its confirmation), one
    late arrival with fewer hours, and an MFY module signed off after a confirmation page. axe
    finds nothing serious on any page on the way."""
    sign_in_fully(page, live_site, "arbeidsleder.ternevig@kristiansand.example.org")
    found: dict[str, list] = {}

    def check(name: str) -> None:
        settle(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
        serious = [v for v in violations(page) if v["impact"] in ("serious", "critical")]
        if serious:
            found[name] = serious
        screenshot(page, f"arbeidsleder-day-{name}")

    page.goto(f"{live_site}/worksites/attendance/week/?date={last_weekday().isoformat()}")
    cards = page.locator("li.week-person")
    assert cards.count() == 3
    assert cards.first.locator("ol.week-days > li").count() == 7  # Monday to Sunday
    assert cards.first.locator(".rate").inner_text().startswith("Oppmøte")
    check("week")
    # The demo leaves a few days unrecorded in the last weeks: each is named, and a link.
    chip = page.locator("a.chip").first
    chip.wait_for()
    chip.click()
    page.wait_for_url(lambda url: "date=" in url and "/week/" not in url)

    summary = page.locator("details.all-present > summary").first
    count = int(summary.inner_text().split("(")[1].rstrip(")"))
    assert count >= 1
    summary.click()
    confirm = page.locator("details.all-present[open] form button[type=submit]").first
    assert str(count) in confirm.inner_text()
    check("day-confirm")
    confirm.click()
    page.wait_for_selector(".message-success")
    assert page.locator("details.all-present").count() == 0  # nobody left unrecorded

    row = page.locator("li.attendance-row").first
    row.locator("input[name=hours]").fill("4")
    row.locator("button[value=late]").click()
    page.wait_for_selector("li.attendance-row >> nth=0 >> button[value=late][aria-pressed=true]")
    assert "4" in page.locator("li.attendance-row").first.locator(".who .muted").inner_text()
    check("day-after")

    # A module signed off from the person's page: a confirmation page first.
    people = page.locator("li.attendance-row .who a").evaluate_all("els => els.map(a => a.href)")
    for person in people:  # the demo's people are at different stages of MFY
        page.goto(person)
        page.wait_for_selector("#qualification h2")
        settle(page)
        sign = page.locator("#qualification a[href*='result=passed']")
        if sign.count():
            break
    sign.first.click()
    page.wait_for_url("**/sign-off/**")
    check("module-confirm")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector(".message-success")
    page.wait_for_selector("#qualification form[action*='/undo/'] button")
    check("module-signed")
    assert not found, describe(found)
