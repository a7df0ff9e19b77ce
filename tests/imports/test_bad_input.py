"""Bad files and bad cells: a clear, translated error at the row and column, never a server
error, and nothing imported."""

import json
import time

import pytest

from imports.columns import header_for
from imports.models import ImportRun, ImportStatus
from participants.exports import participants_csv, spreadsheet_safe
from participants.models import Participant
from tests.support.archives import DOCX_PARTS, XLSX_PARTS, entries_bomb, zeros_bomb, zip_of
from tests.support.imports import person, table, workbook

pytestmark = pytest.mark.django_db


def problems_of(run) -> list[tuple]:
    run.refresh_from_db()
    return [(p["line"], p["field"], p["message"]) for p in run.problems]


def refused(response) -> str:
    """The upload form's error, with nothing stored."""
    assert response.status_code == 200
    assert ImportRun.objects.count() == 0
    return " ".join(response.context["form"].errors["file"])


HEADER = header_for("participants", country="NO")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            [h for h in HEADER if h != "birth_date"],
            "The first row must be the template's header. Missing columns: birth_date. "
            "Download the template and copy your rows into it.",
        ),
        (
            [*HEADER, "notes"],
            "The first row must be the template's header. Columns not in the template, or "
            "repeated: U. Download the template and copy your rows into it.",
        ),
        (
            ["fornavn" if h == "first_name" else h for h in HEADER],
            "The first row must be the template's header. Missing columns: first_name. "
            "Columns not in the template, or repeated: A. Download the template and copy your "
            "rows into it.",
        ),
        (
            [*HEADER, "gender"],
            "The first row must be the template's header. Columns not in the template, or "
            "repeated: U. Download the template and copy your rows into it.",
        ),
    ],
    ids=["missing", "extra", "renamed", "repeated"],
)
def test_a_wrong_header_is_one_clear_error(world, send, header, expected):
    content = (";".join(header) + "\nKari;Nordmann\n").encode()
    _, run = send(content)
    assert problems_of(run) == [(1, None, expected)]
    assert run.status == ImportStatus.INVALID


def test_a_file_without_a_header_does_not_repeat_its_first_row(world, send):
    content = table([person(1), person(2)]).split(b"\n", 1)[1]
    _, run = send(content)
    run.refresh_from_db()
    assert run.status == ImportStatus.INVALID
    assert "Importsen" not in json.dumps(run.problems) and "Kari" not in json.dumps(run.problems)


def test_header_names_are_read_in_any_order_and_case_with_either_separator(world, send):
    header = list(reversed(HEADER))
    row = {**person(1)}
    content = (
        ",".join(h.upper() for h in header) + "\n" + ",".join(row.get(h, "") for h in header) + "\n"
    ).encode()
    _, run = send(content)
    run.refresh_from_db()
    assert run.status == ImportStatus.READY, run.problems
    _, semicolons = send(table([person(2)], delimiter=";"))
    semicolons.refresh_from_db()
    assert semicolons.status == ImportStatus.READY


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "first_name\nPål Øystein Ærlig\n".encode("latin-1"),
            "The file is not UTF-8 text (perhaps Latin-1 or a binary file).",
        ),
        ("first_name\nPål\n".encode("utf-16"), "The file is UTF-16 text or not text at all."),
        ("first_name\nPål\n".encode("utf-16-le"), "The file is UTF-16 text or not text at all."),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "The file is not UTF-8 text"),
        (b"", "The file is empty."),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            "Old Excel files (.xls) cannot be read.",
        ),
    ],
    ids=["latin-1", "utf-16", "utf-16-without-bom", "binary", "empty", "old-excel"],
)
def test_a_file_that_is_not_utf8_text_or_a_workbook_is_refused_at_upload(
    world, send, content, expected
):
    response, _ = send(content)
    assert expected in refused(response)


def test_a_zip_that_is_not_a_workbook_is_refused(world, send):
    document = zip_of(DOCX_PARTS)
    for content in (document, b"PK\x03\x04 not really a zip"):
        response, _ = send(content, name="people.xlsx")
        assert "Only CSV files in UTF-8 and Excel workbooks (.xlsx) can be imported." in refused(
            response
        )


def test_a_workbook_that_would_unpack_to_too_much_or_holds_too_many_parts_is_refused(world, send):
    bomb = zeros_bomb(XLSX_PARTS, megabytes=300)
    assert len(bomb) < 400 * 1024
    response, _ = send(bomb, name="people.xlsx")
    assert "would unpack to more than 50 MB" in refused(response)
    response, _ = send(entries_bomb(XLSX_PARTS, entries=20_000), name="people.xlsx")
    assert "The file holds 20002 parts; at most 1000 can be read safely." in refused(response)


