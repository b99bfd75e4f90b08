"""The Atom and RSS feeds: feed readers parse them, they list only published entries, the topic
and department feeds list what their names say, and the query count does not grow."""

from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from django.http import QueryDict
from django.template import Context, Template
from django.test import RequestFactory
from lxml import etree
from wagtail.models import Locale, PageViewRestriction

from directory.listing.filters import DirectoryFilters
from directory.listing.results import search_directory
from directory.models import ForumStatus
from directory.nominations import submit_nomination
from directory.tests.factories import ForumPageFactory
from directory.tests.nomination_helpers import SAMPLE_CONTACT, request_changes, sample_details
from directory.tests.opendata.helpers import assert_nothing_hidden, build_directory, many_forums
from directory.translation import ensure_welsh_tree

FEEDS = [
    "/feeds/latest.atom",
    "/feeds/latest.rss",
    "/feeds/topic/parenting.atom",
    "/feeds/topic/parenting.rss",
    "/feeds/department/dfe.atom",
    "/feeds/department/dfe.rss",
]


@pytest.fixture
def directory(directory_index, departments_index):
    return build_directory(directory_index, departments_index)


def read_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert_nothing_hidden(response.content)
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


@pytest.mark.parametrize("url", FEEDS)
def test_feeds_parse_without_errors(client, directory, url):
    """Every feed is well-formed for feed readers, open to other sites, and states its licence."""
    response, feed = read_feed(client, url)
    expected = "application/atom+xml" if url.endswith(".atom") else "application/rss+xml"
    assert response["Content-Type"].startswith(expected)
    assert feed.feed.title
    assert "Open Government Licence" in feed.feed.get("rights", "")
    for entry in feed.entries:
        assert entry.title and entry.link.startswith("http://testserver/")
    assert client.get(url, HTTP_ORIGIN="https://example.com")["Access-Control-Allow-Origin"] == "*"


def test_latest_feed_lists_published_communities_newest_first(client, directory):
    """Subscribers see new communities, newest first, with their summary and topics, never drafts."""
    _response, feed = read_feed(client, "/feeds/latest.atom")
    assert [entry.title for entry in feed.entries] == ["Money Forum", "Netmums"]
    netmums = feed.entries[1]
    assert netmums.link == "http://testserver/directory/" + directory.netmums.slug + "/"
    assert netmums.summary == directory.netmums.summary
    assert {tag.term for tag in netmums.tags} == {"Parenting", "Pregnancy"}
    assert netmums.published_parsed is not None


def test_topic_feed_lists_only_that_topic(client, directory):
    """A topic feed has the communities about that topic and no others."""
    _response, feed = read_feed(client, "/feeds/topic/money.atom")
    assert [entry.title for entry in feed.entries] == ["Money Forum"]
    assert "Money" in feed.feed.title
    assert feed.feed.link == "http://testserver/directory/?topic=money"


def test_department_feed_lists_its_engagements_with_published_communities(client, directory):
    """A department's feed shows how it engages, only with communities the public can see."""
    _response, feed = read_feed(client, "/feeds/department/dfe.atom")
    assert [entry.title for entry in feed.entries] == ["Netmums: Expert answers in discussions"]
    assert "Status: Active." in feed.entries[0].summary
    assert feed.entries[0].link.endswith(f"/directory/{directory.netmums.slug}/")


@pytest.mark.parametrize(
    "url", ["/feeds/topic/no-such-topic.atom", "/feeds/department/nobody.atom", "/feeds/department/dfe.xml"]
)
def test_unknown_topic_or_department_is_not_found(client, directory, url):
    """A feed for something that does not exist is a 404, not an empty feed or an error."""
    assert client.get(url).status_code == 404


def test_draft_department_has_no_feed(client, directory):
    """A department page that is not published has no public feed."""
    directory.department.unpublish()
    assert client.get("/feeds/department/dfe.atom").status_code == 404


def render_feed_links(**context):
    template = Template("{% load feed_links %}{% feed_links %}")
    return template.render(Context({"request": RequestFactory().get("/"), **context}))


