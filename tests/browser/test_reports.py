"""The Lyngdal programme lead builds the LIM report for the grant and the KS report for «En av
mange», downloads the PDF and the spreadsheet, and looks at the dashboard, at a desk."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.browser.helpers import screenshot, sign_in_fully

pytestmark = pytest.mark.browser
LEAD = "programleder@lyngdal.example.org"


def build(page, site: str, *, kind: str, subject: tuple[str, str]) -> None:
    page.goto(f"{site}/reports/")
    page.select_option("#id_report", kind)
    page.select_option(subject[0], label=subject[1])
    page.fill("#id_period_start", f"{date.today().year}-01-01")
    page.fill("#id_period_end", date.today().isoformat())
    page.fill("#id_narrative_activities", "Ukentlige samlinger.\n<img src=http://127.0.0.1:9/x>")
    page.click("main form.form button[type=submit]")
    page.wait_for_url(lambda url: "/reports/" in url and url.rstrip("/").split("/")[-1].isdigit())
    # The progress bar polls until the report is ready, then offers the files.
    page.wait_for_selector("#run-status a[href$='/download/pdf/']", timeout=60000)


def download(page, fmt: str) -> bytes:
    with page.expect_download() as info:
        page.click(f"#run-status a[href$='/download/{fmt}/']")
    item = info.value
    assert "lyngdal" not in item.suggested_filename.lower()  # a neutral name
    with open(item.path(), "rb") as handle:
        return handle.read()


def test_the_lead_builds_and_downloads_the_lim_and_ks_reports(browser, live_site):
    context = browser.new_context(
        locale="nb-NO", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    sign_in_fully(page, live_site, LEAD)

    build(page, live_site, kind="lim", subject=("#id_grant", "LIM-tilskudd 2026 – En av mange"))
    # The narrative is kept as the text that was typed, to be changed on the draft; nothing
    # is loaded from it.
    typed = page.input_value("#id_narrative_activities")
    assert "<img src=http://127.0.0.1:9/x>" in typed
    assert page.locator("img[src*='127.0.0.1:9']").count() == 0
    screenshot(page, "report-lim-ready")
    assert download(page, "pdf")[:5] == b"%PDF-"
    book = load_workbook(io.BytesIO(download(page, "xlsx")))
    labels = [row[0] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert "Deltakere i perioden" in labels and "Tilskuddsgiver" in labels

    build(page, live_site, kind="ks", subject=("#id_programme", "En av mange"))
    assert "Rekruttert i perioden" in page.locator("main").text_content()
    assert download(page, "pdf")[:5] == b"%PDF-"

    page.goto(f"{live_site}/reports/dashboard/")
    assert page.locator("main svg").count() >= 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    screenshot(page, "dashboard")
    context.close()
