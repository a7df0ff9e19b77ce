"""Values kept encrypted at rest: national IDs, identity providers' client secrets.

Every purpose derives keys of its own from the same secrets (FOTFESTE_NATIONAL_ID_KEYS): the
first encrypts, all of them decrypt, so the keys can be rotated (docs/operations.md). A value
encrypted for one purpose cannot be decrypted as another.

Each app registers the columns it keeps encrypted (``register``, from its AppConfig.ready), so
that ``manage.py rotate_encryption_keys`` re-encrypts every one of them, whichever app holds it.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class UnreadableError(Exception):
    """The value was encrypted with a key that is no longer listed, or for another purpose."""


def derived_key(purpose: str, secret: str) -> bytes:
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()


def _fernet(purpose: str) -> MultiFernet:
    keys = [
        Fernet(base64.urlsafe_b64encode(derived_key(purpose, secret)))
        for secret in settings.FOTFESTE_NATIONAL_ID_KEYS
    ]
    return MultiFernet(keys)


def encrypt(value: str, *, purpose: str) -> str:
    return _fernet(purpose).encrypt(value.encode()).decode()


def decrypt(token: str, *, purpose: str) -> str:
    try:
        return _fernet(purpose).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise UnreadableError(purpose) from exc


def reencrypt(token: str, *, purpose: str) -> str:
    """The same value, encrypted with the first (newest) key."""
    try:
        return _fernet(purpose).rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise UnreadableError(purpose) from exc


@dataclass(frozen=True)
class EncryptedColumn:
    """A text column holding values encrypted here: ``model`` as «app_label.ModelName»."""

    model: str
    field: str
    purpose: str


_COLUMNS: list[EncryptedColumn] = []


def register(model: str, field: str, *, purpose: str) -> None:
    column = EncryptedColumn(model, field, purpose)
    if column not in _COLUMNS:
        _COLUMNS.append(column)


def registered() -> tuple[EncryptedColumn, ...]:
    return tuple(_COLUMNS)
