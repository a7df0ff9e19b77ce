"""Database triggers that keep audit tables append-only, on SQLite and PostgreSQL alike.

The only edit allowed is the one-time redaction of a change event's values (``redacted_at``
goes from empty to set, nothing else but ``changes`` moves), which anonymisation needs.
TRUNCATE is not a row operation and is left to database privileges: in production the
application's database role should not hold TRUNCATE on the audit tables.
"""

SQLITE = [
    """CREATE TRIGGER audit_accessevent_no_update BEFORE UPDATE ON audit_accessevent
       BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END""",
    """CREATE TRIGGER audit_accessevent_no_delete BEFORE DELETE ON audit_accessevent
       BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END""",
    """CREATE TRIGGER audit_changeevent_no_delete BEFORE DELETE ON audit_changeevent
       BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END""",
    """CREATE TRIGGER audit_changeevent_redact_only BEFORE UPDATE ON audit_changeevent
       WHEN OLD.redacted_at IS NOT NULL OR NEW.redacted_at IS NULL
         OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at OR NEW.user_id IS NOT OLD.user_id
         OR NEW.participant_id IS NOT OLD.participant_id OR NEW.model IS NOT OLD.model
         OR NEW.object_id IS NOT OLD.object_id OR NEW.action IS NOT OLD.action
       BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END""",
]

SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_accessevent_no_update",
    "DROP TRIGGER IF EXISTS audit_accessevent_no_delete",
    "DROP TRIGGER IF EXISTS audit_changeevent_no_delete",
    "DROP TRIGGER IF EXISTS audit_changeevent_redact_only",
]

POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit rows are append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE FUNCTION audit_changeevent_redact_only() RETURNS trigger AS $$
       BEGIN
         IF OLD.redacted_at IS NOT NULL OR NEW.redacted_at IS NULL
            OR NEW.id IS DISTINCT FROM OLD.id OR NEW.at IS DISTINCT FROM OLD.at
            OR NEW.user_id IS DISTINCT FROM OLD.user_id
            OR NEW.participant_id IS DISTINCT FROM OLD.participant_id
            OR NEW.model IS DISTINCT FROM OLD.model OR NEW.object_id IS DISTINCT FROM OLD.object_id
            OR NEW.action IS DISTINCT FROM OLD.action THEN
           RAISE EXCEPTION 'audit rows are append-only';
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_accessevent_append_only BEFORE UPDATE OR DELETE ON audit_accessevent
       FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
    """CREATE TRIGGER audit_changeevent_no_delete BEFORE DELETE ON audit_changeevent
       FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()""",
    """CREATE TRIGGER audit_changeevent_redact_only BEFORE UPDATE ON audit_changeevent
       FOR EACH ROW EXECUTE FUNCTION audit_changeevent_redact_only()""",
]

POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_accessevent_append_only ON audit_accessevent",
    "DROP TRIGGER IF EXISTS audit_changeevent_no_delete ON audit_changeevent",
    "DROP TRIGGER IF EXISTS audit_changeevent_redact_only ON audit_changeevent",
    "DROP FUNCTION IF EXISTS audit_changeevent_redact_only()",
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
]


def install(apps, schema_editor) -> None:
    _run(schema_editor, SQLITE if schema_editor.connection.vendor == "sqlite" else POSTGRESQL)


def uninstall(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    _run(schema_editor, SQLITE_REVERSE if vendor == "sqlite" else POSTGRESQL_REVERSE)


def _run(schema_editor, statements: list[str]) -> None:
    if schema_editor.connection.vendor not in {"sqlite", "postgresql"}:
        raise RuntimeError("Fotfeste runs on SQLite or PostgreSQL only.")
    for statement in statements:
        schema_editor.execute(statement)


def append_only(table: str):
    """Forward and backward migration steps that make another app's audit table append-only
    (the PostgreSQL function comes from the audit app's own migration)."""
    sqlite = [
        f"""CREATE TRIGGER {table}_no_change_{verb} BEFORE {verb.upper()} ON {table}
           BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END"""
        for verb in ("update", "delete")
    ]
    sqlite_reverse = [f"DROP TRIGGER IF EXISTS {table}_no_change_{v}" for v in ("update", "delete")]
    postgresql = [
        f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
           FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()"""
    ]
    postgresql_reverse = [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"]

    def forward(apps, schema_editor) -> None:
        sqlite_vendor = schema_editor.connection.vendor == "sqlite"
        _run(schema_editor, sqlite if sqlite_vendor else postgresql)

    def backward(apps, schema_editor) -> None:
        sqlite_vendor = schema_editor.connection.vendor == "sqlite"
        _run(schema_editor, sqlite_reverse if sqlite_vendor else postgresql_reverse)

    return forward, backward


def accessevent_reinstall(apps, schema_editor) -> None:
    """SQLite changes a table's columns by making a new table and dropping the old one, and
    its triggers go with the old table: put the access events' back. PostgreSQL alters the
    table in place and keeps them."""
    if schema_editor.connection.vendor != "sqlite":
        return
    names = ("audit_accessevent_no_update", "audit_accessevent_no_delete")
    _run(schema_editor, [f"DROP TRIGGER IF EXISTS {name}" for name in names])
    _run(schema_editor, [s for s in SQLITE if "ON audit_accessevent" in s])
