"""Revision comparisons of numbers and dates (directory/admin/compare.py)."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from directory.tests.factories import ForumPageFactory

pytestmark = pytest.mark.django_db


def test_a_figure_added_to_an_entry_compares_without_none(admin_client, directory_index):
    """Adding a member count and a date shows just the new values, not "None120000".

    If this fails, editors comparing revisions read nonsense where a figure was added.
    """
    page = ForumPageFactory(parent=directory_index, members=None, figures_as_of=None)
    old = page.save_revision()
    draft = page.get_latest_revision_as_object()
    draft.members = 120000
    draft.figures_as_of = datetime.date(2026, 3, 1)
    new = draft.save_revision()
    response = admin_client.get(reverse("wagtailadmin_pages:revisions_compare", args=[page.pk, old.pk, new.pk]))
    assert response.status_code == 200
    text = BeautifulSoup(response.content, "html.parser").get_text()
    assert "None" not in text
    additions = [node.get_text() for node in BeautifulSoup(response.content, "html.parser").select(".addition")]
    assert "120000" in additions or "120,000" in additions
    assert not BeautifulSoup(response.content, "html.parser").select(".deletion")
