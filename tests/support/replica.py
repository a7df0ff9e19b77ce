"""A real streaming replica for the tests marked ``replica``: `make test-replica` runs them
under `.ci/pg-replica`, which starts a private primary and its replica and names them in
DATABASE_URL, DATABASE_REPLICA_URL and FOTFESTE_TEST_REPLICA. Elsewhere they are skipped."""

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext

from config.databases import REPLICA
from config.replica import primary_position, replica_reached

ROOT = settings.BASE_DIR
READY = REPLICA in settings.DATABASES and bool(os.environ.get("FOTFESTE_TEST_REPLICA"))
# Committed rows, read on both aliases: the replica sees only what the primary committed.
DATABASES = ["default", REPLICA] if READY else ["default"]
MARKS = [
    pytest.mark.replica,
    pytest.mark.skipif(not READY, reason="needs a streaming replica: make test-replica"),
    pytest.mark.django_db(transaction=True, databases=DATABASES),
]


def replica_control(action: str) -> None:
    """Stop the run's replica, or start it and wait until it streams again."""
    subprocess.run([ROOT / ".ci" / "pg-replica", "replica", action], check=True, timeout=120)
    connections[REPLICA].close()  # a connection to the stopped server is of no more use


@pytest.fixture
def replica_stopped() -> Iterator[None]:
    replica_control("stop")
    yield
    replica_control("start")


@contextmanager
def replay_paused() -> Iterator[None]:
    """The replica receives the primary's WAL but replays none of it: lag, made to order.
    Paused only once it has replayed everything so far: a pause in the middle of replaying a
    transaction that holds an exclusive lock (the previous test's flush) would leave that lock
    held on the replica, and every read of the table there waiting for it."""
    assert replica_reached(primary_position(), wait=30)
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        yield
    finally:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")


@contextmanager
def queries_on_both() -> Iterator[tuple[CaptureQueriesContext, CaptureQueriesContext]]:
    """The statements the block sent to the primary and to the replica."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        yield primary, replica


def statements(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in captured.captured_queries]