def test_every_page_head_advertises_the_latest_feeds(client, directory):
    """Browsers and feed readers find the latest-entries feeds from any page."""
    html = client.get("/directory/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml" href="/feeds/latest.atom"' in html
    assert '<link rel="alternate" type="application/rss+xml" href="/feeds/latest.rss"' in html


def test_department_page_advertises_its_feed(client, directory):
    """A department's page offers a feed of its engagements."""
    html = client.get(directory.department.url).content.decode()
    assert 'href="/feeds/department/dfe.atom"' in html


def test_feed_links_for_chosen_topics_and_explicit_context(directory):
    """A listing filtered by topic offers that topic's feed; templates may name topics themselves."""
    html = render_feed_links(feed_topics=[{"slug": "money", "name": "Money"}], feed_department=directory.department)
    assert 'href="/feeds/topic/money.atom" title="Communities about Money (Atom)"' in html
    assert 'href="/feeds/department/dfe.atom"' in html
    listing = search_directory(DirectoryFilters.from_querydict(QueryDict("topic=parenting")))
    html = render_feed_links(listing=listing)
    assert 'href="/feeds/topic/parenting.atom" title="Communities about Parenting (Atom)"' in html


def test_latest_feed_query_count_does_not_grow(client, directory_index, django_assert_num_queries):
    """The feed costs the same number of queries for 20 or 100 communities."""
    client.get("/feeds/latest.atom")  # the first request also looks up and caches the site
    for count in (20, 80):
        many_forums(directory_index, count)
        # Locale twice, the directory index, the site, the page-privacy check, the communities, their topics.
        with django_assert_num_queries(7):
            assert client.get("/feeds/latest.atom").status_code == 200


def test_welsh_feed_lists_the_welsh_copies(client, directory):
    """On the Welsh site the feed lists each community once, in Welsh, with Welsh links."""
    welsh = directory.netmums.copy_for_translation(Locale.objects.get(language_code="cy"), copy_parents=True)
    welsh.title = "Netmums yn Gymraeg"
    welsh.save_revision().publish()
    _response, feed = read_feed(client, "/cy/feeds/latest.atom")
    assert [entry.title for entry in feed.entries] == ["Netmums yn Gymraeg"]
    assert feed.entries[0].link.startswith("http://testserver/cy/")


def test_only_topics_of_listed_communities_have_feeds(client, directory, directory_index, editor):
    """A topic feed answers only for a topic of a community listed in that language.

    If this fails, anyone can make the site publish a feed (and its title) for any words they
    nominate, and topics of drafts, delisted or private entries show through their feeds.
    """
    nomination, _token = submit_nomination(
        sample_details(title="Pending board", website="https://pending.example.org", topics=["Nominated only"]),
        SAMPLE_CONTACT,
    )
    declined, _token = submit_nomination(
        sample_details(title="Declined board", website="https://declined.example.org", topics=["Declined only"]),
        SAMPLE_CONTACT,
    )
    request_changes(declined.forum, editor, "Not a peer-support community.")
    ForumPageFactory(parent=directory_index, topics=["Drafted only"], live=False)
    ForumPageFactory(
        parent=directory_index, topics=["Delisted only"], status=ForumStatus.DELISTED, status_reason="Closed."
    )
    private = ForumPageFactory(parent=directory_index, topics=["Private only"])
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="x")
    for slug in ("nominated-only", "declined-only", "drafted-only", "delisted-only", "private-only"):
        for prefix in ("", "/cy"):
            for kind in ("atom", "rss"):
                assert client.get(f"{prefix}/feeds/topic/{slug}.{kind}").status_code == 404, (prefix, slug)
    # Listed in English only: no Welsh feed until the Welsh site lists it.
    assert client.get("/feeds/topic/money.atom").status_code == 200
    assert client.get("/cy/feeds/topic/money.atom").status_code == 404
    ensure_welsh_tree()
    assert client.get("/cy/feeds/topic/money.atom").status_code == 200
    # A listing filtered by a topic nobody listed uses offers no feed for it.
    html = client.get("/directory/?topic=nominated-only&topic=money").content.decode()
    assert 'href="/feeds/topic/money.atom"' in html
    assert "/feeds/topic/nominated-only" not in html


