"""wagtail-localize's buttons in the page explorer, answered from the listing's own query."""

import pytest
from django.urls import reverse

from directory.tests.factories import ForumPageFactory

pytestmark = pytest.mark.django_db


def explorer(admin_client, directory_index):
    return admin_client.get(reverse("wagtailadmin_explore", args=[directory_index.pk]))


@pytest.mark.parametrize("count", [5, 30])
def test_explorer_with_translation_buttons_does_not_query_per_row(
    admin_client, directory_index, django_assert_max_num_queries, count
):
    """Without this, each row of the explorer would cost two more queries: seconds under 100,000 communities."""
    ForumPageFactory.create_batch(count, parent=directory_index)
    explorer(admin_client, directory_index)
    with django_assert_max_num_queries(45):
        response = explorer(admin_client, directory_index)
    assert response.status_code == 200
    assert len(response.context["pages"]) == count


def test_explorer_still_offers_translation(admin_client, directory_index):
    """Editors must still be able to send a community for translation into Welsh from the explorer."""
    forum = ForumPageFactory(parent=directory_index)
    content = explorer(admin_client, directory_index).content.decode()
    assert reverse("wagtail_localize:submit_page_translation", args=[forum.pk]) in content
    assert "Translate this page" in content
