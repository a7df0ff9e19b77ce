"""A summer-job season end to end in the browser (issue 18, «Done when»): a young person applies
on a phone, the projektledare runs the lottery and sends the offers, the young person says yes,
the summer comes, the handledare records a day's hours and attests the period on a phone
through the workplace's link, the projektledare makes the payroll file and downloads it, and the
work certificate comes out, for the staff and for the young person on their phone.
Screenshots go to test-artifacts/ (and to FOTFESTE_SHOTS, when set)."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from participants.synthetic import synthetic_personnummer
from tests.browser.helpers import arrive, no_violations, shot, sign_in_fully

pytestmark = pytest.mark.browser

YEAR = date.today().year + 1
LEAD = "projektledare@solvik.example.org"
NUMBER = synthetic_personnummer(date(YEAR - 19, 2, 11), 812)

# A season open now for next summer, with one workplace offering two places in its first period.
SEASON = f"""
from datetime import date, timedelta
from decimal import Decimal
from django.utils import timezone
from programs.models import Programme, ProgrammeKind
from summerjobs.models import PayRate, Period, Place, Season, WorkArea, Workplace
programme = Programme.objects.filter(kind=ProgrammeKind.SUMMER_JOBS).first()
now = timezone.now()
season = Season.objects.create(
    programme=programme, name="Feriearbete från början till slut",
    applications_open_at=now - timedelta(days=1), applications_close_at=now + timedelta(days=20),
    born_from_year={YEAR - 19}, born_to_year={YEAR - 16}, hours_per_period=Decimal(90),
)
first = Period.objects.create(
    season=season, number=1, starts_on=date({YEAR}, 6, 14), ends_on=date({YEAR}, 7, 2)
)
Period.objects.create(
    season=season, number=2, starts_on=date({YEAR}, 7, 5), ends_on=date({YEAR}, 7, 23)
)
for name in ("Vaktmästeri", "Fritidshem", "Storkök"):
    WorkArea.objects.create(season=season, name=name)
PayRate.objects.create(season=season, age_from=16, age_to=19, hourly_pay=Decimal("110.00"),
                       holiday_pay_percent=Decimal("12.00"))
workplace = Workplace.objects.create(
    municipality=programme.municipality, name="Solviks fastighetsservice", kind="unit",
    address="Verkstadsgatan 3, 123 45 Solvik", contact_email="fastighet@test.example.org",
)
Place.objects.create(
    workplace=workplace, period=first, area=season.areas.get(name="Vaktmästeri"), slots=2,
    tasks="Klippa gräs och hjälpa vaktmästarna.", supervisor_name="Testhandledare Vaktmästare",
    supervisor_phone="070-000 22 33",
)
print(season.pk)
"""

# The summer has come: the first period moved to end yesterday (a test cannot wait for June).
SUMMER = """
from datetime import date, timedelta
from summerjobs.models import Period, Season
season = Season.objects.get(name="Feriearbete från början till slut")
ends = date.today() - timedelta(days=1)
for period in season.periods.order_by("-number"):
    length = period.ends_on - period.starts_on
    period.ends_on, period.starts_on = ends, ends - length
    period.save()
    ends = period.starts_on - timedelta(days=3)