ATOM_SCHEMA = etree.RelaxNG(etree.parse(str(Path(__file__).with_name("data") / "atom.rng")))
ATOM = "{http://www.w3.org/2005/Atom}"


def is_absolute(iri):
    return bool(urlsplit(iri).scheme)


@pytest.mark.parametrize("url", [*(url for url in FEEDS if url.endswith(".atom")), "/cy/feeds/latest.atom"])
def test_every_atom_feed_is_valid_rfc_4287(client, directory, url):
    """Every Atom feed passes the RFC 4287 schema, names an author and uses absolute, permanent ids.

    If this fails, strict feed readers and validators reject the feed or show entries twice.
    """
    ensure_welsh_tree()
    response = client.get(url)
    assert response.status_code == 200
    feed = etree.fromstring(response.content)
    assert ATOM_SCHEMA.validate(feed), ATOM_SCHEMA.error_log
    entries = feed.findall(f"{ATOM}entry")
    # RFC 4287 section 4.1.1: an author on the feed, or on every entry.
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None or all(
        entry.find(f"{ATOM}author") is not None for entry in entries
    )
    assert is_absolute(feed.findtext(f"{ATOM}id"))
    for element in feed.iter(f"{ATOM}link"):
        assert is_absolute(element.get("href")), element.get("href")
    assert entries
    for entry in entries:
        assert entry.findtext(f"{ATOM}id").startswith("urn:uuid:")
        assert entry.find(f"{ATOM}published") is not None


def test_entry_ids_do_not_change_when_a_slug_changes(client, directory):
    """Renaming a community's address keeps its feed entry's id, so readers do not see it twice."""
    _response, before = read_feed(client, "/feeds/latest.atom")
    directory.netmums.slug = "netmums-renamed"
    directory.netmums.save_revision().publish()
    _response, after = read_feed(client, "/feeds/latest.atom")
    ids_before = {entry.title: entry.id for entry in before.entries}
    ids_after = {entry.title: entry.id for entry in after.entries}
    assert ids_after == ids_before
    links = {entry.title: entry.link for entry in after.entries}
    assert links["Netmums"] == "http://testserver/directory/netmums-renamed/"
    _response, rss = read_feed(client, "/feeds/latest.rss")
    assert {entry.id for entry in rss.entries} == set(ids_before.values())
    assert all(not entry.guidislink for entry in rss.entries)


@pytest.mark.parametrize("url", ["/feeds/latest.atom", "/feeds/topic/parenting.rss", "/feeds/department/dfe.atom"])
def test_feeds_answer_conditional_requests_and_say_how_to_cache(client, directory, url):
    """A reader polling a feed that has not changed gets a 304, and every feed states its licence.

    If this fails, readers download the whole feed at every poll, or scripts on other sites
    cannot read the licence header.
    """
    response = client.get(url, HTTP_ORIGIN="https://example.com")
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]
    assert 'rel="license"' in response["Link"]
    exposed = {name.strip().lower() for name in response["Access-Control-Expose-Headers"].split(",")}
    assert {"link", "content-disposition"} <= exposed
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_feed_links_use_the_public_base_url(client, directory, settings):
    """With a public address configured, every link and id in a feed uses it, whatever host was asked."""
    settings.PUBLIC_BASE_URL = "https://directory.example.gov.uk"
    response = client.get("/feeds/latest.atom")
    feed = etree.fromstring(response.content)
    hrefs = [element.get("href") for element in feed.iter(f"{ATOM}link")] + [feed.findtext(f"{ATOM}id")]
    assert hrefs and all(href.startswith("https://directory.example.gov.uk/") for href in hrefs), hrefs
    assert b"testserver" not in response.content
