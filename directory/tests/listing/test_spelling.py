"""Did you mean: the closest known word to a word that matched nothing, found without a query.

If these fail, a citizen's typo is "corrected" into an unrelated word, or every misspelt search
waits for the database to compare every title.
"""

import pytest

from directory.listing import facet_index
from directory.listing.engine import Engine
from directory.listing.spelling import closest_known, known_words
from directory.tests.factories import ForumPageFactory


def test_the_closest_word_wins_and_equal_scores_go_to_the_nearest_length():
    vocabulary = known_words(["Mumsnet", "Mums and Dads", "Poultry Keepers"])
    assert closest_known(["mumsnt", "poltry", "zzzz"], vocabulary) == {"mumsnt": "mumsnet", "poltry": "poultry"}


def test_a_known_word_is_never_corrected_into_another():
    assert closest_known(["mums"], known_words(["Mums", "Mumsnet"])) == {}


@pytest.mark.django_db
def test_a_misspelt_search_is_corrected_from_the_index_without_reading_titles(
    directory_index, django_assert_num_queries
):
    """The index carries its language's words (titles and labels), also when copied from another process."""
    ForumPageFactory(parent=directory_index, title="Backyard Poultry Keepers", topics=["poultry"])
    Engine().text_match("warm up")  # builds the index and reads the synonyms
    facet_index.forget_indexes()  # as a new worker: the index comes from the shared copy
    with django_assert_num_queries(4):  # the content version, the synonyms, the search, the corrected search
        match = Engine().text_match("poltry")
    assert match.suggestion == "poultry" and len(match.ids) == 1
