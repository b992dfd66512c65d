"""The full-text index over ``content_searchentry.search_text``, one per database engine.

``search_text`` is already folded by ``nguon.core.text.fold`` (no diacritics, đ → d, lower case, only
``[0-9a-z]`` words), so both engines index plain ASCII words and neither needs its own accent handling.

* SQLite: an FTS5 table with *external content* (it stores only the index, the text stays in
  ``content_searchentry``), kept in step by triggers. ``remove_diacritics 2`` is a second line of
  defence only. ``prefix='2 3 4 5 6'`` adds prefix indexes so that "tiem chu*" reads one prefix entry
  instead of merging the doclists of every completion (Vietnamese syllables have at most 7 letters);
  it makes the index about three times larger. Existing rows are indexed with ``rebuild``.
* PostgreSQL: a GIN index on the expression ``to_tsvector('simple', search_text)``; queries must use
  exactly that expression to be served by it.

Careful: when a later migration alters ``content_searchentry`` on SQLite, Django rebuilds the table and
its triggers are lost. Such a migration must run ``SQLITE_TRIGGERS`` again (and ``rebuild``).
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SQLITE_TABLE = [
    """
    CREATE VIRTUAL TABLE content_searchentry_fts USING fts5(
        search_text,
        content='content_searchentry',
        content_rowid='id',
        tokenize='unicode61 remove_diacritics 2',
        prefix='2 3 4 5 6'
    )
    """,
]
SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER content_searchentry_fts_insert AFTER INSERT ON content_searchentry BEGIN
        INSERT INTO content_searchentry_fts (rowid, search_text) VALUES (new.id, new.search_text);
    END
    """,
    """
    CREATE TRIGGER content_searchentry_fts_delete AFTER DELETE ON content_searchentry BEGIN
        INSERT INTO content_searchentry_fts (content_searchentry_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END
    """,
    # Only when the text (or the id) changes: a status change re-saves the row but not its words.
    """
    CREATE TRIGGER content_searchentry_fts_update AFTER UPDATE ON content_searchentry
    WHEN old.search_text IS NOT new.search_text OR old.id IS NOT new.id BEGIN
        INSERT INTO content_searchentry_fts (content_searchentry_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO content_searchentry_fts (rowid, search_text) VALUES (new.id, new.search_text);
    END
    """,
]
SQLITE_REBUILD = ["INSERT INTO content_searchentry_fts (content_searchentry_fts) VALUES ('rebuild')"]
SQLITE_FORWARD = SQLITE_TABLE + SQLITE_TRIGGERS + SQLITE_REBUILD
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS content_searchentry_fts_update",
    "DROP TRIGGER IF EXISTS content_searchentry_fts_delete",
    "DROP TRIGGER IF EXISTS content_searchentry_fts_insert",
    "DROP TABLE IF EXISTS content_searchentry_fts",
]

PG_FORWARD = [
    """
    CREATE INDEX IF NOT EXISTS content_searchentry_fts ON content_searchentry
    USING gin (to_tsvector('simple'::regconfig, search_text))
    """,
]
PG_REVERSE = ["DROP INDEX IF EXISTS content_searchentry_fts"]

FORWARD = {"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}
REVERSE = {"sqlite": SQLITE_REVERSE, "postgresql": PG_REVERSE}


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("content", "0002_seed_vocabularies")]

    operations = [migrations.RunPython(_run(FORWARD), _run(REVERSE))]
