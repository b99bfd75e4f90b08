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
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from wagtail.models import Locale, PageViewRestriction

from directory.models import EngagementPreference, ForumPage, ForumStatus, Nomination
from directory.nominations import submit_nomination
from directory.private_links import hash_token
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
from directory.translation import ensure_welsh_tree

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


# --- A restriction set in one language only -----------------------------------------------------

# Every title, slug and topic of a restricted page (in either language) contains one of these.
HUSHED = ("hushmark", "hushtopic")


def translate_to_welsh(page, title, slug):
    """Turn the Welsh alias of ``page`` into a Welsh translation of its own, published."""
    welsh = page.get_translation(Locale.objects.get(language_code="cy")).specific
    welsh.alias_of = None
    welsh.title, welsh.slug = title, slug
    welsh.save()
    welsh.save_revision().publish()
    return type(welsh).objects.get(pk=welsh.pk)


def restrict(page, kind):
    """A view restriction of ``kind`` (password, login or groups) on ``page`` alone."""
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=kind, password="hushword")
    if kind == PageViewRestriction.GROUPS:
        restriction.groups.set([Group.objects.get_or_create(name="Hushmark readers")[0]])
    return restriction


@pytest.fixture
def restricted_in_one_language(site_tree, directory_index, departments_index):
    """Public communities in both languages, and next to them pages restricted in one language only:

    - a community with a password on its English page only (its Welsh page is a translation);
    - a community with a sign-in restriction on its Welsh page only;
    - a community restricted to a group in English whose Welsh page is still an alias;
    - a public body with a password on its Welsh page only, engaging with a public community;
    - a public body engaging with every community above.
    """
    carers, wales = AudienceFactory(name="Carers", slug="carers"), RegionFactory(name="Wales", slug="wales")
    public = [
        ForumPageFactory(
            parent=directory_index,
            title=f"Open Community {n}",
            slug=f"open-community-{n}",
            topics=["caring"],
            audiences=[carers],
            regions=[wales],
        )
        for n in range(3)
    ]
    hushed = {
        name: ForumPageFactory(
            parent=directory_index,
            title=f"Hushmark {name}",
            slug=f"hushmark-{name.lower()}",
            topics=["caring", f"Hushtopic {name}"],
            audiences=[carers],
            regions=[wales],
            # The only community of its type and preference: a count of 1 would give it away (the
            # type itself is a public vocabulary, offered on the forms).
            community_type=CommunityTypeFactory(name=f"Solo type {name}", slug=f"solo-{name.lower()}"),
            engagement_preference=EngagementPreference.DOES_NOT_WELCOME,
        )
        for name in ("Alpha", "Beta", "Gamma")
    }
    listening = DepartmentPageFactory(parent=departments_index, title="Department of Listening", slug="listening")
    ministry = DepartmentPageFactory(parent=departments_index, title="Hushmark Ministry", slug="hushmark-ministry")
    for forum in [*public, *hushed.values()]:
        forum.save_revision().publish()
    for forum in hushed.values():
        EngagementFactory(department=listening, forum=forum)
    EngagementFactory(department=listening, forum=public[0])
    EngagementFactory(department=ministry, forum=public[1])
    for department in (listening, ministry):
        department.save_revision().publish()
    ensure_welsh_tree()
    welsh = {
        "Alpha": translate_to_welsh(hushed["Alpha"], "Hushmark Alffa", "hushmark-alffa"),
        "Beta": translate_to_welsh(hushed["Beta"], "Hushmark Beta Cymraeg", "hushmark-beta-cymraeg"),
        "Ministry": translate_to_welsh(ministry, "Hushmark Gweinidogaeth", "hushmark-gweinidogaeth"),
    }
    welsh["Gamma"] = hushed["Gamma"].get_translation(Locale.objects.get(language_code="cy")).specific
    assert welsh["Gamma"].alias_of_id == hushed["Gamma"].pk
    restrict(hushed["Alpha"], PageViewRestriction.PASSWORD)
    restrict(welsh["Beta"], PageViewRestriction.LOGIN)
    restrict(hushed["Gamma"], PageViewRestriction.GROUPS)
    restrict(welsh["Ministry"], PageViewRestriction.PASSWORD)
    restricted_pages = [*hushed.values(), ministry, *welsh.values()]
    return {"public": public, "restricted": restricted_pages, "ministry": ministry}


def without_echo(url, text):
    """``text`` in lower case without the values of ``url``'s own query string, which pages show back."""
    text = text.lower()
    for _name, value in parse_qsl(urlsplit(url).query):
        text = text.replace(value.lower(), "")
    return text


