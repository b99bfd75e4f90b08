"""The one-query text match: stems, any-word matching ranked by words matched, phrases, and its SQL subquery.

These run on the database in use: SQLite (FTS5 with the porter tokenizer) or PostgreSQL (English
configuration); the same behaviour is expected of both.
"""

import pytest
from django.db import connection

from directory.listing.query import SearchPlan, Thesaurus, plan_search
from directory.listing.text_search import backend_kind, matching_sql, ranked_matches
from directory.models import ForumPage
from directory.tests.factories import ForumPageFactory

TEXTS = [
    ("Netmums", "The UK's parenting site: parents swap advice on parenting and childcare."),
    ("Parenting Wales", "Parents in Wales talk schools, childcare and money."),
    ("Student Room", "Students help each other with exams, money and parenting while studying."),
    ("Money Saving Expert", "Budgets, energy bills, broadband and savings."),
    ("Veterans Hub", "Ex-service people and their families; some threads on parenting after service."),
    ("City Forum", "Local news, housing and schools in the city."),
    ("Backyard Keepers", "Keepers of chickens and ducks, and mums who keep hens with their children."),
    ("Council Officers", "Officers in local government share practice."),
]


@pytest.fixture
def communities(directory_index):
    return {title: ForumPageFactory(parent=directory_index, title=title, summary=summary) for title, summary in TEXTS}


def found(terms, thesaurus=None):
    """Titles of the communities matching ``terms``, best first."""
    ranked = ranked_matches(ForumPage, plan_search(terms, thesaurus or Thesaurus()))
    titles = dict(ForumPage.objects.values_list("pk", "title"))
    return [titles[forum_id] for forum_id, _bits in ranked]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("chicken", "Backyard Keepers"),
        ("mum", "Backyard Keepers"),
        ("student", "Student Room"),
        ("hen", "Backyard Keepers"),
    ],
)
def test_a_word_finds_its_other_forms(communities, query, expected):
    """Without stemming, "chicken" would not find a page about "chickens", nor "mum" one about "mums"."""
    assert expected in found(query)


@pytest.mark.django_db
def test_communities_matching_every_word_come_first_then_those_matching_fewer(communities):
    """A search for two words must never come back empty when one of them matches, and the
    communities with both words must lead; otherwise people see nothing or the wrong community first."""
    results = found("parenting wales")
    assert results[0] == "Parenting Wales"
    assert set(results) == {"Netmums", "Parenting Wales", "Student Room", "Veterans Hub"}
    assert found("childcare schools")[:2] in (["Parenting Wales", "City Forum"], ["Parenting Wales", "Netmums"])
    assert found("zebra parenting")  # one unknown word does not empty the list


@pytest.mark.django_db
def test_which_words_each_community_matched(communities):
    """The search knows which words found nothing (bit per word), which is how typos are spotted."""
    plan = plan_search("money zebra", Thesaurus())
    bits = dict(ranked_matches(ForumPage, plan))
    assert bits and set(bits.values()) == {0b01}


@pytest.mark.django_db
def test_a_synonym_group_phrase_is_matched_as_a_phrase(communities):
    """ "local government" named by a synonym group finds the group's words, and the phrase as a phrase."""
    thesaurus = Thesaurus([["local government", "council"]])
    results = found("local government", thesaurus)
    assert results[0] == "Council Officers"
    assert "City Forum" not in results  # "local" alone is not "local government"


@pytest.mark.django_db
def test_the_subquery_matches_what_the_ranked_search_matches(communities):
    """Exports and Open Referral filter with the subquery: they must hold exactly the communities the listing shows."""
    plan = plan_search("parenting money", Thesaurus())
    sql, params = matching_sql(ForumPage, plan)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        subquery = {row[0] for row in cursor.fetchall()}
    assert subquery == {forum_id for forum_id, _bits in ranked_matches(ForumPage, plan)}


@pytest.mark.django_db
def test_no_words_find_nothing(communities):
    """An empty search must not list every community as a match."""
    assert ranked_matches(ForumPage, SearchPlan()) == []
    assert found("") == []


@pytest.mark.django_db
def test_drafts_are_matched_only_for_the_caller_to_drop(directory_index):
    """The match covers the index; what is listed is decided by the facet index, never by the match."""
    draft = ForumPageFactory(parent=directory_index, title="Parenting draft", live=False)
    draft.save_revision()
    assert found("parenting") == ["Parenting draft"]


def test_the_database_backends_are_recognised(settings):
    """The fast query must be the one for the database in use, or searches would fail or be slow."""
    assert backend_kind() == {"postgresql": "postgres", "sqlite": "sqlite"}[connection.vendor]
