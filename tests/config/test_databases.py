"""The database aliases the settings build from the environment (config/databases.py): the
primary, the replica, and what changes behind PgBouncer in transaction mode."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from accounts.models import Municipality
from config.databases import database, replica_database
from tests import factories as f

PRIMARY = "postgres://fotfeste@db.example.org:5432/fotfeste"
REPLICA_URL = "postgres://fotfeste@replica.example.org:5432/fotfeste"
CONNECTIONS = {"conn_max_age": 60, "connect_timeout": 5}


def test_without_a_pooler_the_primary_has_no_server_side_cursors_and_prepares():
    """Server-side cursors are off everywhere (forms' choices paid three round trips for one);
    only the pooler stops prepared statements."""
    primary = database(PRIMARY, **CONNECTIONS)
    assert primary["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert primary["OPTIONS"] == {"connect_timeout": 5}
    assert (primary["CONN_MAX_AGE"], primary["CONN_HEALTH_CHECKS"]) == (60, True)


def test_behind_a_transaction_pooler_nothing_outlives_a_transaction():
    primary = database(PRIMARY, pooler="transaction", **CONNECTIONS)
    assert primary["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert primary["OPTIONS"] == {"connect_timeout": 5, "prepare_threshold": None}
    # Connections to the pooler itself stay: between transactions they hold no server's.
    assert primary["CONN_MAX_AGE"] == 60


def test_the_replica_has_the_primary_s_options_and_gives_up_within_the_wait():
    primary = database(PRIMARY, pooler="transaction", **CONNECTIONS)
    replica = replica_database(
        REPLICA_URL, primary=primary, max_wait=2.0, pooler="transaction", **CONNECTIONS
    )
    assert (replica["HOST"], replica["NAME"]) == ("replica.example.org", "fotfeste")
    assert replica["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert replica["OPTIONS"] == {"connect_timeout": 2, "prepare_threshold": None}
    slow = replica_database(REPLICA_URL, primary=primary, max_wait=30, **CONNECTIONS)
    assert slow["OPTIONS"]["connect_timeout"] == 5  # never longer than the primary's


@pytest.mark.parametrize(
    ("primary", "replica", "pooler", "message"),
    [
        ("sqlite:///db.sqlite3", REPLICA_URL, "", "needs a PostgreSQL DATABASE_URL"),
        (PRIMARY, "sqlite:///replica.sqlite3", "", "must name a PostgreSQL streaming replica"),
        ("sqlite:///db.sqlite3", None, "transaction", "PostgreSQL only"),
    ],
)
def test_a_replica_or_pooler_that_cannot_work_is_refused(primary, replica, pooler, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        config = database(primary, pooler=pooler, **CONNECTIONS)
        replica_database(replica, primary=config, max_wait=2, **CONNECTIONS)


def settings_under(**env: str) -> dict:
    """The databases and routers config.settings.base builds from this environment, read in
    a fresh interpreter (settings are read once per process)."""
    script = (
        "import json, config.settings.base as s; "
        "print(json.dumps({'databases': s.DATABASES, "
        "'routers': getattr(s, 'DATABASE_ROUTERS', [])}, default=str))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE")}
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**clean, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1]}
    return json.loads(done.stdout)


def test_the_settings_add_the_replica_and_its_router_only_when_one_is_named():
    alone = settings_under(DATABASE_URL=PRIMARY)
    assert (list(alone["databases"]), alone["routers"]) == (["default"], [])
    both = settings_under(
        DATABASE_URL=PRIMARY, DATABASE_REPLICA_URL=REPLICA_URL, DATABASE_POOLER="transaction"
    )
    assert list(both["databases"]) == ["default", "replica"]
    assert both["routers"] == ["config.replica.ReplicaRouter"]
    assert all(alias["DISABLE_SERVER_SIDE_CURSORS"] for alias in both["databases"].values())


def test_the_settings_refuse_a_pooler_they_do_not_know():
    refused = settings_under(DATABASE_URL=PRIMARY, DATABASE_POOLER="statement")
    assert "DATABASE_POOLER must be one of '', 'transaction', not 'statement'" in refused["error"]


@pytest.mark.skipif(
    settings.DATABASE_POOLER != "transaction", reason="runs through PgBouncer: make test-pooler"
)
@pytest.mark.django_db(transaction=True)
def test_behind_the_pooler_the_suite_reaches_postgresql_through_it_without_server_cursors():
    with connection.cursor() as cursor:
        cursor.execute("SELECT inet_server_port()")
        (server_port,) = cursor.fetchone()
    assert int(connection.settings_dict["PORT"]) != server_port  # PgBouncer's, not the server's
    assert connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] is True
    for number in range(25):
        f.MunicipalityFactory(name=f"Kommune {number}")
    # Read in chunks over several round trips, in autocommit: a server-side cursor would be
    # looked for on whichever server connection the pooler hands out next.
    names = [m.name for m in Municipality.objects.order_by("pk").iterator(chunk_size=4)]
    assert len(names) == 25
