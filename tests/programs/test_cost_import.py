"""Importing a grant's costs from the municipality's accounting export: a dry run that names
every bad line by row and column, then all rows or none."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from imports.models import ImportRun, ImportStatus
from programs.forms import parse_amount
from programs.models import Cost, CostSource, Financing
from programs.money import budget_line_save, cost_create
from tests.support.grants import make_grant

pytestmark = pytest.mark.django_db
D = Decimal
HEADER = ["date", "account", "amount", "text"]


def accounts(rows: list[list], header=None, delimiter=";") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header or HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.fixture
def upload(world, grant, client_for, django_capture_on_commit_callbacks):
    """Upload through the grant's import page; the dry run runs at commit."""

    def send(content: bytes, *, user=None, name="hovedbok.csv", target=None, language="en"):
        client = client_for(user or world.programme_lead)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        before = set(ImportRun.objects.values_list("pk", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("imports:costs", args=[(target or grant).pk]),
                {"file": SimpleUploadedFile(name, content)},
            )
        return response, ImportRun.objects.exclude(pk__in=before).first()

    return send


@pytest.fixture
def confirm(world, client_for, django_capture_on_commit_callbacks):
    def start(run, *, user=None):
        client = client_for(user or world.programme_lead)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("imports:confirm", args=[run.pk]), follow=True)
        run.refresh_from_db()
        return response

    return start


def problems(run) -> list[tuple[int, str | None]]:
    return [(p["line"], p["field"]) for p in run.problems]


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1 234,50", "1234.50"),
        ("1\u00a0234,50", "1234.50"),
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("1234.5", "1234.5"),
        ("-200", "-200"),
        ("200-", "-200"),
        ("\u2212 1 200,00", "-1200.00"),
        ("450 000", "450000"),
        ("1.234.567", "1234567"),
    ],
)
def test_amounts_are_read_as_norwegian_and_swedish_accounts_write_them(text, amount):
    assert parse_amount(text) == D(amount)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "12a", "--5", "1 2 3,4,5"])
def test_what_is_not_an_amount_is_refused(text):
    with pytest.raises(ValueError):
        parse_amount(text)


def test_a_clean_export_is_checked_then_imported_with_norwegian_headings_and_numbers(
    world, grant, upload, confirm
):
    position = budget_line_save(
        actor=world.programme_lead, grant=grant, kind="position", label="Arbeidsleder", amount=1
    )
    content = accounts(
        [
            ["15.01.2026", "10500", "1 234,50", "Lønn januar", "egenandel", "arbeidsleder"],
            ["2026-02-15", "10500", "-200", "Kreditnota", "", ""],
            ["31.12.2026", "6800", "99,90", "Kontorrekvisita", "grant", ""],
        ],
        header=["Dato", "Konto", "Beløp", "Tekst", "financing", "budget_line"],
    )
    response, run = upload(content)
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:detail", args=[run.pk])
    assert run.kind == "costs" and run.grant == grant and run.status == ImportStatus.READY
    assert run.rows_total == 3 and not Cost.objects.exists()
    confirm(run)
    assert run.status == ImportStatus.DONE and run.rows_created == 3
    costs = {c.text: c for c in Cost.objects.all()}
    assert costs["Lønn januar"].amount == D("1234.50")
    assert costs["Lønn januar"].financing == Financing.OWN
    assert costs["Lønn januar"].budget_line == position
    assert costs["Kreditnota"].amount == D("-200") and costs["Kreditnota"].budget_line is None
    assert {c.source for c in costs.values()} == {CostSource.IMPORTED}
    assert costs["Kontorrekvisita"].spent_on == date(2026, 12, 31)


def test_a_workbook_with_real_dates_and_numbers_is_read(world, grant, upload, confirm):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append([datetime(2026, 3, 1), 10500, 1234.5, "Lønn"])
    sheet.append([datetime(2026, 3, 2), "6800", -50, "Kreditnota"])
    out = io.BytesIO()
    book.save(out)
    _, run = upload(out.getvalue(), name="hovedbok.xlsx")
    assert run.status == ImportStatus.READY, run.problems
    confirm(run)
    assert sorted(Cost.objects.values_list("amount", flat=True)) == [D("-50"), D("1234.50")]
    assert Cost.objects.get(text="Lønn").account == "10500"


def test_every_bad_line_is_named_by_row_and_column_and_nothing_is_imported(world, grant, upload):
    cost_create(
        actor=world.programme_lead,
        grant=grant,
        spent_on=date(2026, 5, 1),
        account="10500",
        amount=D("500"),
        text="Allerede ført",
    )
    content = accounts(
        [
            ["01.03.2026", "10500", "100", "God linje"],  # 2
            ["31.02.2026", "10500", "100", "Ugyldig dato"],  # 3
            ["01.03.2026", "10500", "hundre", "Ugyldig beløp"],  # 4
            ["01.03.2027", "10500", "100", "Etter perioden"],  # 5
            ["01.03.2026", "10500", "100", "God linje"],  # 6: the same as row 2
            ["01.05.2026", "10500", "500,00", "allerede  ført"],  # 7: already recorded
            ["01.03.2026", "10500", "0", "Null"],  # 8
            ["01.03.2026", "", "10", "Uten konto"],  # 9
        ]
    )
    _, run = upload(content)
    assert run.status == ImportStatus.INVALID
    assert problems(run) == [
        (3, "date"),
        (4, "amount"),
        (5, "date"),
        (6, None),
        (7, None),
        (8, "amount"),
        (9, "account"),
    ]
    messages = {p["line"]: p["message"] for p in run.problems}
    assert "31.12.2026 or 2026-12-31" in messages[3]
    assert "as a number" in messages[4]
    assert "outside the grant's period" in messages[5]
    assert "row 2" in messages[6]
    assert "already recorded" in messages[7]
    assert "cannot be zero" in messages[8]
    assert Cost.objects.count() == 1
    assert not run.file  # a file with errors is deleted at once


