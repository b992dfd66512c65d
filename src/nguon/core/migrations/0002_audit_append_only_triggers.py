"""Make the audit table append-only in the database itself, not only in the model.

PostgreSQL refuses UPDATE and DELETE of rows (TRUNCATE, which needs table ownership, stays possible for
test flushes and is caught by ``nguon audit verify`` through the chain head). SQLite refuses UPDATE;
DELETE stays possible there because Django's test flush deletes rows, and the chain detects it.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

PG_FORWARD = [
    """
    CREATE OR REPLACE FUNCTION nguon_audit_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'core_auditevent is append-only (% refused)', TG_OP;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION nguon_audit_append_only()
    """,
]
PG_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent",
    "DROP FUNCTION IF EXISTS nguon_audit_append_only()",
]
SQLITE_FORWARD = [
    """
    CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
    BEGIN SELECT RAISE(ABORT, 'core_auditevent is append-only (UPDATE refused)'); END
    """,
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS core_auditevent_no_update"]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": PG_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
