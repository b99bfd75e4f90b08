"""Which pages match a search plan, ranked, in one query over the search backend's own index.

A plan (``directory.listing.query``) is a list of concepts, each any of several words or phrases.
A page matches when its indexed text holds any phrase of any concept; pages are ranked by how many
concepts they match (all the visitor's words first), then by how well, then newest id first:

- PostgreSQL: the GIN indexes find the rows holding any phrase; each concept is tested on the
  row (``@@``) and ``ts_rank`` scores the row against them all, with the index's field weights
  (topics and labels, then summary, then the rest) and the title counted twice as much;
- SQLite: one FTS5 ``MATCH`` per concept (the table stems with the porter tokenizer, migration
  0013); ``bm25()`` scores each with the title column counting most, then the short fields
  (title, summary, topics, labels: the autocomplete column), then the body;
- any other backend (Elasticsearch, OpenSearch): its own search of all the phrases, in its order.

Results are ``(id, concepts matched as bits)``, over the model's whole index: the caller keeps
only what it lists. ``matching_sql`` is the same match, unranked, as an SQL subquery, and
``concept_matches`` the ids matching each concept, unranked: the directory's listing ranks those
in memory (``directory.listing.ranking``), without a score for every matching row. On
PostgreSQL these two read the narrow copy of the index's words (migration 0019), not the index's
wide rows, since they need no score.
"""

from functools import reduce

from django.contrib.postgres.search import SearchQuery
from django.db import connections
from django.db.models.sql import Query
from modelsearch.conf import get_app_config
from modelsearch.query import Or, Phrase, PlainText
from modelsearch.utils import get_descendants_content_types_pks
from wagtail.search.backends import get_search_backend

from directory.listing.query import SearchPlan

# PostgreSQL: the index's title and body words, one narrow row an entry (migration 0019), for matching.
DOCUMENTS = "directory_searchdocument"
TITLE_WEIGHT = 2.0  # PostgreSQL: a title match counts this many times a body match of the top weight
# SQLite: bm25() column weights, in the FTS table's column order (autocomplete, body, title).
FTS_COLUMN_WEIGHTS = (1.0, 1.0, 4.0)


def backend_kind(backend=None):
    """'postgres', 'sqlite' or 'other': which of this module's queries fits the search backend."""
    modules = [cls.__module__ for cls in type(backend or get_search_backend()).__mro__]
    if any(module.startswith("modelsearch.backends.database.postgres") for module in modules):
        return "postgres"
    if any(module.startswith("modelsearch.backends.database.sqlite") for module in modules):
        return "sqlite"
    return "other"


def ranked_matches(model, plan):
    """``[(id, bits)]`` of the pages of ``model`` matching ``plan``, most relevant first.

    Bit *i* of ``bits`` is set when the page matches the plan's *i*-th concept.
    """
    if not plan:
        return []
    kind = backend_kind()
    if kind == "postgres":
        return _postgres_ranked(model, plan)
    if kind == "sqlite":
        return _sqlite_ranked(model, plan)
    every = (1 << len(plan.concepts)) - 1  # an external engine says nothing of which words matched
    return [(obj.pk, every) for obj in model.objects.all().search(_modelsearch_query(plan))]


def concept_matches(model, plan):
    """For each concept of ``plan``, the ids of the pages of ``model`` whose indexed text matches it (one query)."""
    if not plan:
        return []
    kind = backend_kind()
    content_types = get_descendants_content_types_pks(model)
    types = ", ".join(["%s"] * len(content_types))
    parts, params = [], []
    if kind == "postgres":
        # A row per concept, its ids as one array: thousands of matches are read without a row each.
        for number, tsquery in enumerate(_tsqueries(plan)):
            query_sql, query_params = _compile_tsquery(tsquery)
            parts.append(
                f"SELECT {number} AS n, array_agg(d.object_id::integer) AS ids "
                f"FROM (SELECT {query_sql} AS q OFFSET 0) q INNER JOIN {DOCUMENTS} d ON d.document @@ q.q "
                f"WHERE d.content_type_id IN ({types})"
            )
            params += [*query_params, *content_types]
        found = [[] for _concept in plan.concepts]
        for number, ids in _run(" UNION ALL ".join(parts), params):
            found[number] = ids or []
        return found
    if kind == "sqlite":
        fts = _fts_table()
        for number, concept in enumerate(plan.concepts):
            parts.append(
                f"SELECT {number} AS n, CAST(e.object_id AS integer) AS id FROM {fts} "
                f"CROSS JOIN {_entries()} e ON e.id = {fts}.rowid "
                f"WHERE {fts} MATCH %s AND e.content_type_id IN ({types})"
            )
            params += [_fts_query(concept), *content_types]
    else:
        return [
            [obj.pk for obj in model.objects.all().search(_modelsearch_query(SearchPlan((concept,))))]
            for concept in plan.concepts
        ]
    found = [[] for _concept in plan.concepts]
    for number, page_id in _run(" UNION ALL ".join(parts), params):
        found[number].append(page_id)
    return found