def test_a_wrong_header_is_one_clear_problem(grant, upload):
    _, run = upload(accounts([["01.03.2026", "1", "10", "x"]], header=["dag", "konto", "sum"]))
    assert run.status == ImportStatus.INVALID
    [problem] = run.problems
    assert "template's header" in problem["message"]
    assert "Missing columns: date, text." in problem["message"]


def test_an_unknown_budget_line_and_financing_are_named(grant, upload):
    content = accounts(
        [["01.03.2026", "1", "10", "x", "lån", "Finnes ikke"]],
        header=[*HEADER, "financing", "budget_line"],
    )
    _, run = upload(content)
    assert problems(run) == [(2, "financing")]
    content = accounts(
        [["01.03.2026", "1", "10", "x", "own", "Finnes ikke"]],
        header=[*HEADER, "financing", "budget_line"],
    )
    _, run = upload(content)
    assert problems(run) == [(2, "budget_line")]
    assert "no budget line by this name" in run.problems[0]["message"]


def test_own_financed_credit_notes_below_zero_are_refused(grant, upload):
    content = accounts(
        [["01.03.2026", "1", "100", "Egen", "own"], ["02.03.2026", "1", "-300", "Kredit", "own"]],
        header=[*HEADER, "financing"],
    )
    _, run = upload(content)
    assert problems(run) == [(3, "amount")]
    assert "The own contribution cannot be negative" in run.problems[0]["message"]


def test_lines_recorded_between_the_check_and_the_import_stop_the_whole_import(
    world, grant, upload, confirm
):
    _, run = upload(
        accounts([["01.03.2026", "1", "100", "Første"], ["02.03.2026", "1", "100", "Andre"]])
    )
    assert run.status == ImportStatus.READY
    cost_create(
        actor=world.programme_lead,
        grant=grant,
        spent_on=date(2026, 3, 2),
        account="1",
        amount=D("100"),
        text="Andre",
    )
    confirm(run)
    assert run.status == ImportStatus.FAILED and problems(run) == [(3, None)]
    assert Cost.objects.count() == 1


def test_the_messages_are_in_the_uploaders_language(grant, upload):
    _, run = upload(accounts([["01.03.2027", "1", "100", "x"]]), language="nb")
    assert "utenfor tilskuddets periode" in run.problems[0]["message"]


def test_the_template_has_the_header(world, client_for):
    client = client_for(world.programme_lead)
    response = client.get(reverse("imports:template", args=["costs", "csv"]))
    assert response.content.decode("utf-8-sig").strip() == (
        "date;account;amount;text;financing;budget_line"
    )
    response = client.get(reverse("imports:template", args=["costs", "xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == [*HEADER, "financing", "budget_line"]


def test_the_import_page_lists_the_columns_and_earlier_runs(world, grant, upload, client_for):
    _, run = upload(accounts([["01.03.2026", "1", "100", "x"]]))
    html = client_for(world.programme_lead).get(reverse("imports:costs", args=[grant.pk]))
    html = html.content.decode()
    assert "budget_line" in html and reverse("imports:detail", args=[run.pk]) in html
    detail = client_for(world.programme_lead).get(reverse("imports:detail", args=[run.pk]))
    assert "LIM 2026" in detail.content.decode()
    # The programme's import page offers no costs: they belong to a grant.
    listed = client_for(world.programme_lead).get(reverse("imports:imports")).content.decode()
    assert 'value="costs"' not in listed and "LIM 2026 · Costs" in listed


@pytest.fixture(params=["caseworker", "other_lead", "foreign_lead"])
def outsider(request, world):
    who = request.param
    return request.getfixturevalue(who) if who.endswith("lead") else getattr(world, who)


def test_nobody_else_uploads_sees_or_starts_a_cost_import(
    world, grant, upload, confirm, client_for, outsider
):
    _, run = upload(accounts([["01.03.2026", "1", "100", "x"]]))
    client = client_for(outsider)
    assert client.get(reverse("imports:costs", args=[grant.pk])).status_code == 404
    assert client.get(reverse("imports:detail", args=[run.pk])).status_code == 404
    assert client.post(reverse("imports:confirm", args=[run.pk])).status_code == 404
    response, created = upload(accounts([["02.03.2026", "1", "100", "y"]]), user=outsider)
    assert response.status_code == 404 and created is None
    assert reverse("imports:detail", args=[run.pk]) not in (
        client.get(reverse("imports:imports")).content.decode()
    )
    run.refresh_from_db()
    assert run.status == ImportStatus.READY and not Cost.objects.exists()


def test_a_lead_of_one_of_two_funded_programmes_neither_sees_nor_makes_a_cost_import(
    world, client_for, other_lead, django_capture_on_commit_callbacks
):
    grant = make_grant(world, programmes=[world.programme, world.other_programme])
    # Liv leads only the first: she sees the grant, but its costs are not hers to import.
    client = client_for(world.programme_lead)
    response = client.post(
        reverse("imports:costs", args=[grant.pk]),
        {"file": SimpleUploadedFile("a.csv", accounts([["01.03.2026", "1", "1", "x"]]))},
    )
    assert "Only the lead of every programme" in response.content.decode()
    assert not ImportRun.objects.exists()
    run = ImportRun.objects.create(
        programme=world.programme,
        grant=grant,
        kind="costs",
        file_format="csv",
        requested_by=other_lead,
        expires_at=datetime(2030, 1, 1, tzinfo=datetime.now().astimezone().tzinfo),
    )
    assert client.get(reverse("imports:detail", args=[run.pk])).status_code == 404
