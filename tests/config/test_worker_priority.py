"""Celery workers run at a lower CPU priority than the web, as the setting asks."""

import pytest

from config import celery


@pytest.fixture
def niced(monkeypatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(celery.os, "nice", calls.append)
    return calls


def test_a_starting_worker_lowers_its_priority_by_the_setting(settings, niced):
    settings.FOTFESTE_WORKER_NICENESS = 10
    celery.lower_priority()
    assert niced == [10]


def test_niceness_zero_leaves_the_priority_alone(settings, niced):
    settings.FOTFESTE_WORKER_NICENESS = 0
    celery.lower_priority()
    assert niced == []


def test_the_handler_is_connected_to_the_workers_start():
    receivers = [r() for _, r in celery.signals.worker_init.receivers]
    assert celery.lower_priority in receivers
