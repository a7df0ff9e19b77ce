"""What the fault drills share: databases of their own on the local PostgreSQL, the seeded
world, running commands, and printing figures."""

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PG_HOST = os.environ.get("FAULTS_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("FAULTS_PG_PORT", "5432")
PG_USER = os.environ.get("FAULTS_PG_USER", "postgres")
# The only databases the drills create, and so the only ones they drop.
BUILT_SOURCE = "fotfeste_fault_src"
RESTORED = "fotfeste_fault_restored"
OURS = {BUILT_SOURCE, RESTORED}


def database_url(dbname: str) -> str:
    return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{dbname}"


def connect(dbname: str) -> psycopg.Connection:
    return psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=dbname, autocommit=True)


def createdb(dbname: str) -> None:
    assert dbname in OURS, dbname
    with connect("postgres") as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')


def dropdb(dbname: str) -> None:
    assert dbname in OURS, dbname
    with connect("postgres") as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def run(command: list[str], **env: str) -> None:
    # The drills' own fixed commands (pg_dump, pg_restore, manage.py), never user input.
    subprocess.run(command, check=True, cwd=ROOT, env={**os.environ, **env})  # noqa: S603


def manage(dbname: str, *args: str) -> None:
    """A management command against ``dbname`` with the local settings."""
    run(
        [sys.executable, "manage.py", *args],
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=database_url(dbname),
    )


def seed_world(dbname: str, *, participants: int) -> float:
    """A new database with a synthetic municipality; returns the seconds it took."""
    started = time.monotonic()
    dropdb(dbname)
    createdb(dbname)
    manage(dbname, "migrate", "--noinput", "-v0")
    manage(dbname, "seed_scale", "--participants", str(participants), "-v0")
    return round(time.monotonic() - started, 1)


@dataclass
class Figures:
    """Named figures of one drill, printed as a table and kept for a JSON file."""

    title: str
    values: dict[str, object] = field(default_factory=dict)

    def add(self, name: str, value: object) -> None:
        self.values[name] = value

    def print(self) -> None:
        print(f"\n{self.title}")
        width = max((len(k) for k in self.values), default=0)
        for name, value in self.values.items():
            print(f"  {name:<{width}}  {value}")
