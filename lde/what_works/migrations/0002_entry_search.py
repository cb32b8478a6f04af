"""The library's full-text search, on each database its own way (search.py): on SQLite an FTS5
table with Porter stemming, filled by the services; on PostgreSQL a GIN index over the same
expression the search asks, `to_tsvector('english', search_text)`."""

from django.db import migrations

SQLITE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS what_works_entry_fts "
    "USING fts5(title, body, tokenize = 'porter unicode61')"
)
SQLITE_DROP = "DROP TABLE IF EXISTS what_works_entry_fts"
# The expression Django writes for SearchVector("search_text", config="english"), so that the
# planner uses the index.
POSTGRESQL = (
    "CREATE INDEX IF NOT EXISTS what_works_entry_search ON what_works_entry "
    "USING GIN (to_tsvector('english'::regconfig, COALESCE(search_text, '')))"
)
POSTGRESQL_DROP = "DROP INDEX IF EXISTS what_works_entry_search"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE)
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)


class Migration(migrations.Migration):
    dependencies = [("what_works", "0001_entries")]

    operations = [migrations.RunPython(forwards, backwards)]