def concept_entries(plan):
    """SQLite: for each concept of ``plan``, the ids of the index entries matching it (FTS5 alone, one query).

    The entries are mapped to pages by the caller (``entry_pages``, kept with the facet index),
    which saves reading each matching entry's row.
    """
    fts = _fts_table()
    parts = [f"SELECT {number}, rowid FROM {fts} WHERE {fts} MATCH %s" for number in range(len(plan.concepts))]
    found = [[] for _concept in plan.concepts]
    for number, entry in _run(" UNION ALL ".join(parts), [_fts_query(concept) for concept in plan.concepts]):
        found[number].append(entry)
    return found


def entry_pages(model, entries=None, pages=None):
    """``[(entry id, page id)]`` of the index entries of ``model``'s pages (only ``entries`` or ``pages`` if given)."""
    content_types = get_descendants_content_types_pks(model)
    if entries is not None:
        # By id alone: asked for the content type as well, SQLite reads every entry of the type.
        sql = f"SELECT id, content_type_id, CAST(object_id AS integer) FROM {_entries()} WHERE id IN "
        rows = _run(sql + f"({', '.join(['%s'] * len(entries))})", list(entries))
        return [(entry, page) for entry, kind, page in rows if kind in content_types]
    sql = (
        f"SELECT id, CAST(object_id AS integer) FROM {_entries()} "
        f"WHERE content_type_id IN ({', '.join(['%s'] * len(content_types))})"
    )
    params = list(content_types)
    if pages is not None:
        sql += f" AND object_id IN ({', '.join(['%s'] * len(pages))})"
        params += [str(page) for page in pages]
    return _run(sql, params)


def every_entry(model):
    """``[(entry id, page id)]`` of every index entry: the page of ``model``'s entries, 0 for any other's."""
    content_types = set(get_descendants_content_types_pks(model))
    rows = _run(f"SELECT id, content_type_id, CAST(object_id AS integer) FROM {_entries()}", [])  # noqa: S608
    return [(entry, page if kind in content_types else 0) for entry, kind, page in rows]


def matching_sql(model, plan):
    """``(sql, params)`` selecting the ids of the pages of ``model`` matching ``plan``, or None for other backends."""
    kind = backend_kind()
    if not plan or kind == "other":
        return None
    content_types = get_descendants_content_types_pks(model)
    types = ", ".join(["%s"] * len(content_types))
    if kind == "postgres":
        any_sql, any_params = _compile_tsquery(_any_concept(_tsqueries(plan)))
        return (
            f"SELECT d.object_id::integer FROM (SELECT {any_sql} AS q OFFSET 0) q INNER JOIN {DOCUMENTS} d "
            f"ON d.document @@ q.q WHERE d.content_type_id IN ({types})",
            (*any_params, *content_types),
        )
    fts = _fts_table()
    return (
        f"SELECT CAST(e.object_id AS integer) FROM {fts} CROSS JOIN {_entries()} e ON e.id = {fts}.rowid "
        f"WHERE {fts} MATCH %s AND e.content_type_id IN ({types})",
        (" OR ".join(f"({_fts_query(concept)})" for concept in plan.concepts), *content_types),
    )


def _modelsearch_query(plan):
    phrases = [phrase for concept in plan.concepts for phrase in concept.alternatives]
    return Or([PlainText(phrase[0]) if len(phrase) == 1 else Phrase(" ".join(phrase)) for phrase in phrases])


def _entries():
    return get_app_config().get_model("IndexEntry")._meta.db_table


