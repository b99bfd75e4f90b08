"""The whole-page cache (core/page_cache.py) and the Cache-Control headers over HTTP.

The cache is off in the test settings; every test here turns it on with a cleared cache.
"""

import time

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from wagtail.models import Site

from core.page_cache import (
    CACHED_HEADER,
    LocalCopies,
    current_generation,
    entry_key,
    local_copies,
    render_claim_key,
)
from directory import nominations
from directory.models import ForumPage
from directory.tests.factories import ForumPageFactory, publish_change
from directory.tests.nomination_helpers import SAMPLE_CONTACT, sample_details, signed_in
from home.models import SiteSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def forum(directory_index, page_cache_on):
    # The first page ever rendered creates the site settings row, which (rightly) forgets pages.
    SiteSettings.for_site(Site.objects.get(is_default_site=True))
    return ForumPageFactory(parent=directory_index, title="Carers Corner", slug="carers-corner")


def test_an_anonymous_visitor_gets_the_second_view_from_the_cache(client, forum, django_assert_num_queries):
    """The second view of a page costs no database query and is the same page.

    If this fails, every visit renders the page afresh and the site slows under load.
    """
    first = client.get("/directory/carers-corner/")
    assert first.status_code == 200
    assert first[CACHED_HEADER] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/directory/carers-corner/")
    assert second[CACHED_HEADER] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_public_pages_say_how_long_shared_caches_may_keep_them(client, forum, settings):
    """Public pages carry public Cache-Control with s-maxage and vary on Cookie.

    If this fails, a CDN in front of the site cannot keep pages, or keeps them for signed-in editors too.
    """
    settings.PUBLIC_CACHE_S_MAXAGE = 123
    for response in (client.get("/directory/carers-corner/"), client.get("/directory/carers-corner/")):
        cache_control = response["Cache-Control"]
        assert "public" in cache_control and "s-maxage=123" in cache_control
        assert "stale-while-revalidate=" in cache_control and "max-age=" in cache_control
        assert "Cookie" in response["Vary"]


def test_query_strings_and_languages_are_cached_apart(client, forum):
    """Each search, page of results and language is its own cache entry.

    If this fails, a visitor asking for one search is shown another's results, or English in Welsh.
    """
    assert client.get("/directory/?q=carers")[CACHED_HEADER] == "miss"
    assert client.get("/directory/?q=parents")[CACHED_HEADER] == "miss"
    assert client.get("/directory/?q=carers")[CACHED_HEADER] == "hit"
    english = RequestFactory().get("/directory/")
    welsh = RequestFactory().get("/cy/directory/")
    assert entry_key(english) != entry_key(welsh)
    other_host = RequestFactory().get("/directory/", HTTP_HOST="localhost")
    assert entry_key(english) != entry_key(other_host)


def test_publishing_a_change_shows_at_once_on_the_page_and_in_the_listing(client, forum):
    """An editor publishes a new summary: the next visitor sees it on the page and in the listing.

    If this fails, the public keeps seeing the old details until the cache expires.
    """
    assert "Peer support at Carers Corner." in client.get("/directory/carers-corner/").content.decode()
    assert "Peer support at Carers Corner." in client.get("/directory/").content.decode()
    assert client.get("/directory/")[CACHED_HEADER] == "hit"

    publish_change(forum, summary="A friendly place for unpaid carers.")

    page = client.get("/directory/carers-corner/")
    listing = client.get("/directory/")
    assert page[CACHED_HEADER] == listing[CACHED_HEADER] == "miss"
    assert "A friendly place for unpaid carers." in page.content.decode()
    assert "A friendly place for unpaid carers." in listing.content.decode()


def test_unpublishing_and_deleting_take_the_page_away_at_once(client, forum, directory_index):
    """An unpublished or deleted community disappears from its address and the listing at the next request.

    If this fails, a community that asked to be taken down stays visible from the cache.
    """
    other = ForumPageFactory(parent=directory_index, title="Dads Den", slug="dads-den")
    assert client.get("/directory/carers-corner/").status_code == 200
    assert client.get("/directory/dads-den/").status_code == 200
    assert "Carers Corner" in client.get("/directory/").content.decode()

    ForumPage.objects.get(pk=forum.pk).unpublish()
    assert client.get("/directory/carers-corner/").status_code == 404
    assert "Carers Corner" not in client.get("/directory/").content.decode()

    ForumPage.objects.get(pk=other.pk).delete()
    assert client.get("/directory/dads-den/").status_code == 404


def claim_key(path):
    """The key of the claim a request takes while it renders ``path`` again after a change."""
    return render_claim_key(entry_key(RequestFactory().get(path)))


def someone_else_is_rendering(path):
    assert cache.add(claim_key(path), 1, 60)


