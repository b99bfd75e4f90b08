"""The site's URLs plus two comparison views, used only by bench/run.py (never by the site).

- ``/bench/stock-search/?q=…``: Wagtail's stock search, ``ForumPage.objects.live().search(q)``,
  its first 20 results and count rendered as a plain list;
- ``/bench/raw-search/?q=…``: the same text matched by one hand-written full-text SQL query on
  the search index (PostgreSQL tsvector with its GIN index, or SQLite FTS5), its first 20
  results and count rendered the same way.

Both go through the same middleware as the directory, so the ratios compare like with like:
what our listing adds (facets, counts, filters, page chrome) over a bare search.
"""

from django.db import connection
from django.http import HttpResponse
from django.template import Context, Template
from django.urls import path
from wagtail.search.backends import get_search_backend

from directory.listing.filters import search_terms
from directory.models import ForumPage
from urls import urlpatterns as site_urlpatterns

PLAIN = Template(
    "<!doctype html><title>Search</title><p>{{ total }} results</p><ul>"
    '{% for forum in forums %}<li><a href="{{ forum.url_path }}">{{ forum.title }}</a> {{ forum.summary }}</li>'
    "{% endfor %}</ul>"
)


def stock_search(request):
    results = ForumPage.objects.live().search(search_terms(request.GET.get("q", "")))
    forums = list(results[:20])
    return HttpResponse(PLAIN.render(Context({"forums": forums, "total": results.count()})))


def _raw_sql():
    from django.contrib.contenttypes.models import ContentType

    table = get_search_backend().get_index_for_model(ForumPage).entries.model._meta.db_table
    content_type = ContentType.objects.get_for_model(ForumPage).pk
    if connection.vendor == "postgresql":
        match = f"FROM {table} WHERE content_type_id = {content_type} AND (title @@ q OR body @@ q)"
        ranked = (
            f"SELECT object_id FROM {table}, plainto_tsquery(%s) q WHERE content_type_id = {content_type} "
            "AND (title @@ q OR body @@ q) ORDER BY ts_rank(title, q) + ts_rank(body, q) DESC LIMIT 20"
        )
        count = f"SELECT count(*) FROM {table}, plainto_tsquery(%s) q WHERE " + match.split(" WHERE ", 1)[1]
        return ranked, count
    fts = f"{table}_fts"
    # CROSS JOIN: SQLite reads the FTS matches first (left to itself it asks the FTS table about
    # every index row of the content type in turn, 7 s at 100,000).
    ranked = (
        f"SELECT e.object_id FROM {fts} CROSS JOIN {table} e ON e.id = {fts}.rowid "
        f"WHERE {fts} MATCH %s AND e.content_type_id = {content_type} ORDER BY bm25({fts}) LIMIT 20"
    )
    count = (
        f"SELECT count(*) FROM {fts} CROSS JOIN {table} e ON e.id = {fts}.rowid "
        f"WHERE {fts} MATCH %s AND e.content_type_id = {content_type}"
    )
    return ranked, count


def raw_search(request):
    terms = search_terms(request.GET.get("q", ""))
    ranked, count = _raw_sql()
    with connection.cursor() as cursor:
        cursor.execute(ranked, [terms])
        ids = [int(row[0]) for row in cursor.fetchall()]
        cursor.execute(count, [terms])
        total = cursor.fetchone()[0]
    by_id = ForumPage.objects.only("title", "url_path", "summary").in_bulk(ids)
    forums = [by_id[pk] for pk in ids if pk in by_id]
    return HttpResponse(PLAIN.render(Context({"forums": forums, "total": total})))


def search_total(query):
    """How many live communities Wagtail's search finds for ``query`` (printed beside the ratios)."""
    return ForumPage.objects.live().search(search_terms(query)).count()


urlpatterns = [
    path("bench/stock-search/", stock_search),
    path("bench/raw-search/", raw_search),
    *site_urlpatterns,
]
