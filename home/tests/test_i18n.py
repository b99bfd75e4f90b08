"""English at /, Welsh at /cy/: the language switcher, hreflang alternates, <html lang>, and Welsh
addresses of pages not yet translated (English content with a Welsh notice, never a 404)."""

import html as html_module
import re

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from wagtail.models import Locale

from directory.tests.factories import ForumPageFactory
from directory.translation import create_translation_aliases, ensure_welsh_tree, publish_translation

pytestmark = pytest.mark.django_db

NOTICE = "Nid yw'r dudalen hon ar gael yn Gymraeg eto."


def switcher(html):
    """The language switcher's markup."""
    match = re.search(r'<nav class="app-language-switcher".*?</nav>', html, re.S)
    assert match, "no language switcher in the page"
    return match.group(0)


def alternates(html):
    return dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', html))


@pytest.fixture
def welsh_site(site_tree):
    ensure_welsh_tree()
    return site_tree


@pytest.fixture
def forum(welsh_site):
    forum = ForumPageFactory(parent=welsh_site["directory"], title="Carers Corner", slug="carers-corner")
    create_translation_aliases(forum)
    return forum


@pytest.mark.parametrize(
    "path, current, other",
    [
        ("/directory/carers-corner/", ("en", "English"), ("cy", "Cymraeg", "/cy/directory/carers-corner/")),
        (
            "/cy/directory/?q=carers&region=wales",
            ("cy", "Cymraeg"),
            ("en", "English", "/directory/?q=carers&amp;region=wales"),
        ),
    ],
    ids=["english-page", "filtered-welsh-listing"],
)
def test_the_switcher_links_to_the_same_page_in_the_other_language(client, forum, path, current, other):
    """The switcher must lead to the same page (and filters) in the other language, not its home page."""
    html = client.get(path).content.decode()
    nav = switcher(html)
    assert (
        f'<span class="app-language-switcher__current" lang="{current[0]}" aria-current="true">{current[1]}</span>'
        in nav
    )
    code, name, href = other
    assert f'href="{href}" hreflang="{code}" lang="{code}" rel="alternate">{name}</a>' in nav
    assert f'<html lang="{current[0]}"' in html


def test_views_that_are_not_pages_switch_language_too(client, db):
    """Search and the fixed pages are Django views: the switcher must still keep the visitor's place."""
    assert 'href="/cy/search/?q=forum"' in switcher(client.get("/search/?q=forum").content.decode())
    assert 'href="/privacy/"' in switcher(client.get("/cy/privacy/").content.decode())


def test_every_page_names_its_alternates_for_search_engines(client, forum):
    """hreflang alternates tell search engines the English and Welsh pages are one page in two languages."""
    for path in ("/directory/carers-corner/", "/cy/directory/carers-corner/"):
        links = alternates(client.get(path).content.decode())
        assert links == {
            "en": "http://testserver/directory/carers-corner/",
            "x-default": "http://testserver/directory/carers-corner/",
            "cy": "http://testserver/cy/directory/carers-corner/",
        }


def test_an_untranslated_page_shows_english_with_a_welsh_notice(client, forum):
    """The Welsh address of a page not yet translated shows its English content, marked as English."""
    response = client.get("/cy/directory/carers-corner/")
    assert response.status_code == 200
    html = response.content.decode()
    assert NOTICE in html
    assert '<div lang="en">' in html
    assert "Carers Corner" in html
    assert '<html lang="cy"' in html  # the interface around it is Welsh


