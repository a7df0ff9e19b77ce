"""The files a funder receives, read as the funder would: the PDF's first page, its archival
metadata, the spreadsheet summed and pivoted, the CSV parsed."""

import csv
import io
import re
import zlib
from decimal import Decimal

from django.utils import translation
from openpyxl import load_workbook

from reporting.documents import render_csv, render_xlsx
from reporting.pdf import render_document, render_pdf, report_html
from tests.support.snapshots import (
    ks_snapshot,
    lim_snapshot,
    old_snapshot,
    run_for,
    swedish_snapshot,
)

NBSP = "\u00a0"


def page_text(page) -> str:
    """The words laid out on one page of WeasyPrint's rendering."""
    words = []

    def walk(box) -> None:
        if getattr(box, "text", None):
            words.append(box.text)
        for child in getattr(box, "children", None) or []:
            walk(child)

    walk(page._page_box)
    return " ".join(words).replace(NBSP, " ")


def first_page(kind: str, language: str, snapshot: dict) -> str:
    with translation.override(language):
        return page_text(render_document(run_for(kind, language), snapshot).pages[0])


def test_the_first_page_shows_reached_against_target_and_the_money_used():
    text = first_page("lim", "nb", lim_snapshot())
    assert "Lyngdal" in text and "LIM-tilskudd 2026 – En av mange" in text
    assert "11" in text and "mål 10" in text  # reached against target
    assert "342 950,50 kr" in text and "av 450 000 kr" in text  # money used of the budget
    assert "73 400 kr" in text and "av 90 000 kr kreves" in text  # own contribution
    assert "21,4 % av kostnadene" in text
    assert "5,5" in text and "av 6,0 planlagt" in text  # position months
    assert "Halvårsrapport LIM" in text and "31.08.2026" in text  # the deadlines
    assert "kuttet ved dagens dato" in text  # the period was cut at today
    assert "2026-" not in text  # no ISO date in a Norwegian document


def test_a_swedish_report_is_written_in_kronor_with_swedish_numbers():
    text = first_page("lim", "sv", swedish_snapshot())
    assert "Solvik" in text and "342 950,50 kr" in text and "av 450 000 kr (76,2 %)" in text


def test_a_programme_report_without_money_shows_its_results_and_no_money():
    text = first_page("ks", "en", ks_snapshot())
    assert "People reached" in text and "target 40" in text
    assert "In structured work training" in text and "38" in text
    assert "In ordinary employment" in text  # no target: the report's own figure
    assert "Money used" not in text and "kr" not in text


def test_the_pdf_is_pdf_a_2b_with_its_title_and_language():
    with translation.override("nb"):
        pdf = render_pdf(run_for("lim", "nb"), lim_snapshot())
    streams = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        raw = pdf[match.end() : pdf.find(b"endstream", match.end())]
        try:
            streams.append(zlib.decompress(raw))
        except zlib.error:
            continue
    xmp = next(s for s in streams if b"<x:xmpmeta" in s).decode()
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert "LIM-tilskudd 2026 – En av mange" in xmp  # the document's title
    assert any(b"/Lang (nb)" in s for s in streams)
    # Every font is embedded (PDF/A): each font descriptor carries its font file.
    descriptors = [s for s in streams if b"/FontDescriptor" in s]
    assert descriptors and all(b"/FontFile2" in s for s in descriptors)


def test_breakdowns_are_small_tables_not_strings_of_categories():
    with translation.override("en"):
        html = report_html(run_for("lim", "en"), lim_snapshot())
    assert "Female: 6" not in html
    assert re.search(r'<th scope="row">Female</th><td class="num">6</td>', html)


def test_the_narrative_has_the_profiles_titles_and_an_empty_section_says_so():
    with translation.override("en"):
        html = report_html(run_for("lim", "en"), lim_snapshot())
    assert "Cooperation with NAV, the county and employers" in html
    assert "Nothing was written in this section." in html
    with translation.override("en"):
        html = report_html(run_for("lim", "en"), swedish_snapshot())
    assert "Cooperation with Arbetsförmedlingen" in html


def test_the_changes_since_the_submitted_version_are_listed():
    with translation.override("en"):
        html = report_html(run_for("lim", "en"), lim_snapshot())
    assert "Changes since the submitted version" in html
    assert "Reached, by gender" in html.split('id="changes"')[1]
    with translation.override("en"):
        assert 'id="changes"' not in report_html(run_for("ks", "en"), ks_snapshot())


def test_the_method_note_says_which_rule_applied():
    with translation.override("en"):
        recipient = report_html(run_for("lim", "en"), lim_snapshot())
        publication = report_html(run_for("ks", "en"), ks_snapshot())
    assert "Counts of activities and outcomes are exact" in recipient
    assert "Every figure shows counts from 1 to 4" in publication
    assert "was cut at that day" in recipient and "was cut at that day" not in publication


