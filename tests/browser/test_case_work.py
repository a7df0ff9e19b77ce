"""A caseworker takes a new person from intake to exit and follow-up, all in the browser:
enrollment, consent with evidence, a note written through an autosaved draft, a plan with a
milestone, a document, the exit and a follow-up. htmx works under the strict CSP."""

import re
from datetime import date

import pytest

from participants.synthetic import synthetic_fodselsnummer
from tests.browser.helpers import screenshot, sign_in_fully

pytestmark = pytest.mark.browser

NUMBER = synthetic_fodselsnummer(date(2007, 4, 12), 777)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def submit(page) -> None:
    page.click("main form.form button[type=submit]")


def test_a_caseworker_takes_a_person_from_intake_to_follow_up(page, live_site):
    sign_in_fully(page, live_site, "veileder@kristiansand.example.org")

    # Intake with a national ID; it is shown masked.
    page.goto(f"{live_site}/participants/new/")
    page.fill("#id_first_name", "Testine")
    page.fill("#id_last_name", "Nettlesersen")
    page.fill("#id_national_id", NUMBER)
    page.select_option("#id_gender", "female")
    page.select_option("#id_referral_source", "nav")
    submit(page)
    page.wait_for_url(re.compile(r"/participants/\d+/$"))
    person_url = page.url
    assert "Nettlesersen" in page.locator("h1").inner_text()
    assert NUMBER not in page.content()
    page.locator("#national-id button").click()  # htmx, audited
    page.wait_for_selector(f"text={NUMBER}")

    # Consent to share with the worksite, with a scanned form as evidence.
    page.goto(person_url + "consents/new/")
    page.select_option("#id_purpose", "share_worksite")
    page.fill("#id_recipient", "Ternevig omsorgssenter")
    page.set_input_files(
        "#id_evidence",
        files=[{"name": "samtykke.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    submit(page)
    page.wait_for_url(person_url)
    assert page.locator("#consents >> text=Ternevig omsorgssenter").count() == 1

    # A note: the draft is saved while typing and restored after leaving the page.
    page.goto(person_url + "notes/new/")
    page.fill("#id_text", "First meeting went well; wants health and care.")
    page.wait_for_selector("#draft-status >> text=/\\d\\d:\\d\\d/", timeout=10000)
    page.goto(person_url)
    page.goto(person_url + "notes/new/")
    assert "wants health and care" in page.input_value("#id_text")
    submit(page)
    page.wait_for_url(person_url)

    # The plan: a goal toward a fagbrev with a first milestone, on the timeline.
    page.goto(person_url + "plan/goals/new/")
    page.select_option("#id_category", "fagbrev")
    page.fill("#id_title", "Fagbrev i helsearbeiderfaget")
    submit(page)
    page.wait_for_url(re.compile(re.escape(person_url)))
    page.locator("#plan a", has_text="Fagbrev i helsearbeiderfaget").click()
    page.fill("form[action*='/milestones/'] input[name=title]", "MFY modul 1")
    page.click("form[action*='/milestones/'] button[type=submit]")
    page.goto(person_url)
    page.wait_for_selector("#plan >> text=MFY modul 1")

    # A document, checked by its content.
    page.goto(person_url + "documents/new/")
    page.select_option("#id_category", "cv")
    page.set_input_files(
        "#id_file", files=[{"name": "cv.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    submit(page)
    page.wait_for_url(person_url)
    assert page.locator("#documents >> text=cv.pdf").count() == 1

    # Exit with reason and destination; a follow-up is recorded.
    page.locator("a[href*='/status/']").first.click()
    page.check("input[name=status][value=active]")
    submit(page)
    page.wait_for_url(person_url)
    page.locator("a[href*='/status/']").first.click()
    page.check("input[name=status][value=completed]")
    page.select_option("#id_exit_reason", "job")
    page.select_option("#id_destination", "work_part")
    submit(page)
    page.click("button[name=confirm]")
    page.wait_for_url(person_url)
    page.locator("a[href*='/follow-ups/']").first.click()
    page.select_option("#id_status", "work")
    page.select_option("#id_source", "employer")
    submit(page)
    page.wait_for_url(person_url)
    screenshot(page, "participant-after-exit-phone")
    assert page.locator("#journal").inner_text().count("wants health and care") == 1
    # The page is in bokmål: the recorded follow-up reads «I arbeid» (in work).
    assert page.locator("#main >> text=I arbeid").count() >= 1
