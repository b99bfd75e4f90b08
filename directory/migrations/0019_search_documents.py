"""PostgreSQL: a narrow copy of the search index's words, for matching without reading its wide rows.

Finding the communities that match a word reads, for each match the GIN index finds, the index
row itself (for its page id). Wagtail's rows are wide (title, body and autocomplete vectors and
the text they came from), so a common word visits a page of the table per match. This table holds
only what matching needs: the entry, its page, and its title and body words as one vector, kept
out of line (``toast_tuple_target``) so its rows stay small and a match reads little. Triggers on
the index table keep it in step with every write Wagtail makes (``update_index`` included); the
listing's search reads it (``directory.listing.text_search``). SQLite's FTS5 table already
answers with entry ids alone, so nothing is made there.
"""

from django.db import migrations

TABLE = "directory_searchdocument"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    entries = apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table
    for statement in (
        f"CREATE TABLE {TABLE} (entry_id integer PRIMARY KEY, content_type_id integer NOT NULL, "
        "object_id varchar(50) NOT NULL, document tsvector NOT NULL) WITH (toast_tuple_target = 128)",
        f"ALTER TABLE {TABLE} ALTER COLUMN document SET STORAGE EXTERNAL",
        f"CREATE INDEX {TABLE}_document ON {TABLE} USING gin (document)",
        f"""CREATE FUNCTION {TABLE}_write() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                DELETE FROM {TABLE} WHERE entry_id = OLD.id;
                RETURN OLD;
            END IF;
            INSERT INTO {TABLE} (entry_id, content_type_id, object_id, document)
                VALUES (NEW.id, NEW.content_type_id, NEW.object_id, NEW.title || NEW.body)
                ON CONFLICT (entry_id) DO UPDATE SET content_type_id = EXCLUDED.content_type_id,
                    object_id = EXCLUDED.object_id, document = EXCLUDED.document;
            RETURN NEW;
        END $$""",
        f"""CREATE FUNCTION {TABLE}_empty() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            TRUNCATE {TABLE};
            RETURN NULL;
        END $$""",
        # Only writes of the words: Wagtail's updates of every row's title_norm leave this table be.
        f"CREATE TRIGGER {TABLE}_write AFTER INSERT OR DELETE OR UPDATE OF content_type_id, object_id, title, body "
        f"ON {entries} FOR EACH ROW EXECUTE FUNCTION {TABLE}_write()",
        f"CREATE TRIGGER {TABLE}_empty AFTER TRUNCATE ON {entries} FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_empty()",
        f"INSERT INTO {TABLE} (entry_id, content_type_id, object_id, document) "  # noqa: S608
        f"SELECT id, content_type_id, object_id, title || body FROM {entries}",
        f"ANALYZE {TABLE}",
    ):
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    entries = apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table
    for statement in (
        f"DROP TRIGGER {TABLE}_write ON {entries}",
        f"DROP TRIGGER {TABLE}_empty ON {entries}",
        f"DROP FUNCTION {TABLE}_write()",
        f"DROP FUNCTION {TABLE}_empty()",
        f"DROP TABLE {TABLE}",
    ):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0018_before_you_join_member_suggestions_references"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
