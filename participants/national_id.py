"""National identity numbers: Norwegian fødselsnummer (with D- and H-numbers) and Swedish
personnummer (with samordningsnummer), validated for the municipality's country, kept
encrypted, found by a keyed hash, and shown masked.

Synthetic numbers for demos and tests cannot belong to anyone: Norwegian ones add 80 to the
month (as in Skatteetaten's synthetic test data), Swedish ones add 20 to the month. They carry
valid check digits and are accepted only where FOTFESTE_ALLOW_SYNTHETIC_IDS is on.
"""

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import luhn
from stdnum.no import fodselsnummer

from config import crypto
from config.errors import ApplicationError

NORWAY, SWEDEN = "NO", "SE"


@dataclass(frozen=True)
class NationalId:
    value: str  # canonical: 11 digits (NO) or 12 digits YYYYMMDDNNNC (SE)
    birth_date: date
    synthetic: bool

    @property
    def masked(self) -> str:
        return mask(self.value)


def mask(value: str) -> str:
    """The birth-date part and bullets: enough to tell two people apart on screen."""
    if len(value) == 12:
        return f"{value[2:8]}-••••"
    return f"{value[:6]} •••••"


def parse(raw: str, *, country: str) -> NationalId:
    """Validate ``raw`` for ``country``, or raise an ApplicationError that says what is wrong:
    characters, length, the date part, the check digits, or a number of the other country."""
    digits = re.sub(r"[\s.]", "", raw or "")
    if not digits or "\x00" in digits or not re.fullmatch(r"[0-9+-]{1,20}", digits):
        raise _invalid(country)
    plain = digits.replace("-", "").replace("+", "")
    if country == NORWAY:
        if len(plain) != 11 and _is_valid(lambda: _swedish(plain, centenarian=False)):
            raise ApplicationError(
                _("This looks like a Swedish personnummer; the municipality is Norwegian."),
                field="national_id",
            )
        return _norwegian(plain)
    if len(plain) == 11 and _is_valid(lambda: _norwegian(plain)):
        raise ApplicationError(
            _("This looks like a Norwegian fødselsnummer; the municipality is Swedish."),
            field="national_id",
        )
    return _swedish(plain, centenarian="+" in digits)


def _is_valid(parser) -> bool:
    try:
        parser()
    except ApplicationError:
        return False
    return True


def _invalid(country: str) -> ApplicationError:
    if country == NORWAY:
        return ApplicationError(
            _("Enter a valid fødselsnummer or D-number (11 digits)."), field="national_id"
        )
    return ApplicationError(
        _("Enter a valid personnummer or samordningsnummer (YYYYMMDD-NNNN)."), field="national_id"
    )


def _wrong_length(country: str, count: int) -> ApplicationError:
    if country == NORWAY:
        message = _("A fødselsnummer or D-number has 11 digits; this one has %(count)d.")
    else:
        message = _("A personnummer has 10 or 12 digits (YYYYMMDD-NNNN); this one has %(count)d.")
    return ApplicationError(message % {"count": count}, field="national_id")


def _bad_date(country: str) -> ApplicationError:
    if country == NORWAY:
        message = _("The first six digits (day, month, year) are not a valid date of birth.")
    else:
        message = _("The date part (YYYYMMDD) is not a valid date of birth.")
    return ApplicationError(message, field="national_id")


def _bad_check_digits(country: str) -> ApplicationError:
    if country == NORWAY:
        message = _(
            "The last two digits (check digits) do not fit the others: a digit is probably "
            "mistyped."
        )
    else:
        message = _(
            "The last digit (check digit) does not fit the others: a digit is probably mistyped."
        )
    return ApplicationError(message, field="national_id")


def _check_birth_date(born: date, country: str) -> date:
    if born > timezone.localdate():
        raise ApplicationError(
            _("The date part is a birth date in the future: check the number."),
            field="national_id",
        )
    return born


def _norwegian(number: str) -> NationalId:
    if len(number) != 11:
        raise _wrong_length(NORWAY, len(number))
    synthetic = int(number[2:4]) > 80
    if synthetic and not settings.FOTFESTE_ALLOW_SYNTHETIC_IDS:
        raise ApplicationError(
            _("Synthetic test numbers are not accepted here."), field="national_id"
        )
    check = number[:2] + f"{int(number[2:4]) - 80:02d}" + number[4:] if synthetic else number
    try:
        born = fodselsnummer.get_birth_date(check)
    except Exception:  # stdnum raises several ValidationError kinds and ValueError
        raise _bad_date(NORWAY) from None
    digits_ok = number[-2] == fodselsnummer.calc_check_digit1(number) and number[
        -1
    ] == fodselsnummer.calc_check_digit2(number)
    if not digits_ok:
        raise _bad_check_digits(NORWAY)
    return NationalId(number, _check_birth_date(born, NORWAY), synthetic)


def _swedish(number: str, *, centenarian: bool) -> NationalId:
    if len(number) == 10:
        number = _with_century(number, centenarian=centenarian)
    if len(number) != 12:
        raise _wrong_length(SWEDEN, len(number))
    year, month, day = int(number[:4]), int(number[4:6]), int(number[6:8])
    synthetic = 20 < month <= 32
    if synthetic and not settings.FOTFESTE_ALLOW_SYNTHETIC_IDS:
        raise ApplicationError(
            _("Synthetic test numbers are not accepted here."), field="national_id"
        )
    month -= 20 if synthetic else 0
    day -= 60 if day > 60 else 0  # samordningsnummer
    try:
        born = date(year, month, day)
    except ValueError:
        raise _bad_date(SWEDEN) from None
    if not luhn.is_valid(number[2:]):
        raise _bad_check_digits(SWEDEN)
    return NationalId(number, _check_birth_date(born, SWEDEN), synthetic)


def _with_century(number: str, *, centenarian: bool) -> str:
    today = timezone.localdate()
    century = today.year // 100 - (1 if int(number[:2]) > today.year % 100 else 0)
    return f"{century - (1 if centenarian else 0)}{number}"


# --- keeping it ------------------------------------------------------------------------------


def lookup_hash(value: str) -> str:
    """A keyed hash: finds a number without storing it in the clear; useless without the key."""
    key = crypto.derived_key("fotfeste.national-id.lookup", settings.FOTFESTE_NATIONAL_ID_HASH_KEY)
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


PURPOSE = "fotfeste.national-id.encrypt"


def _unreadable() -> ApplicationError:
    return ApplicationError(_("The national ID cannot be read with the current keys."))


def encrypt(value: str) -> str:
    return crypto.encrypt(value, purpose=PURPOSE)


def decrypt(token: str) -> str:
    try:
        return crypto.decrypt(token, purpose=PURPOSE)
    except crypto.UnreadableError as exc:
        raise _unreadable() from exc


def reencrypt(token: str) -> str:
    """The same number, encrypted with the first (newest) key."""
    try:
        return crypto.reencrypt(token, purpose=PURPOSE)
    except crypto.UnreadableError as exc:
        raise _unreadable() from exc


def national_id_label(country: str | None) -> str:
    """What the country calls the number, for form labels and headings."""
    if country == SWEDEN:
        return _("Personnummer or samordningsnummer")
    if country == NORWAY:
        return _("Fødselsnummer or D-number")
    return _("National ID")


def national_id_help(country: str | None) -> str:
    """The form the number takes in the country, for help texts under a field."""
    if country == SWEDEN:
        return _("Optional. Personnummer or samordningsnummer: YYYYMMDD-NNNN.")
    if country == NORWAY:
        return _("Optional. Fødselsnummer or D-number: 11 digits.")
    return _("Optional.")
