"""Logs without personal data: a JSON formatter for log collectors, and a filter on every handler
that removes what should never have been logged (query strings, national IDs, e-mail addresses).

Code logs primary keys only; the filter is the last line of defence for what slips through,
e.g. a third-party library quoting a value in an error message.
"""

import json
import logging
import re
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# The request id of the request this thread is serving, for every line logged meanwhile.
current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)

# A query string after a path or URL: search terms typed about a person travel in them.
_QUERY_STRING = re.compile(r"(?<=\S)\?[^\s\"'<>]+")
# Norwegian fødselsnummer / D-number (11 digits, perhaps "DDMMYY NNNNN") and Swedish
# personnummer (YYMMDD-NNNN, YYMMDD+NNNN, YYYYMMDD-NNNN, or 10 or 12 digits). Deliberately
# loose: any free-standing run of 10-12 digits goes, checksum or not. Digits inside a word
# (hex ids) or after a decimal point (durations) stay.
_NATIONAL_ID = re.compile(
    r"(?<![A-Za-z0-9])(?<!\d\.)(?:\d{6}[ +-]?\d{4,5}|\d{8}[ +-]?\d{4})(?![A-Za-z0-9])"
)
_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+")

LOG_FORMATS = ("plain", "json")

# The request log's fields (config/request_log.py), kept as keys of their own in JSON.
REQUEST_FIELDS = ("method", "route", "status", "duration_ms", "user_id", "request_id")


def redact(text: str) -> str:
    text = _QUERY_STRING.sub("", text)
    text = _NATIONAL_ID.sub("[national-id]", text)
    return _EMAIL.sub("[e-mail]", text)


class RedactFilter(logging.Filter):
    """Rewrites each record's message, exception and stack text with `redact`. Attached to the
    handlers, so it sees every record, from Fotfeste, Django, Celery or any library."""

    _exceptions = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call must not take the caller down with it
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._exceptions.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, the request id of the
    request being served and, for the request log, its fields. Nothing else from the record
    is written: Django attaches the whole request to some records, raw path included."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in REQUEST_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if "request_id" not in entry and (request_id := current_request_id.get()):
            entry["request_id"] = request_id
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """The LOGGING setting: everything to stderr through one handler, in the chosen format,
    through the redaction filter."""
    if log_format not in LOG_FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {log_format!r}.")
    through_console = {"handlers": ["console"], "level": level, "propagate": False}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact": {"()": "config.logging.RedactFilter"}},
        "formatters": {
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
            "json": {"()": "config.logging.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["redact"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's defaults would send these to handlers of their own that bypass the
            # filter: runserver's access lines carry query strings, and mail_admins would mail
            # whole requests.
            "django": through_console,
            "django.server": through_console,
            "django.db.backends": {"level": "WARNING"},
            # WeasyPrint tells every step of every PDF at INFO: a dozen lines a report, none
            # of use to whoever reads the worker's log.
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }
