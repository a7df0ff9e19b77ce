"""Logs carry no personal data: the request log names routes, not paths; a filter on every
handler redacts national IDs, e-mail addresses and query strings; production writes JSON."""

import json
import logging
import logging.config
import re
import sys

import pytest
from django.urls import reverse

from config.logging import JsonFormatter, RedactFilter
from tests.support.production import REQUIRED, run, secret_key

EMAIL = "amalie.testesen@example.org"
# Synthetic: month + 80, which no real person's number has.
NORWEGIAN_ID = "01819012345"


def record(message: str, *args, **fields) -> logging.LogRecord:
    entry = logging.LogRecord("fotfeste.test", logging.WARNING, __file__, 1, message, args, None)
    entry.__dict__.update(fields)
    return entry


def redacted(message: str, *args) -> str:
    entry = record(message, *args)
    RedactFilter().filter(entry)
    return entry.getMessage()


def request_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "fotfeste.request"]


def test_the_request_log_names_the_route_and_the_user_id_not_the_path_or_the_query(
    world, client_for, caplog
):
    path = reverse("participants:detail", args=[world.participant.pk])

    with caplog.at_level(logging.INFO, logger="fotfeste.request"):
        response = client_for(world.caseworker).get(f"{path}?q={EMAIL}")

    assert response.status_code == 200
    [line] = request_lines(caplog)
    assert (line.method, line.route, line.status) == ("GET", "participants/<id:pk>/", 200)
    assert line.user_id == world.caseworker.pk
    assert line.duration_ms > 0
    message = line.getMessage()
    assert path not in message and "?" not in message and "@" not in message
    assert re.fullmatch(r"[0-9a-f]{32}", line.request_id)
    assert response["X-Request-ID"] == line.request_id
    assert f"user={world.caseworker.pk} request={line.request_id}" in message


def test_an_address_no_route_matches_is_logged_without_its_path(client, caplog):
    with caplog.at_level(logging.INFO, logger="fotfeste.request"):
        client.get(f"/no-such-page/{NORWEGIAN_ID}/")

    [line] = request_lines(caplog)
    assert (line.route, line.status, line.user_id) == (None, 404, None)
    assert NORWEGIAN_ID not in line.getMessage()


@pytest.mark.parametrize(
    ("offered", "kept"),
    [
        ("5f0c2a9e-1b7d-4c3e-9a41-0d6f2b8e7c15", True),
        ("Root-1-67a1b2c3-abcdef0123456789", True),
        ("short", False),
        (f"id-{EMAIL}", False),
        (f"id-{NORWEGIAN_ID}", False),
        ("abc\r\nlevel=ERROR forged", False),
    ],
)
def test_a_plain_request_id_from_the_proxy_is_kept_and_anything_else_replaced(
    client, offered, kept
):
    echoed = client.get("/health/", headers={"x-request-id": offered})["X-Request-ID"]

    assert (echoed == offered) is kept
    if not kept:
        assert re.fullmatch(r"[0-9a-f]{32}", echoed)


def test_the_filter_redacts_national_ids_and_email_addresses():
    message = redacted("%s (%s) asked for %s", EMAIL, NORWEGIAN_ID, "kåre.ås@kommune.no")

    assert message == "[e-mail] ([national-id]) asked for [e-mail]"


@pytest.mark.parametrize(
    "number",
    [NORWEGIAN_ID, "018190 12345", "900101-1234", "900101+1234", "19900101-1234", "199001011234"],
)
def test_the_filter_redacts_each_way_of_writing_a_national_id(number):
    assert redacted(f"person {number}, again:{number}.") == (
        "person [national-id], again:[national-id]."
    )


def test_the_filter_leaves_ids_durations_and_counts_alone():
    message = "task 5f0c2a9e1b7d4c3e9a410123456789ab took 0.12345678901s for 1200 rows"

    assert redacted(message) == message


def test_the_filter_drops_query_strings_and_redacts_exception_text():
    assert (
        redacted('"GET /participants/?q=Amalie HTTP/1.1" 200')
        == '"GET /participants/ HTTP/1.1" 200'
    )
    try:
        raise ValueError(f"duplicate key (email)=({EMAIL})")
    except ValueError:
        entry = record("import failed")
        entry.exc_info = sys.exc_info()
    RedactFilter().filter(entry)

    assert EMAIL not in entry.exc_text and "(email)=([e-mail])" in entry.exc_text


def test_a_json_line_holds_the_request_fields_and_not_the_request():
    entry = record(
        "GET participants/<id:pk>/ 200",
        method="GET",
        route="participants/<id:pk>/",
        status=200,
        duration_ms=12.5,
        user_id=7,
        request_id="5f0c2a9e1b7d4c3e",
        request=object(),  # as Django's own records carry
    )

    line = json.loads(JsonFormatter().format(entry))

    fields = {"method", "route", "status", "duration_ms", "user_id", "request_id"}
    assert set(line) == {"time", "level", "logger", "message", *fields}
    assert (line["route"], line["user_id"], line["level"]) == (
        "participants/<id:pk>/",
        7,
        "WARNING",
    )


def log_in_production(**env: str) -> str:
    code = (
        "import django, logging; django.setup()\n"
        "logging.getLogger('fotfeste.test').warning("
        f"'Found %s via /participants/?q=%s', '{EMAIL}', '{NORWEGIAN_ID}')\n"
    )
    result = run(["-c", code], SECRET_KEY=secret_key(), **REQUIRED, **env)
    assert result.returncode == 0, result.stderr
    return result.stderr.strip().splitlines()[-1]


def test_production_writes_json_lines_through_the_filter():
    line = json.loads(log_in_production())

    assert (line["level"], line["logger"]) == ("WARNING", "fotfeste.test")
    assert line["message"] == "Found [e-mail] via /participants/"


def test_log_format_plain_is_one_readable_line_through_the_same_filter():
    line = log_in_production(LOG_FORMAT="plain")

    assert line.endswith("WARNING fotfeste.test Found [e-mail] via /participants/")


def test_an_unknown_log_format_is_refused():
    setup = ["-c", "import django; django.setup()"]
    result = run(setup, SECRET_KEY=secret_key(), LOG_FORMAT="xml", **REQUIRED)

    assert result.returncode != 0
    assert "LOG_FORMAT" in result.stderr


def test_a_pdf_being_drawn_leaves_no_line_per_step_in_the_log():
    from config.logging import logging_config

    config = logging_config(log_format="json", level="INFO")
    logging.config.dictConfig(config)
    try:
        assert not logging.getLogger("weasyprint.progress").isEnabledFor(logging.INFO)
        assert logging.getLogger("weasyprint").isEnabledFor(logging.WARNING)
        assert logging.getLogger("fotfeste.test").isEnabledFor(logging.INFO)
    finally:
        from django.conf import settings

        logging.config.dictConfig(settings.LOGGING)
