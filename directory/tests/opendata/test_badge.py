"""The embeddable badge /directory/<slug>/badge.svg: only for listed entries, accessible, cacheable,
in both languages, linking back to the entry, tracking nobody; and its snippet on the operator's page."""

import xml.etree.ElementTree as ET

import pytest
from wagtail.models import Locale

from directory import nominations
from directory.badges import badge_snippet
from directory.models import ForumStatus
from directory.tests.factories import ForumPageFactory
from directory.tests.nomination_helpers import SAMPLE_CONTACT, approve, sample_details
from directory.translation import ensure_welsh_tree

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def read_badge(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    return ET.fromstring(response.content)


def test_a_listed_entry_has_an_accessible_badge_linking_back(client, directory_index):
    """An embedded badge is a small image that names the directory to screen readers and links to the entry."""
    forum = ForumPageFactory(parent=directory_index, title="Carers & Friends", slug="carers")
    response = client.get("/directory/carers/badge.svg")
    svg = read_badge(response)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "badge-title badge-desc"
    assert svg.find(f"{SVG}title").text == "Listed in the Peer Support Directory"
    assert "Carers & Friends is listed" in svg.find(f"{SVG}desc").text
    assert svg.find(f"{SVG}a").get("href") == forum.get_full_url()
    assert int(svg.get("width")) <= 300 and int(svg.get("height")) <= 60


def test_the_badge_is_cacheable_and_tracks_nobody(client, directory_index):
    """Sites embedding the badge must not slow us down or hand us their visitors: shared caches keep it, no cookie."""
    ForumPageFactory(parent=directory_index, slug="carers")
    response = client.get("/directory/carers/badge.svg")
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    assert not response.cookies
    assert "Vary" not in response or "Cookie" not in response["Vary"]
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert b"<script" not in response.content and b"http-equiv" not in response.content


@pytest.mark.parametrize(
    "change",
    [
        {"status": ForumStatus.DELISTED, "status_reason": "Closed to new members."},
        {"live": False},
    ],
)
def test_only_listed_entries_have_a_badge(client, directory_index, change):
    """A delisted or unpublished community must not be able to show it is listed."""
    forum = ForumPageFactory(parent=directory_index, slug="carers")
    for name, value in change.items():
        setattr(forum, name, value)
    forum.save()
    assert client.get("/directory/carers/badge.svg").status_code == 404
    assert client.get("/directory/no-such-entry/badge.svg").status_code == 404


def test_a_private_entry_has_no_badge(client, directory_index):
    """A page behind a view restriction is not public, so it has no badge either."""
    from wagtail.models import PageViewRestriction

    forum = ForumPageFactory(parent=directory_index, slug="carers")
    PageViewRestriction.objects.create(page=forum, restriction_type=PageViewRestriction.PASSWORD, password="x")
    assert client.get("/directory/carers/badge.svg").status_code == 404


def test_the_welsh_badge_is_in_welsh_and_links_to_the_welsh_entry(client, directory_index):
    """Welsh-speaking operators get a badge in Welsh that leads their visitors to the Welsh page."""
    ensure_welsh_tree()
    forum = ForumPageFactory(parent=directory_index, slug="carers")
    welsh = forum.copy_for_translation(Locale.objects.get(language_code="cy"), copy_parents=True)
    welsh.save_revision().publish()
    svg = read_badge(client.get("/cy/directory/carers/badge.svg"))
    assert svg.find(f"{SVG}title").text == "Wedi'i restru yn y Cyfeiriadur Cymorth gan Gymheiriaid"
    assert "/cy/" in svg.find(f"{SVG}a").get("href")
    english = read_badge(client.get("/directory/carers/badge.svg"))
    assert "/cy/" not in english.find(f"{SVG}a").get("href")


def test_the_operator_page_gives_the_snippet_only_once_listed(client, site_tree, editor):
    """An operator copies the badge's HTML from their private page; before approval there is nothing to copy."""
    nomination, token = nominations.submit_nomination(sample_details(), SAMPLE_CONTACT)
    assert "badge.svg" not in client.get(f"/listing/{token}/").content.decode()
    approve(nomination.forum, editor)
    text = client.get(f"/listing/{token}/").content.decode()
    forum = nomination.forum
    forum.refresh_from_db()
    assert f"/directory/{forum.slug}/badge.svg" in text
    assert f"/cy/directory/{forum.slug}/badge.svg" in text
    snippet = badge_snippet(forum, "en")
    assert 'alt="Listed in the Peer Support Directory"' in snippet and forum.url in snippet
