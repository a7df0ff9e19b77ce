"""No work is lost when the broker is away: a request whose task cannot be sent still
succeeds (its row is saved), and the resender sends again the task of every row left waiting
whose send is not known to have reached the broker; the cache outlives a Redis restart."""

import logging
import time
import warnings
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.utils import timezone

from config.celery import app as celery_app
from config.queue import _sent_key, queued_work_resend, send
from imports.models import ImportRun
from reporting.models import ReportRun, RunStatus
from reporting.tasks import report_build_task
from tests.support.redis_away import CACHE_AWAY, CLOSED
from tests.support.reports import request

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_away(monkeypatch):
    """Tasks go to a broker that cannot be reached, as while Redis restarts. (Celery reads
    CELERY_BROKER_URL from the environment before its settings, so that goes too.)"""
    saved = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)  # before the env's
    monkeypatch.setenv("CELERY_BROKER_URL", CLOSED)
    celery_app.conf.update(task_always_eager=False, broker_url=CLOSED)
    _new_connections()
    yield
    celery_app.conf.update(task_always_eager=saved[0], broker_url=saved[1])
    _new_connections()


def _new_connections() -> None:
    """Connections to the broker now named, not the one of the pool made before."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def waiting_run(world, *, minutes_ago: int) -> ReportRun:
    return ReportRun.objects.create(
        kind="ks",
        programme=world.programme,
        period_start=timezone.localdate() - timedelta(days=30),
        period_end=timezone.localdate(),
        requested_by=world.programme_lead,
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
    )


def test_a_task_the_broker_refuses_is_logged_by_id_and_the_caller_goes_on(
    world, broker_away, caplog
):
    run = waiting_run(world, minutes_ago=0)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="config.queue"):
        assert send(report_build_task, run.pk) is False
    assert time.monotonic() - started < 10
    assert f"could not queue reporting.tasks.report_build_task for {run.pk}" in caplog.text


def test_a_report_asked_for_while_the_broker_is_away_is_saved_and_the_page_answers(
    world, client_for, broker_away, django_capture_on_commit_callbacks
):
    response = request(client_for(world.programme_lead), world, django_capture_on_commit_callbacks)
    run = ReportRun.objects.get()
    assert response.status_code == 302 and run.status == RunStatus.QUEUED


def test_a_task_run_in_process_says_nothing_of_a_broker(world, caplog):
    """The embedded default has no broker: a report built in the web process must not fill
    its console with a broker's warnings, task after task. The first task of a process opens
    the producer's connection, so the pool starts empty here."""
    run = waiting_run(world, minutes_ago=0)
    _new_connections()
    with caplog.at_level(logging.DEBUG), warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        assert send(report_build_task, run.pk) is True
    broker_said = [
        f"{r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name.split(".")[0] in {"kombu", "celery", "amqp"}
    ]
    assert broker_said == []
    assert [str(w.message) for w in warned if "celery" in w.filename or "kombu" in w.filename] == []
    run.refresh_from_db()
    assert run.status == RunStatus.READY


def test_the_resender_builds_what_was_left_waiting_and_only_that(world):
    """In the embedded default the resent task runs at once: the lost report gets built."""
    lost = waiting_run(world, minutes_ago=15)
    young = waiting_run(world, minutes_ago=0)  # its own send may still be on its way
    sent_lately = waiting_run(world, minutes_ago=15)
    caches["default"].set(_sent_key("reporting.tasks.report_build_task", sent_lately.pk), 1)
    assert queued_work_resend() == 1
    statuses = dict(ReportRun.objects.values_list("pk", "status"))
    assert statuses == {
        lost.pk: RunStatus.READY,
        young.pk: RunStatus.QUEUED,
        sent_lately.pk: RunStatus.QUEUED,
    }
    assert queued_work_resend(now=timezone.now()) == 0  # the lost one is built


def _import_run(world, status: str, created_at) -> ImportRun:
    return ImportRun.objects.create(
        programme=world.programme,
        kind="participants",
        file_format="csv",
        requested_by=world.programme_lead,
        expires_at=timezone.now() + timedelta(hours=1),
        status=status,
        created_at=created_at,
    )


def test_the_resender_sends_each_kind_of_waiting_work_to_its_own_task(world, monkeypatch):
    sent: list[tuple[str, int]] = []
    monkeypatch.setattr("config.queue.send", lambda task, pk: sent.append((task.name, pk)) or 1)
    old = timezone.now() - timedelta(minutes=15)
    checking, queued = (_import_run(world, status, old) for status in ("checking", "queued"))
    running = waiting_run(world, minutes_ago=15)
    ReportRun.objects.filter(pk=running.pk).update(status=RunStatus.RUNNING)
    assert queued_work_resend() == 2
    assert sorted(sent) == sorted(
        [
            ("imports.tasks.import_check_task", checking.pk),
            ("imports.tasks.import_run_task", queued.pk),
        ]
    )


@override_settings(CACHES=CACHE_AWAY)
def test_the_cache_serves_misses_while_redis_is_away(caplog):
    cache = caches["default"]
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        assert cache.get("k", "fallback") == "fallback"
        assert cache.set("k", 1) is None
        assert cache.add("lock", True) is True  # allauth's lock and used-code mark go through
        assert cache.get_many(["a", "b"]) == {}
        assert cache.delete("k") is False
    assert time.monotonic() - started < 10
    assert "cache get failed: ConnectionError" in caplog.text
