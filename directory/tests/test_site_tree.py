"""The section pages and moderation wiring that every other feature stands on."""

import pytest
from wagtail.models import Page, WorkflowPage

from directory.models import DepartmentIndexPage, ForumIndexPage, NominationPage, ProgressPage
from directory.site_tree import ensure_directory_tree


@pytest.mark.django_db
def test_section_pages_are_created_once_and_live(site_tree, home_page):
    """Without this the Directory, Departments, Nominate and Progress links in the header would 404,
    or a second `make run` would duplicate them."""
    ensure_directory_tree(home_page)
    for model, slug in [
        (ForumIndexPage, "directory"),
        (DepartmentIndexPage, "departments"),
        (NominationPage, "nominate"),
        (ProgressPage, "progress"),
    ]:
        pages = model.objects.child_of(home_page)
        assert pages.count() == 1
        assert pages.get().live
        assert pages.get().url == f"/{slug}/"
    assert Page.objects.count() == 6  # root, home and four sections


@pytest.mark.django_db
def test_directory_changes_go_through_the_moderation_workflow(directory_index):
    """Without this an edit to a community would not wait for an editor's approval."""
    workflow_page = WorkflowPage.objects.get(page=directory_index)
    assert workflow_page.workflow.name == "Directory moderation"
    assert directory_index.get_workflow() == workflow_page.workflow