def test_a_page_without_any_welsh_copy_is_never_a_404(client, welsh_site):
    """A page added without a Welsh alias (or before the tree synced) still answers at its Welsh address."""
    ForumPageFactory(parent=welsh_site["directory"], title="Lonely Forum", slug="lonely-forum")
    response = client.get("/cy/directory/lonely-forum/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lonely Forum" in html and NOTICE in html
    assert client.get("/directory/lonely-forum/").status_code == 200


def test_welsh_site_works_before_there_is_any_welsh_tree(client, site_tree):
    """With no Welsh home page at all, /cy/ shows the English pages with the notice."""
    response = client.get("/cy/directory/")
    assert response.status_code == 200
    assert NOTICE in response.content.decode()


def test_a_translated_page_has_no_notice(client, forum):
    """Once a page is translated, its Welsh address shows the Welsh text with no “not in Welsh” notice."""
    publish_translation(forum, {"Carers Corner": "Cornel Gofalwyr"})
    html = client.get("/cy/directory/carers-corner/").content.decode()
    assert "Cornel Gofalwyr" in html
    assert NOTICE not in html
    assert '<div lang="en">' not in html


def test_english_pages_never_show_the_welsh_notice(client, forum):
    """The notice is for Welsh readers only."""
    assert NOTICE not in client.get("/directory/carers-corner/").content.decode()


def test_a_welsh_slug_at_an_english_address_redirects_to_the_english_page(client, forum):
    """A translated slug (from switching language on a Welsh page) must lead to the page's English copy."""
    publish_translation(forum, {"Carers Corner": "Cornel Gofalwyr", "carers-corner": "cornel-gofalwyr"})
    welsh = forum.get_translation(Locale.objects.get(language_code="cy"))
    assert welsh.url == "/cy/directory/cornel-gofalwyr/"
    response = client.get("/directory/cornel-gofalwyr/?q=1")
    assert response.status_code == 302 and response["Location"] == "/directory/carers-corner/?q=1"
    response = client.get("/cy/directory/carers-corner/")
    assert response.status_code == 302 and response["Location"] == "/cy/directory/cornel-gofalwyr/"


def test_routable_subpages_keep_their_place_when_redirected(client, forum):
    """The redirect keeps what follows the page's address, such as a community's report form."""
    publish_translation(forum, {"carers-corner": "cornel-gofalwyr"})
    response = client.get("/cy/directory/carers-corner/report/")
    assert response.status_code == 302 and response["Location"] == "/cy/directory/cornel-gofalwyr/report/"


def test_missing_pages_are_still_404_in_both_languages(client, welsh_site):
    """The fallback must not invent pages: an address that exists in no language is a 404."""
    assert client.get("/directory/no-such-community/").status_code == 404
    response = client.get("/cy/directory/no-such-community/")
    assert response.status_code == 404
    assert '<html lang="cy"' in response.content.decode()


def test_unpublished_pages_stay_hidden_in_welsh(client, welsh_site):
    """A draft English page must not become visible through its Welsh address."""
    draft = ForumPageFactory(parent=welsh_site["directory"], slug="secret-draft", live=False)
    create_translation_aliases(draft)
    assert client.get("/cy/directory/secret-draft/").status_code == 404
    assert client.get("/directory/secret-draft/").status_code == 404


def test_an_english_prefix_redirects_to_the_unprefixed_address(client, db):
    """English pages live at /…; /en/… must not be a dead end (nor a second copy of each page)."""
    response = client.get("/en/directory/?q=carers")
    assert response.status_code == 301 and response["Location"] == "/directory/?q=carers"
    assert client.get("/en/").status_code == 301


def test_the_english_prefix_redirect_stays_on_this_site(client, db):
    """/en//evil.example must not send visitors to another site (an open redirect)."""
    for path in ("/en//evil.example/", "/en/\\evil.example/", "/en/%09/evil.example/", "/en/%5C%09/evil.example/"):
        response = client.get(path)
        assert response.status_code == 301
        assert stays_on_site(response["Location"]), response["Location"]


# An on-site link: "/" alone or "/" then anything but another slash or a backslash, and nothing a
# browser would drop or reinterpret (whitespace, control characters, backslashes) anywhere in it.
ON_SITE = re.compile(r"/(?:[^/\\\x00-\x20\x7f][^\\\x00-\x20\x7f]*)?")
PATH_PIECES = [
    "/", "//", "\\", "%2F", "%2f", "%5C", "%5c", "%09", "%0A", "%0D", "%0B", "%0C", "%00", "%7F", "%C2%A0",
    " ", "%20", "evil.example", "@evil.example", "http:", "https://evil.example", "javascript:alert(1)",
    "%E2%80%AE", "..", ".", "cy", "en", "directory", "%3F", "%23", "%25", "%252F", "?q=", "&a=%0A",
]  # fmt: skip
odd_paths = st.builds(
    lambda prefix, pieces: prefix + "".join(pieces),
    st.sampled_from(["/cy/", "/cy", "/", "/en/", "/cy/directory/"]),
    st.lists(
        st.one_of(st.sampled_from(PATH_PIECES), st.text(st.characters(exclude_categories=("Cs",)), max_size=12)),
        max_size=8,
    ),
)


def stays_on_site(href):
    return ON_SITE.fullmatch(html_module.unescape(href)) is not None


@pytest.mark.parametrize(
    "path", ["/cy//evil.example/", "/cy/%2F%2Fevil.example/", "/cy/%5Cevil.example/", "/cy/%09/evil.example/"]
)
def test_the_switcher_on_a_not_found_page_links_to_this_site(client, site_tree, path):
    """The "English" link on a Welsh 404 must never lead to another site (an open redirect).

    If this fails, a link such as /cy//evil.example/ shows a trusted page whose "English" link goes to evil.example.
    """
    response = client.get(path)
    assert response.status_code == 404
    hrefs = re.findall(r'href="([^"]*)"', switcher(response.content.decode()))
    assert hrefs and all(stays_on_site(href) for href in hrefs), hrefs


@hypothesis_settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(path=odd_paths)
def test_every_language_link_stays_on_this_site_whatever_the_address(client, site_tree, path):
    """For any address, the switcher's links, the hreflang alternates and the /en/ redirect stay on this site.

    If this fails, some crafted address (doubled slashes, backslashes, encoded tabs or newlines) turns a
    link on our page into a link to another site.
    """
    response = client.get(path)
    assert response.status_code < 500, path
    if response.has_header("Location"):
        assert stays_on_site(response["Location"]), (path, response["Location"])
    page = response.content.decode()
    if 'class="app-language-switcher"' in page:
        hrefs = re.findall(r'href="([^"]*)"', switcher(page))
        assert all(stays_on_site(href) for href in hrefs), (path, hrefs)
    for href in alternates(page).values():
        assert href.startswith("http://testserver/") and stays_on_site(href[len("http://testserver") :]), (path, href)


def test_the_service_name_is_in_welsh_on_the_welsh_site(client, welsh_site):
    """The header and page titles name the service in the reader's language."""
    welsh = client.get("/cy/privacy/").content.decode()
    assert "Cyfeiriadur Cymorth gan Gymheiriaid</a>" in welsh
    assert "– Cyfeiriadur Cymorth gan Gymheiriaid</title>" in welsh
    english = client.get("/privacy/").content.decode()
    assert "Peer Support Directory</a>" in english
