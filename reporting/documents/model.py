"""The document's parts: a shown value, a figure's row and its breakdown cells, a table, a
section and a first-page tile; and the snapshot's values turned into shown values."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from reporting.charts import Chart
from reporting.formatting import (
    NOT_AVAILABLE,
    amount,
    as_date,
    day,
    decimal,
    number,
    percent,
    value_text,
)


@dataclass
class Value:
    """One shown value: its text as the PDF prints it, and the number a spreadsheet stores
    (``None`` for a protected or missing value, or for text)."""

    text: str
    number: int | float | Decimal | date | None = None
    kind: str = "text"  # count, rate, amount, months, share, date, text
    currency: str = ""
    status: str = ""  # a target's or a deadline's status, for the colour


@dataclass
class Cell:
    """One category of a breakdown."""

    key: str
    label: str
    value: Value


@dataclass
class Row:
    """One figure: a single value, or a breakdown whose cells are listed under it."""

    key: str
    label: str
    value: Value
    cells: list[Cell] = field(default_factory=list)

    @property
    def is_breakdown(self) -> bool:
        return bool(self.cells)


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Value]]
    title: str = ""
    total: bool = False  # the last row is a total
    # "pairs": a label and its value per row; "wide": a wide first column; "legend": a narrow one
    style: str = ""

    @property
    def header_cells(self) -> list[tuple[str, bool]]:
        """Each header with whether its column holds numbers (set right-aligned)."""
        first = self.rows[0] if self.rows else []
        return [
            (header, index > 0 and index < len(first) and first[index].kind != "text")
            for index, header in enumerate(self.headers)
        ]


@dataclass
class Section:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    chart: Chart | None = None
    note: str = ""  # said in words where a chart or a table has nothing to show
    paragraphs: list[tuple[str, str]] = field(default_factory=list)  # (title, text)
    text: list[str] = field(default_factory=list)  # said before the tables


@dataclass
class Tile:
    """A result on the first page: the figure, what it is measured against, and its status."""

    label: str
    value: str
    detail: str = ""
    status: str = ""  # a TargetStatus or DeadlineStatus value, for the colour
    status_text: str = ""


def count_value(value, *, rate: bool = False) -> Value:
    """A snapshot value (count, rate, mark or None) as a shown value."""
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    kind = "rate" if rate or isinstance(value, float) else "count"
    return Value(value_text(value, rate=rate), value if is_number else None, kind)


def money_value(value, currency: str) -> Value:
    figure = decimal(value)
    return Value(amount(figure, currency), figure, "amount", currency)


def months_value(value) -> Value:
    figure = decimal(value)
    return Value(number(figure, 1) if figure is not None else NOT_AVAILABLE, figure, "months")


def percent_value(value) -> Value:
    figure = decimal(value)
    return Value(percent(figure), figure, "rate")


def date_value(value) -> Value:
    return Value(day(value), as_date(value), "date")


def text_value(text) -> Value:
    return Value("" if text is None else str(text))


def status_label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value
