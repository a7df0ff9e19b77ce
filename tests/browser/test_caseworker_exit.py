"""The caseworker's exit, on a phone and at a desk: choosing «Fullført» brings up the exit
fields and what to close; the summary is confirmed; the person page then shows the goals
closed, the task done, the placement ended and the worksite consent withdrawn. axe finds no
serious or critical problem on any page on the way."""

import re
from datetime import date

import pytest

from tests.browser.axe_check import describe, settle, violations
from tests.browser.helpers import screenshot, sign_in_fully

pytestmark = pytest.mark.browser

CASEWORKER = "veileder@kristiansand.example.org"
# Worksites whose arbeidsleder tests count their people: the new person goes elsewhere.
COUNTED = ("Ternevig", "Presteheia")


def no_serious_problems(page, where: str) -> None:
    settle(page)
    found = [v for v in violations(page) if v["impact"] in ("serious", "critical")]
    assert not found, describe({where: found})


def submit(page) -> None:
    page.click("main form.form button[type=submit]")


def new_person_with_open_work(page, site: str, last_name: str) -> str:
    """Registered, active, placed, with the worksite consent, two goals and a task."""
    page.goto(f"{site}/participants/new/")
    page.fill("#id_first_name", "Avslutta")
    page.fill("#id_last_name", last_name)
    submit(page)
    page.wait_for_url(re.compile(r"/participants/\d+/$"))
    person = page.url
    page.locator("a[href*='/status/']").first.click()
    page.check("input[name=status][value=active]")
    submit(page)
    page.wait_for_url(person)
    page.goto(person + "consents/new/")
    page.select_option("#id_purpose", "share_worksite")
    submit(page)
    page.wait_for_url(person)
    for title in ("Arbeid i kjøkken", "Norsk B1"):
        page.goto(person + "plan/goals/new/")
        page.select_option("#id_category", "work")
        page.fill("#id_title", title)
        submit(page)
        page.wait_for_url(re.compile(re.escape(person)))
    page.goto(person + "tasks/new/")
    page.fill("#id_title", "Ring arbeidsstedet")
    page.fill("#id_due_on", date.today().isoformat())
    submit(page)
    page.wait_for_url(re.compile(re.escape(person)))
    page.locator("a[href*='/placements/new/']").first.click()
    page.select_option("#id_enrollment", index=1)
    options = page.locator("#id_worksite option").all_inner_texts()
    worksite = next(o for o in options[1:] if not any(name in o for name in COUNTED))
    page.select_option("#id_worksite", label=worksite)
    page.fill("#id_starts_on", date.today().isoformat())
    page.check("#id_confirmed_over_capacity")  # a full worksite asks; the answer is known
    submit(page)
    page.wait_for_url(re.compile(re.escape(person)))
    return person


@pytest.mark.parametrize(
    ("viewport", "tag"),
    [({"width": 390, "height": 844}, "phone"), ({"width": 1280, "height": 900}, "desk")],
)
def test_a_caseworker_exits_a_person_and_nothing_is_left_open(page, live_site, viewport, tag):
    page.set_viewport_size(viewport)
    sign_in_fully(page, live_site, CASEWORKER)
    person = new_person_with_open_work(page, live_site, f"Utgangsen {tag}")
    page.goto(person)
    no_serious_problems(page, f"person page ({tag})")
    screenshot(page, f"exit-person-before-{tag}")

    page.locator("a[href*='/status/']").first.click()
    exit_fields = page.locator("[data-exit-fields]")
    assert exit_fields.is_hidden()  # «Aktiv» or nothing chosen: no exit fields, no date
    page.check("input[name=status][value=paused]")
    assert exit_fields.is_hidden()
    page.check("input[name=status][value=completed]")
    assert exit_fields.is_visible()
    assert page.input_value("#id_exit_date") == date.today().isoformat()
    assert page.is_checked("#id_close_goals") and page.is_checked("#id_end_placements")
    assert page.is_checked("#id_close_tasks") and page.is_checked("#id_end_consent")
    no_serious_problems(page, f"status form, exit chosen ({tag})")
    screenshot(page, f"exit-form-{tag}")
    page.select_option("#id_exit_reason", "job")
    page.select_option("#id_destination", "work_part")
    page.check("#id_achieved_0")  # the first goal was reached
    submit(page)

    page.wait_for_selector("button[name=confirm]")
    summary = page.locator("main").inner_text()
    assert "Arbeid i kjøkken — nådd" in summary and "Norsk B1 — ikke nådd" in summary
    assert "Ring arbeidsstedet" in summary
    no_serious_problems(page, f"exit confirmation ({tag})")
    screenshot(page, f"exit-confirm-{tag}")
    page.click("button[name=confirm]")

    page.wait_for_url(person)
    assert page.locator(".message >> text=/lagret i ditt navn/").count() == 1
    assert page.locator("#summary >> text=Fullført").count() == 1
    assert page.locator("#placement >> text=Ingen pågående arbeidspraksis.").count() == 1
    assert page.locator("#tasks li.done").count() == 1
    page.wait_for_selector("#plan .goal-achieved")
    assert page.locator("#plan .goal-dropped").count() == 1
    assert page.locator("#consents .badge.status-active").count() == 0  # none in force
    no_serious_problems(page, f"person page after the exit ({tag})")
    screenshot(page, f"exit-person-after-{tag}")

    page.goto(person + "audit/")
    history = page.locator("main").inner_text()
    assert "Åpne mål avsluttet: 2" in history and "Arbeidspraksiser avsluttet: 1" in history
    no_serious_problems(page, f"change history ({tag})")
