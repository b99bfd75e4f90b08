"""The search index for ``devdata.bench_data``'s bulk-written pages, built in chunks.

Bulk writes send no signals, so the pages are indexed here, writing the same rows modelsearch's
own ``add_items`` would (same texts, weights and configurations) in far fewer statements.
"""

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from wagtail.search.backends import get_search_backend

INDEX_CHUNK_SIZE = 1000


def build_search_index(model, ids, chunk_size=INDEX_CHUNK_SIZE):
    """Index ``ids`` of ``model`` in the search backend, a chunk at a time.

    On SQLite and PostgreSQL the rows the backend's own ``add_items`` would write are written
    directly (that method is far too slow at benchmark sizes), then the title norms once at the
    end; any other backend goes through ``add_items``.
    """
    backend = get_search_backend()
    index = backend.get_index_for_model(model)
    fast = _fast_add_items(index)
    ids = sorted(ids)
    for start in range(0, len(ids), chunk_size):
        chunk = list(model.get_indexed_objects().filter(pk__in=ids[start : start + chunk_size]).order_by("pk"))
        if fast:
            fast(index, backend, model, chunk)
        else:
            index.add_items(model, chunk)
    if fast and ids:
        index._refresh_title_norms()


def _fast_add_items(index):
    """The direct writer for ``index``'s kind (subclasses too, as the project's own backend), or None.

    Each backend module is imported only on its own database: the SQLite one needs SQLite's models.
    """
    if connection.vendor == "postgresql":
        from modelsearch.backends.database.postgres.postgres import PostgresIndex

        return _postgres_add_items if isinstance(index, PostgresIndex) else None
    if connection.vendor == "sqlite":
        from modelsearch.backends.database.sqlite.sqlite import SQLiteIndex

        return _sqlite_add_items if isinstance(index, SQLiteIndex) else None
    return None


def _sqlite_add_items(index, backend, model, objs):
    """The SQLite backend's ``add_items`` for new objects, reading each object's fields once.

    The backend's own method walks the fields once per column and refreshes the title norms of
    the whole table after every chunk. The FTS table is filled by the index table's triggers.
    """
    from modelsearch.backends.database.sqlite.sqlite import ObjectIndexer
    from modelsearch.index import AutocompleteField, SearchField

    content_type = ContentType.objects.get_for_model(model).pk
    entries = []
    for obj in objs:
        indexer = ObjectIndexer(obj, backend)
        title, body, autocomplete = [], [], []
        for field in indexer.search_fields:
            for current, value in indexer.prepare_field(obj, field):
                if isinstance(current, AutocompleteField):
                    autocomplete.append(value)
                elif isinstance(current, SearchField):
                    (title if current.field_name == "title" else body).append(value)
        entries.append(
            index.entries.model(
                content_type_id=content_type,
                object_id=str(obj.pk),
                title=" ".join(title),
                body=" ".join(body),
                autocomplete=" ".join(autocomplete),
            )
        )
    existing = set(
        index.entries.filter(
            content_type_id=content_type, object_id__in=[entry.object_id for entry in entries]
        ).values_list("object_id", flat=True)
    )
    index.entries.bulk_create([entry for entry in entries if entry.object_id not in existing])
    for entry in entries:
        if entry.object_id in existing:
            index.entries.filter(content_type_id=content_type, object_id=entry.object_id).update(
                title=entry.title, body=entry.body, autocomplete=entry.autocomplete
            )


def _postgres_add_items(index, backend, model, objs):
    """The PostgreSQL backend's ``add_items`` as one hand-built INSERT (see ``build_search_index``)."""
    from modelsearch.backends.database.postgres.postgres import ObjectIndexer
    from modelsearch.index import AutocompleteField, SearchField

    if not objs:
        return
    content_type = ContentType.objects.get_for_model(model).pk
    rows, params = [], []

    def vector(texts, config):
        if not texts:
            return "''::tsvector"
        parts = []
        for text, weight in texts:
            if config:
                parts.append("setweight(to_tsvector(%s::regconfig, %s), %s)")
                params.extend((config, text, weight))
            else:
                parts.append("setweight(to_tsvector(%s), %s)")
                params.extend((text, weight))
        return " || ".join(parts)

    for obj in objs:
        indexer = ObjectIndexer(obj, backend)
        title, body, autocomplete = [], [], []
        for field in indexer.search_fields:
            for current, weight, value in indexer.prepare_field(obj, field):
                value = value.strip()
                if not value:
                    continue
                if isinstance(current, AutocompleteField):
                    autocomplete.append((value, weight))
                elif isinstance(current, SearchField):
                    (title if current.field_name == "title" else body).append((value, weight))
        params.extend((content_type, str(obj.pk)))
        title_sql = vector(title, backend.config)
        autocomplete_sql = vector(autocomplete, backend.autocomplete_config)
        body_sql = vector(body, backend.config)
        params.extend((" ".join(text for text, _weight in title), " ".join(text for text, _weight in body)))
        rows.append(f"(%s, %s, {title_sql}, {autocomplete_sql}, {body_sql}, 1.0, %s, %s)")
    table = index.entries.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (content_type_id, object_id, title, autocomplete, body, title_norm, title_text, "
            f"body_text) VALUES {', '.join(rows)} ON CONFLICT (content_type_id, object_id) DO UPDATE SET "
            "title = EXCLUDED.title, title_norm = 1.0, autocomplete = EXCLUDED.autocomplete, body = EXCLUDED.body, "
            "title_text = EXCLUDED.title_text, body_text = EXCLUDED.body_text",
            params,
        )
