"""Text messages: numbers as people write them, and a sender chosen in the settings."""

import pytest

from config import sms


@pytest.mark.parametrize(
    ("typed", "country", "expected"),
    [
        ("070-123 45 67", "SE", "+46701234567"),
        ("+46 70 123 45 67", "SE", "+46701234567"),
        ("0046701234567", "SE", "+46701234567"),
        ("412 34 567", "NO", "+4741234567"),
        ("+47 412 34 567", "SE", "+4741234567"),
        ("", "SE", None),
        ("ring mig", "SE", None),
        ("070", "SE", None),
        ("0701234567", "DK", None),
    ],
)
def test_a_number_is_made_international_or_refused(typed, country, expected):
    assert sms.phone_international(typed, country=country) == expected


def test_the_tests_sender_keeps_each_message():
    assert sms.sms_send(to="070-123 45 67", country="SE", text="Hej") is True
    assert sms.outbox == [{"to": "+46701234567", "text": "Hej"}]


def test_a_number_that_is_not_one_sends_nothing():
    assert sms.sms_send(to="inget nummer", country="SE", text="Hej") is False
    assert sms.outbox == []


def test_with_sms_off_nothing_is_sent(settings):
    settings.FOTFESTE_SMS_BACKEND = "config.sms.NoSender"
    assert sms.sms_send(to="070-123 45 67", country="SE", text="Hej") is False
    assert sms.outbox == []