first = season.periods.get(number=1)
print(first.starts_on.isoformat(), first.ends_on.isoformat())
"""


def apply_on_phone(page, site: str, season: str, mail) -> None:
    page.goto(f"{site}/apply/{season}/")
    page.fill("#id_national_id", NUMBER)
    page.fill("#id_first_name", "Testförnamn")
    page.fill("#id_last_name", "Helasäsongen")
    page.check("input[name=gender][value=male]")
    page.fill("#id_email", "hela.sasongen@test.example.org")
    page.fill("#id_phone", "070-111 22 33")
    page.fill("#id_postcode", "123 46")
    page.check("#id_registered")
    page.select_option("#id_choice_1", label="Vaktmästeri")
    page.check("#id_periods_0")
    page.click("button.apply-submit")
    page.wait_for_url(re.compile(r"/confirm/"))
    page.fill("#id_code", re.findall(r"Din kod är (\d{6})", mail())[-1])
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(rf"/apply/{season}/received/$"))


def run_lottery_and_send_offers(desk, site: str, season: str) -> None:
    desk.goto(f"{site}/summerjobs/{season}/")
    desk.fill("#id_seed", "20270101")
    desk.check("#id_for_real")
    desk.click("form:has(#id_seed) button[type=submit]")
    arrive(desk, r"/summerjobs/runs/\d+/$", "lottery")
    assert desk.locator("main").get_by_text("Helasäsongen").count() >= 1
    shot(desk, "season-run-desk")
    desk.click("form[action*='/offers/'] button[type=submit]")
    desk.wait_for_load_state()


def record_and_attest_on_phone(page, site: str, link: str, day: str) -> None:
    page.goto(f"{site}{link}")
    assert page.locator("text=Helasäsongen").count() >= 1
    shot(page, "season-workplace-phone")
    page.click("text=Kontakt och närmast anhörig")
    assert page.locator("text=070-111 22 33").count() == 1
    assert NUMBER not in page.content()
    shot(page, "season-contact-phone")
    no_violations(page, "the young person's contact, for the handledare")
    page.goto(f"{site}{link}day/{day}/")
    page.fill("#id_name", "Testhandledare Vaktmästare")
    row = page.locator("fieldset", has_text="Helasäsongen")
    row.locator("input[name$=starts_at]").fill("08:00")
    row.locator("input[name$=ends_at]").fill("14:30")
    row.locator("input[name$=break_minutes]").fill("30")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Sparat: 6 timmar")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "season-day-phone")
    no_violations(page, "the handledare's day")
    page.goto(f"{site}{link}")
    page.click("text=Dagar och attest")
    page.fill("#id_name", "Testhandledare Vaktmästare")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=attesterade av Testhandledare Vaktmästare")


def test_a_season_from_the_application_to_the_payroll_file_and_the_certificate(
    page, live_site, live_shell, live_mail, browser
):
    season = live_shell(SEASON).strip().splitlines()[-1]
    apply_on_phone(page, live_site, season, live_mail)

    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    desk = context.new_page()
    desk.set_default_timeout(15000)
    try:
        sign_in_fully(desk, live_site, LEAD)
        run_lottery_and_send_offers(desk, live_site, season)

        offer = re.findall(r"https?://\S+(/apply/o/\S+/)", live_mail())[-1]
        page.goto(f"{live_site}{offer}")
        assert page.locator("text=Solviks fastighetsservice").count() >= 1
        page.click("text=Ja, jag tar jobbet")
        page.wait_for_url(re.compile(r"\?answered=1$"))

        starts_on, _ends_on = live_shell(SUMMER).strip().splitlines()[-1].split()
        first = date.fromisoformat(starts_on)
        while first.weekday() >= 5:
            first += timedelta(days=1)
        desk.goto(f"{live_site}/summerjobs/{season}/workplaces/")
        desk.locator("tr", has_text="Solviks fastighetsservice").locator("button").click()
        desk.wait_for_load_state()
        link = re.findall(r"https?://\S+(/apply/w/[^/\s]+/)", live_mail())[-1]
        record_and_attest_on_phone(page, live_site, link, first.isoformat())

        desk.goto(f"{live_site}/summerjobs/{season}/payroll/")
        desk.fill("#id_pay_date", (date.today() + timedelta(days=19)).isoformat())
        desk.click("form:has(#id_pay_date) button[type=submit]")
        desk.wait_for_selector("#payroll-batches a:has-text('PAXml')")
        shot(desk, "season-payroll-desk")
        with desk.expect_download() as download:
            desk.click("#payroll-batches a:has-text('PAXml')")
        paxml = Path(download.value.path()).read_text(encoding="utf-8")
        assert f'persnr="{NUMBER}"' in paxml and "<antal>6.00</antal>" in paxml

        desk.goto(f"{live_site}/summerjobs/{season}/edit/")
        desk.fill("#id_certificate_signed_by", "Testsamordnare, feriesamordnare")
        desk.fill("#id_postcodes", "123 45, 124")
        shot(desk, "season-rules-desk")
        desk.click("main form button[type=submit]")
        desk.wait_for_url(re.compile(rf"/summerjobs/{season}/setup/$"))
        assert "12345, 124" in desk.locator("main").inner_text()
        shot(desk, "season-setup-desk")

        desk.goto(f"{live_site}/summerjobs/{season}/certificates/")
        row = desk.locator("tr", has_text="Helasäsongen")
        shot(desk, "season-certificates-desk")
        with desk.expect_download() as download:
            row.locator("a:has-text('PDF')").click()
        certificate = Path(download.value.path()).read_bytes()
        assert certificate.startswith(b"%PDF") and NUMBER.encode() not in certificate

        page.goto(f"{live_site}{offer}")
        with page.expect_download() as download:
            page.locator("a[href*='/certificate/']").first.click()
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    finally:
        context.close()
