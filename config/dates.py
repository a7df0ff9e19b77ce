"""Dates a record can hold, for every form, query string and API field that takes one.

Services count days, weeks and months from the dates they are given (a week's Monday, the day
before, three months before a contract ends); a year 1 or 9999 would overflow there. A date
outside these bounds is a typing error, refused where it is typed."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2100, 12, 31)
OUT_OF_RANGE = _("Enter a date between %(earliest)s and %(latest)s.")


def within_range(day: date) -> bool:
    return EARLIEST_DATE <= day <= LATEST_DATE


def date_from_query(raw: str) -> date | None:
    """The ISO date in a query parameter, or None when it is not one or is out of range."""
    try:
        day = parse_date(raw.strip())
    except ValueError:  # well-formed but impossible, e.g. 2026-02-30
        return None
    return day if day is not None and within_range(day) else None


class BoundedDateField(forms.DateField):
    """A form's date field that takes only dates a record can hold."""

    def validate(self, value: date | None) -> None:
        super().validate(value)
        if value is not None and not within_range(value):
            raise ValidationError(
                OUT_OF_RANGE,
                code="out_of_range",
                params={"earliest": EARLIEST_DATE.year, "latest": LATEST_DATE.year},
            )
