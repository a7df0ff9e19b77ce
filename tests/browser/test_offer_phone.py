"""A young person under 18 answers a summer-job offer on a phone through the link in the e-mail,
and their guardian confirms it through the guardian's own link: no account, Swedish, no staff
menu, nothing wider than the phone, and axe finds nothing. Screenshots at phone and desk size
go to test-artifacts/ (and to FOTFESTE_SHOTS, when set)."""

import re

import pytest

from tests.browser.helpers import no_violations, shot

pytestmark = pytest.mark.browser

# Solvik's lead gives the first minor on the demo's reserve list a new place by hand and sends
# the offers, as on the run's page; the offer's e-mail is printed by this shell.
OFFER = """
from summerjobs.lottery import age_on
from summerjobs.models import Allocation, LotteryRun, Place, Workplace
from summerjobs.offers import offers_create
from summerjobs.services import allocation_override
run = LotteryRun.objects.get(dry_run=False, season__name__startswith="Feriearbete")
period = run.season.periods.order_by("number").first()
workplace = Workplace.objects.get(name="Solviks bibliotek")
place = Place.objects.create(
    workplace=workplace, period=period, area=run.season.areas.get(name="Bibliotek"), slots=1,
    tasks="Ställa i ordning böcker och hjälpa till på sommarlovsläsningen.",
    supervisor_name="Testhandledare Bibliotekarie", supervisor_phone="070-000 11 22",
)
reserve = Allocation.objects.filter(run=run, reserve_position__isnull=False)
minor = next(
    a for a in reserve.select_related("application").order_by("reserve_position")
    if 16 <= age_on(a.application.birth_date, period.starts_on) < 18
)
allocation_override(actor=run.run_by, allocation=minor, place=place, reason="En plats till")
print("OFFERS", offers_create(run=run, actor=run.run_by))
"""


def test_a_minor_says_yes_on_a_phone_and_the_guardian_confirms(
    page, live_site, live_shell, live_mail, browser
):
    printed = live_shell(OFFER)
    assert "OFFERS 1" in printed
    link = re.findall(r"https?://\S+(/apply/o/\S+/)", printed)[-1]
    assert page.viewport_size == {"width": 390, "height": 844}
    page.goto(f"{live_site}{link}")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator(".mainnav").count() == 0
    assert page.locator("text=Solviks bibliotek").count() >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "offer-phone")
    no_violations(page, "the offer")

    page.click("text=Ja, jag tar jobbet")
    page.wait_for_url(re.compile(r"\?answered=1$"))
    assert "vårdnadshavare" in page.locator("main").inner_text()
    shot(page, "offer-accepted-phone")
    no_violations(page, "the offer, accepted")

    guardian = re.findall(r"https?://\S+(/apply/g/\S+/)", live_mail())[-1]
    page.goto(f"{live_site}{guardian}")
    assert page.locator("h1").inner_text().startswith("Bekräfta feriearbetet")
    shot(page, "guardian-phone")
    no_violations(page, "the guardian's page")
    page.click("text=Ja, jag bekräftar feriearbetet")
    page.wait_for_url(re.compile(r"\?answered=1$"))
    assert "Tack" in page.locator("main").inner_text()
    no_violations(page, "the guardian's page, confirmed")

    page.goto(f"{live_site}{link}")
    assert "jobbet är ditt" in page.locator("main").inner_text()

    desk = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    try:
        wide = desk.new_page()
        wide.goto(f"{live_site}{link}")
        shot(wide, "offer-desk")
        wide.goto(f"{live_site}{guardian}")
        shot(wide, "guardian-desk")
    finally:
        desk.close()
