"""Backup and restore, proven: ``pg_dump`` of a Fotfeste database, ``pg_restore`` into a new
one, then every table's row count and a checksum of its rows compared, and every sequence's
position. Prints the figures (dump and restore time, sizes, tables, rows, mismatches) and
exits non-zero on any difference.

    python -m faults.backup_roundtrip                      # builds its own 2 000-person world
    python -m faults.backup_roundtrip --source fotfeste_bench_large   # dumps an existing one

The source is only read. The databases this script creates (``fotfeste_fault_src``,
``fotfeste_fault_restored``) are dropped at the end; nothing else is."""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from faults.common import (
    BUILT_SOURCE,
    RESTORED,
    Figures,
    connect,
    createdb,
    database_url,
    dropdb,
    run,
    seed_world,
)


def tables(dbname: str) -> list[tuple[str, list[str]]]:
    """Every table of the public schema, with the columns of its primary key (all columns
    where it has none), to order the rows by."""
    with connect(dbname) as conn:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        found = []
        for name in names:
            key = [
                r[0]
                for r in conn.execute(
                    "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
                    "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                    "WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY a.attnum",
                    (f'public."{name}"',),
                )
            ]
            found.append((name, key))
    return found


def table_digest(dbname: str, table: str, key: list[str]) -> tuple[int, str]:
    """Row count and an MD5 over the rows in key order (each row as PostgreSQL prints it)."""
    order = ", ".join(f'"{c}"' for c in key) if key else "t::text"
    query = (
        f"SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY {order})), '') "  # noqa: S608
        f'FROM public."{table}" t'
    )
    with connect(dbname) as conn:
        count, digest = conn.execute(query).fetchone()
    return count, digest


def sequences(dbname: str) -> dict[str, int | None]:
    with connect(dbname) as conn:
        return dict(
            conn.execute(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
            ).fetchall()
        )


def database_bytes(dbname: str) -> int:
    with connect("postgres") as conn:
        return conn.execute("SELECT pg_database_size(%s)", (dbname,)).fetchone()[0]


def compare(source: str, restored: str, figures: Figures) -> list[str]:
    """Every table and sequence of ``source`` against ``restored``; returns the differences."""
    differences = []
    found = tables(source)
    if [t for t, _ in found] != [t for t, _ in tables(restored)]:
        differences.append("the restored database has other tables")
    rows = 0
    for table, key in found:
        before, after = table_digest(source, table, key), table_digest(restored, table, key)
        rows += before[0]
        if before != after:
            differences.append(f"{table}: {before[0]} rows → {after[0]}, checksum differs")
    if sequences(source) != sequences(restored):
        differences.append("a sequence's position differs")
    figures.add("tables compared", len(found))
    figures.add("rows compared", rows)
    figures.add("differences", len(differences))
    return differences


def roundtrip(source: str, jobs: int, figures: Figures) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="fotfeste-backup-") as folder:
        dump = Path(folder) / "fotfeste.dump"
        started = time.monotonic()
        run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", database_url(source)])
        figures.add("dump seconds", round(time.monotonic() - started, 2))
        figures.add("dump MB", round(dump.stat().st_size / 1e6, 1))
        dropdb(RESTORED)
        createdb(RESTORED)
        started = time.monotonic()
        run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                f"--jobs={jobs}",
                f"--dbname={database_url(RESTORED)}",
                str(dump),
            ]
        )
        figures.add("restore seconds", round(time.monotonic() - started, 2))
    figures.add("database MB", round(database_bytes(source) / 1e6, 1))
    started = time.monotonic()
    differences = compare(source, RESTORED, figures)
    figures.add("compare seconds", round(time.monotonic() - started, 2))
    return differences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", help="an existing database to dump (only read)")
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=2, help="pg_restore's parallel jobs")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    figures = Figures("backup round trip")
    source = args.source
    try:
        if source is None:
            source = BUILT_SOURCE
            figures.add("seed seconds", seed_world(source, participants=args.participants))
        differences = roundtrip(source, args.jobs, figures)
    finally:
        dropdb(RESTORED)
        if args.source is None:
            dropdb(BUILT_SOURCE)
    figures.print()
    for line in differences:
        print(f"  DIFFERENT: {line}")
    if args.json:
        args.json.write_text(json.dumps(figures.values, indent=2))
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
