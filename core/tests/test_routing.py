"""Routing to a child page in one query (core.routing): the same page Wagtail's routing finds, fewer queries."""

import pytest
from django.http import Http404
from django.test import RequestFactory
from wagtail.models import Page

from core.routing import child_table_links
from directory.models import DepartmentIndexPage, ForumIndexPage, ForumPage
from directory.tests.factories import ForumPageFactory

pytestmark = pytest.mark.django_db


def route(page, path):
    return page.route(RequestFactory().get("/" + path), [part for part in path.split("/") if part])


def test_a_section_is_found_with_its_own_fields_in_one_query(site_tree, home_page, django_assert_num_queries):
    """Every page below the home page costs one query less to reach; it must still be the real, specific page."""
    with django_assert_num_queries(1):
        found, _args, _kwargs = route(home_page, "directory/")
        assert type(found) is ForumIndexPage
        assert found.pk == site_tree["directory"].pk and found.intro == site_tree["directory"].specific.intro
        assert found.get_parent() == home_page  # kept from routing: the breadcrumbs need no query
    departments, _args, _kwargs = route(home_page, "departments/")
    assert type(departments) is DepartmentIndexPage


def test_a_community_is_reached_in_one_query_a_level(site_tree, home_page, django_assert_num_queries):
    forum = ForumPageFactory(parent=site_tree["directory"], slug="netmums", summary="Parents talk.")
    with django_assert_num_queries(2):
        found, _args, _kwargs = route(home_page, "directory/netmums/")
    assert type(found) is ForumPage and found.pk == forum.pk and found.summary == "Parents talk."


def test_a_child_of_another_type_still_takes_wagtails_path(home_page):
    """A plain page added below the home page by code is served as Wagtail would serve it."""
    plain = home_page.add_child(instance=Page(title="About", slug="about", live=True))
    found, _args, _kwargs = route(home_page, "about/")
    assert type(found) is Page and found.pk == plain.pk
    assert Page not in child_table_links(type(home_page))


def test_missing_and_draft_pages_are_not_found(site_tree, home_page):
    """A wrong address or an unpublished community gives the visitor a 404, never the draft."""
    ForumPageFactory(parent=site_tree["directory"], slug="draft", live=False)
    for path in ("nowhere/", "directory/nowhere/", "directory/draft/"):
        with pytest.raises(Http404):
            route(home_page, path)


def test_a_page_and_its_sub_addresses_are_served_by_the_views_it_names(site_tree, home_page):
    """A community's page, its suggest / report / history journeys and nothing else answer below its address."""
    forum = ForumPageFactory(parent=site_tree["directory"], slug="netmums")
    for subpath, view in [("", "forum_page"), ("suggest/", "suggest_edit"), ("history/", "change_history")]:
        found, args, _kwargs = route(home_page, f"directory/netmums/{subpath}")
        assert found.pk == forum.pk
        assert args[0].__name__ == view, f"/directory/netmums/{subpath} would be served by the wrong view"
    with pytest.raises(Http404):
        route(home_page, "directory/netmums/anything-else/")


def test_page_models_import_no_views():
    """The page models name their views by a dotted path only: importing a view module there makes a circle."""
    import ast
    from pathlib import Path

    import directory.models

    for module in Path(directory.models.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith(("directory.journeys", "directory.pages", "directory.listing")), (
                    f"{module.name} imports {node.module}"
                )
