"""Attendance added up per programme, cohort and day (placements.AttendanceDay), kept by the
database like the monthly sums of 0008 and 0009, and filled from the days already recorded.

A day counts under its enrollment's programme and cohort, with its placement's hours per day
for a day attended without hours, all as they are now: so the sums change not only with the
days but with an enrollment's programme, cohort or dates, and with a placement's enrollment or
hours per day. Each change is written as the days it touches, taken away as they counted
before and added as they count after, in the statement that makes the change. PostgreSQL adds
up each statement's rows at once (statement triggers with transition tables); SQLite, which has
only row triggers, adds each row. A day outside its enrollment's dates (written before it
started or after it ended) is kept apart, under the enrollment's number: whether it counts
depends on the period asked about (reporting/figures.py).

The SQL is written out here, so that this migration means the same thing forever."""

from django.db import migrations, models

SUMS = "placements_attendanceday"
DAYS = "placements_attendancerecord"
PLACEMENTS = "placements_placement"
ENROLLMENTS = "participants_enrollment"
KEY = "programme_id, date, cohort, outside"
COLUMNS = f"{KEY}, days, attended, hours"
ATTENDED = "status IN ('present', 'late')"
ADD = (
    "days = {m}days + excluded.days, attended = {m}attended + excluded.attended, "
    "hours = {m}hours + excluded.hours"
)
WITHIN = (
    "e.starts_on IS NOT NULL AND e.starts_on <= r.date "
    "AND (e.ends_on IS NULL OR r.date <= e.ends_on)"
)


def _days(days: str, placements: str, enrollments: str, sign: int) -> str:
    """The days of ``days`` (placement_id, date, status, hours) as they count under
    ``placements`` (id, enrollment_id, hours_per_day) and ``enrollments`` (id, programme_id,
    cohort_id, starts_on, ends_on), each with ``sign``: +1 for a day that counts now, -1 for
    one that no longer counts so."""
    return (
        f"SELECT e.programme_id, r.date, COALESCE(e.cohort_id, 0) AS cohort, "
        f"CASE WHEN {WITHIN} THEN 0 ELSE e.id END AS outside, "
        f"r.status, r.hours, p.hours_per_day, {sign} AS sign "
        f"FROM {days} AS r JOIN {placements} AS p ON p.id = r.placement_id "
        f"JOIN {enrollments} AS e ON e.id = p.enrollment_id"
    )


def _sums(changed: list[str]) -> str:
    rows = " UNION ALL ".join(changed)
    return (
        f"SELECT {KEY}, SUM(sign) AS days, "
        f"SUM(CASE WHEN {ATTENDED} THEN sign ELSE 0 END) AS attended, "
        f"SUM(CASE WHEN {ATTENDED} THEN sign * COALESCE(hours, hours_per_day) ELSE 0 END) AS hours "
        f"FROM ({rows}) AS changed GROUP BY {KEY}"
    )


# A sum is started only by days added to it; anything else changes a row that exists (so that
# emptying the sums before the days, as Django's flush may, leaves no negative row).
STARTS_OR_EXISTS = (
    f"(sums.days > 0 OR EXISTS (SELECT 1 FROM {SUMS} AS kept WHERE "
    "kept.programme_id = sums.programme_id AND kept.date = sums.date "
    "AND kept.cohort = sums.cohort AND kept.outside = sums.outside))"
)


def _upsert(changed: list[str], *, postgresql: bool) -> str:
    # Rows are taken in key order on PostgreSQL, so that two statements changing the same sums
    # wait for each other instead of deadlocking. SQLite takes no alias for the table in a
    # trigger; a bare column in DO UPDATE is the row's.
    target, m = (f"{SUMS} AS d", "d.") if postgresql else (SUMS, "")
    return (
        f"INSERT INTO {target} ({COLUMNS}) SELECT * FROM ({_sums(changed)}) AS sums "
        f"WHERE (days <> 0 OR attended <> 0 OR hours <> 0) AND {STARTS_OR_EXISTS} "
        + ("ORDER BY programme_id, date, cohort, outside " if postgresql else "")
        + f"ON CONFLICT ({KEY}) DO UPDATE SET {ADD.format(m=m)}"
    )


# Only a change of what decides where a day counts moves it.
ENROLLMENT_FIELDS = ("programme_id", "cohort_id", "starts_on", "ends_on")
PLACEMENT_FIELDS = ("enrollment_id", "hours_per_day")
DAY_FIELDS = ("placement_id", "date", "status", "hours")


