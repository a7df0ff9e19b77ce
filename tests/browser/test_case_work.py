"""A programme lead takes a new person from intake to exit and follow-up in the browser."""

import re
from datetime import date

import pytest

from participants.synthetic import synthetic_fodselsnummer
from tests.browser.test_signin_to_participant import screenshot, set_up_second_factor, sign_in

pytestmark = pytest.mark.browser

NUMBER = synthetic_fodselsnummer(date(2007, 4, 12), 777)


def test_intake_note_with_autosaved_draft_exit_and_follow_up(page, live_site):
    sign_in(page, live_site, "programleder@lyngdal.example.org")
    set_up_second_factor(page, set())
    page.goto(f"{live_site}/participants/new/")
    page.fill("#id_first_name", "Testine")
    page.fill("#id_last_name", "Nettlesersen")
    page.fill("#id_national_id", NUMBER)
    page.select_option("#id_gender", "female")
    page.select_option("#id_referral_source", "nav")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/participants/\d+/$"))
    assert "Nettlesersen" in page.locator("h1").inner_text()
    assert NUMBER not in page.content()

    # The full number only on request, through htmx, under the strict CSP.
    page.locator("#national-id button").click()
    page.wait_for_selector(f"text={NUMBER}")
    person_url = page.url

    # A draft is saved while typing, and restored after leaving the page.
    page.goto(person_url + "notes/new/")
    page.fill("#id_text", "First meeting went well; wants health and care.")
    page.wait_for_selector("#draft-status >> text=/\\d\\d:\\d\\d/", timeout=10000)
    page.goto(person_url)
    page.goto(person_url + "notes/new/")
    assert "wants health and care" in page.input_value("#id_text")
    page.click("form.form button[type=submit]")
    page.wait_for_url(person_url)
    assert "wants health and care" in page.content()

    # Exit with reason and destination; the follow-ups appear and one is recorded.
    page.locator("a[href*='/status/']").first.click()
    page.select_option("#id_status", "withdrawn")
    page.select_option("#id_exit_reason", "job")
    page.select_option("#id_destination", "work_part")
    page.click("form.form button[type=submit]")
    page.wait_for_url(person_url)
    page.locator("a[href*='/follow-ups/']").first.click()
    page.select_option("#id_status", "work")
    page.select_option("#id_source", "employer")
    page.click("form.form button[type=submit]")
    page.wait_for_url(person_url)
    screenshot(page, "participant-after-exit-phone")
    # The page is in bokmål: the recorded follow-up reads «I arbeid» (in work).
    assert page.locator("#main >> text=I arbeid").count() >= 1
    assert page.locator("#journal").inner_text().count("wants health and care") == 1
