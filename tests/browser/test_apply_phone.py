"""A young person applies for a summer job on a phone, without an account: the form with an
error on its field, the code from the e-mail the site sent, the receipt and the private link;
axe finds nothing on the way. Screenshots at phone and desk size go to test-artifacts/ (and to
FOTFESTE_SHOTS, when set, for a person to look at)."""

import re
from datetime import date

import pytest

from participants.synthetic import synthetic_personnummer
from tests.browser.helpers import no_violations, shot

pytestmark = pytest.mark.browser

YEAR = date.today().year

SEASON = f"""
from datetime import date, timedelta
from django.utils import timezone
from programs.models import Programme, ProgrammeKind
from summerjobs.models import Period, Season, WorkArea
programme = Programme.objects.filter(kind=ProgrammeKind.SUMMER_JOBS).first()
now = timezone.now()
season = Season.objects.create(
    programme=programme, name="Sommarjobb i webbläsaren",
    applications_open_at=now - timedelta(days=1), applications_close_at=now + timedelta(days=20),
    born_from_year={YEAR - 19}, born_to_year={YEAR - 16},
)
for n in (1, 2, 3):
    start = date({YEAR}, 6, 15) + timedelta(weeks=3 * (n - 1))
    end = start + timedelta(days=18)
    Period.objects.create(season=season, number=n, starts_on=start, ends_on=end)
for name in ("Vaktmästeri", "Fritidshem", "Äldreomsorg", "Storkök", "Förening", "Kultur"):
    WorkArea.objects.create(season=season, name=name)
print(season.pk)
"""


def fill_form(page, national_id: str) -> None:
    page.fill("#id_national_id", national_id)
    page.fill("#id_first_name", "Testförnamn")
    page.fill("#id_last_name", "Webbläsarsson")
    page.check("input[name=gender][value=female]")
    page.fill("#id_email", "ung.webblasare@test.example.org")
    page.fill("#id_phone", "070-123 45 67")
    page.fill("#id_postcode", "123 45")
    page.check("#id_registered")
    page.fill("#id_guardian_name", "Testvårdnadshavare")
    page.fill("#id_guardian_email", "vardnadshavare.webb@test.example.org")
    page.fill("#id_guardian_phone", "070-765 43 21")
    page.fill("#id_school", "Solviks skola")
    page.fill("#id_school_year", "Gy 1")
    page.select_option("#id_choice_1", label="Fritidshem")
    page.select_option("#id_choice_2", label="Kultur")
    page.check("#id_periods_0")
    page.check("#id_periods_2")
    page.fill("#id_motivation", "Jag vill jobba med barn i sommar.")


def test_a_young_person_applies_on_a_phone_confirms_the_code_and_gets_a_receipt(
    page, live_site, live_shell, live_mail, browser
):
    season = live_shell(SEASON).strip().splitlines()[-1]
    assert page.viewport_size == {"width": 390, "height": 844}
    page.goto(f"{live_site}/apply/")
    page.click("text=Sommarjobb i webbläsaren")
    page.wait_for_url(re.compile(rf"/apply/{season}/$"))
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator(".mainnav").count() == 0
    assert page.locator("select[name^=choice_]").count() == 6
    shot(page, "form-phone")
    no_violations(page, "the form")

    number = synthetic_personnummer(date(YEAR - 17, 3, 4), 771)
    fill_form(page, number[:-1] + str((int(number[-1]) + 1) % 10))  # a wrong check digit
    page.click("button.apply-submit")
    page.wait_for_selector("#id_national_id_error")
    assert "id_national_id_error" in page.get_attribute("#id_national_id", "aria-describedby")
    assert page.input_value("#id_motivation") == "Jag vill jobba med barn i sommar."
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "error-phone")
    no_violations(page, "the form with an error")

    page.fill("#id_national_id", number)
    page.click("button.apply-submit")
    page.wait_for_url(re.compile(r"/confirm/"))
    assert number not in page.url and "ung.webblasare" not in page.url
    code = re.findall(r"Din kod är (\d{6})", live_mail())[-1]
    page.fill("#id_code", code)
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(rf"/apply/{season}/received/$"))
    assert page.locator("h1").inner_text().startswith("Tack")
    shot(page, "receipt-phone")
    no_violations(page, "the receipt")

    link = re.findall(r"https?://\S+(/apply/a/\S+/)", live_mail())[-1]
    page.goto(f"{live_site}{link}")
    assert page.locator("text=Webbläsarsson").count() == 1
    assert number not in page.content()  # masked
    shot(page, "link-phone")
    no_violations(page, "the private link")

    desk = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    try:
        wide = desk.new_page()
        wide.goto(f"{live_site}/apply/{season}/")
        shot(wide, "form-desk")
        wide.click("button.apply-submit")
        wide.wait_for_selector("#form-errors")
        shot(wide, "error-desk")
        wide.goto(f"{live_site}/apply/{season}/received/")
        shot(wide, "receipt-desk")
        wide.goto(f"{live_site}{link}")
        shot(wide, "link-desk")
    finally:
        desk.close()
