"""No leaks: nothing private or unpublished reaches any public address.

The test fills the site with everything the public must never see (a pending nomination with its
operator's contact details and private-link token, a draft entry, a draft change to a live entry,
an unpublished entry, an edit suggestion, a problem report, operators' emails, editor notes, the
addresses people posted from), then crawls the public site like a robot: from seed addresses
(pages, the listing and its facet links, search, feeds, exports, the Wagtail API, the Open
Referral API, the sitemap, history pages, the Welsh site) it follows every same-site link it finds
in HTML, feeds, sitemaps, CSV and JSON, and checks every response body and header.
"""

import html
import json
import re
from collections import Counter, deque
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core import mail
from django.test import Client

from directory.models import EngagementPreference, ForumPage, ForumStatus, Nomination
from directory.nominations import hash_token, submit_nomination
from directory.suggestions import submit_problem_report, submit_suggestion
from directory.tests.factories import (
    AudienceFactory,
    CommunityTypeFactory,
    DepartmentPageFactory,
    EngagementFactory,
    ForumPageFactory,
    RegionFactory,
)
from directory.tests.nomination_helpers import (
    approve,
    nominate,
    operator_token_from_email,
    sample_details,
    started_long_ago,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

# The address the public forms are posted from; no public response may ever show it.
POSTER_ADDRESS = "198.51.100.231"
MAX_URLS = 650
MAX_QUERY_VARIANTS_PER_PATH = 30
SKIPPED_PREFIXES = ("/admin/", "/static/", "/media/", "/documents/", "/cy/admin/")
LINK_ATTRIBUTE = re.compile(r"""\bhref\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
XML_LINK = re.compile(r"<(?:loc|link|id)>\s*([^<\s]+)\s*</(?:loc|link|id)>")
ABSOLUTE_LINK = re.compile(r"https?://testserver(/[^\s\"'<>,)]*)?")


# --- What must stay private -------------------------------------------------------------------


@pytest.fixture
def private_things(client, site_tree, directory_index, departments_index, editor, django_capture_on_commit_callbacks):
    """Build a directory with public entries and, around them, everything that must stay private.

    Returns the list of strings that no public response may contain.
    """
    topic_type = CommunityTypeFactory(name="Forum", slug="forum")
    carers, parents = AudienceFactory(name="Carers", slug="carers"), AudienceFactory(name="Parents", slug="parents")
    wales, england = RegionFactory(name="Wales", slug="wales"), RegionFactory(name="England", slug="england")
    live = []
    for number, (audience, region, topic) in enumerate(
        [
            (carers, wales, "caring"),
            (parents, england, "parenting"),
            (carers, england, "money"),
            (parents, wales, "sleep"),
        ]
    ):
        forum = ForumPageFactory(
            parent=directory_index,
            title=f"Open Community {number}",
            topics=[topic, "peer support"],
            audiences=[audience],
            regions=[region],
            community_type=topic_type,
            members=100 * (number + 1),
            engagement_preference=EngagementPreference.WELCOMES if number % 2 else EngagementPreference.BY_ARRANGEMENT,
            contact_name="Leakcheck Contactname",
            contact_email=f"leakcheck-contact-{number}@private.example",
            editor_notes="Leakcheck editor note",
        )
        forum.save_revision().publish()
        live.append(ForumPage.objects.get(pk=forum.pk))
    department = DepartmentPageFactory(parent=departments_index, title="Department of Listening", slug="listening")
    EngagementFactory(department=department, forum=live[0])
    department.save_revision().publish()

    # A live entry whose latest revision is a draft change nobody has approved.
    changed = live[1]
    changed.summary = "Leakcheck draft summary"
    changed.contact_email = "leakcheck-draft-contact@private.example"
    changed.save_revision()

    # An entry that was published and then withdrawn from the site.
    withdrawn = ForumPageFactory(parent=directory_index, title="Leakcheck Withdrawn", slug="leakcheck-withdrawn")
    withdrawn.save_revision().publish()
    withdrawn.unpublish()

    # A delisted entry: its page stays public by design, its private details do not.
    delisted = ForumPageFactory(
        parent=directory_index, title="Closed Community", contact_email="leakcheck-delisted@private.example"
    )
    delisted.status, delisted.status_reason = ForumStatus.DELISTED, "It closed."
    delisted.save_revision().publish()

    # A draft entry never submitted for review.
    ForumPageFactory(parent=directory_index, title="Leakcheck Draft Title", slug="leakcheck-draft", live=False)

    # A pending nomination and an approved one, both sent over HTTP from the poster's address.
    poster = Client(REMOTE_ADDR=POSTER_ADDRESS)
    response = nominate(
        poster,
        django_capture_on_commit_callbacks,
        title="Leakcheck Pending Nomination",
        website="https://leakcheck-pending.example.org/",
        summary="Leakcheck pending summary",
        contact_name="Leakcheck Pendingname",
        contact_email="leakcheck-pending@private.example",
        message="Leakcheck private message",
    )
    assert response.status_code == 302, "the nomination was not accepted"
    pending_token = operator_token_from_email(mail.outbox)
    approved_nomination, approved_token = submit_nomination(
        sample_details(title="Approved Community", website="https://approved.example.org"),
        {"contact_name": "Leakcheck Approvedname", "contact_email": "leakcheck-approved@private.example"},
    )
    approve(approved_nomination.forum, editor)

    # A suggested edit and a problem report waiting for editors, both with private details.
    submit_suggestion(
        live[2],
        {"summary": "Leakcheck suggested summary"},
        "Leakcheck suggestion reason",
        suggester_name="Leakcheck Suggestername",
        suggester_email="leakcheck-suggester@private.example",
    )
    report = poster.post(
        f"{live[3].url}report/",
        {
            "kind": "wrong_details",
            "details": "Leakcheck report details",
            "reporter_email": "leakcheck-reporter@private.example",
            "started": started_long_ago(),
        },
    )
    assert report.status_code == 200, "the problem report was not accepted"
    submit_problem_report(live[0], "other", "Leakcheck second report", "leakcheck-reporter2@private.example")

    pending = Nomination.objects.get(contact_email="leakcheck-pending@private.example")
    return {
        "forbidden": [
            "leakcheck",  # every private marker above contains it, in any case
            "private.example",
            POSTER_ADDRESS,
            pending_token,
            approved_token,
            pending.token_hash,
            hash_token(approved_token),
            pending.reference,
            approved_nomination.reference,
        ],
        "pending_token": pending_token,
        "live": live,
    }


# --- The crawler ------------------------------------------------------------------------------


def seed_urls(live):
    forum = live[0]
    seeds = [
        "/",
        "/directory/",
        "/directory/?q=community",
        "/directory/?topic=caring&audience=carers",
        "/directory/?region=wales&preference=welcomes&sort=newest",
        "/directory/?page=2",
        "/departments/",
        "/departments/listening/",
        "/nominate/",
        "/progress/",
        "/search/?q=community",
        # Words found only in private or unpublished text (the query itself is echoed back).
        "/search/?q=pendingname",
        "/search/?q=withdrawn",
        "/search/?q=contactname",
        "/open-data/",
        "/accessibility/",
        "/privacy/",
        "/feeds/latest.atom",
        "/feeds/latest.rss",
        "/feeds/topic/caring.atom",
        "/feeds/topic/parenting.rss",
        "/feeds/department/listening.atom",
        "/feeds/department/listening.rss",
        "/directory/export.csv",
        "/directory/export.json",
        "/directory/export.json?q=pending",
        "/api/v2/pages/?type=directory.ForumPage&fields=*",
        "/api/v2/pages/?type=directory.DepartmentPage&fields=*",
        "/api/v2/pages/?fields=*",
        "/api/v2/pages/?search=pending",
        "/api/v2/pages/?type=directory.ForumPage&fields=*&search=community",
        "/openreferral/",
        "/openreferral/openapi.json",
        "/openreferral/services",
        "/openreferral/services?search=suggestername",
        "/openreferral/organizations",
        "/openreferral/taxonomies",
        "/openreferral/taxonomy_terms",
        "/sitemap.xml",
        "/robots.txt",
        f"{forum.url}history/",
        f"{forum.url}suggest/",
        f"{forum.url}report/",
        f"{live[1].url}history/",
    ]
    return seeds + [
        "/cy" + url for url in seeds if not url.startswith(("/api/", "/openreferral/", "/sitemap", "/robots"))
    ]


def body_of(response):
    content = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return content.decode("utf-8", errors="replace")


def normalise(link, current):
    """The same-site path?query a link points at, or None for other sites, fragments and non-HTTP links."""
    link = html.unescape(link.strip())
    if not link or link.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(link)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None
    if parts.netloc and parts.netloc != "testserver":
        return None
    path = parts.path
    if not path:
        path = urlsplit(current).path
    elif not path.startswith("/"):
        base = urlsplit(current).path.rsplit("/", 1)[0]
        path = f"{base}/{path}"
    return urlunsplit(("", "", path, parts.query, ""))


def json_links(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from json_links(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_links(item)
    elif isinstance(value, str) and (value.startswith("http://testserver") or value.startswith("/")):
        yield value


def open_referral_details(url, data):
    """HSDS lists give ids, not links: the detail address of each record in a list page."""
    match = re.fullmatch(r"/openreferral/(services|organizations|taxonomies|taxonomy_terms)/?", url.partition("?")[0])
    if not match or not isinstance(data, dict):
        return []
    return [f"/openreferral/{match.group(1)}/{item['id']}" for item in data.get("contents", []) if "id" in item]


def links_in(url, response, body):
    content_type = response.get("Content-Type", "")
    found = []
    if "json" in content_type:
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        found.extend(json_links(data))
        found.extend(open_referral_details(url, data))
    else:
        found.extend(LINK_ATTRIBUTE.findall(body))
        if "xml" in content_type:
            found.extend(XML_LINK.findall(body))
    found.extend(match.group(0) for match in ABSOLUTE_LINK.finditer(body))
    if response.status_code in (301, 302, 303, 307, 308) and response.get("Location"):
        found.append(response["Location"])
    return found


def kind_of(url, response):
    path, _, query = url.partition("?")
    content_type = response.get("Content-Type", "")
    kinds = []
    if "html" in content_type:
        kinds.append("html")
    if path.startswith("/cy/"):
        kinds.append("welsh")
    if "/feeds/" in path:
        kinds.append("feed")
    if path.endswith("export.csv") or path.endswith("export.json"):
        kinds.append("export")
    if path.startswith("/api/v2/"):
        kinds.append("api")
    if path.startswith("/openreferral/"):
        kinds.append("openreferral")
        if re.search(r"/(services|organizations|taxonomies|taxonomy_terms)/[0-9a-f-]{36}", path):
            kinds.append("openreferral detail")
    if path.endswith("/history/"):
        kinds.append("history")
    if path == "/sitemap.xml":
        kinds.append("sitemap")
    if path.rstrip("/").endswith("/directory") and re.search(r"(topic|audience|region|type|preference)=", query):
        kinds.append("facet listing")
    if path.startswith(("/search/", "/cy/search/")):
        kinds.append("search")
    if re.fullmatch(r"(/cy)?/directory/[^/]+/", path):
        kinds.append("forum page")
    return kinds


def crawl(client, seeds):
    """Visit the seeds and every same-site link found, breadth first, within bounds.

    Returns ``(pages, links)``: every visited URL with its status, kinds, headers and body, and
    every same-site link seen (visited or not).
    """
    queue, seen, variants = deque(), set(), Counter()
    pages, links = {}, set()

    def enqueue(url):
        links.add(url)
        if url in seen or url.startswith(SKIPPED_PREFIXES):
            return
        path, _, query = url.partition("?")
        if query:
            if variants[path] >= MAX_QUERY_VARIANTS_PER_PATH:
                return
            variants[path] += 1
        seen.add(url)
        queue.append(url)

    for seed in seeds:
        enqueue(seed)
    while queue and len(pages) < MAX_URLS:
        url = queue.popleft()
        response = client.get(url)
        body = body_of(response)
        headers = "\n".join(f"{name}: {value}" for name, value in response.items())
        pages[url] = {"status": response.status_code, "kinds": kind_of(url, response), "headers": headers, "body": body}
        for link in links_in(url, response, body):
            target = normalise(link, url)
            if target:
                enqueue(target)
    return pages, links


# --- The test ---------------------------------------------------------------------------------


def test_no_public_address_shows_anything_private_or_unpublished(private_things):
    """Crawl the whole public site: no draft, pending nomination, suggestion, report, contact email,
    private-link token, editor note or poster's address appears in any body or header.

    If this fails, the page named in the message shows the public something private: an operator's
    email, a draft nobody approved, someone's address or the key to an operator's private page.
    """
    client = Client()
    pages, links = crawl(client, seed_urls(private_things["live"]))

    leaks = []
    for url, page in pages.items():
        text = (page["headers"] + "\n" + page["body"]).lower()
        for secret in private_things["forbidden"]:
            if secret.lower() in text:
                leaks.append(f"{url} shows {secret!r}")
    assert not leaks, "private data in public responses:\n" + "\n".join(leaks[:30])

    errors = [f"{url} answered {page['status']}" for url, page in pages.items() if page["status"] >= 500]
    assert not errors, "\n".join(errors)

    # The private link is never offered anywhere, and the crawl would have noticed if it were.
    assert not [link for link in links if "/listing/" in link]
    private_page = client.get(f"/listing/{private_things['pending_token']}/")
    assert private_page.status_code == 200 and "Leakcheck Pending Nomination" in body_of(private_page)

    # The crawl really went everywhere (so this test cannot pass by visiting nothing).
    visited = Counter(kind for page in pages.values() if page["status"] == 200 for kind in page["kinds"])
    minimum = {
        "html": 60,
        "welsh": 20,
        "feed": 4,
        "export": 2,
        "api": 5,
        "openreferral": 8,
        "openreferral detail": 3,
        "history": 4,
        "sitemap": 1,
        "facet listing": 15,
        "search": 2,
        "forum page": 8,
    }
    short = {kind: (visited[kind], wanted) for kind, wanted in minimum.items() if visited[kind] < wanted}
    assert not short, f"the crawl visited too few of (visited, wanted): {short}"
