"""What an erasure may have left behind: the needles (names, numbers, addresses) found in any
column of any table of the database, or in any stored file."""

from pathlib import Path

from django.db import connection


def database_holds(needles: dict[str, str]) -> set[str]:
    """Which needles appear anywhere in the database: every column of every table, as
    «<needle's name> in <table>»."""
    found = set()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                text = " ".join(
                    bytes(v).decode("utf-8", "replace")
                    if isinstance(v, bytes | memoryview)
                    else str(v)
                    for v in row
                ).lower()
                found |= {f"{k} in {table}" for k, n in needles.items() if n.lower() in text}
    return found


def files_hold(folder: Path, needles: dict[str, str]) -> set[str]:
    """Which needles appear in the bytes of any file under ``folder``."""
    found = set()
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes().lower()
            found |= {
                f"{k} in {path.name}" for k, n in needles.items() if n.lower().encode() in data
            }
    return found


def stored_files_in(settings, folder: Path) -> Path:
    """Keep the stored files of this test in a real folder, so that it can read every byte
    left behind."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }
    return folder
