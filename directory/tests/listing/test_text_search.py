"""The directory's one-query text match gives exactly what Wagtail's own search gives, in its order."""

import pytest

from directory.listing.text_search import backend_kind, ranked_ids
from directory.models import ForumPage
from directory.tests.factories import ForumPageFactory

TEXTS = [
    ("Netmums", "The UK's parenting site: parents swap advice on parenting and childcare."),
    ("Parenting Wales", "Parents in Wales talk schools, childcare and money."),
    ("Student Room", "Students help each other with exams, money and parenting while studying."),
    ("Money Saving Expert", "Budgets, energy bills, broadband and savings."),
    ("Veterans Hub", "Ex-service people and their families; some threads on parenting after service."),
    ("City Forum", "Local news, housing and schools in the city."),
]
QUERIES = ["parenting", "money", "parenting wales", "schools childcare", "the parenting", "nothing-matches-this"]


@pytest.fixture
def communities(directory_index):
    return [ForumPageFactory(parent=directory_index, title=title, summary=summary) for title, summary in TEXTS]


@pytest.mark.django_db
@pytest.mark.parametrize("query", QUERIES)
def test_matches_and_order_are_wagtails_own(communities, query):
    """A search must find the communities Wagtail's search finds, most relevant first as Wagtail ranks them."""
    stock = [forum.pk for forum in ForumPage.objects.all().search(query)]
    assert ranked_ids(ForumPage.objects.all(), query) == stock


@pytest.mark.django_db
def test_no_words_find_nothing(communities):
    """An empty search must not list every community as a match."""
    assert ranked_ids(ForumPage.objects.all(), "") == []


@pytest.mark.django_db
def test_drafts_are_matched_only_for_the_caller_to_drop(directory_index):
    """The match covers the index; what is listed is decided by the facet index, never by the match."""
    draft = ForumPageFactory(parent=directory_index, title="Parenting draft", live=False)
    draft.save_revision()
    found = ranked_ids(ForumPage.objects.all(), "parenting")
    stock = [forum.pk for forum in ForumPage.objects.all().search("parenting")]
    assert found == stock


def test_the_database_backends_are_recognised(settings):
    """The fast query must be the one for the database in use, or searches would fail or be slow."""
    from django.db import connection

    assert backend_kind() == {"postgresql": "postgres", "sqlite": "sqlite"}[connection.vendor]
