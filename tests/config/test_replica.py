"""The replica router and its reading scope, decided without a replica: what goes where, what the
scope does when the replica is behind, away or no standby, and that without a replica the
scope asks nothing. tests/config/test_replica_streaming.py holds the same against a real
streaming replica (make test-replica)."""

import logging
import threading

import pytest
from django.conf import settings
from django.db import OperationalError, connection, connections
from django.test.utils import CaptureQueriesContext

from config import replica
from config.databases import REPLICA
from config.replica import ReplicaRouter, replica_reached, replica_reads
from participants.models import Participant
from reporting.models import ReportRun

router = ReplicaRouter()


@pytest.fixture
def caught_up(monkeypatch):
    """A replica that holds every write: a scope entered now reads from it."""
    monkeypatch.setattr(replica, "reads_alias", lambda: REPLICA)


@pytest.mark.django_db
def test_without_a_replica_the_scope_reads_from_the_primary_and_asks_nothing():
    if REPLICA in settings.DATABASES:
        pytest.skip("a replica is configured")
    with CaptureQueriesContext(connection) as captured, replica_reads() as alias:
        Participant.objects.exists()
    assert alias == "default"
    assert len(captured.captured_queries) == 1  # the read, and no question to a replica
    assert not getattr(settings, "DATABASE_ROUTERS", [])


def test_reads_in_a_scope_go_to_the_replica_and_every_write_to_the_primary(caught_up):
    assert router.db_for_read(Participant) == "default"
    with replica_reads() as alias:
        assert alias == REPLICA
        assert router.db_for_read(Participant) == REPLICA
        assert router.db_for_read(ReportRun) == REPLICA
        assert router.db_for_write(Participant) == "default"
    assert router.db_for_read(Participant) == "default"
    assert router.db_for_write(ReportRun) == "default"


def test_a_read_in_a_transaction_stays_on_the_primary_that_holds_its_writes(caught_up, monkeypatch):
    with replica_reads():
        monkeypatch.setattr(connections["default"], "in_atomic_block", True)
        assert router.db_for_read(Participant) == "default"
        monkeypatch.setattr(connections["default"], "in_atomic_block", False)
        assert router.db_for_read(Participant) == REPLICA


def test_an_inner_scope_decides_for_itself_and_the_outer_one_resumes(monkeypatch):
    answers = iter([REPLICA, "default"])
    monkeypatch.setattr(replica, "reads_alias", lambda: next(answers))
    with replica_reads():
        with replica_reads() as inner:
            assert inner == "default"
            assert router.db_for_read(Participant) == "default"
        assert router.db_for_read(Participant) == REPLICA


def test_a_scope_is_its_own_threads_and_no_other(caught_up):
    seen = []
    with replica_reads():
        other = threading.Thread(target=lambda: seen.append(router.db_for_read(Participant)))
        other.start()
        other.join()
    assert seen == ["default"]


def test_a_decorated_function_reads_in_a_scope_of_its_own(caught_up):
    @replica_reads()
    def count() -> str:
        return router.db_for_read(Participant)

    assert (count(), count()) == (REPLICA, REPLICA)
    assert router.db_for_read(Participant) == "default"


def test_migrations_run_on_the_primary_only_and_rows_of_both_may_relate():
    assert router.allow_migrate("default", "participants")
    assert not router.allow_migrate(REPLICA, "participants")
    one, other = Participant(), ReportRun()
    one._state.db, other._state.db = REPLICA, "default"
    assert router.allow_relation(one, other) is True
    other._state.db = "elsewhere"
    assert router.allow_relation(one, other) is None


def test_a_replica_behind_for_the_whole_wait_leaves_the_reads_on_the_primary(monkeypatch, caplog):
    asked = []
    monkeypatch.setattr(replica, "replica_lag", lambda position: asked.append(1) or (True, 4096))
    with caplog.at_level(logging.WARNING, logger="config.replica"):
        assert not replica_reached("0/3000060", wait=0.1)
    assert len(asked) > 2  # asked again while it waited
    assert caplog.messages == [
        "replica reads: the replica was 4096 bytes behind after 0.1 s; reading from the primary"
    ]


def test_a_replica_that_catches_up_within_the_wait_is_read(monkeypatch, caplog):
    lags = iter([(True, 512), (True, 128), (True, 0)])
    monkeypatch.setattr(replica, "replica_lag", lambda position: next(lags))
    with caplog.at_level(logging.WARNING, logger="config.replica"):
        assert replica_reached("0/3000060", wait=5)
    assert caplog.messages == []


@pytest.mark.parametrize(
    ("answer", "logged"),
    [
        ((False, None), "replica reads: the replica is not a standby; reading from the primary"),
        (
            OperationalError("connection refused by 10.0.0.7 for kari@example.org"),
            "replica reads: the replica could not be asked (OperationalError); "
            "reading from the primary",
        ),
    ],
)
def test_a_replica_away_or_promoted_leaves_the_reads_on_the_primary_and_logs_no_details(
    monkeypatch, caplog, answer, logged
):
    def lag(position):
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(replica, "replica_lag", lag)
    with caplog.at_level(logging.WARNING, logger="config.replica"):
        assert not replica_reached("0/3000060", wait=5)
    assert caplog.messages == [logged]
