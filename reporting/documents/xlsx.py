"""The spreadsheet: a readable Report sheet, a Data sheet in long form and the monthly
series, numbers kept numeric with the language's formats."""

import io
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font

from participants.exports import spreadsheet_safe
from reporting.documents.detail import sections
from reporting.documents.first_page import (
    correction_note,
    deadline_table,
    report_title,
    title_rows,
)
from reporting.documents.layout import chart_texts, section_titles
from reporting.documents.long_form import data_headers, data_rows
from reporting.documents.model import Section, Table, Value, count_value
from reporting.formatting import as_date, currency_unit, is_english
from reporting.formatting import month as month_text


def _date_format() -> str:
    """The language's short date as a spreadsheet number format («dd.mm.yyyy» in Norwegian)."""
    django_format = formats.get_format("SHORT_DATE_FORMAT")
    codes = {"d": "dd", "j": "d", "m": "mm", "n": "m", "Y": "yyyy", "y": "yy"}
    return "".join(codes.get(c, c) for c in django_format)


def number_format(value: Value) -> str:
    """How a spreadsheet shows a number: grouped counts, one decimal for rates and months,
    amounts with their currency, whole kroner unless there are øre."""
    if value.kind == "amount" and isinstance(value.number, int | float | Decimal):
        places = "#,##0" if value.number == int(value.number) else "#,##0.00"
        if is_english():
            return f'"{value.currency}" {places};"{value.currency}" -{places}'
        unit = currency_unit(value.currency)
        return f'{places} "{unit}";-{places} "{unit}"'
    return {
        "count": "#,##0",
        "rate": "0.0",
        "months": "0.0",
        "share": "0.00",
        "date": _date_format(),
    }.get(value.kind, "General")


class _Sheet:
    """Appends rows of text and numbers to an openpyxl sheet, keeping numbers numeric."""

    def __init__(self, sheet) -> None:
        self.sheet = sheet

    def row(self, *values, bold: bool = False, indent: int = 0) -> None:
        self.sheet.append([self._content(v) for v in values])
        line = self.sheet.max_row
        for column, value in enumerate(values, start=1):
            cell = self.sheet.cell(row=line, column=column)
            if isinstance(value, Value) and value.number is not None:
                cell.number_format = number_format(value)
            if bold:
                cell.font = Font(bold=True)
            if indent and column == 1:
                cell.alignment = Alignment(indent=indent)

    def text(self, text: str, *, bold: bool = False) -> None:
        self.sheet.append([spreadsheet_safe(text)])
        cell = self.sheet.cell(row=self.sheet.max_row, column=1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True, size=12)

    @staticmethod
    def _content(value):
        if isinstance(value, Value):
            if value.number is None:
                return spreadsheet_safe(value.text)
            return float(value.number) if isinstance(value.number, Decimal) else value.number
        return spreadsheet_safe(value)


def _report_sheet(sheet, run, snapshot: dict) -> None:
    out = _Sheet(sheet)
    out.text(report_title(run, snapshot), bold=True)
    for label, text in title_rows(run, snapshot):
        out.row(label, text)
    note = correction_note(snapshot)
    if note:
        out.text(note)
    for section in _sheet_sections(run, snapshot):
        _write_section(out, section)
    sheet.column_dimensions["A"].width = 60
    for column in "BCDE":
        sheet.column_dimensions[column].width = 18


def _sheet_sections(run, snapshot: dict) -> list[Section]:
    """The detail, then the report deadlines (on the PDF's first page)."""
    deadlines = deadline_table(snapshot)
    return sections(run, snapshot, with_charts=False) + (
        [Section("deadlines", section_titles()["deadlines"], tables=[deadlines])]
        if deadlines
        else []
    )


def _write_section(out: _Sheet, section: Section) -> None:
    out.row()
    out.text(section.title, bold=True)
    for row in section.rows:
        out.row(row.label, row.value)
        for cell in row.cells:
            out.row(cell.label, cell.value, indent=2)
    for table in section.tables:
        _write_table(out, table)
    if section.note:
        out.text(section.note)
    for title, text in section.paragraphs:
        if title:
            out.row(title, bold=True)
        out.text(text)


def _write_table(out: _Sheet, table: Table) -> None:
    if table.title:
        out.row(table.title, bold=True)
    out.row(*table.headers, bold=True)
    for index, cells in enumerate(table.rows):
        out.row(*cells, bold=table.total and index == len(table.rows) - 1)


def _data_sheet(sheet, run, snapshot: dict) -> None:
    out = _Sheet(sheet)
    out.row(*data_headers(), bold=True)
    for row in data_rows(run, snapshot):
        # A protected or missing value leaves the value column empty, so that it sums.
        value = row.value if row.value.number is not None else None
        out.row(
            row.figure,
            row.label,
            row.breakdown,
            row.category,
            row.category_label,
            value,
            row.value.text,
        )
        sheet.cell(row=sheet.max_row, column=8, value=row.suppressed)
        sheet.cell(row=sheet.max_row, column=9, value=spreadsheet_safe(row.unit))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for column, width in zip("ABCDEFGHI", (28, 40, 18, 18, 32, 14, 16, 12, 10), strict=True):
        sheet.column_dimensions[column].width = width


MONTH_SERIES = ["participants_over_time", "attendance_rate", "module_progress"]


def _month_sheet(sheet, snapshot: dict) -> None:
    """The monthly series side by side, months as real dates."""
    series = snapshot.get("series") or {}
    keys = [k for k in MONTH_SERIES if k in series]
    texts = chart_texts()
    out = _Sheet(sheet)
    out.row(_("Month"), *[texts[k][0] for k in keys], bold=True)
    by_month = {k: dict(series[k]) for k in keys}
    months = sorted({m for k in keys for m in by_month[k]})
    for month in months:
        values = [count_value(by_month[k].get(month), rate=k == "attendance_rate") for k in keys]
        out.row(Value(month_text(month), as_date(month), "date"), *values)
        sheet.cell(row=sheet.max_row, column=1).number_format = "mmm yyyy"
    sheet.column_dimensions["A"].width = 14
    for column in "BCD":
        sheet.column_dimensions[column].width = 30
    if months and "participants_over_time" in keys:
        _participants_chart(sheet, texts["participants_over_time"])


def _participants_chart(sheet, text: tuple[str, str, str]) -> None:
    """The participants per month (the sheet's second column) as a bar chart beside it."""
    chart = BarChart()
    chart.title = text[0]
    chart.y_axis.title = text[1]
    chart.x_axis.title = _("Month")
    chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=sheet.max_row), True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=sheet.max_row))
    sheet.add_chart(chart, "F2")


def render_xlsx(run, snapshot: dict) -> bytes:
    """A readable «Report» sheet, a «Data» sheet in long form to sum and pivot, and the
    monthly series."""
    book = Workbook()
    report = book.worksheets[0]  # a new workbook's one sheet
    report.title = _("Report")[:31]
    _report_sheet(report, run, snapshot)
    _data_sheet(book.create_sheet(_("Data")[:31]), run, snapshot)
    _month_sheet(book.create_sheet(_("Per month")[:31]), snapshot)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
