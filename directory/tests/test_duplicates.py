"""Possible duplicates of an entry (directory/duplicates.py)."""

import pytest

from directory import nominations
from directory.duplicates import name_similarity, possible_duplicates
from directory.models import ForumPage, normalise_website
from directory.tests.factories import ForumPageFactory
from directory.tests.nomination_helpers import SAMPLE_CONTACT, sample_details

pytestmark = pytest.mark.django_db


def test_the_same_address_written_differently_is_a_possible_duplicate(directory_index):
    """An entry whose address differs only by scheme, "www." or a trailing slash is flagged (one language
    refuses a second such entry; another language's separate entry, or older data, can still have one).

    If this fails, an editor approves a second entry for a community already listed.
    """
    listed = ForumPageFactory(parent=directory_index, title="Net Parents", website="https://www.netparents.example/")
    other = ForumPageFactory(parent=directory_index, title="Something else")
    ForumPage.objects.filter(pk=other.pk).update(
        website="http://netparents.example", website_key=normalise_website("http://netparents.example")
    )
    other.refresh_from_db()
    assert possible_duplicates(other) == [(listed, "address")]


@pytest.mark.parametrize(
    ("first", "second"),
    [("Carers Corner", "Carers' Corner UK"), ("Mumsnet", "Mums Net"), ("The Poultry Keeper", "Poultry Keeper")],
)
def test_very_similar_names_are_possible_duplicates(directory_index, first, second):
    """Names that differ by punctuation, spacing, case or a word like "UK" are flagged, drafts included.

    If this fails, two nominations of the same community both get approved.
    """
    ForumPageFactory(parent=directory_index, title=first)
    nomination, _token = nominations.submit_nomination(
        sample_details(title=second, website="https://another.example.org/"), SAMPLE_CONTACT
    )
    assert [page.title for page, reason in possible_duplicates(nomination.forum)] == [first]


def test_different_communities_and_the_entrys_own_translations_are_not_duplicates(directory_index):
    """Unrelated names are not flagged, nor is the entry's own Welsh copy.

    If this fails, editors learn to ignore the list because it is always full.
    """
    entry = ForumPageFactory(parent=directory_index, title="Student Room")
    ForumPageFactory(parent=directory_index, title="Veterans Hub")
    ForumPageFactory(parent=directory_index, title="Student Money Saver")
    assert possible_duplicates(entry) == []
    assert name_similarity("Student Room", "student-room") == 1.0