def test_while_a_changed_page_is_rendered_once_other_visitors_get_the_copy_from_before(
    client, forum, django_assert_num_queries
):
    """After a publish one request renders the page again; visitors arriving meanwhile get the old copy.

    If this fails, every visitor arriving in the moment after a publish renders the same page at
    once, and a busy site slows to a crawl after each change; or a CDN keeps the old copy.
    """
    assert client.get("/directory/carers-corner/")[CACHED_HEADER] == "miss"
    publish_change(forum, summary="A friendly place for unpaid carers.")

    someone_else_is_rendering("/directory/carers-corner/")
    with django_assert_num_queries(0):
        meanwhile = client.get("/directory/carers-corner/")
    assert meanwhile.status_code == 200
    assert meanwhile[CACHED_HEADER] == "stale"
    assert meanwhile["Cache-Control"] == "no-cache", "no browser or CDN keeps the copy from before"
    assert "Peer support at Carers Corner." in meanwhile.content.decode()

    cache.delete(claim_key("/directory/carers-corner/"))  # that render ends
    fresh = client.get("/directory/carers-corner/")
    assert fresh[CACHED_HEADER] == "miss"
    assert "A friendly place for unpaid carers." in fresh.content.decode()
    assert client.get("/directory/carers-corner/")[CACHED_HEADER] == "hit"
    assert cache.get(claim_key("/directory/carers-corner/")) is None


def test_a_page_taken_down_is_never_served_from_its_old_copy(client, forum):
    """Once a render finds the page gone, its old copy is dropped: no visitor gets it again.

    If this fails, a community that asked to be taken down keeps appearing to visitors who
    arrive while someone else's request is being answered.
    """
    assert client.get("/directory/carers-corner/").status_code == 200
    ForumPage.objects.get(pk=forum.pk).unpublish()
    assert client.get("/directory/carers-corner/").status_code == 404

    someone_else_is_rendering("/directory/carers-corner/")
    response = client.get("/directory/carers-corner/")
    assert response.status_code == 404
    assert "Carers Corner" not in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/directory/carers-corner/suggest/", "/directory/carers-corner/report/", "/nominate/"]
)
def test_pages_with_a_csrf_form_are_never_cached(client, forum, path):
    """Forms carry a CSRF token: they are rendered afresh every time and no shared cache may keep them.

    If this fails, one visitor's token is served to everyone and their forms are refused.
    """
    for _ in range(2):
        response = client.get(path)
        assert response.status_code == 200
        assert "csrfmiddlewaretoken" in response.content.decode()
        assert CACHED_HEADER not in response
        assert response["Cache-Control"] == "private, no-store"
    assert cache.get(entry_key(RequestFactory().get(path))) is None


def test_the_operators_private_link_is_never_cached(client, site_tree, page_cache_on):
    """The operator's /listing/<token>/ page is private: never stored, never served from the cache.

    If this fails, a private page with the operator's details could be served from a shared cache.
    """
    nomination, token = nominations.submit_nomination(sample_details(), SAMPLE_CONTACT)
    for path in (f"/listing/{token}/", f"/cy/listing/{token}/"):
        for _ in range(2):
            response = client.get(path)
            assert response.status_code == 200
            assert CACHED_HEADER not in response
            assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
        assert cache.get(entry_key(RequestFactory().get(path))) is None


def test_a_preview_shows_the_draft_and_never_reaches_the_cache(client, forum):
    """Previewing a draft shows the draft, not the cached live page, and the public never sees the draft.

    Wagtail renders previews through the middleware for the page's own public address. If this
    fails, editors preview the wrong content, or an unapproved draft is served to the public.
    """
    assert client.get("/directory/carers-corner/")[CACHED_HEADER] == "miss"
    draft = ForumPage.objects.get(pk=forum.pk)
    draft.summary = "Unapproved draft wording."
    draft.save_revision()

    preview = draft.make_preview_request()
    assert "Unapproved draft wording." in preview.content.decode()
    assert CACHED_HEADER not in preview
    assert "private" in preview["Cache-Control"]

    public = client.get("/directory/carers-corner/")
    assert public[CACHED_HEADER] == "hit"
    assert "Unapproved draft wording." not in public.content.decode()
    cache.clear()
    assert "Unapproved draft wording." not in client.get("/directory/carers-corner/").content.decode()


def test_signed_in_editors_get_fresh_private_pages(client, forum, django_user_model):
    """A signed-in editor is never served the anonymous copy, and their page is never stored.

    If this fails, editors cannot see what they just changed, or their view is shown to the public.
    """
    client.get("/directory/carers-corner/")
    editor = django_user_model.objects.create_superuser("boss", "boss@example.gov", "pw")
    signed_in(client, editor)
    response = client.get("/directory/carers-corner/")
    assert CACHED_HEADER not in response
    assert response["Cache-Control"] == "private, no-store"


