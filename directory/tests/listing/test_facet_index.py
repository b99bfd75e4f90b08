"""The facet index: bitmaps that count right, pages in the right order, and a rebuild on every change."""

import gc
import random

import pytest

from directory.listing.facet_index import facet_index, mask_of, set_bits
from directory.listing.filters import ORDERINGS
from directory.models import ForumPage, ForumStatus
from directory.models.public import PublicScope, listed_forums
from directory.tests.factories import (
    AudienceFactory,
    DepartmentPageFactory,
    EngagementFactory,
    ForumPageFactory,
)


def test_set_bits_pages_through_a_bitmap_like_a_sorted_list():
    """Page N of a listing must hold the same communities as slicing the full sorted list."""
    rng = random.Random(2009)
    for size in (1, 63, 64, 65, 1000, 5000):
        chosen = sorted(rng.sample(range(size), rng.randint(0, size)))
        mask = mask_of(chosen, size)
        assert mask.bit_count() == len(chosen)
        for start, count in ((0, 20), (20, 20), (len(chosen) - 3, 20), (len(chosen) + 5, 20), (7, 0)):
            assert set_bits(mask, max(start, 0), count) == chosen[max(start, 0) : max(start, 0) + count]


def current_index():
    public = PublicScope()
    return facet_index(public, public.language)


@pytest.mark.django_db
def test_the_index_follows_publishing_at_once(directory_index):
    """A community published, unpublished or delisted must show or vanish in the counts at the next request."""
    first = ForumPageFactory(parent=directory_index, title="Alpha")
    assert current_index().ids == [first.pk]
    second = ForumPageFactory(parent=directory_index, title="Beta", live=False)
    second.save_revision().publish()
    assert current_index().ids == [first.pk, second.pk]
    ForumPage.objects.get(pk=second.pk).unpublish()
    assert current_index().ids == [first.pk]
    ForumPage.objects.filter(pk=first.pk).update(status=ForumStatus.DELISTED)
    from directory.caching import public_content_changed

    public_content_changed()  # as every bulk update in the code does
    assert current_index().ids == []


@pytest.mark.django_db
def test_a_draft_save_does_not_rebuild_the_index(directory_index):
    """Editors saving drafts must not slow the public listing down: only public changes rebuild it."""
    forum = ForumPageFactory(parent=directory_index, title="Alpha")
    index = current_index()
    forum.title = "Alpha (draft title)"
    forum.save_revision()
    assert current_index() is index


@pytest.mark.django_db
def test_a_large_index_is_left_out_of_full_garbage_collections(directory_index, monkeypatch):
    """At 100,000 communities the collector's full passes over the index paused listings; a large index is frozen."""
    from directory.listing import facet_index as module

    ForumPageFactory(parent=directory_index, title="Alpha")
    frozen = gc.get_freeze_count()
    try:
        current_index()
        assert gc.get_freeze_count() == frozen, "a small index must not freeze anything"
        monkeypatch.setattr(module, "FREEZE_FROM", 1)
        ForumPageFactory(parent=directory_index, title="Beta")  # a change: the next listing rebuilds
        index = current_index()
        assert index.size == 2
        assert gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()


@pytest.mark.django_db
def test_orders_match_the_database(directory_index):
    """Sorting by newest or largest must give the same order as sorting in the database."""
    rng = random.Random(7)
    for _number in range(30):
        ForumPageFactory(
            parent=directory_index, title=f"Community {rng.randint(0, 9)}", members=rng.choice([None, 10, 500, 500])
        )
    index = current_index()
    forums = listed_forums()
    assert index.ids == list(forums.order_by(*ORDERINGS["name"]).values_list("pk", flat=True))
    newest = forums.order_by(*ORDERINGS["newest"]).values_list("pk", flat=True)
    assert index.page(index.everything, 0, 30, sort="newest") == list(newest)
    largest = forums.order_by(*ORDERINGS["largest"]).values_list("pk", flat=True)
    assert index.page(index.everything, 0, 30, sort="largest") == list(largest)
    assert index.page(index.everything, 10, 5, sort="largest") == list(largest)[10:15]


@pytest.mark.django_db
def test_counts_are_exact_for_every_value(directory_index, departments_index):
    """Each facet count must equal the number of listed communities with that value."""
    parents, carers = AudienceFactory(slug="parents"), AudienceFactory(slug="carers")
    department = DepartmentPageFactory(parent=departments_index, slug="dwp")
    for number in range(12):
        forum = ForumPageFactory(parent=directory_index, title=f"Forum {number}")
        forum.audiences.set([parents] if number % 3 else [parents, carers])
        forum.save_revision().publish()
        if number % 4 == 0:
            EngagementFactory(department=department, forum=forum)
    index = current_index()
    assert index.counts("audience", index.everything) == {"parents": 12, "carers": 4}
    assert index.counts("department", index.everything) == {"dwp": 3}
    carers_only = index.selection("audience", ["carers"])
    assert index.counts("department", carers_only) == {"dwp": 1}  # forums 0, 3, 6, 9 and 0, 4, 8 share 0
    assert index.selection("audience", ["nobody-uses-this"]) == 0


@pytest.mark.django_db
def test_a_kept_search_never_outlives_a_change(directory_index):
    """A search repeated after a matching community is published must find it, and one unpublished must go."""
    from django.http import QueryDict

    from directory.listing.filters import DirectoryFilters
    from directory.listing.results import search_directory

    def found():
        return search_directory(DirectoryFilters.from_querydict(QueryDict("q=parenting"))).total

    ForumPageFactory(parent=directory_index, title="Parenting one")
    assert found() == 1
    assert found() == 1  # kept: the same answer
    newcomer = ForumPageFactory(parent=directory_index, title="Parenting two", live=False)
    newcomer.save_revision().publish()
    assert found() == 2
    ForumPage.objects.get(pk=newcomer.pk).unpublish()
    assert found() == 1
