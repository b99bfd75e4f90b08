"""Relevance as buckets: every word matched first, then words in the title, then labels that say it.

If these fail, a citizen searching "poultry chickens" finds a community that only mentions hens in
passing above the one named for them, or a community indexed a moment after a publish is missing.
"""

import gc
import weakref

import pytest
from modelsearch.conf import get_app_config
from modelsearch.index import insert_or_update_object

from directory.listing.engine import Engine
from directory.listing.ranking import title_stems
from directory.tests.factories import ForumPageFactory


def test_titles_are_indexed_by_stem_and_numbers_left_to_the_search_backend():
    assert title_stems(["Mums Together", "Mum's Net 2024", "Poultry"]) == {
        "mum": [0, 1],
        "togeth": [0],
        "s": [1],
        "net": [1],
        "poultri": [2],
    }


@pytest.mark.django_db
def test_all_words_then_title_then_labels_then_name(directory_index, vocab):
    def forum(title, summary, **kwargs):
        return ForumPageFactory(parent=directory_index, title=title, summary=summary, description="", **kwargs)

    forum("Allotment Friends", "Growing vegetables; a few keep chickens too.")  # one word, in passing
    forum("Backyard Chickens", "Keeping hens in the garden.")  # one word, in the title
    forum("Garden Keepers", "Poultry and chickens at home.")  # both words, neither in the title
    forum("Poultry Chickens", "Everything about hens.")  # both words, both in the title
    forum("Chicken Coop", "Poultry keeping.", audiences=[vocab["parents"]])  # both, one in the title
    forum("Chicken Run", "Poultry keepers.", topics=["poultry"])  # both, one in the title, and a topic
    match = Engine().text_match("poultry chickens")
    assert [page.title for page in Engine().page(match.mask, 0, 10, sort="relevance", ranked=match.order)] == [
        "Poultry Chickens",
        "Chicken Run",
        "Chicken Coop",
        "Garden Keepers",
        "Backyard Chickens",
        "Allotment Friends",
    ]


@pytest.mark.django_db
def test_a_community_indexed_after_the_facet_index_was_built_is_found(directory_index):
    """The search index can be written a moment after a publish (by the task worker): still found."""
    forum = ForumPageFactory(parent=directory_index, title="Quiet Streets", summary="Noisy neighbours.")
    index = Engine().index  # built with the search index's entries there are now
    entries = get_app_config().get_model("IndexEntry").objects.filter(object_id=str(forum.pk))
    entries.delete()
    insert_or_update_object(forum)  # a new entry, which the facet index has not seen
    engine = Engine()
    assert engine.index is index, "the test needs the facet index from before the new entry"
    match = engine.text_match("neighbours")
    assert [page.title for page in engine.page(match.mask, 0, 10, sort="relevance", ranked=match.order)] == [
        "Quiet Streets"
    ]


@pytest.mark.django_db
def test_an_index_replaced_after_searches_is_freed_at_once(directory_index):
    """If this fails, every publish leaves the previous index (megabytes at scale) in every worker's memory."""
    ForumPageFactory(parent=directory_index, title="Mums Together", summary="Parents.")
    engine = Engine()
    assert engine.text_match("parents").ids  # a search kept with the index, its ids worked out
    previous = weakref.ref(engine.index)
    del engine
    collecting = gc.isenabled()
    gc.disable()  # freed by reference counting alone: no cycle may hold it until a collection
    try:
        ForumPageFactory(parent=directory_index, title="Dads Together", summary="Parents.")  # a new index
        Engine().text_match("parents")
        assert previous() is None
    finally:
        if collecting:
            gc.enable()
