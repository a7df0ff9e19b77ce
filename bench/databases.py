"""The benchmark's PostgreSQL databases. Each scale is seeded once into ``{name}_seed`` (built
as ``{name}_building`` and renamed when complete, so an interrupted seed is never taken for a
finished one) and copied to a fresh ``{name}`` for every run: what one run writes (access
events, sessions, report runs) never slows the next. Every database made here carries a
marker in its comment; a database of one of these names without the marker is somebody
else's and is never dropped."""

import json
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
from psycopg import sql

from bench.config import ADMIN_URL, LARGE, ROOT, SEED, VAR, Scale, database_url

MARK = "fotfeste-bench"


def _admin() -> psycopg.Connection:
    return psycopg.connect(ADMIN_URL, autocommit=True)


def marker(name: str) -> dict | None:
    """The marker of database ``name``; None if it does not exist; {} if it is not ours."""
    with _admin() as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name],
        ).fetchone()
    if row is None:
        return None
    try:
        found = json.loads(row[0] or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) and found.get(MARK) else {}


def _mark(conn: psycopg.Connection, name: str, values: dict) -> None:
    text = json.dumps({MARK: True, **values})
    conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), text))


def _drop_ours(conn: psycopg.Connection, name: str) -> None:
    found = marker(name)
    if found is None:
        return
    if not found:
        raise SystemExit(f"The database {name} exists and was not made by the benchmark.")
    conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def wanted(scale: Scale, version: str | None, fingerprint: str) -> dict:
    """What a seeded database must have been made with to be reused. Without a version
    (--keep-seed), one seeded by an earlier version of the seeder will do."""
    want = {"participants": scale.participants, "seed": SEED, "keys": fingerprint}
    return want | ({"seed_version": version} if version else {})


def is_current(found: dict | None, want: dict) -> bool:
    return bool(found) and all(found.get(k) == v for k, v in want.items())


def prepare(scale: Scale, want: dict, env: dict[str, str], say: Callable[[str], None]) -> float:
    """Seed ``scale`` unless a seeded copy of the same version exists, migrate it, and copy it
    to a fresh working database. Returns the seconds spent seeding (0 when reused)."""
    seeded = 0.0
    if is_current(marker(scale.seeded), want):
        say(f"{scale.seeded}: seeded with the same version, reused")
        manage(["migrate", "--noinput"], env, scale.seeded)
    else:
        seeded = _seed(scale, want, env, say)
    _copy(scale, say)
    return seeded


def _seed(scale: Scale, want: dict, env: dict[str, str], say: Callable[[str], None]) -> float:
    say(f"{scale.seeded}: seeding {scale.participants:,} participants (seed_scale)…")
    started = time.monotonic()
    with _admin() as conn:
        _drop_ours(conn, scale.building)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scale.building)))
        _mark(conn, scale.building, {"state": "building"})
    manage(["migrate", "--noinput"], env, scale.building)
    manage(
        ["seed_scale", "--participants", str(scale.participants), "--seed", str(SEED), "--force"],
        env,
        scale.building,
    )
    with psycopg.connect(database_url(scale.building), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    with _admin() as conn:
        _drop_ours(conn, scale.seeded)
        conn.execute(
            sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                sql.Identifier(scale.building), sql.Identifier(scale.seeded)
            )
        )
        _mark(conn, scale.seeded, {**want, "seeded_on": time.strftime("%Y-%m-%d")})
    seconds = time.monotonic() - started
    say(f"{scale.seeded}: seeded in {seconds:.0f} s")
    return seconds


def _copy(scale: Scale, say: Callable[[str], None]) -> None:
    started = time.monotonic()
    with _admin() as conn:
        _drop_ours(conn, scale.name)
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                sql.Identifier(scale.name), sql.Identifier(scale.seeded)
            )
        )
        _mark(conn, scale.name, {"state": "working copy"})
    say(f"{scale.name}: fresh copy in {time.monotonic() - started:.1f} s")


def manage(args: list[str], env: dict[str, str], database: str) -> None:
    """A manage.py command on ``database``; its output goes to var/bench/logs/{database}.log."""
    env = {**env, "DATABASE_URL": database_url(database)}
    (VAR / "logs").mkdir(parents=True, exist_ok=True)
    with open(VAR / "logs" / f"{database}.log", "a", encoding="utf-8") as log:
        done = subprocess.run(  # noqa: S603 - manage.py with fixed arguments
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    if done.returncode:
        raise SystemExit(f"manage.py {args[0]} failed on {database}: var/bench/logs/{database}.log")


def collect_static(env: dict[str, str], database: str = LARGE.name) -> None:
    """collectstatic hashes every file each time it runs, so it runs only when static/ or the
    installed packages changed since."""
    manifest = VAR / "static" / "staticfiles.json"
    sources = [p.stat().st_mtime for p in (ROOT / "static").rglob("*") if p.is_file()]
    sources.append(Path(sysconfig.get_paths()["purelib"]).stat().st_mtime)
    if manifest.exists() and manifest.stat().st_mtime > max(sources):
        return
    manage(["collectstatic", "--noinput"], env, database)
