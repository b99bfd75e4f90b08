"""Which communities match a text search, most relevant first, in one query at any size.

The directory counts, filters and pages its results itself (``facet_index``), so of the search
backend it needs only the ids that match, in its order. Wagtail's ``queryset.search()`` ranks
every match with queries that grow slow with the directory (docs/benchmarks.md): on PostgreSQL it
matches ``title || body``, which the full-text (GIN) indexes cannot answer; on SQLite it scores
each match with a subquery of its own.

``ranked_ids`` asks the same backend the same question (its own query compiler, index rows, rank
expression and tie-break) as one query over its index table:

- PostgreSQL: the GIN indexes find the rows holding any of the words; with several words the
  backend's own ``title || body @@ q`` keeps exactly the rows it would match, and ``ts_rank``
  scores them as the backend does (title weighted by its norm, plus body);
- SQLite: the FTS5 ``MATCH`` finds the rows and ``bm25()`` scores them in the same pass;
- any other backend (Elasticsearch, OpenSearch, MySQL): its own search, every result's id in
  its own relevance order.

Results are ids of the queryset's model; the caller keeps only those it lists.
"""

import re

from django.db import connections
from django.db.models import F, IntegerField
from django.db.models.functions import Cast
from modelsearch.query import MatchAll, Not, PlainText
from modelsearch.utils import get_descendants_content_types_pks
from wagtail.search.backends import get_search_backend


def backend_kind(backend=None):
    """'postgres', 'sqlite' or 'other': which of this module's queries fits the search backend."""
    module = type(backend or get_search_backend()).__module__
    if module.startswith("modelsearch.backends.database.postgres"):
        return "postgres"
    if module.startswith("modelsearch.backends.database.sqlite"):
        return "sqlite"
    return "other"


def ranked_ids(queryset, terms):
    """Ids of the objects of ``queryset``'s model matching ``terms``, most relevant first.

    ``queryset`` decides the model (and, for other backends, the rows searched); the database
    backends search the model's whole index, and the caller intersects with what it lists.
    """
    if not terms:
        return []
    results = queryset.search(terms)  # lazy: builds the backend's query compiler, runs nothing
    kind = backend_kind(results.backend)
    if kind == "postgres":
        return _postgres(results)
    if kind == "sqlite":
        return _sqlite(results)
    return [obj.pk for obj in results]


def _postgres(results):
    from django.db.models.sql import Query
    from modelsearch.backends.database.postgres.postgres import IndexEntry

    compiler = results.query_compiler
    config = compiler.get_config(results.backend)
    query = compiler.build_tsquery(compiler.query, config=config)
    if query is None:
        return []
    any_word = query
    words = [word for word in re.split(r"[\s\-]+", getattr(compiler.query, "query_string", "")) if word]
    if isinstance(compiler.query, PlainText) and len(words) > 1:
        any_word = compiler.build_tsquery(PlainText(compiler.query.query_string, operator="or"), config=config)
    database = IndexEntry._default_manager.db
    sql_query = Query(IndexEntry)
    sql_compiler = sql_query.get_compiler(using=database)
    query_sql, query_params = sql_compiler.compile(query.resolve_expression(sql_query))
    any_sql, any_params = sql_compiler.compile(any_word.resolve_expression(sql_query))
    content_types = get_descendants_content_types_pks(results.model)
    # The queries are worked out once, in their own subquery (OFFSET 0 keeps the planner from
    # copying them into every row, where they would be parsed once per row); the GIN indexes find
    # the rows with any of the words, and with several words the backend's own match,
    # title || body @@ query, keeps exactly the rows it would (one word needs no such check).
    exact = " AND (e.title || e.body) @@ q.query" if any_word is not query else ""
    # Ordered as the backend orders: by rank, then the newest id first.
    sql = (
        "SELECT e.object_id::integer AS id FROM "
        f"(SELECT {query_sql} AS query, {any_sql} AS any_word OFFSET 0) q "
        f"INNER JOIN {IndexEntry._meta.db_table} e ON (e.title @@ q.any_word OR e.body @@ q.any_word) "
        f"WHERE e.content_type_id IN ({', '.join(['%s'] * len(content_types))}){exact} "
        "ORDER BY ts_rank(%s::float4[], e.title, q.query) * e.title_norm "
        "+ ts_rank(%s::float4[], e.body, q.query) DESC, id DESC"
    )
    params = (*query_params, *any_params, *content_types, compiler.sql_weights, compiler.sql_weights)
    with connections[database].cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _sqlite(results):
    from modelsearch.backends.database.sqlite.query import BM25, MatchExpression, normalize
    from modelsearch.conf import get_app_config

    fts_entries = get_app_config().get_model("SQLiteFTSIndexEntry")
    compiler = results.query_compiler
    config = compiler.get_config(results.backend)
    query = normalize(compiler.query)
    if isinstance(query, (MatchAll, Not)):  # not produced from plain words; the backend's own path
        return [obj.pk for obj in results]
    match = MatchExpression(compiler.fields or compiler.FTS_TABLE_FIELDS, compiler.build_search_query(query, config))
    if isinstance(query, PlainText) and not compiler.fields:
        # The backend's rank, bm25() × title norm + bm25() × 1.0, with bm25() worked out once.
        rank = BM25() * (F("index_entry__title_norm") + 1.0)
    else:
        rank = compiler._build_rank_expression(compiler.get_search_vectors(), config)
    entries = (
        fts_entries.objects.filter(match)
        .filter(index_entry__content_type__in=get_descendants_content_types_pks(results.model))
        .annotate(_score_=rank, _id_=Cast("index_entry__object_id", IntegerField()))
        .order_by("_score_", "-_id_")  # as the backend orders: by bm25 (lower is better), then newest id first
        .values_list("_id_", flat=True)
    )
    # Left to itself, SQLite walks every index row of the content type and asks the FTS table
    # about each one (slow at scale); CROSS JOIN makes it read the FTS matches first and look
    # each up by rowid (the join itself is unchanged: SQLite's CROSS JOIN only fixes the order).
    sql, params = entries.query.get_compiler(using=entries.db).as_sql()
    with connections[entries.db].cursor() as cursor:
        cursor.execute(sql.replace(" INNER JOIN ", " CROSS JOIN ", 1), params)
        return [row[0] for row in cursor.fetchall()]
