"""The monthly attendance sums, made safe against two ways of emptying tables.

- A subtraction for a month that has no row (its sums were emptied first, as Django's flush on
  SQLite may do, table by table in any order) no longer makes a row of negative sums: only a
  month with days added may start a row.
- TRUNCATE of the days (PostgreSQL's flush, a restore by hand) empties the sums too: it fires
  no DELETE trigger.

The triggers of 0008 are replaced by these; the SQL is written out here, so that this migration
means the same thing forever."""

from importlib import import_module

from django.db import migrations

SUMS = "placements_attendancemonth"
DAYS = "placements_attendancerecord"
ATTENDED = "status IN ('present', 'late')"
COLUMNS = "placement_id, month, days, attended, hours, attended_unhoured"
ADD = (
    "days = {m}days + excluded.days, attended = {m}attended + excluded.attended, "
    "hours = {m}hours + excluded.hours, "
    "attended_unhoured = {m}attended_unhoured + excluded.attended_unhoured"
)
EVENTS = ("insert", "delete", "update")


def _sums(changed: str, month: str) -> str:
    """Signed sums per placement and month of ``changed`` (placement_id, date, status, hours,
    sign): +1 for a day that now exists, -1 for one that no longer does."""
    return (
        f"SELECT placement_id, {month} AS month, SUM(sign) AS days, "
        f"SUM(CASE WHEN {ATTENDED} THEN sign ELSE 0 END) AS attended, "
        f"SUM(CASE WHEN {ATTENDED} THEN sign * COALESCE(hours, 0) ELSE 0 END) AS hours, "
        f"SUM(CASE WHEN {ATTENDED} AND hours IS NULL THEN sign ELSE 0 END) AS attended_unhoured "
        f"FROM ({changed}) AS changed GROUP BY placement_id, {month}"
    )


# A month's row is started only by days added to it; anything else changes a row that exists.
STARTS_OR_EXISTS = (
    f"(sums.days > 0 OR EXISTS (SELECT 1 FROM {SUMS} AS kept "
    "WHERE kept.placement_id = sums.placement_id AND kept.month = sums.month))"
)

PG_MONTH = "date_trunc('month', date)::date"
PG_ROWS = "SELECT placement_id, date, status, hours, {sign} AS sign FROM {table}"
PG_CHANGED = {
    "insert": PG_ROWS.format(sign=1, table="new_rows"),
    "delete": PG_ROWS.format(sign=-1, table="old_rows"),
    "update": PG_ROWS.format(sign=1, table="new_rows")
    + " UNION ALL "
    + PG_ROWS.format(sign=-1, table="old_rows"),
}


def _pg_function(event: str) -> str:
    # An update that changes none of the summed columns nets to zero and touches no row; rows
    # are taken in key order, so that two statements changing the same months wait for each
    # other instead of deadlocking.
    upsert = (
        f"INSERT INTO {SUMS} AS m ({COLUMNS}) "
        f"SELECT * FROM ({_sums(PG_CHANGED[event], PG_MONTH)}) AS sums "
        "WHERE (days <> 0 OR attended <> 0 OR hours <> 0 OR attended_unhoured <> 0) "
        f"AND {STARTS_OR_EXISTS} "
        "ORDER BY placement_id, month "
        f"ON CONFLICT (placement_id, month) DO UPDATE SET {ADD.format(m='m.')}"
    )
    return (
        f"CREATE OR REPLACE FUNCTION placements_attendance_month_{event}() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN {upsert}; RETURN NULL; END $$;"
    )


# DELETE, not TRUNCATE: Django's flush truncates the days and the sums in one statement, and
# PostgreSQL refuses a TRUNCATE of a table that the running statement is truncating.
PG_TRUNCATE = (
    "CREATE FUNCTION placements_attendance_month_truncate() RETURNS trigger LANGUAGE plpgsql "
    f"AS $$ BEGIN DELETE FROM {SUMS}; RETURN NULL; END $$; "
    f"CREATE TRIGGER placements_attendance_month_truncate AFTER TRUNCATE ON {DAYS} "
    "FOR EACH STATEMENT EXECUTE FUNCTION placements_attendance_month_truncate();"
)

SQLITE_MONTH = "strftime('%Y-%m-01', date)"


def _sqlite_add(row: str, sign: int) -> str:
    changed = f"SELECT {row}.placement_id, {row}.date, {row}.status, {row}.hours, {sign} AS sign"
    return (
        f"INSERT INTO {SUMS} ({COLUMNS}) "
        f"SELECT * FROM ({_sums(changed, SQLITE_MONTH)}) AS sums WHERE {STARTS_OR_EXISTS} "
        f"ON CONFLICT (placement_id, month) DO UPDATE SET {ADD.format(m='')};"
    )


SQLITE_TRIGGERS = {
    "insert": ("AFTER INSERT", _sqlite_add("NEW", 1)),
    "delete": ("AFTER DELETE", _sqlite_add("OLD", -1)),
    "update": (
        "AFTER UPDATE OF placement_id, date, status, hours",
        _sqlite_add("OLD", -1) + " " + _sqlite_add("NEW", 1),
    ),
}


def install(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for event in EVENTS:  # the triggers of 0008 call these functions by name
            schema_editor.execute(_pg_function(event), None)
        schema_editor.execute(PG_TRUNCATE, None)
    elif vendor == "sqlite":
        for name, (when, body) in SQLITE_TRIGGERS.items():
            trigger = f"placements_attendance_month_{name}"
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger}", None)
            schema_editor.execute(
                f"CREATE TRIGGER {trigger} {when} ON {DAYS} FOR EACH ROW BEGIN {body} END;", None
            )
    else:
        raise NotImplementedError(
            f"attendance sums are kept on PostgreSQL and SQLite, not {vendor}"
        )


def uninstall(apps, schema_editor) -> None:
    # Back to 0008's triggers: its functions without the guard, and no TRUNCATE trigger.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS placements_attendance_month_truncate ON {DAYS}", None
        )
        schema_editor.execute(
            "DROP FUNCTION IF EXISTS placements_attendance_month_truncate()", None
        )
    earlier = import_module("placements.migrations.0008_attendance_month")
    earlier.uninstall(apps, schema_editor)
    earlier.install_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("placements", "0008_attendance_month")]

    operations = [migrations.RunPython(install, uninstall)]
