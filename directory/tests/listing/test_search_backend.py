"""The search backend (directory/listing/search_backend.py): on PostgreSQL, a publish's index update
keeps the average title length instead of reading the whole index table for it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from modelsearch.conf import get_app_config
from modelsearch.index import insert_or_update_object
from wagtail.search.backends import get_search_backend

from directory.listing import search_backend
from directory.listing.text_search import backend_kind
from directory.tests.factories import ForumPageFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend's title weights")


@pytest.fixture(autouse=True)
def no_kept_average():
    search_backend.KeptAverageIndex._average.clear()
    yield
    search_backend.KeptAverageIndex._average.clear()


def index_update_queries(page):
    with CaptureQueriesContext(connection) as queries:
        insert_or_update_object(page)
    return [query["sql"] for query in queries]


def test_the_database_in_use_gets_its_own_search():
    """Searches would run the wrong database's queries (errors, or every search slow)."""
    kind = {"postgresql": "postgres", "sqlite": "sqlite"}[connection.vendor]
    assert backend_kind(get_search_backend()) == kind
    assert isinstance(get_search_backend(), search_backend.KeptAveragePostgresSearchBackend) == (kind == "postgres")


@postgres_only
def test_a_publish_weighs_its_new_title_without_reading_every_entry(directory_index):
    """Each publish would read the whole search table (twice, with its Welsh copy) for one title's weight."""
    first = ForumPageFactory(parent=directory_index, title="Money Talk")
    second = ForumPageFactory(parent=directory_index, title="Parents Online Together")
    index_update_queries(first)  # reads the average once

    queries = index_update_queries(second)

    assert not [sql for sql in queries if "AVG(" in sql.upper()]
    entries = get_app_config().get_model("IndexEntry").objects
    entry = entries.get(object_id=str(second.pk), content_type__model="forumpage")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT length(title) FROM {entries.model._meta.db_table} WHERE id = %s", [entry.pk])
        title_length = cursor.fetchone()[0]
    kept, _read_at = search_backend.KeptAverageIndex._average[connection.alias]
    assert entry.title_norm == pytest.approx(kept / title_length), "the new entry's title was not weighed"


@postgres_only
def test_the_kept_average_is_read_again_after_a_while_and_on_a_rebuild(directory_index, monkeypatch):
    """Titles weighed against an average from long ago would drift from the directory's real titles."""
    page = ForumPageFactory(parent=directory_index, title="Money Talk")
    index_update_queries(page)
    monkeypatch.setattr(search_backend, "AVERAGE_KEPT_SECONDS", -1)

    assert [sql for sql in index_update_queries(page) if "AVG(" in sql.upper()]

    monkeypatch.setattr(search_backend, "AVERAGE_KEPT_SECONDS", 600)
    get_search_backend().get_index_for_model(type(page))._refresh_title_norms(full=True)
    assert not search_backend.KeptAverageIndex._average


@postgres_only
def test_no_weighed_title_is_left_looking_new(directory_index):
    """A title whose length equals a whole-number average would be weighed 1.0, the mark of a new
    entry, and rewritten at every later update (each publish slower than the last)."""
    page = ForumPageFactory(parent=directory_index, title="Money Talk")
    entries = get_app_config().get_model("IndexEntry").objects
    with connection.cursor() as cursor:  # every title two words long: the average is exactly 2
        cursor.execute(
            f"UPDATE {entries.model._meta.db_table} SET title = to_tsvector('simple', 'money talk'), title_norm = 1.0"
        )
    search_backend.KeptAverageIndex._average.clear()

    get_search_backend().get_index_for_model(type(page))._refresh_title_norms()

    assert entries.exists()
    assert not entries.filter(title_norm=1.0).exists()
