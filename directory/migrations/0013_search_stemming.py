"""Search that stems on SQLite, and trigram spelling suggestions on PostgreSQL.

SQLite: modelsearch's FTS5 table is made again with the porter tokenizer ("chickens" and "chicken"
are one word to it) and refilled from the index rows; its triggers name the table, so they carry
on. PostgreSQL: the ``pg_trgm`` extension, for "Did you mean" (``directory.listing.spelling``),
when the database user may create it; without it the suggestions come from rapidfuzz. The
index's own words are stemmed by ``SEARCH_CONFIG`` (settings): run ``manage.py update_index``
once after this release (docs/search.md).
"""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

COLUMNS = "autocomplete, body, title"  # the FTS table's columns, in Wagtail's order (migration 0006)


def make_fts_table(apps, schema_editor, tokenizer):
    """Wagtail's FTS5 table of the index rows again, with ``tokenizer``, refilled from the rows."""
    if schema_editor.connection.vendor != "sqlite":
        return
    entries = apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table
    fts = f"{entries}_fts"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [fts])
        if cursor.fetchone() is None:  # an SQLite without FTS5: Wagtail searches without it
            return
    schema_editor.execute(f"DROP TABLE {fts}")
    schema_editor.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5({COLUMNS}, tokenize = '{tokenizer}')")
    schema_editor.execute(f"INSERT INTO {fts} (rowid, {COLUMNS}) SELECT id, {COLUMNS} FROM {entries}")  # noqa: S608


def forwards(apps, schema_editor):
    make_fts_table(apps, schema_editor, "porter unicode61")
    if schema_editor.connection.vendor == "postgresql":
        try:
            with transaction.atomic(using=schema_editor.connection.alias):  # a savepoint: a refusal is survived
                schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError:
            logger.warning("pg_trgm could not be created: spelling suggestions will use rapidfuzz.")


def backwards(apps, schema_editor):
    make_fts_table(apps, schema_editor, "unicode61")


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0012_search_synonyms"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
