"""Breadcrumbs: the same way back whether a page was routed to or loaded on its own; JSON-LD and the
metadata link previews and search engines read."""

import json
import re

import pytest

from directory.models import ForumPage
from directory.presentation import breadcrumbs_for
from directory.tests.factories import DepartmentPageFactory, ForumPageFactory


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


def head_metadata(html):
    """The page's <head> metadata as {name or property: content}, and its canonical address."""
    tags = dict(re.findall(r'<meta (?:name|property)="([^"]+)" content="([^"]*)"', html))
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html)
    return tags, canonical.group(1) if canonical else None


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


@pytest.mark.django_db
def test_community_json_ld_has_language_codes_and_last_change(client, directory_index):
    """Search engines read the languages as BCP 47 codes and the date the entry last changed.

    If this fails, the JSON-LD says "English, Welsh" where a code belongs, or dates the page by
    its last check rather than its last change.
    """
    forum = ForumPageFactory(parent=directory_index, slug="bilingual", languages="English, Welsh, Klingon")
    forum.save_revision().publish()
    forum.refresh_from_db()
    community = json_ld(client.get("/directory/bilingual/").content.decode())["@graph"][0]
    assert community["inLanguage"] == ["en", "cy"]
    assert community["dateModified"].startswith(forum.last_published_at.date().isoformat())


@pytest.mark.django_db
def test_community_and_department_pages_describe_themselves(client, directory_index, departments_index, settings):
    """Link previews and search results show the page's own title, summary and canonical public address."""
    settings.PUBLIC_BASE_URL = "https://directory.example.gov.uk"
    forum = ForumPageFactory(
        parent=directory_index, slug="carers", title="Carers Chat", summary="Carers  help\neach other."
    )
    department = DepartmentPageFactory(parent=departments_index, slug="dhsc", title="Health", remit="Health and care.")
    for page, url, description in (
        (forum, "/directory/carers/", "Carers help each other."),
        (department, "/departments/dhsc/", "Health and care."),
    ):
        tags, canonical = head_metadata(client.get(url).content.decode())
        assert canonical == tags["og:url"] == f"https://directory.example.gov.uk{url}"
        assert tags["description"] == tags["og:description"] == tags["twitter:description"] == description
        assert tags["og:title"] == tags["twitter:title"] == page.title
        assert tags["twitter:card"] == "summary" and tags["og:locale"] == "en_GB"
        assert tags["og:site_name"]
