"""Text messages, through a sender chosen in the settings like Django's e-mail backends
(``FOTFESTE_SMS_BACKEND``, docs/operations.md): none by default, the console in the embedded
mode and the demo, an outbox in memory in the tests. A municipality's SMS provider is one class
with a ``send`` method.

A message and its number are personal data: no sender here logs them, and the caller logs only
that a message could not be sent."""

import re
import sys
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class SmsError(Exception):
    """The provider did not take the message."""


class SmsSender(Protocol):
    def send(self, *, to: str, text: str) -> None: ...


class NoSender:
    """SMS is off: nothing is sent, and callers fall back on e-mail alone."""

    enabled = False

    def send(self, *, to: str, text: str) -> None:
        return None


class ConsoleSender:
    """Prints each message to the console, as Django's console e-mail backend does: for the
    embedded mode and the demo only."""

    enabled = True

    def send(self, *, to: str, text: str) -> None:
        sys.stdout.write(f"SMS to {to}\n{text}\n{'-' * 40}\n")
        sys.stdout.flush()


outbox: list[dict[str, str]] = []


class MemorySender:
    """Keeps each message in ``config.sms.outbox``, for the tests."""

    enabled = True

    def send(self, *, to: str, text: str) -> None:
        outbox.append({"to": to, "text": text})


@cache
def _sender(path: str) -> SmsSender:
    sender: SmsSender = import_string(path)()
    return sender


def sender() -> SmsSender:
    return _sender(settings.FOTFESTE_SMS_BACKEND)


def sms_enabled() -> bool:
    return bool(getattr(sender(), "enabled", True))


# A Swedish or Norwegian mobile number as people write it: 070-123 45 67, +46 70 123 45 67,
# 0046701234567, 412 34 567.
_COUNTRY_CODES = {"SE": "46", "NO": "47"}


def phone_international(number: str, *, country: str) -> str | None:
    """The number in international form (+46701234567), or None when it is not one."""
    digits = re.sub(r"[\s\-().]", "", number or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not digits.startswith("+"):
        code = _COUNTRY_CODES.get(country)
        if code is None:
            return None
        digits = "+" + code + (digits[1:] if country == "SE" and digits.startswith("0") else digits)
    if not re.fullmatch(r"\+[1-9]\d{7,14}", digits):
        return None
    return digits


def sms_send(*, to: str, country: str, text: str) -> bool:
    """Send ``text`` to the number ``to`` (as typed). False when SMS is off or the number is not
    one; an SmsError when the provider refused."""
    number = phone_international(to, country=country)
    if number is None or not sms_enabled():
        return False
    sender().send(to=number, text=text)
    return True
