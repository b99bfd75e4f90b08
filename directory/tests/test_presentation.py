"""Breadcrumbs: the same way back whether a page was routed to or loaded on its own."""

import pytest

from directory.models import ForumPage
from directory.presentation import breadcrumbs_for
from directory.tests.factories import ForumPageFactory


@pytest.mark.django_db
def test_breadcrumbs_are_the_same_from_routing_and_from_the_tree(client, directory_index, django_assert_num_queries):
    """A community page reached through the site and one loaded on its own (a preview) must offer the same way back."""
    forum = ForumPageFactory(parent=directory_index, slug="money-forum")
    routed = client.get("/directory/money-forum/").context["breadcrumbs"]
    fresh = ForumPage.objects.get(pk=forum.pk)
    with django_assert_num_queries(1):  # not routed: its ancestors are read in one query
        loaded = breadcrumbs_for(fresh)
    home = directory_index.get_parent()
    expected = [{"url": "/", "title": home.title}, {"url": "/directory/", "title": directory_index.title}]
    assert routed == loaded == expected