def _pg_changed(fields: tuple[str, ...], side: str) -> str:
    """The rows of the transition table ``side`` (o: before, n: after) whose ``fields`` the
    statement changed: an update that moves nothing (a status, a version) costs one join."""
    before = ", ".join(f"o.{f}" for f in fields)
    after = ", ".join(f"n.{f}" for f in fields)
    return (
        f"(SELECT {side}.* FROM old_rows AS o JOIN new_rows AS n ON n.id = o.id "
        f"WHERE ({before}) IS DISTINCT FROM ({after}))"
    )


PG_CHANGED = {
    (DAYS, "INSERT"): [_days("new_rows", PLACEMENTS, ENROLLMENTS, 1)],
    (DAYS, "DELETE"): [_days("old_rows", PLACEMENTS, ENROLLMENTS, -1)],
    (DAYS, "UPDATE"): [
        _days("new_rows", PLACEMENTS, ENROLLMENTS, 1),
        _days("old_rows", PLACEMENTS, ENROLLMENTS, -1),
    ],
    # An enrollment or placement deleted before its days (the foreign keys are deferred): its
    # days stop counting now, and find nothing to take away from when they go.
    (ENROLLMENTS, "DELETE"): [_days(DAYS, PLACEMENTS, "old_rows", -1)],
    (ENROLLMENTS, "UPDATE"): [
        _days(DAYS, PLACEMENTS, _pg_changed(ENROLLMENT_FIELDS, "n"), 1),
        _days(DAYS, PLACEMENTS, _pg_changed(ENROLLMENT_FIELDS, "o"), -1),
    ],
    (PLACEMENTS, "DELETE"): [_days(DAYS, "old_rows", ENROLLMENTS, -1)],
    (PLACEMENTS, "UPDATE"): [
        _days(DAYS, _pg_changed(PLACEMENT_FIELDS, "n"), ENROLLMENTS, 1),
        _days(DAYS, _pg_changed(PLACEMENT_FIELDS, "o"), ENROLLMENTS, -1),
    ],
}
PG_REFERENCING = {
    "INSERT": "NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
}
PG_NAMES = {DAYS: "day", ENROLLMENTS: "enrollment", PLACEMENTS: "placement"}


def _pg_name(table: str, event: str) -> str:
    return f"placements_attendance_day_{PG_NAMES[table]}_{event.lower()}"


def _pg_install(table: str, event: str) -> str:
    name = _pg_name(table, event)
    return (
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {_upsert(PG_CHANGED[table, event], postgresql=True)}; RETURN NULL; END $$; "
        f"CREATE TRIGGER {name} AFTER {event} ON {table} "
        f"REFERENCING {PG_REFERENCING[event]} FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
    )


# DELETE, not TRUNCATE: Django's flush truncates the days and the sums in one statement, and
# PostgreSQL refuses a TRUNCATE of a table that the running statement is truncating.
PG_TRUNCATE = (
    "CREATE FUNCTION placements_attendance_day_truncate() RETURNS trigger LANGUAGE plpgsql "
    f"AS $$ BEGIN DELETE FROM {SUMS}; RETURN NULL; END $$; "
    f"CREATE TRIGGER placements_attendance_day_truncate AFTER TRUNCATE ON {DAYS} "
    "FOR EACH STATEMENT EXECUTE FUNCTION placements_attendance_day_truncate();"
)


def _sqlite_row(row: str, fields: tuple[str, ...]) -> str:
    """SQLite's OLD or NEW row as a one-row table."""
    return "(SELECT " + ", ".join(f"{row}.{f} AS {f}" for f in fields) + ")"


def _sqlite_changed(fields: tuple[str, ...]) -> str:
    return " OR ".join(f"OLD.{f} IS NOT NEW.{f}" for f in fields)


