"""Synthetic national IDs for demo and test data: valid check digits, impossible months, so
they can never belong to a real person (see national_id.py)."""

from datetime import date

from stdnum import luhn
from stdnum.no import fodselsnummer


def synthetic_fodselsnummer(born: date, individual: int) -> str:
    """A Norwegian synthetic number: month + 80. ``individual`` is 0-499 for 1900-1999,
    500-999 for 2000-2039, as for real numbers."""
    base = f"{born.day:02d}{born.month + 80:02d}{born.year % 100:02d}{individual:03d}"
    first = fodselsnummer.calc_check_digit1(base)
    second = fodselsnummer.calc_check_digit2(base + first)
    number = base + first + second
    if len(number) != 11:  # a check digit of 10 has no number; try the next individual
        return synthetic_fodselsnummer(born, (individual + 1) % 1000)
    return number


def synthetic_personnummer(born: date, serial: int) -> str:
    """A Swedish synthetic number: month + 20, in the 12-digit form."""
    base = f"{born.year:04d}{born.month + 20:02d}{born.day:02d}{serial:03d}"
    return base + luhn.calc_check_digit(base[2:])
