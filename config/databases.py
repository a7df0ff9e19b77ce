"""The database aliases, as the settings build them from environment variables: the primary
(``DATABASE_URL``), a streaming replica that reports, exports and the dashboard may read
(``DATABASE_REPLICA_URL``), and what changes when PgBouncer pools connections in transaction
mode (``DATABASE_POOLER``). docs/scaling.md says why each setting is as it is.

Read by config/settings/base.py, before Django is set up: nothing here opens a connection. The
router and the replica's reading scope are config/replica.py."""

import math
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

POSTGRESQL = "django.db.backends.postgresql"
SQLITE = "django.db.backends.sqlite3"
# The alias of the streaming replica, present only when DATABASE_REPLICA_URL is set.
REPLICA = "replica"
# DATABASE_POOLER: "" (connections go straight to PostgreSQL, or through a pooler in session
# mode) or "transaction" (PgBouncer's pool_mode = transaction).
TRANSACTION_POOLER = "transaction"
POOLERS = ("", TRANSACTION_POOLER)


def database(
    url: str, *, conn_max_age: int, connect_timeout: int, pooler: str = ""
) -> dict[str, Any]:
    """One alias's settings from its URL."""
    config: dict[str, Any] = dict(
        dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    )
    if config["ENGINE"] == SQLITE:
        if pooler:
            raise ImproperlyConfigured("DATABASE_POOLER applies to PostgreSQL only.")
        # IMMEDIATE transactions avoid "database is locked" when a web request and an
        # in-process task write at once; WAL lets readers proceed during a write.
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;",
        }
        return config
    # A PostgreSQL that is restarting, or unreachable, fails a request in seconds instead of
    # holding a web process until the client gives up; the next request connects afresh.
    config.setdefault("OPTIONS", {})["connect_timeout"] = connect_timeout
    # Nothing reads rows in a stream (no .iterator() in the code), but a model's list of choices
    # in a form does, and a server-side cursor costs it three round trips (DECLARE, FETCH,
    # CLOSE): a tenth of the caseload page. A transaction pooler needs them off too (below).
    config["DISABLE_SERVER_SIDE_CURSORS"] = True
    if pooler == TRANSACTION_POOLER:
        transaction_pooled(config)
    return config


def transaction_pooled(config: dict[str, Any]) -> None:
    """Behind a pooler in transaction mode a connection is PostgreSQL's only for one
    transaction, and the next may run on another server connection. Nothing may outlive a
    transaction there: a server-side cursor (Django opens one for ``QuerySet.iterator()`` and
    keeps it past the transaction in autocommit) would be looked for on the wrong server, and
    a statement psycopg prepared on one server connection is unknown on the next. Django 5
    already leaves psycopg's ``prepare_threshold`` at None; it is said here so that it holds
    whatever the default becomes. Connections to the pooler itself stay persistent
    (``CONN_MAX_AGE``): between transactions they hold no server connection."""
    config["DISABLE_SERVER_SIDE_CURSORS"] = True
    config["OPTIONS"]["prepare_threshold"] = None


def replica_database(
    url: str,
    *,
    primary: dict[str, Any],
    max_wait: float,
    conn_max_age: int,
    connect_timeout: int,
    pooler: str = "",
) -> dict[str, Any]:
    """The replica's alias: a PostgreSQL streaming replica of the primary, with the primary's
    options. Its connection attempt gives up within the time a reading scope waits for it
    (libpq counts whole seconds, 2 at the least): a replica that is away sends the reads to the
    primary instead of holding them up."""
    if primary["ENGINE"] != POSTGRESQL:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL: a replica streams from it."
        )
    timeout = min(connect_timeout, max(2, math.ceil(max_wait)))
    config = database(url, conn_max_age=conn_max_age, connect_timeout=timeout, pooler=pooler)
    if config["ENGINE"] != POSTGRESQL:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL must name a PostgreSQL streaming replica of DATABASE_URL."
        )
    return config
