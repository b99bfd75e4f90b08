"""The facet index: bitmaps that count right, pages in the right order, and a new index on every change."""

import random

import pytest

from directory.listing.bitmaps import FacetIndex, bitmap_of
from directory.listing.facet_index import facet_index
from directory.listing.filters import ORDERINGS
from directory.models import ForumPage, ForumStatus
from directory.models.public import PublicScope, listed_forums
from directory.tests.factories import (
    AudienceFactory,
    DepartmentPageFactory,
    EngagementFactory,
    ForumPageFactory,
)


def test_a_page_in_name_order_is_a_slice_of_the_sorted_list():
    """Page N of a listing must hold the same communities as slicing the full sorted list."""
    rng = random.Random(2009)
    for size in (1, 63, 64, 65, 1000, 5000):
        ids = rng.sample(range(1, 10 * size + 1), size)
        index = FacetIndex((1, "x"), ids, {}, {}, list(range(size)), list(range(size)))
        chosen = sorted(rng.sample(range(size), rng.randint(0, size)))
        mask = bitmap_of(chosen)
        assert len(mask) == len(chosen)
        for start, count in ((0, 20), (20, 20), (len(chosen) - 3, 20), (len(chosen) + 5, 20), (7, 0)):
            start = max(start, 0)
            assert index.page(mask, start, count) == [ids[place] for place in chosen[start : start + count]]
        assert all(index.place_of(forum_id) == place for place, forum_id in enumerate(ids))
        assert index.place_of(0) is None


def current_index():
    public = PublicScope()
    return facet_index(public, public.language)


@pytest.mark.django_db
def test_the_index_follows_publishing_at_once(directory_index):
    """A community published, unpublished or delisted must show or vanish in the counts at the next request."""
    first = ForumPageFactory(parent=directory_index, title="Alpha")
    assert list(current_index().ids) == [first.pk]
    second = ForumPageFactory(parent=directory_index, title="Beta", live=False)
    second.save_revision().publish()
    assert list(current_index().ids) == [first.pk, second.pk]
    ForumPage.objects.get(pk=second.pk).unpublish()
    assert list(current_index().ids) == [first.pk]
    ForumPage.objects.filter(pk=first.pk).update(status=ForumStatus.DELISTED)
    from directory.caching import public_content_changed

    public_content_changed()  # as every bulk update in the code does
    assert list(current_index().ids) == []


@pytest.mark.django_db
def test_a_draft_save_does_not_rebuild_the_index(directory_index):
    """Editors saving drafts must not slow the public listing down: only public changes rebuild it."""
    forum = ForumPageFactory(parent=directory_index, title="Alpha")
    index = current_index()
    forum.title = "Alpha (draft title)"
    forum.save_revision()
    assert current_index() is index


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
    assert list(index.ids) == list(forums.order_by(*ORDERINGS["name"]).values_list("pk", flat=True))
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
    assert len(index.selection("audience", ["nobody-uses-this"])) == 0


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