def test_a_damaged_workbook_is_reported_not_a_server_error(world, send):
    content = zip_of({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<not xml"})
    _, run = send(content, name="people.xlsx")
    assert problems_of(run) == [
        (0, None, "The workbook cannot be read. Save it again as .xlsx, or as CSV UTF-8.")
    ]


def test_ten_megabytes_and_one_byte_is_too_large(world, send):
    content = table([person(1)]) + b" " * (10 * 1024 * 1024)
    response, _ = send(content[: 10 * 1024 * 1024 + 1])
    assert "The file is too large: at most 10 MB." in refused(response)


def test_a_file_with_only_the_header_has_no_rows(world, send):
    _, run = send(table([]))
    assert problems_of(run) == [(0, None, "The file has no rows under the header.")]


def test_a_formula_in_a_csv_cell_is_kept_as_text_and_neutralised_on_export(world, send, start):
    formula = "=cmd|' /C calc'!A0"
    _, run = send(table([person(1, first_name=formula, city="+47 Lyngdal", languages="@SUM(1)")]))
    run.refresh_from_db()
    assert run.status == ImportStatus.READY, run.problems
    start(run)
    imported = Participant.objects.get(first_name=formula)
    assert (imported.city, imported.languages) == ("+47 Lyngdal", "@SUM(1)")
    assert spreadsheet_safe(imported.first_name) == "'" + formula
    export = participants_csv(user=world.programme_lead, participant_ids=[imported.pk])
    assert "'" + formula in export and "\n" + formula not in export and "," + formula not in export


def test_a_formula_cell_in_a_workbook_is_refused_at_its_row_and_column(world, send):
    _, run = send(workbook([["Kari", "Nordmann"], ["=cmd|' /C calc'!A0", "Hansen"]]), name="f.xlsx")
    assert problems_of(run) == [
        (3, "first_name", "This cell holds a formula. Type its value instead (paste as values).")
    ]
    assert Participant.objects.filter(last_name="Nordmann").count() == 0


def test_a_nul_byte_in_a_cell_is_an_error_at_that_cell(world, send):
    _, run = send(table([person(1), person(2, last_name="Nord\x00mann")]))
    assert problems_of(run) == [(3, "last_name", "Null characters are not allowed.")]


def test_overlong_values_are_errors_at_their_cells(world, send):
    rows = [person(1, first_name="K" * 101), person(2), person(3, city="y" * 101)]
    _, run = send(table(rows))
    assert problems_of(run) == [
        (2, "first_name", "Ensure this value has at most 100 characters (it has 101)."),
        (4, "city", "Ensure this value has at most 100 characters (it has 101)."),
    ]


def test_a_cell_too_long_for_csv_is_reported_by_its_row(world, send):
    content = table([person(1)]) + b'Kari,"' + b"x" * 200_000 + b'"\n'
    _, run = send(content)
    assert problems_of(run) == [
        (
            3,
            None,
            "Row 3 cannot be read: a cell is far too long or a quotation mark is not closed.",
        )
    ]


def test_a_row_with_more_cells_than_the_header_is_reported(world, send):
    content = table([person(1)]) + b"Kari,Nordmann" + b",x" * len(HEADER) + b"\n"
    _, run = send(content)
    assert problems_of(run) == [(3, None, "Row 3 has more cells than the header.")]


def test_bad_dates_choices_and_yes_no_are_errors_without_the_value(world, send):
    rows = [
        person(1, birth_date="17.05.2004", national_id=""),
        person(2, gender="kvinne"),
        person(3, social_assistance="kanskje"),
        person(4, email="not-an-address"),
    ]
    _, run = send(table(rows))
    assert problems_of(run) == [
        (2, "birth_date", "Enter a valid date."),
        (3, "gender", "Use one of the codes listed for this column."),
        (4, "social_assistance", "Write yes or no."),
        (5, "email", "Enter a valid email address."),
    ]
    assert "kvinne" not in json.dumps(run.problems)


def test_problems_are_written_in_the_uploaders_language(world, send):
    _, run = send(table([person(1, birth_date="17.05.2004", national_id="")]), language="nb")
    run.refresh_from_db()
    assert run.language == "nb"
    assert problems_of(run) == [(2, "birth_date", "Oppgi en gyldig dato.")]


def test_ten_thousand_rows_with_one_bad_row_report_that_row_and_import_nothing(world, send):
    rows = [person(n) for n in range(10_000)]
    rows[7_321]["birth_date"] = "2004-02-30"
    before = Participant.objects.count()
    started = time.perf_counter()
    _, run = send(table(rows))
    elapsed = time.perf_counter() - started
    run.refresh_from_db()
    assert (run.status, run.rows_total, run.error_count) == (ImportStatus.INVALID, 10_000, 1)
    assert problems_of(run) == [(7_323, "birth_date", "Enter a valid date.")]
    assert Participant.objects.count() == before
    assert elapsed < 60


def test_more_rows_than_the_limit_are_refused_by_the_file(world, send, monkeypatch):
    monkeypatch.setattr("imports.files.MAX_ROWS", 3)
    _, run = send(table([person(n) for n in range(5)]))
    assert problems_of(run) == [
        (5, None, "The file has more than 3 rows; split it into smaller files.")
    ]


def test_a_header_of_thousands_of_columns_is_one_short_error(world, send):
    header = HEADER + [f"x{i}" for i in range(50_000)]
    _, run = send((",".join(header) + "\n" + "Kari\n").encode())
    [(line, field, message)] = problems_of(run)
    assert (line, field) == (1, None)
    assert "Columns not in the template, or repeated: U, V, W, X, Y, Z, AA, AB, AC, AD …" in message


def test_blank_rows_above_the_header_and_between_rows_are_skipped(world, send):
    _, run = send(b"\n;;\n" + table([person(1)], delimiter=";") + b";;;\n\n")
    run.refresh_from_db()
    assert (run.status, run.rows_total) == (ImportStatus.READY, 1), run.problems
