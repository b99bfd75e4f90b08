"""Deriving the next facet index from the previous one: the same index a full build would give, without the build."""

import random

import pytest

from directory.caching import current_content_version, public_content_changed
from directory.listing import facet_index
from directory.listing.facet_build import build
from directory.listing.facet_patch import derive
from directory.models import EngagementPreference, ForumPage, PublicContentChange
from directory.models.public import PublicScope
from directory.tests.factories import (
    AudienceFactory,
    CommunityTypeFactory,
    DepartmentPageFactory,
    EngagementFactory,
    ForumPageFactory,
    RegionFactory,
    publish_change,
)


def built_now():
    public = PublicScope()
    return build(public, public.language, current_content_version())


def derived_now(previous):
    public = PublicScope()
    return derive(previous, public, public.language, current_content_version())


def assert_same(derived, built):
    """Everything a listing reads from the index must be what a full build gives."""
    assert derived.version == built.version
    assert list(derived.ids) == list(built.ids)
    assert derived.masks == built.masks, "a facet count or filter would differ from the database"
    assert derived.terms == built.terms
    assert {sort: list(order) for sort, order in derived.orders.items()} == {
        sort: list(order) for sort, order in built.orders.items()
    }
    assert derived.words == built.words and derived.title_stems == built.title_stems
    assert list(derived.fingerprints) == list(built.fingerprints)
    if built.entries is not None:
        assert derived.entries[0] == built.entries[0] and list(derived.entries[1]) == list(built.entries[1])


@pytest.fixture
def vocabulary(db):
    return {
        "audience": [AudienceFactory(slug=slug) for slug in ("parents", "carers", "students")],
        "region": [RegionFactory(slug=slug) for slug in ("wales", "scotland")],
        "type": [CommunityTypeFactory(slug=slug) for slug in ("forum", "group")],
    }


@pytest.mark.django_db
def test_text_and_facet_edits_give_the_index_a_build_would(directory_index, departments_index, vocabulary):
    """A citizen filtering after an editor's edit must see the counts the database holds, with no rebuild."""
    rng = random.Random(22)
    audiences, regions, types = vocabulary["audience"], vocabulary["region"], vocabulary["type"]
    department = DepartmentPageFactory(parent=departments_index, slug="dwp")
    forums = []
    for number in range(8):
        forum = ForumPageFactory(
            parent=directory_index,
            title=f"Community {number}",
            topics=["money", "parenting", "housing"][: 1 + number % 3],
            audiences=audiences[: 1 + number % 3],
            regions=regions[: 1 + number % 2],
            community_type=types[number % 2],
            members=100 * number,
        )
        forums.append(publish_change(forum))  # published through Wagtail, as every listed community is
    EngagementFactory(department=department, forum=forums[0])
    previous = built_now()
    derived_count = 0
    for _step in range(25):
        forum = rng.choice(forums)
        page = ForumPage.objects.get(pk=forum.pk)
        edit = rng.choice(["summary", "topics", "audiences", "regions", "type", "preference"])
        if edit == "topics":
            page.topics.set(rng.sample(["money", "parenting", "housing"], rng.randint(1, 2)))
        elif edit == "audiences":
            page.audiences.set(rng.sample(audiences, rng.randint(1, 2)))
        elif edit == "regions":
            page.regions.set(rng.sample(regions, 1))
        elif edit == "type":
            page.community_type = rng.choice(types)
        elif edit == "preference":
            page.engagement_preference = rng.choice(EngagementPreference.values)
        else:
            page.summary = f"Edited {_step}"
        page.save_revision().publish()
        derived, built = derived_now(previous), built_now()
        if derived is not None:
            derived_count += 1
            assert_same(derived, built)
        previous = built
    assert derived_count >= 22, "most edits must be derived: only a facet option's first or last use needs a build"


@pytest.mark.django_db
def test_a_summary_edit_is_derived_and_a_rename_resize_or_unpublish_is_built(directory_index, vocabulary):
    """Places change when a community is renamed, resized or leaves the listing: those must be built afresh."""
    alpha = publish_change(ForumPageFactory(parent=directory_index, title="Alpha", topics=["money"], members=10))
    publish_change(ForumPageFactory(parent=directory_index, title="Beta", topics=["money"], members=20))
    previous = built_now()
    publish_change(alpha, summary="New words")
    derived = derived_now(previous)
    assert derived is not None, "a summary edit must not need the index built again"
    assert_same(derived, built_now())
    for changes in ({"title": "Zulu"}, {"members": 5000}):
        previous = built_now()
        alpha = publish_change(alpha, **changes)
        assert derived_now(previous) is None, f"{changes} moves the community in an order: it needs a build"
    previous = built_now()
    ForumPage.objects.get(pk=alpha.pk).unpublish()
    assert derived_now(previous) is None
    previous = built_now()
    public_content_changed()  # a change that is not a page's (a bulk update, vocabulary, settings)
    assert derived_now(previous) is None


@pytest.mark.django_db
def test_a_change_not_yet_committed_between_two_versions_means_a_build(directory_index, vocabulary):
    """A publish still in its transaction leaves a gap in the change log: deriving past it would lose that change."""
    alpha = publish_change(ForumPageFactory(parent=directory_index, title="Alpha", topics=["money"]))
    previous = built_now()
    publish_change(alpha, summary="One")
    publish_change(alpha, summary="Two")
    assert derived_now(previous) is not None
    PublicContentChange.objects.filter(pk=previous.version[0] + 1).delete()  # as if not committed yet
    assert derived_now(previous) is None


@pytest.mark.django_db
def test_a_publish_that_changes_nothing_the_index_holds_builds_nothing(directory_index, vocabulary, monkeypatch):
    """After an operator updates their summary, listings stay fast: the next index is derived, not built."""
    forum = publish_change(ForumPageFactory(parent=directory_index, title="Alpha", topics=["money", "parenting"]))
    publish_change(ForumPageFactory(parent=directory_index, title="Beta", topics=["parenting"]))
    facet_index.forget_indexes()
    public = PublicScope()
    facet_index.facet_index(public, public.language)
    builds = []
    monkeypatch.setattr(facet_index, "build", lambda *args: builds.append(args) or build(*args))
    page = ForumPage.objects.get(pk=forum.pk)
    page.summary = "Now with a weekly meet-up"
    page.topics.set(["money"])
    page.save_revision().publish()
    index = facet_index.facet_index(public, public.language)
    assert index.version == current_content_version()
    assert index.counts("topic", index.everything) == {"money": 1, "parenting": 1}, (
        "the counts must follow the edit at once"
    )
    assert builds == [], "an edit of texts and topics must not rebuild the whole index"
