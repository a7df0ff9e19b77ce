"""How a value is written in a report document, in the active language: numbers, amounts,
dates, months, percentages and the marks for values that are not shown. The PDF, the
spreadsheets, the CSV and the charts all write values through here, so a figure reads the same
in each («1 234,5» in Norwegian and Swedish, «1,234.5» in English).

One mark per meaning, explained by ``legend_rows``: 0 is zero; «…» is not available or not
due yet; «<5» is a small count that is suppressed; «:» is hidden so that a small count cannot
be worked out.
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.disclosure import DEFAULT_THRESHOLD, HIDDEN, is_small, marks_explained
from accounts.disclosure import small_mark as suppression_mark

NOT_AVAILABLE = "…"
NBSP = "\u00a0"
MINUS = "\u2212"
# Currencies written «450 000 kr» in Norwegian and Swedish; any other keeps its code.
KRONER = {"NOK", "SEK", "DKK"}


def is_english() -> bool:
    """Whether the active language writes amounts «NOK 450,000» (code first)."""
    return (get_language() or "").startswith("en")


def number(value, decimals: int = 0) -> str:
    """A number with the language's grouping and decimal mark, and a true minus sign."""
    if value is None:
        return NOT_AVAILABLE
    text = formats.number_format(value, decimals, use_l10n=True, force_grouping=True)
    return MINUS + text[1:] if text.startswith("-") else text


def decimal(value) -> Decimal | None:
    """An amount or a share from the snapshot (a Decimal string) as a Decimal."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def amount(value, currency: str = "NOK") -> str:
    """«450 000 kr» (Norwegian, Swedish), «NOK 450,000» (English): whole kroner unless there
    are øre."""
    money = decimal(value)
    if money is None:
        return NOT_AVAILABLE
    text = number(money, 0 if money == money.to_integral_value() else 2)
    if is_english():
        return f"{currency}{NBSP}{text}"
    return f"{text}{NBSP}{currency_unit(currency)}"


def currency_unit(currency: str) -> str:
    """What follows an amount in Norwegian and Swedish: «kr» for kroner, else the code."""
    return "kr" if currency in KRONER else currency


def percent(value, decimals: int = 1) -> str:
    """«89,9 %» (Norwegian, Swedish), «89.9%» (English)."""
    if value is None:
        return NOT_AVAILABLE
    rate = decimal(value)
    if rate is None:
        return NOT_AVAILABLE
    text = number(rate, decimals if rate != rate.to_integral_value() else 0)
    return f"{text}%" if is_english() else f"{text}{NBSP}%"


def as_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def day(value) -> str:
    """The language's short date («04.12.2026» in Norwegian)."""
    when = as_date(value)
    return NOT_AVAILABLE if when is None else formats.date_format(when, "SHORT_DATE_FORMAT")


def days(start, end) -> str:
    return f"{day(start)}{NBSP}–{NBSP}{day(end)}"


def month(value) -> str:
    """«jan. 2026»."""
    when = as_date(value)
    return NOT_AVAILABLE if when is None else formats.date_format(when, "N Y")


def month_short(value) -> str:
    """«jan.», for the labels under a chart's columns."""
    when = as_date(value)
    return NOT_AVAILABLE if when is None else formats.date_format(when, "N")


def small_mark(threshold: int | None) -> str:
    """The mark of a suppressed small count, built from the threshold as the snapshot is (a
    run from before thresholds were set used the default)."""
    return suppression_mark(threshold or DEFAULT_THRESHOLD)


def is_protected(value) -> bool:
    """Whether a snapshot value is a suppressed count («<5») or a hidden one («:»)."""
    return value == HIDDEN or is_small(value)


def value_text(value, *, rate: bool = False) -> str:
    """A snapshot value as a document shows it: a count, a rate (a float is always a
    percentage), or its mark."""
    if value is None:
        return NOT_AVAILABLE
    if isinstance(value, str):
        return value
    if isinstance(value, float) or rate:
        return percent(value)
    return number(value)


def legend_rows(threshold: int | None = DEFAULT_THRESHOLD) -> list[tuple[str, str]]:
    """Each mark a document uses, with what it means."""
    return [
        ("0", _("none")),
        (NOT_AVAILABLE, _("not available, or not due yet")),
        *marks_explained(threshold or DEFAULT_THRESHOLD),
    ]
