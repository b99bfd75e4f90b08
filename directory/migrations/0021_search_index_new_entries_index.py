"""PostgreSQL: an index of the search index entries waiting for their title weight.

After every update of the search index (each publish, for the page and again for each alias),
Wagtail's PostgreSQL backend sets the title weight (``title_norm``) of the entries it has just
written, which it marked 1.0, with ``UPDATE … WHERE title_norm = 1.0``. Without an index that
reads the whole table for a handful of rows (figures: docs/benchmarks.md).
This partial index holds only those rows, so the update reads them alone.
"""

from django.db import migrations

INDEX = "directory_indexentry_new_title_norm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    entries = apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON {entries} (id) WHERE title_norm = 1.0")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0020_content_change_page"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
