"""/health/: what a load balancer and monitoring read, what it costs, and how it fails."""

import json
import logging
import time
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError
from django.test import Client, override_settings

from audit.models import AccessEvent
from config import health
from config.celery import app as celery_app
from tests.support.production import REQUIRED, run, secret_key
from tests.support.redis_away import CLOSED

pytestmark = pytest.mark.django_db


def probe(client: Client | None = None, query: str = ""):
    response = (client or Client()).get(f"/health/{query}")
    return response, json.loads(response.content)


def timed_probe():
    started = time.monotonic()
    response, body = probe()
    return response.status_code, body, time.monotonic() - started


@pytest.fixture
def broker_refusing():
    """Tasks go to a broker (not in-process), and nothing answers at its address."""
    saved = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.update(task_always_eager=False, broker_url=CLOSED)
    yield
    celery_app.conf.update(task_always_eager=saved[0], broker_url=saved[1])


def test_health_is_ok_with_the_database_and_in_process_tasks():
    response, body = probe()

    assert response.status_code == 200
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "cache": "in-process",
        "workers": "in-process",
    }
    assert all(check["elapsed_ms"] >= 0 for check in body["checks"].values())
    assert "no-store" in response["Cache-Control"]


def test_the_load_balancer_mode_checks_the_database_and_nothing_else(
    django_assert_num_queries,
):
    with django_assert_num_queries(1):
        response, body = probe(query="?check=db")

    assert response.status_code == 200
    assert body == {"status": "ok", "checks": {"database": mock.ANY}}


def test_an_unknown_check_is_refused_without_echoing_it():
    response, _ = probe(query="?check=<script>")

    assert response.status_code == 400
    assert "script" not in response.content.decode()


def test_a_database_that_fails_makes_health_down_with_503_and_no_error_text(caplog):
    fault = OperationalError('connection to server at "db.internal" (10.0.0.5) failed')

    with (
        mock.patch.object(health.connection, "cursor", side_effect=fault),
        caplog.at_level(logging.WARNING, logger="config.health"),
    ):
        response, body = probe()

    assert response.status_code == 503
    assert body["status"] == "down"
    assert body["checks"]["database"]["status"] == "down"
    text = response.content.decode()
    assert "db.internal" not in text and "10.0.0.5" not in text and "Error" not in text
    # The reason is for the operators' log.
    assert "database check failed: OperationalError" in caplog.text


REDIS_CLOSED = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED}


@override_settings(CACHES={"default": REDIS_CLOSED})
def test_a_redis_that_does_not_answer_makes_health_down_with_503_quickly():
    status, body, elapsed = timed_probe()

    assert (status, body["status"]) == (503, "down")
    assert body["checks"]["cache"]["status"] == "down"
    assert elapsed < 3 * health.TIMEOUT
    # The load balancer's probe asks only for the database and keeps the process in service.
    assert probe(query="?check=db")[0].status_code == 200


def test_workers_out_of_reach_leave_the_site_degraded_but_in_service(broker_refusing):
    status, body, elapsed = timed_probe()

    assert (status, body["status"]) == (200, "degraded")
    assert body["checks"]["workers"]["status"] == "down"
    assert body["checks"]["database"]["status"] == "ok"
    assert elapsed < 3 * health.TIMEOUT


def test_health_reads_no_session_writes_none_and_records_no_access(world, client_for):
    client = client_for(world.caseworker)
    session = client.session
    # Seen two minutes ago: any request through the session middleware would write it now.
    session["_fotfeste_seen"] = session["_fotfeste_started"] = time.time() - 120
    session.save()
    stored = Session.objects.get(pk=session.session_key).session_data

    response, body = probe(client)

    assert body["status"] == "ok"
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert Session.objects.get(pk=session.session_key).session_data == stored
    assert not AccessEvent.objects.exists()
    # The same session on an ordinary page is written, so the test above can fail.
    client.get("/")
    assert Session.objects.get(pk=session.session_key).session_data != stored


def test_healthy_probes_stay_out_of_the_info_log_and_failures_do_not(caplog):
    with caplog.at_level(logging.INFO, logger="fotfeste.request"):
        probe()
        with mock.patch.object(health.connection, "cursor", side_effect=OperationalError):
            probe()

    assert [r.status for r in caplog.records if r.name == "fotfeste.request"] == [503]


def test_production_answers_a_plain_http_probe_by_address():
    # No redirect to HTTPS, no refusal of a Host outside ALLOWED_HOSTS: a load balancer probes
    # the process by its address. The database here is unreachable, so the answer is "down".
    code = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/health/?check=db', headers={'host': '10.0.0.7:8000'})\n"
        "print(json.dumps([r.status_code, r.get('Location'), r.content.decode()]))\n"
    )
    env = {**REQUIRED, "DATABASE_URL": "postgres://fotfeste@127.0.0.1:1/fotfeste"}
    result = run(["-c", code], SECRET_KEY=secret_key(), LOG_LEVEL="CRITICAL", **env)

    assert result.returncode == 0, result.stderr
    status, location, content = json.loads(result.stdout.strip().splitlines()[-1])
    assert (status, location) == (503, None)
    assert json.loads(content)["status"] == "down"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_answers_the_health_check(worker):
    response, body = probe()

    assert response.status_code == 200
    assert body["checks"]["workers"]["status"] == "ok"
    assert body["status"] == "ok"


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_broker_without_workers_leaves_the_site_degraded_after_one_timeout(workers):
    status, body, elapsed = timed_probe()

    assert (status, body["status"]) == (200, "degraded")
    assert body["checks"]["workers"]["status"] == "down"
    assert health.TIMEOUT <= elapsed < 3 * health.TIMEOUT
