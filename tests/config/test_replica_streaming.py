"""The router and its reading scope against a real streaming replica (make test-replica, which
starts a private primary and its replica with .ci/pg-replica): scoped reads go to the replica,
everything else to the primary, and a read right after a write sees the write, whether the
replica keeps up, catches up within the wait, or does not."""

import logging
import threading
import time

import psycopg
import pytest
from django.db import connections, transaction
from django.test import Client

from config.databases import REPLICA
from config.replica import replica_reads
from programs.models import Programme
from tests import factories as f
from tests.support.replica import (
    MARKS,
    queries_on_both,
    replay_paused,
    replica_stopped,  # noqa: F401 (a fixture)
    statements,
)

pytestmark = MARKS

PROGRAMMES = Programme._meta.db_table


def reads_of(captured, table: str = PROGRAMMES) -> list[str]:
    return [sql for sql in statements(captured) if sql.startswith("SELECT") and table in sql]


def test_the_replica_is_a_standby_that_received_the_migrated_test_database_by_streaming():
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_database()")
        standby, name = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM django_migrations")
        (migrations_there,) = cursor.fetchone()
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations")
        (migrations_here,) = cursor.fetchone()
    assert standby is True
    assert name == connections["default"].settings_dict["NAME"]
    assert migrations_there == migrations_here > 0


def test_scoped_reads_go_to_the_replica_and_everything_else_to_the_primary(world):
    with queries_on_both() as (primary, replica):
        before = Programme.objects.count()
        with replica_reads() as alias:
            scoped = Programme.objects.count()
            # A write in the scope goes to the primary: the replica is read-only.
            f.ProgrammeFactory(municipality=world.municipality, name="Skrevet i scopet")
        after = Programme.objects.count()
    assert alias == REPLICA
    assert (scoped, after) == (before, before + 1)
    assert len(reads_of(replica)) == 1
    assert len(reads_of(primary)) == 2
    assert any(sql.startswith("INSERT") and PROGRAMMES in sql for sql in statements(primary))
    assert not [sql for sql in statements(replica) if sql.startswith(("INSERT", "UPDATE"))]


def test_a_write_is_seen_by_a_scoped_read_made_right_after_it(world):
    for number in range(20):
        created = f.ProgrammeFactory(municipality=world.municipality, name=f"Ny {number}")
        with queries_on_both() as (_, replica), replica_reads() as alias:
            found = Programme.objects.filter(pk=created.pk).exists()
        assert (alias, found) == (REPLICA, True)
        assert len(reads_of(replica)) == 1


def test_a_replica_that_replays_nothing_leaves_the_scope_on_the_primary(world, settings, caplog):
    settings.FOTFESTE_REPLICA_MAX_WAIT_SECONDS = 0.3
    with replay_paused():
        created = f.ProgrammeFactory(municipality=world.municipality, name="Etter pausen")
        with (
            caplog.at_level(logging.WARNING, logger="config.replica"),
            queries_on_both() as (primary, replica),
            replica_reads() as alias,
        ):
            found = Programme.objects.filter(pk=created.pk).exists()
        # The replica itself has not got the row: the lag was real.
        missing = not Programme.objects.using(REPLICA).filter(pk=created.pk).exists()
    assert (alias, found, missing) == ("default", True, True)
    assert reads_of(replica) == [] and len(reads_of(primary)) == 1
    assert "bytes behind after 0.3 s; reading from the primary" in caplog.text


def test_the_scope_waits_for_a_replica_that_catches_up_within_the_wait(world, settings):
    settings.FOTFESTE_REPLICA_MAX_WAIT_SECONDS = 10
    replica = connections[REPLICA].settings_dict
    with replay_paused():
        created = f.ProgrammeFactory(municipality=world.municipality, name="Før oppfølgingen")
        resume = threading.Timer(0.5, replay_resume, [replica])
        resume.start()
        started = time.monotonic()
        with replica_reads() as alias:
            found = Programme.objects.filter(pk=created.pk).exists()
        waited = time.monotonic() - started
        resume.join()
    assert (alias, found) == (REPLICA, True)
    assert 0.4 < waited < 10


def replay_resume(replica: dict) -> None:
    """From another thread, on a connection of its own, as an operator would."""
    with psycopg.connect(
        host=replica["HOST"],
        port=replica["PORT"],
        user=replica["USER"],
        dbname=replica["NAME"],
        autocommit=True,
    ) as conn:
        conn.execute("SELECT pg_wal_replay_resume()")


def test_reads_inside_a_transaction_stay_on_the_primary_that_holds_its_writes(world):
    with queries_on_both() as (primary, replica), replica_reads(), transaction.atomic():
        created = f.ProgrammeFactory(municipality=world.municipality, name="Uncommitted")
        found = Programme.objects.filter(pk=created.pk).exists()
    assert found
    assert reads_of(replica) == [] and len(reads_of(primary)) == 1


def test_health_names_the_replica_a_standby_that_answers():
    response = Client().get("/health/")
    body = response.json()
    assert (response.status_code, body["status"]) == (200, "ok")
    assert body["checks"]["replica"]["status"] == "ok"


@pytest.mark.usefixtures("replica_stopped")
def test_a_replica_that_is_away_leaves_the_site_degraded_but_in_service():
    response = Client().get("/health/")
    body = response.json()
    assert (response.status_code, body["status"]) == (200, "degraded")
    assert body["checks"]["replica"]["status"] == "down"
    assert body["checks"]["database"]["status"] == "ok"
    assert Client().get("/health/?check=db").json()["checks"].keys() == {"database"}
