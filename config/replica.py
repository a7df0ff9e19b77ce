"""Reads that may go to a streaming replica: the figures and files of report runs, data exports
and the programme dashboard (docs/scaling.md, "Replicas"). They are the heaviest reads
Fotfeste makes and the least hurried; on a replica they leave the primary to the pages and the
writes.

A read goes to the replica only inside ``replica_reads()``, and only when the replica holds
every write committed before the scope began: entering the scope, the primary's WAL position is
read and the replica is asked, until ``FOTFESTE_REPLICA_MAX_WAIT_SECONDS`` have passed, whether
it has replayed that far. A report asked for right after a change therefore counts the change.
A replica that is behind, away or not a standby at all leaves the scope's reads on the primary,
with a warning in the log (what happened, never what was read).

Everything else stays on the primary: every write, inside a scope too; every read outside one;
every read made while the primary's connection is in a transaction (a transaction that wrote
must read what it wrote, and a replica would not have it yet). Without a replica (no
``DATABASE_REPLICA_URL``, SQLite) the router is not installed and the scope asks nothing."""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import Model

from config.databases import REPLICA

logger = logging.getLogger(__name__)

# Where the reads of the current scope go, decided as it was entered; None outside every scope.
# A context variable, so that threads and tasks each have their own.
_reads_from: ContextVar[str | None] = ContextVar("fotfeste_replica_reads", default=None)
# The first pause between two questions to a replica that is behind, and the longest.
FIRST_PAUSE, LONGEST_PAUSE = 0.01, 0.2
# 0 or less: the replica holds every write made before the primary's position.
_BEHIND = (
    "SELECT pg_is_in_recovery(), pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn())::bigint"
)


class ReplicaRouter:
    """Installed by the settings when DATABASE_REPLICA_URL is set."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        alias = _reads_from.get()
        if alias is None or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: a row read there may point at one read here.
        both = {DEFAULT_DB_ALIAS, REPLICA}
        return True if {obj1._state.db, obj2._state.db} <= both else None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool:
        # The replica is read-only and receives the schema by streaming.
        return db == DEFAULT_DB_ALIAS


@contextmanager
def replica_reads() -> Iterator[str]:
    """Within the block (or the decorated function), reads go to the replica when it holds
    every write made before the block began; yields the alias they go to."""
    token = _reads_from.set(reads_alias())
    try:
        yield _reads_from.get() or DEFAULT_DB_ALIAS
    finally:
        _reads_from.reset(token)


def reads_alias() -> str:
    """The alias a scope entered now reads from: the replica when there is one and it has
    caught up with the primary within the wait, else the primary."""
    if REPLICA not in connections.settings or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    position = primary_position()
    wait: float = settings.FOTFESTE_REPLICA_MAX_WAIT_SECONDS
    return REPLICA if replica_reached(position, wait=wait) else DEFAULT_DB_ALIAS


def primary_position() -> str:
    """The primary's WAL position: every transaction committed so far ends before it. (With
    ``synchronous_commit`` on, PostgreSQL's default, a commit returns once its record is
    written; with it off, a commit of the last moments may lie past it.)"""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        row = cursor.fetchone()
    assert row is not None  # the function always answers on a primary
    return str(row[0])


def replica_reached(position: str, *, wait: float) -> bool:
    """Whether the replica has replayed the WAL up to ``position``, asked again with growing
    pauses until ``wait`` seconds have passed. False, with a warning, when it has not, when it
    is not a standby (promoted, or not a replica at all), or when it cannot be asked."""
    deadline = time.monotonic() + wait
    pause = FIRST_PAUSE
    while True:
        try:
            standby, behind = replica_lag(position)
        except DatabaseError as exc:
            logger.warning(
                "replica reads: the replica could not be asked (%s); reading from the primary",
                type(exc).__name__,
            )
            _forget_replica_connection()
            return False
        if not standby:
            logger.warning("replica reads: the replica is not a standby; reading from the primary")
            return False
        if behind is not None and behind <= 0:
            return True
        left = deadline - time.monotonic()
        if left <= 0:
            logger.warning(
                "replica reads: the replica was %s bytes behind after %.1f s; "
                "reading from the primary",
                behind,
                wait,
            )
            return False
        time.sleep(min(pause, left))
        pause = min(pause * 2, LONGEST_PAUSE)


def replica_lag(position: str) -> tuple[bool, int | None]:
    """Whether the replica is a standby, and how many bytes of WAL it has yet to replay to
    reach ``position`` (None before it replayed any)."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(_BEHIND, [position])
        row = cursor.fetchone()
    assert row is not None
    return bool(row[0]), row[1]


def _forget_replica_connection() -> None:
    """A connection the replica broke (a restart) is not tried again: the next scope opens a
    new one."""
    if REPLICA in connections.settings:
        with suppress(DatabaseError):
            connections[REPLICA].close()
