"""Routes held per content version (home/routes.py): fewer queries, never a stale or shared page."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, Page, PageViewRestriction, Site

from directory.models import ForumPage
from directory.tests.factories import ForumPageFactory, publish_change
from home import routes

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum(directory_index):
    page = ForumPageFactory(parent=directory_index, title="Money Talk", slug="money-talk", summary="Money help.")
    page.save_revision().publish()
    return ForumPage.objects.get(pk=page.pk)


def page_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    tables = ("wagtailcore_page", "wagtailcore_site")
    return [query["sql"] for query in queries if any(table in query["sql"] for table in tables)]


def test_an_address_asked_again_is_routed_without_looking_up_the_site_or_pages(client, forum):
    """Every page view would ask the database for the site and each page down its address again."""
    first = page_queries(client, forum.url)
    again = page_queries(client, forum.url)

    assert not [sql for sql in again if "wagtailcore_site" in sql]
    assert len(again) < len(first)
    assert client.get(forum.url).context["page"].pk == forum.pk


def test_a_renamed_address_is_followed_at_once(client, forum):
    """After an editor changes a community's slug, the old address would keep serving it (and the new one 404)."""
    assert client.get("/directory/money-talk/").status_code == 200

    publish_change(forum, slug="money-talk-uk")

    assert client.get("/directory/money-talk/").status_code == 404
    assert client.get("/directory/money-talk-uk/").status_code == 200


def test_an_unpublished_community_is_gone_at_the_next_request(client, forum):
    """A community an editor takes down would stay public in every worker that had served it."""
    assert client.get(forum.url).status_code == 200

    ForumPage.objects.get(pk=forum.pk).unpublish()

    assert client.get(forum.url).status_code == 404


def test_a_page_made_private_asks_for_its_password_at_once(client, forum):
    """A page an editor makes private would stay open to the public from a held route."""
    assert client.get(forum.url).status_code == 200

    PageViewRestriction.objects.create(page=forum, restriction_type=PageViewRestriction.PASSWORD, password="x")

    response = client.get(forum.url)
    assert response.status_code == 200
    assert "password" in response.content.decode().lower()
    assert "Money help." not in response.content.decode()


def test_a_held_private_page_still_asks_each_visitor(client, forum):
    """The password one visitor gave would open a held page to everyone, or the lifted restriction stay."""
    restriction = PageViewRestriction.objects.create(
        page=forum, restriction_type=PageViewRestriction.PASSWORD, password="hushword"
    )
    assert "Money help." not in client.get(forum.url).content.decode()
    answer = client.post(
        f"/_util/authenticate_with_password/{restriction.pk}/{forum.pk}/",
        {"password": "hushword", "return_url": forum.url},
    )
    assert answer.status_code == 302

    assert "Money help." in client.get(forum.url).content.decode()
    assert "Money help." not in Client().get(forum.url).content.decode()
    restriction.delete()
    assert "Money help." in Client().get(forum.url).content.decode()


def test_a_new_title_shows_on_a_held_route(client, forum):
    """A held route must not keep an old copy of the page: an edit would not show until a restart."""
    client.get(forum.url)

    publish_change(forum, title="Money Talk Forum")

    assert "Money Talk Forum" in client.get(forum.url).content.decode()


def test_each_request_gets_its_own_copy_of_the_page(client, forum, monkeypatch):
    """Two requests sharing one page object could show each other's state (threads serve requests side by side)."""
    seen = []
    original = routes.route_for_request

    def spy(request, path):
        route = original(request, path)
        seen.append((route.page, request._wagtail_site))
        return route

    monkeypatch.setattr("home.views.route_for_request", spy)
    client.get(forum.url)
    client.get(forum.url)
    client.get(forum.url)

    pages = [page for page, _site in seen]
    sites = [site for _page, site in seen]
    assert len({id(page) for page in pages}) == 3
    assert len({id(site) for site in sites}) == 3
    assert {page.pk for page in pages} == {forum.pk}


def test_a_community_page_s_own_sub_addresses_run_on_the_request_s_page(client, forum):
    """The report and suggest forms hang off the community's page: a held route must bind them to a fresh copy."""
    assert client.get(f"{forum.url}report/").status_code == 200
    response = client.get(f"{forum.url}report/")

    assert response.status_code == 200
    request = response.wsgi_request
    assert request._wagtail_route_for_request.page is request.routable_resolver_match.func.__self__


def test_english_and_welsh_addresses_are_held_apart(client, home_page):
    """The Welsh site would serve English pages (or the reverse) if one language's routes answered for the other."""
    welsh_home = home_page.copy_for_translation(Locale.objects.get_or_create(language_code="cy")[0])
    welsh_home.save_revision().publish()
    assert client.get("/").status_code == client.get("/cy/").status_code == 200

    assert client.get("/").context["page"].locale.language_code == "en"
    assert client.get("/cy/").context["page"].locale.language_code == "cy"


def test_a_site_moved_to_another_root_is_routed_there(client, forum, home_page):
    """An administrator pointing the site at another root page would see the old tree until a restart."""
    assert client.get("/").context["page"].pk == home_page.pk
    other_root = Page.get_first_root_node().add_child(title="Maintenance", slug="maintenance", live=True)

    site = Site.objects.get(is_default_site=True)
    site.root_page = other_root
    site.save()

    assert client.get("/").context["page"].pk == other_root.pk


def test_no_more_addresses_are_held_than_the_limit_and_the_busiest_stay(client, directory_index, monkeypatch):
    """A crawler walking every community's page would otherwise fill a worker's memory with routes,
    or push the listing everyone uses out of the held routes."""
    monkeypatch.setattr(routes, "HELD_ROUTES", 3)
    forums = [ForumPageFactory(parent=directory_index, title=f"Forum {number}") for number in range(5)]
    for page in forums:
        page.save_revision().publish()

    for page in forums:
        assert client.get("/directory/").status_code == 200
        assert client.get(page.url).status_code == 200
        assert len(routes._held) <= 3
    assert any(path == "directory/" for _host, _port, _language, path in routes._held)