def restricted_seed_urls():
    seeds = [
        "/",
        "/directory/",
        "/directory/?topic=caring",
        "/directory/?topic=hushtopic-alpha",
        "/directory/?topic=hushtopic-beta",
        "/directory/?audience=carers&region=wales",
        "/directory/?preference=does_not_welcome",
        "/directory/?department=listening",
        "/directory/?q=alpha",
        "/directory/?q=ministry",
        "/directory/open-community-0/",
        "/directory/open-community-1/",
        "/departments/",
        "/departments/listening/",
        "/progress/",
        "/progress/csv/",
        "/search/?q=alpha",
        "/search/?q=beta",
        "/search/?q=ministry",
        "/feeds/latest.atom",
        "/feeds/latest.rss",
        "/feeds/topic/caring.atom",
        "/feeds/department/listening.atom",
        "/feeds/department/listening.rss",
        "/directory/export.csv",
        "/directory/export.json",
        "/directory/export.json?q=beta",
        "/directory/export.csv?topic=hushtopic-beta",
    ]
    api_and_open_data = [
        "/api/v2/pages/?fields=*",
        "/api/v2/pages/?type=directory.ForumPage&fields=*&limit=50",
        "/api/v2/pages/?type=directory.ForumPage&fields=*&locale=cy",
        "/api/v2/pages/?type=directory.DepartmentPage&fields=*&locale=cy",
        "/api/v2/pages/?search=alpha",
        "/api/v2/pages/?topic=hushtopic-beta",
        "/openreferral/services",
        "/openreferral/services?search=gamma",
        "/openreferral/organizations",
        "/openreferral/taxonomy_terms",
        "/openreferral/taxonomy_terms?search=alpha",
        "/sitemap.xml",
    ]
    return seeds + ["/cy" + url for url in seeds] + api_and_open_data


def test_a_restriction_in_one_language_hides_every_translation_everywhere(restricted_in_one_language):
    """A password, sign-in or group restriction set on one language's page hides the community (or
    public body) in both languages on every public surface: listings and their counts, feeds,
    exports, search, the APIs, the sitemap, the home and progress figures and other pages' links.

    If this fails, a community an editor made private (say, while checking a complaint about it)
    is still shown to everyone through its other language's copy.
    """
    client = Client()
    pages, _links = crawl(client, restricted_seed_urls())
    keys = [str(page.translation_key) for page in restricted_in_one_language["restricted"]]
    leaks = [
        f"{url} shows {secret!r}"
        for url, page in pages.items()
        for secret in [*HUSHED, *keys]
        if secret in without_echo(url, page["headers"] + "\n" + page["body"])
    ]
    assert not leaks, "restricted pages in public responses:\n" + "\n".join(leaks[:30])
    errors = [f"{url} answered {page['status']}" for url, page in pages.items() if page["status"] >= 500]
    assert not errors, "\n".join(errors)

    # Each restricted page, in either language, asks for its password or a sign-in, or is not found.
    for page in restricted_in_one_language["restricted"]:
        response = client.get(page.url)
        assert response.status_code in (200, 302, 404), page.url
        if response.status_code == 200:
            assert page.title not in body_of(response), f"{page.url} shows the restricted page"
            assert 'name="password"' in body_of(response), f"{page.url} does not ask for the password"
        assert client.get(f"/api/v2/pages/{page.pk}/").status_code == 404, f"the API shows page {page.pk}"
        assert client.get(f"/openreferral/services/{page.translation_key}").status_code == 404
        for prefix in ("", "/cy"):
            assert client.get(f"{prefix}/feeds/department/{page.slug}.atom").status_code == 404

    # Figures count only the public communities and bodies, in both languages.
    public = restricted_in_one_language["public"]
    for prefix in ("", "/cy"):
        highlights = client.get(f"{prefix}/").context["highlights"]
        assert (highlights.forum_count, highlights.department_count) == (len(public), 1)
        progress = client.get(f"{prefix}/progress/").context["progress"]
        assert progress.totals["departments"] == 1
        assert progress.totals["identified"] == 1  # the Department of Listening's one public community
        # A body listening counts only while public: the restricted ministry's community is not covered.
        assert [(topic.slug, topic.communities, topic.listening) for topic in progress.topics] == [
            ("caring", len(public), 1)
        ]
        departments = client.get(f"{prefix}/departments/").context["departments"]
        assert [(department.slug, department.engagement_count) for department in departments] == [("listening", 1)]
        facets = client.get(f"{prefix}/directory/").context["listing"].facets
        counted = {(facet.name, option.value): option.count for facet in facets for option in facet.options}
        assert {key: count for key, count in counted.items() if count} == {
            ("topic", "caring"): len(public),
            ("audience", "carers"): len(public),
            ("region", "wales"): len(public),
            ("preference", "welcomes"): len(public),
            ("department", "listening"): 1,
        }

    visited = Counter(kind for page in pages.values() if page["status"] == 200 for kind in page["kinds"])
    minimum = {"welsh": 20, "feed": 6, "export": 4, "api": 5, "openreferral": 5, "facet listing": 8, "search": 2}
    short = {kind: (visited[kind], wanted) for kind, wanted in minimum.items() if visited[kind] < wanted}
    assert not short, f"the crawl visited too few of (visited, wanted): {short}"
