"""The one-query text match: stems, any-word matching ranked by words matched, phrases, and its SQL subquery.

These run on the database in use: SQLite (FTS5 with the porter tokenizer) or PostgreSQL (English
configuration); the same behaviour is expected of both.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from directory.listing.query import SearchPlan, Thesaurus, plan_search
from directory.listing.text_search import backend_kind, concept_matches, matching_sql, ranked_matches
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


def matched(terms):
    """For each word of ``terms``, the titles of the communities ``concept_matches`` finds."""
    titles = dict(ForumPage.objects.values_list("pk", "title"))
    return [sorted(titles[i] for i in ids) for ids in concept_matches(ForumPage, plan_search(terms, Thesaurus()))]


@pytest.mark.django_db
def test_the_listing_match_follows_every_change_to_the_index(communities):
    """The listing's match reads its own copy of the index's words on PostgreSQL: a community edited,
    deleted or indexed again must be found by its words as they are now, or people would find
    communities by words they no longer have, or miss new ones."""
    assert matched("parenting money") == [
        ["Netmums", "Parenting Wales", "Student Room", "Veterans Hub"],
        ["Money Saving Expert", "Parenting Wales", "Student Room"],
    ]
    veterans = communities["Veterans Hub"]
    veterans.summary = "Ex-service people share advice on money and pensions."
    veterans.save_revision().publish()
    communities["Student Room"].delete()
    assert matched("parenting money") == [
        ["Netmums", "Parenting Wales"],
        ["Money Saving Expert", "Parenting Wales", "Veterans Hub"],
    ]
    before = matched("parenting money pensions")
    call_command("update_index", stdout=StringIO(), stderr=StringIO())
    assert matched("parenting money pensions") == before
    assert before[2] == ["Veterans Hub"]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the copy of the index's words is PostgreSQL's")
def test_the_copy_of_the_index_words_holds_one_row_per_entry(communities):
    """Rows left behind after a rebuild would be matched (and cost time) for entries long gone."""
    call_command("update_index", stdout=StringIO(), stderr=StringIO())
    call_command("update_index", stdout=StringIO(), stderr=StringIO())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM directory_searchdocument), (SELECT count(*) FROM wagtailsearch_indexentry), "
            "(SELECT count(*) FROM wagtailsearch_indexentry e JOIN directory_searchdocument d ON d.entry_id = e.id "
            "AND d.document = e.title || e.body)"
        )
        documents, entries, same = cursor.fetchone()
    assert documents == entries == same > len(TEXTS)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="an index of PostgreSQL's search table")
def test_setting_new_entries_title_weight_reads_only_those_entries(communities):
    """Each publish would read the whole search table (editors wait, visitors' pages slow) to weigh one title."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as at scale, where the table is large
        cursor.execute(
            "EXPLAIN UPDATE wagtailsearch_indexentry SET title_norm = 2.0 / length(title) "
            "WHERE title_norm = 1.0 AND length(title) > 0"
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "directory_indexentry_new_title_norm" in plan


def test_the_database_backends_are_recognised(settings):
    """The fast query must be the one for the database in use, or searches would fail or be slow."""
    assert backend_kind() == {"postgresql": "postgres", "sqlite": "sqlite"}[connection.vendor]