def _run(sql, params):
    with connections[get_app_config().get_model("IndexEntry")._default_manager.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


# --- PostgreSQL ---------------------------------------------------------------------------------


def _tsqueries(plan):
    """One tsquery per concept: any of its words (stemmed by the backend's configuration) or phrases."""
    config = get_search_backend().config
    return [
        reduce(
            lambda a, b: a | b,
            (
                SearchQuery(" ".join(phrase), search_type="phrase" if len(phrase) > 1 else "plain", config=config)
                for phrase in concept.alternatives
            ),
        )
        for concept in plan.concepts
    ]


def _any_concept(tsqueries):
    return reduce(lambda a, b: a | b, tsqueries)


def _compile_tsquery(tsquery):
    entries = get_app_config().get_model("IndexEntry")
    query = Query(entries)
    return query.get_compiler(using=entries._default_manager.db).compile(tsquery.resolve_expression(query))


def _postgres_ranked(model, plan):
    from modelsearch.backends.database.postgres.weights import get_sql_weights

    tsqueries = _tsqueries(plan)
    compiled = [_compile_tsquery(tsquery) for tsquery in tsqueries]
    any_sql, any_params = _compile_tsquery(_any_concept(tsqueries))
    concepts = ", ".join(f"{sql} AS c{number}" for number, (sql, _params) in enumerate(compiled))
    if len(compiled) == 1:  # every match matches the one concept: nothing to test row by row
        tests, bits, count = "", "1", "1"
    else:
        # Each concept is tested once a row, in the inner query; bits and count read the results.
        tests = "".join(f", (e.title @@ q.c{n} OR e.body @@ q.c{n}) AS t{n}" for n in range(len(compiled)))
        bits = " + ".join(f"(CASE WHEN t{n} THEN {1 << n} ELSE 0 END)" for n in range(len(compiled)))
        count = " + ".join(f"t{n}::integer" for n in range(len(compiled)))
    content_types = get_descendants_content_types_pks(model)
    # The queries are worked out once, in their own subquery, and each row's tests and score once,
    # in the next (OFFSET 0 keeps the planner from copying either into the expressions that use them).
    sql = (
        f"SELECT id, {bits} AS bits FROM ("
        f"SELECT e.object_id::integer AS id{tests}, "
        f"ts_rank(%s::float4[], e.title, q.any_concept) * e.title_norm * {TITLE_WEIGHT} "
        "+ ts_rank(%s::float4[], e.body, q.any_concept) AS score "
        f"FROM (SELECT {concepts}, {any_sql} AS any_concept OFFSET 0) q "
        f"INNER JOIN {_entries()} e ON (e.title @@ q.any_concept OR e.body @@ q.any_concept) "
        f"WHERE e.content_type_id IN ({', '.join(['%s'] * len(content_types))}) OFFSET 0"
        f") matched ORDER BY {count} DESC, score DESC, id DESC"
    )
    weights = get_sql_weights()
    params = (weights, weights, *(p for _sql, params in compiled for p in params), *any_params, *content_types)
    return _run(sql, params)


# --- SQLite -------------------------------------------------------------------------------------


def _fts_table():
    return get_app_config().get_model("SQLiteFTSIndexEntry")._meta.db_table


def _fts_query(concept):
    """An FTS5 query for any phrase of ``concept``: each quoted, so only words, never syntax, reach FTS5."""
    return " OR ".join('"' + " ".join(phrase).replace('"', '""') + '"' for phrase in concept.alternatives)


def _sqlite_ranked(model, plan):
    fts = _fts_table()
    weights = ", ".join(map(str, FTS_COLUMN_WEIGHTS))
    parts = [
        f"SELECT rowid AS entry, {1 << number} AS bit, bm25({fts}, {weights}) AS score FROM {fts} WHERE {fts} MATCH %s"
        for number in range(len(plan.concepts))
    ]
    content_types = get_descendants_content_types_pks(model)
    # The matches are scored first, on their own (bm25() is only allowed in a query of the FTS
    # table itself), then each entry is looked up by rowid.
    sql = (
        f"WITH m AS MATERIALIZED ({' UNION ALL '.join(parts)}) "
        f"SELECT CAST(e.object_id AS integer) AS id, SUM(m.bit) AS bits FROM m "
        f"CROSS JOIN {_entries()} e ON e.id = m.entry "
        f"WHERE e.content_type_id IN ({', '.join(['%s'] * len(content_types))}) "
        "GROUP BY e.id ORDER BY COUNT(*) DESC, SUM(m.score) ASC, id DESC"  # bm25: lower is better
    )
    return _run(sql, (*(_fts_query(concept) for concept in plan.concepts), *content_types))