def test_the_admin_is_never_cached(client, forum):
    """Admin responses are private and never stored, whoever asks.

    If this fails, one editor's admin screens could be kept by a shared cache.
    """
    for _ in range(2):
        response = client.get("/admin/login/")
        assert response.status_code == 200
        assert CACHED_HEADER not in response
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert cache.get(entry_key(RequestFactory().get("/admin/login/"))) is None


def test_changing_a_vocabulary_or_verifying_an_entry_forgets_cached_pages(client, forum):
    """Changes made without publishing a page (a snippet, a "still accurate" confirmation) still show at once.

    If this fails, a renamed audience or a new "last verified" date waits for the cache to expire.
    """
    from directory.models import Audience

    client.get("/directory/carers-corner/")
    before = current_generation()
    Audience.objects.create(name="Young carers", slug="young-carers")
    assert current_generation() > before

    client.get("/directory/carers-corner/")
    before = current_generation()
    nominations.mark_forum_verified(ForumPage.objects.get(pk=forum.pk))
    assert current_generation() > before
    assert client.get("/directory/carers-corner/")[CACHED_HEADER] == "miss"


def test_the_cache_is_off_unless_enabled(client, directory_index, settings):
    """With PAGE_CACHE_ENABLED off (the test and development default) nothing is stored or served.

    If this fails, developers see stale templates, or the setting does not switch the cache off.
    """
    settings.PAGE_CACHE_ENABLED = False
    ForumPageFactory(parent=directory_index, slug="carers-corner")
    cache.clear()
    for _ in range(2):
        response = client.get("/directory/carers-corner/")
        assert CACHED_HEADER not in response
        assert "public" in response["Cache-Control"]


REDIS_TEST_URL = "redis://127.0.0.1:6379/3"  # a database of its own: only it is flushed


@pytest.fixture
def redis_page_cache(settings, page_cache_on):
    import redis

    connection = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    connection.flushdb()
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_TEST_URL},
    }
    settings.PAGE_CACHE_ALIAS = "pages"
    yield connection
    connection.flushdb()


def test_the_page_cache_works_in_redis(client, forum, redis_page_cache, django_assert_num_queries):
    """With Redis (as in production) pages are stored there and served from there, and each process
    serves a page it served from its own copy without fetching the HTML again, until a publish.

    If this fails, the cache works in tests but not with the shared cache every web process uses;
    or every view of a popular page carries its whole HTML out of Redis again; or (worse) a process
    keeps showing a page as it was before an editor's change.
    """
    assert client.get("/directory/carers-corner/")[CACHED_HEADER] == "miss"
    assert redis_page_cache.dbsize() >= 2, "the page and the generation counter are in Redis"
    local_copies.clear()  # as a process that has not served it yet
    with django_assert_num_queries(0):
        assert client.get("/directory/carers-corner/")[CACHED_HEADER] == "hit"

    redis_page_cache.delete(f":1:{entry_key(RequestFactory().get('/directory/carers-corner/'))}")
    with django_assert_num_queries(0):
        assert client.get("/directory/carers-corner/")[CACHED_HEADER] == "hit", "this process's own copy"

    publish_change(forum, summary="Now with a weekly online meet-up.")
    response = client.get("/directory/carers-corner/")
    assert response[CACHED_HEADER] == "miss"
    assert "Now with a weekly online meet-up." in response.content.decode()


def test_a_process_keeps_its_copy_of_a_page_no_longer_than_the_cache_does(client, forum, settings):
    """After PAGE_CACHE_SECONDS a page is rendered again, even when nothing was published.

    If this fails, a page that says how long ago an entry was checked goes on saying it for as
    long as the process lives on a quiet site.
    """
    settings.PAGE_CACHE_SECONDS = 1
    assert client.get("/directory/carers-corner/")[CACHED_HEADER] == "miss"
    assert client.get("/directory/carers-corner/")[CACHED_HEADER] == "hit"
    time.sleep(1.1)
    assert client.get("/directory/carers-corner/")[CACHED_HEADER] == "miss"


def test_a_process_keeps_its_most_recent_pages_within_its_byte_limit():
    """The copies a process keeps never add up to more than the limit; the least recently served go first.

    If this fails, a crawler walking every page would grow each web process without bound.
    """
    copies = LocalCopies()
    page = {"generation": 1, "content": b"x" * 400}
    for key in ("a", "b", "c"):
        copies.put(key, page, max_bytes=1000)
    assert copies.get("a") is None, "the oldest went to make room"
    assert copies.get("b") is page
    copies.put("d", page, max_bytes=1000)
    assert copies.get("c") is None, "b was served more recently than c"
    assert copies.get("b") is page and copies.get("d") is page
    copies.put("huge", {"generation": 1, "content": b"x" * 2000}, max_bytes=1000)
    assert copies.get("huge") is None and copies.get("b") is page
