"""What counts as a change to public content (directory/caching.py): topics.

Every counted change forgets every cached page on every node and rebuilds the facet index, so
what anyone can do without an editor (nominate a community with new topics) must not count.
"""

import pytest
from django.db import connection, transaction
from taggit.models import Tag
from wagtail.models import PageViewRestriction

from directory.caching import current_content_version, public_content_changed
from directory.models import ForumPage, PublicContentChange
from directory.nominations import submit_nomination
from directory.tests.factories import DepartmentPageFactory, ForumPageFactory
from directory.tests.nomination_helpers import SAMPLE_CONTACT, request_changes, sample_details

pytestmark = pytest.mark.django_db


def test_a_nomination_with_new_topics_changes_nothing_public(site_tree, editor):
    """Nominating a community with topics nobody used before, or an editor turning it down, leaves the
    caches and the facet index alone.

    If this fails, anyone posting nominations with made-up topics empties every node's page cache
    and makes each one rebuild its facet index, over and over.
    """
    before = current_content_version()
    nomination, _token = submit_nomination(
        sample_details(topics=["Brand new topic", "Another new topic"]), SAMPLE_CONTACT
    )
    assert Tag.objects.filter(slug__in=["brand-new-topic", "another-new-topic"]).count() == 2
    request_changes(nomination.forum, editor, "Not a peer-support community.")
    assert current_content_version() == before


@pytest.fixture
def topics(directory_index, departments_index):
    """A topic on a live community, one on a public body, one on a draft, one on a private community."""
    ForumPageFactory(parent=directory_index, topics=["Shown"])
    department = DepartmentPageFactory(parent=departments_index)
    department.topics.add("Remit")
    department.save()
    ForumPageFactory(parent=directory_index, topics=["Drafted"], live=False)
    private = ForumPageFactory(parent=directory_index, topics=["Hidden"])
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="x")
    return {tag.slug: tag for tag in Tag.objects.all()}


@pytest.mark.parametrize(("slug", "public"), [("shown", True), ("drafted", False), ("hidden", False)])
def test_renaming_or_deleting_a_topic_counts_only_when_a_public_page_shows_it(topics, slug, public):
    """Renaming or deleting a topic changes public content only when a live, public page has it.

    If this fails, either a renamed topic keeps its old name in cached pages and facets, or
    topics nobody can see flush every cache.
    """
    topic = topics[slug]
    before = current_content_version()
    topic.name = "Renamed"
    topic.save()
    renamed = current_content_version()
    assert (renamed != before) is public
    topic.delete()
    assert (current_content_version() != renamed) is public


def test_a_public_bodys_topics_count_too(topics, departments_index):
    """A public body shows its topics on its page: renaming one is a public change."""
    before = current_content_version()
    topic = topics["remit"]
    topic.name = "Remit renamed"
    topic.save()
    assert current_content_version() != before


@pytest.mark.django_db
def test_many_changes_in_a_row_build_the_indexes_once_at_the_end(directory_index, django_capture_on_commit_callbacks):
    """An import of many rows must not rebuild every language's facet index after each row."""
    from django.db import transaction

    from directory.caching import changes_in_bulk, public_content_committed

    committed = []

    def receiver(**kwargs):
        committed.append(1)

    public_content_committed.connect(receiver)
    try:
        with changes_in_bulk():
            for number in range(3):
                with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
                    ForumPageFactory(parent=directory_index, title=f"Imported {number}")
            assert committed == [], "the indexes were built before the last change"
        assert committed == [1]
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            ForumPageFactory(parent=directory_index, title="One more")
        assert committed == [1, 1], "a change outside a bulk run builds at once"
    finally:
        public_content_committed.disconnect(receiver)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two transactions at once need a second real connection")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # as every test that commits
def test_a_change_committed_after_a_newer_one_moves_the_version_on(site_tree):
    """Two editors publishing at once: the listing would show the slower one's change only after the next publish."""
    other = connection.Database.connect(**connection.get_connection_params(), autocommit=True)  # the other editor
    try:
        with transaction.atomic():
            public_content_changed()
            mine = PublicContentChange.objects.order_by("-pk").values_list("pk", flat=True).first()
            with other.cursor() as cursor:  # the other editor's change: begun later, committed first
                cursor.execute(
                    "INSERT INTO directory_publiccontentchange (token, changed_at) VALUES ('other', now()) RETURNING id"
                )
                theirs = cursor.fetchone()[0]
        assert theirs > mine
        assert current_content_version()[0] > theirs, "the indexes would stay keyed on a version without our change"
    finally:
        other.close()


@pytest.mark.django_db
def test_a_publish_builds_each_language_s_index_once(directory_index, django_capture_on_commit_callbacks):
    """A publish saves the page and sends two signals: each would otherwise queue every language's
    index build again, and empty the page cache again, for the same change."""
    from directory.caching import public_content_committed

    forum = ForumPageFactory(parent=directory_index, title="Money Talk")
    committed = []

    def receiver(**kwargs):
        committed.append(1)

    public_content_committed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            forum.save_revision().publish()
        assert len(callbacks) > 1, "the publish sent one change only: this test no longer shows anything"
        assert committed == [1]
        with django_capture_on_commit_callbacks(execute=True):
            ForumPage.objects.get(pk=forum.pk).save_revision().publish()
        assert committed == [1, 1], "the next publish is a change of its own"
    finally:
        public_content_committed.disconnect(receiver)
