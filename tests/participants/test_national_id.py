import re
from datetime import date

import pytest

from config.errors import ApplicationError
from participants import national_id as nid
from participants.synthetic import synthetic_fodselsnummer, synthetic_personnummer


def test_a_synthetic_norwegian_number_is_accepted_where_allowed_with_its_birth_date():
    number = synthetic_fodselsnummer(date(2004, 3, 9), 512)
    parsed = nid.parse(number, country="NO")
    assert parsed.birth_date == date(2004, 3, 9) and parsed.synthetic
    assert parsed.masked == f"{number[:6]} •••••"


def test_a_synthetic_swedish_number_is_accepted_in_ten_or_twelve_digit_form():
    number = synthetic_personnummer(date(2008, 7, 1), 123)
    assert nid.parse(number, country="SE").birth_date == date(2008, 7, 1)
    short = f"{number[2:8]}-{number[8:]}"
    assert nid.parse(short, country="SE").value == number


def test_synthetic_numbers_are_refused_where_the_setting_is_off(settings):
    settings.FOTFESTE_ALLOW_SYNTHETIC_IDS = False
    with pytest.raises(ApplicationError, match="Synthetic"):
        nid.parse(synthetic_fodselsnummer(date(2004, 3, 9), 512), country="NO")
    with pytest.raises(ApplicationError, match="Synthetic"):
        nid.parse(synthetic_personnummer(date(2008, 7, 1), 123), country="SE")


@pytest.mark.parametrize("raw", ["", "abc", "12 34 x", "\x0012345678901"])
def test_a_number_with_other_characters_gets_the_general_message(raw):
    with pytest.raises(ApplicationError, match="valid fødselsnummer"):
        nid.parse(raw, country="NO")


@pytest.mark.parametrize(
    ("raw", "country", "message"),
    [
        ("1234567890", "NO", "has 11 digits; this one has 10"),
        ("010101000000000", "NO", "has 11 digits; this one has 15"),
        ("200827011", "SE", "10 or 12 digits (YYYYMMDD-NNNN); this one has 9"),
        ("31138012345", "NO", "first six digits (day, month, year) are not a valid date"),
        ("20081341-1234", "SE", "date part (YYYYMMDD) is not a valid date"),
    ],
)
def test_a_wrong_length_or_date_says_which(raw, country, message):
    with pytest.raises(ApplicationError, match=re.escape(message)):
        nid.parse(raw, country=country)


def test_a_wrong_check_digit_says_a_digit_is_probably_mistyped():
    number = synthetic_fodselsnummer(date(2004, 3, 9), 512)
    broken = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(ApplicationError, match="check digits"):
        nid.parse(broken, country="NO")
    swedish = synthetic_personnummer(date(2008, 7, 1), 123)
    with pytest.raises(ApplicationError, match="check digit"):
        nid.parse(swedish[:-1] + str((int(swedish[-1]) + 1) % 10), country="SE")


def test_a_number_of_the_other_country_says_so():
    with pytest.raises(ApplicationError, match="Swedish personnummer"):
        nid.parse(synthetic_personnummer(date(2008, 7, 1), 123), country="NO")
    with pytest.raises(ApplicationError, match="Norwegian fødselsnummer"):
        nid.parse(synthetic_fodselsnummer(date(2004, 3, 9), 512), country="SE")


def test_a_birth_date_in_the_future_is_refused():
    with pytest.raises(ApplicationError):
        nid.parse(synthetic_fodselsnummer(date(2039, 1, 1), 600), country="NO")


def test_a_samordningsnummer_gives_the_real_birth_date():
    number = synthetic_personnummer(date(2008, 7, 1), 123)
    coordination = number[:6] + f"{int(number[6:8]) + 60:02d}" + number[8:11]
    from stdnum import luhn

    coordination += luhn.calc_check_digit(coordination[2:])
    assert nid.parse(coordination, country="SE").birth_date == date(2008, 7, 1)


def test_the_lookup_hash_is_keyed_and_stable(settings):
    first = nid.lookup_hash("12345678901")
    assert first == nid.lookup_hash("12345678901")
    assert "12345678901" not in first
    settings.FOTFESTE_NATIONAL_ID_HASH_KEY = "another-key"
    assert nid.lookup_hash("12345678901") != first


def test_encryption_round_trips_and_survives_key_rotation(settings):
    token = nid.encrypt("12345678901")
    assert "12345678901" not in token
    settings.FOTFESTE_NATIONAL_ID_KEYS = ["a-new-key", *settings.FOTFESTE_NATIONAL_ID_KEYS]
    assert nid.decrypt(token) == "12345678901"
    settings.FOTFESTE_NATIONAL_ID_KEYS = ["only-an-unrelated-key"]
    with pytest.raises(ApplicationError):
        nid.decrypt(token)