def workbook(snapshot: dict, language: str = "nb"):
    with translation.override(language):
        return load_workbook(io.BytesIO(render_xlsx(run_for("lim", language), snapshot)))


def test_the_spreadsheet_stores_numbers_as_numbers_with_number_formats():
    sheet = workbook(lim_snapshot())["Rapport"]
    cells = {}
    for row in sheet.iter_rows():
        cells.setdefault(row[0].value, row[1])
    assert cells["Deltakere i perioden"].value == 11
    assert cells["Deltakere i perioden"].number_format == "#,##0"
    assert cells["Oppmøte (%)"].value == 89.9 and cells["Oppmøte (%)"].number_format == "0.0"
    assert cells["Arbeidsleder 50 %"].value == 300000
    assert cells["Arbeidsleder 50 %"].number_format.startswith('#,##0 "kr"')
    assert cells["Videreført fra før perioden"].value == "<5"
    for row in sheet.iter_rows(values_only=True):
        assert not any(isinstance(value, str) and value.startswith("=") for value in row)
        # Column A holds labels (and the legend's mark «0»); values are never numeric text.
        assert not any(isinstance(v, str) and v.replace(" ", "").isdigit() for v in row[1:])


def data_sheet(snapshot: dict) -> list[dict]:
    rows = list(workbook(snapshot, "en")["Data"].iter_rows(values_only=True))
    keys = ["figure", "label", "breakdown", "category", "category_label", "value", "shown"]
    return [dict(zip([*keys, "suppressed", "unit"], row, strict=True)) for row in rows[1:]]


def test_the_data_sheet_is_long_form_and_a_breakdown_sums_to_its_total():
    rows = data_sheet(lim_snapshot())
    gender = [r for r in rows if r["figure"] == "reached_by_gender"]
    assert {r["category"] for r in gender} == {"female", "male"}
    assert all(r["breakdown"] == "gender" for r in gender)
    participants = next(r for r in rows if r["figure"] == "participants")
    assert sum(r["value"] for r in gender) == participants["value"] == 11
    costs = [r for r in rows if r["figure"] == "money.to_date"]
    total = next(r for r in costs if not r["breakdown"])["value"]
    assert sum(Decimal(str(r["value"])) for r in costs if r["breakdown"]) == Decimal(str(total))
    assert total == 342950.5


def test_a_suppressed_cell_has_no_value_and_says_so():
    rows = data_sheet(lim_snapshot())
    age = {r["category"]: r for r in rows if r["figure"] == "reached_by_age"}
    assert age["25–29"]["value"] is None and age["25–29"]["shown"] == "<5"
    assert age["25–29"]["suppressed"] is True and age["18–24"]["suppressed"] is False
    targets = {r["category"]: r["value"] for r in rows if r["figure"] == "target.reached"}
    assert targets["target"] == 10 and targets["result"] == 11


def test_the_monthly_sheet_has_months_as_dates():
    sheet = workbook(lim_snapshot())["Per måned"]
    first = sheet.cell(row=2, column=1).value
    assert (first.year, first.month, first.day) == (2026, 1, 1)
    assert sheet.cell(row=2, column=2).value == 7


def test_the_csv_is_the_data_sheet_in_long_form_with_dot_decimals():
    with translation.override("nb"):
        content = render_csv(run_for("lim", "nb"), lim_snapshot())
    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    outcomes = [r for r in rows if r["Tallnøkkel"] == "outcomes"]
    assert sum(int(r["Verdi"]) for r in outcomes) == 3
    rate = next(r for r in rows if r["Tallnøkkel"] == "attendance_rate")
    assert rate["Verdi"] == "89.9" and rate["Vist"] == f"89,9{NBSP}%"
    budget = [r for r in rows if r["Tallnøkkel"] == "money.budget" and r["Fordeling"]]
    assert sum(Decimal(r["Verdi"]) for r in budget) == Decimal("450000.00")


def test_a_text_that_looks_like_a_formula_cannot_run_in_the_csv():
    snapshot = lim_snapshot()
    snapshot["money"]["budget_lines"][0]["label"] = '=HYPERLINK("http://evil.example")'
    with translation.override("en"):
        content = render_csv(run_for("lim", "en"), snapshot).decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(content)) for c in row]
    assert '\'=HYPERLINK("http://evil.example")' in cells
    assert not any(c.startswith("=") for c in cells)


def test_a_run_from_before_money_and_targets_still_renders_every_file():
    snapshot = old_snapshot()
    run = run_for("lim", "nb")
    text = first_page("lim", "nb", snapshot)
    assert "12" in text and "01.01.2026 – 04.12.2026" in text  # the run's own period
    with translation.override("nb"):
        html = report_html(run, snapshot)
        rows = list(csv.reader(io.StringIO(render_csv(run, snapshot).decode("utf-8-sig"))))
    assert "før kostnader ble ført mot tilskudd" in html
    assert rows[1][:8] == ["participants", "Deltakere i perioden", "", "", "", "12", "12", "FALSE"]