ENROLLMENT_ROW = ("id", *ENROLLMENT_FIELDS)
PLACEMENT_ROW = ("id", *PLACEMENT_FIELDS)
# name: (event, table, condition, changed days)
SQLITE_TRIGGERS = {
    "day_insert": (
        "INSERT",
        DAYS,
        None,
        [_days(_sqlite_row("NEW", DAY_FIELDS), PLACEMENTS, ENROLLMENTS, 1)],
    ),
    "day_delete": (
        "DELETE",
        DAYS,
        None,
        [_days(_sqlite_row("OLD", DAY_FIELDS), PLACEMENTS, ENROLLMENTS, -1)],
    ),
    "day_update": (
        f"UPDATE OF {', '.join(DAY_FIELDS)}",
        DAYS,
        None,
        [
            _days(_sqlite_row("NEW", DAY_FIELDS), PLACEMENTS, ENROLLMENTS, 1),
            _days(_sqlite_row("OLD", DAY_FIELDS), PLACEMENTS, ENROLLMENTS, -1),
        ],
    ),
    "enrollment_delete": (
        "DELETE",
        ENROLLMENTS,
        None,
        [_days(DAYS, PLACEMENTS, _sqlite_row("OLD", ENROLLMENT_ROW), -1)],
    ),
    "enrollment_update": (
        f"UPDATE OF {', '.join(ENROLLMENT_FIELDS)}",
        ENROLLMENTS,
        _sqlite_changed(ENROLLMENT_FIELDS),
        [
            _days(DAYS, PLACEMENTS, _sqlite_row("NEW", ENROLLMENT_ROW), 1),
            _days(DAYS, PLACEMENTS, _sqlite_row("OLD", ENROLLMENT_ROW), -1),
        ],
    ),
    "placement_delete": (
        "DELETE",
        PLACEMENTS,
        None,
        [_days(DAYS, _sqlite_row("OLD", PLACEMENT_ROW), ENROLLMENTS, -1)],
    ),
    "placement_update": (
        f"UPDATE OF {', '.join(PLACEMENT_FIELDS)}",
        PLACEMENTS,
        _sqlite_changed(PLACEMENT_FIELDS),
        [
            _days(DAYS, _sqlite_row("NEW", PLACEMENT_ROW), ENROLLMENTS, 1),
            _days(DAYS, _sqlite_row("OLD", PLACEMENT_ROW), ENROLLMENTS, -1),
        ],
    ),
}


def install_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table, event in PG_CHANGED:
            schema_editor.execute(_pg_install(table, event), None)
        schema_editor.execute(PG_TRUNCATE, None)
    elif vendor == "sqlite":
        for name, (event, table, condition, changed) in SQLITE_TRIGGERS.items():
            when = f"WHEN {condition} " if condition else ""
            schema_editor.execute(
                f"CREATE TRIGGER placements_attendance_day_{name} AFTER {event} ON {table} "
                f"FOR EACH ROW {when}BEGIN {_upsert(changed, postgresql=False)}; END;",
                None,
            )
    else:
        raise NotImplementedError(
            f"attendance sums are kept on PostgreSQL and SQLite, not {vendor}"
        )


def install(apps, schema_editor) -> None:
    install_triggers(apps, schema_editor)
    everything = _sums([_days(DAYS, PLACEMENTS, ENROLLMENTS, 1)])
    schema_editor.execute(f"INSERT INTO {SUMS} ({COLUMNS}) {everything}", None)


def uninstall(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for table, event in PG_CHANGED:
            name = _pg_name(table, event)
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}", None)
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()", None)
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS placements_attendance_day_truncate ON {DAYS}", None
        )
        schema_editor.execute("DROP FUNCTION IF EXISTS placements_attendance_day_truncate()", None)
    else:
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS placements_attendance_day_{name}", None)


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0011_signoff_times_and_fagprove_recorder"),
        ("participants", "0010_participant_anonymised_at"),
        ("programs", "0006_country_vocabulary"),
    ]

    operations = [
        migrations.CreateModel(
            name="AttendanceDay",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("cohort", models.BigIntegerField(default=0, verbose_name="cohort")),
                ("date", models.DateField(verbose_name="date")),
                ("outside", models.BigIntegerField(default=0)),
                ("days", models.IntegerField(default=0, verbose_name="days recorded")),
                ("attended", models.IntegerField(default=0, verbose_name="days attended")),
                (
                    "hours",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=12, verbose_name="hours"
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=models.deletion.DO_NOTHING,
                        related_name="+",
                        to="programs.programme",
                        verbose_name="programme",
                    ),
                ),
            ],
            options={
                "verbose_name": "attendance day",
                "verbose_name_plural": "attendance days",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("programme", "date", "cohort", "outside"),
                        name="one_sum_per_programme_day",
                    )
                ],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
