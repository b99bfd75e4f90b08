"""The site with its Redis unreachable (core/resilient_cache.py, settings' CACHES).

The caches are configured exactly as production configures them from ``REDIS_URL`` (read from
``settings.production`` in a fresh interpreter), pointing at a loopback port nothing listens on:
a real refused connection, not a stand-in. Pages, forms, the admin and publishing must all work,
uncached; the readiness check says the cache is unavailable; the rate limits keep holding.
"""

import json
import logging
import time

import pytest
import redis
from django.core.cache import caches
from django.test import Client

from core.page_cache import CACHED_HEADER, GENERATION_KEY
from core.resilient_cache import CacheUnavailable, ResilientRedisCache
from core.tests.processes import free_port, redis_server, run_python
from directory.models import ForumPage, Nomination, ProblemReport
from directory.tests.factories import ForumPageFactory
from directory.tests.nomination_helpers import approve, as_sent_again, nominate, signed_in, started_long_ago

SHOW_CACHES = "import json, settings.production as s; print(json.dumps([s.CACHES, s.RATELIMIT_USE_CACHE]))"


def production_caches(**environment):
    """``CACHES`` and ``RATELIMIT_USE_CACHE`` as settings.production builds them from this environment."""
    finished = run_python(SHOW_CACHES, SECRET_KEY="not-secret", **environment)
    assert finished.returncode == 0, finished.stderr
    caches_setting, ratelimit_alias = json.loads(finished.stdout)
    return caches_setting, ratelimit_alias


@pytest.fixture(scope="module")
def caches_with_redis_down():
    return production_caches(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")


@pytest.fixture
def redis_down(settings, caches_with_redis_down):
    """Production's caches, with nothing listening where REDIS_URL points; the page cache on, as in production."""
    settings.CACHES, settings.RATELIMIT_USE_CACHE = caches_with_redis_down
    settings.FACET_INDEX_CACHE = "default"  # as in production: the facet indexes are shared through Redis too
    settings.PAGE_CACHE_ENABLED = True
    yield
    caches["ratelimit"].fallback.clear()


@pytest.fixture
def forum(directory_index):
    page = ForumPageFactory(parent=directory_index, title="Carers Corner", slug="carers-corner")
    page.save_revision().publish()
    return ForumPage.objects.get(pk=page.pk)


def test_production_points_both_caches_at_redis_through_the_resilient_backend(caches_with_redis_down):
    """Production must use the backend that survives an outage for the page cache and the counters.

    If this fails, REDIS_URL selects Django's plain RedisCache again and an outage is a 500 on every page.
    """
    caches_setting, ratelimit_alias = caches_with_redis_down
    assert ratelimit_alias == "ratelimit"
    for alias in ("default", "ratelimit"):
        assert caches_setting[alias]["BACKEND"] == "core.resilient_cache.ResilientRedisCache"
        assert caches_setting[alias]["OPTIONS"]["socket_connect_timeout"] <= 1
        assert caches_setting[alias]["OPTIONS"]["socket_timeout"] <= 2
    assert caches_setting["ratelimit"]["OPTIONS"]["LOCAL_FALLBACK"] is True


def test_every_cache_operation_degrades_instead_of_raising(caplog):
    """Reads miss, writes do nothing, ``incr`` says the counter is not there; one warning, not one per call.

    If this fails, some caller of the cache (Wagtail's site lookup, the page cache, a rate limit, a
    publish) raises ConnectionError when Redis is down, which the visitor sees as a 500; or the log
    fills with a warning for every request.
    """
    cache = ResilientRedisCache(f"redis://127.0.0.1:{free_port()}/0", {"OPTIONS": {"RETRY_AFTER": 60}})
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="core.resilient_cache"):
        for _ in range(50):
            assert cache.get("key") is None
            assert cache.get("key", "fallback") == "fallback"
            assert cache.get_many(["a", "b"]) == {}
            assert cache.has_key("key") is False
            assert cache.add("key", 1) is False
            assert cache.set("key", 1) is None
            assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
            assert cache.touch("key") is False
            assert cache.delete("key") is False
            assert cache.delete_many(["a", "b"]) is None
            assert cache.get_or_set("key", 5) == 5
            with pytest.raises(CacheUnavailable):
                cache.incr("key")
            with pytest.raises(ValueError):
                cache.decr("key")
            assert cache.clear() is False
    assert time.monotonic() - started < 5, "an outage must not stall every call"
    assert len([record for record in caplog.records if record.levelno == logging.WARNING]) == 1
    assert cache.ping() is False


def test_with_local_fallback_counters_keep_counting_while_redis_is_down():
    """The rate-limit cache counts in the process's memory while Redis is out.

    If this fails, limits vanish (or refuse everyone) for the length of an outage.
    """
    cache = ResilientRedisCache(f"redis://127.0.0.1:{free_port()}/0", {"OPTIONS": {"LOCAL_FALLBACK": True}})
    assert cache.add("counter", 1, 60) is True
    assert cache.incr("counter") == 2
    assert cache.get("counter") == 2
    cache.fallback.clear()


def test_pages_forms_and_the_admin_work_with_redis_down(
    client, site_tree, forum, redis_down, django_user_model, django_capture_on_commit_callbacks
):
    """Redis unreachable: public pages, the nomination form, the admin and approving a nomination all work.

    If this fails, a Redis outage takes the whole site down (every page a 500) while the health
    check still says all is well: what an outside probe found.
    """
    for path in ("/", "/directory/", "/directory/carers-corner/", "/cy/", "/search/?q=carers", "/nominate/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert CACHED_HEADER not in response or response[CACHED_HEADER] == "miss"
    # Nothing could be stored, so the next visitor is not served from the cache either.
    assert client.get("/directory/carers-corner/").get(CACHED_HEADER) != "hit"

    response = nominate(Client(REMOTE_ADDR="198.51.100.7"), django_capture_on_commit_callbacks, title="Outage Circle")
    assert response.status_code == 302
    nomination = Nomination.objects.get(forum__title="Outage Circle")

    editor = django_user_model.objects.create_superuser(username="editor", email="editor@example.gov", password="pw")
    admin = signed_in(Client(), editor)
    assert admin.get("/admin/").status_code == 200
    assert admin.get(f"/admin/pages/{nomination.forum_id}/edit/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        approve(nomination.forum, editor)
    published = ForumPage.objects.get(pk=nomination.forum_id)
    assert published.live
    response = client.get(published.url)
    assert response.status_code == 200 and "Outage Circle" in response.content.decode()

    report = {"kind": "broken_link", "details": "Down.", "started": started_long_ago()}
    assert Client(REMOTE_ADDR="198.51.100.8").post("/directory/carers-corner/report/", report).status_code == 200
    assert ProblemReport.objects.filter(forum=forum).exists()


def test_health_stays_ok_and_readiness_says_the_cache_is_unavailable(client, db, redis_down):
    """/healthz (liveness) is 200; /readyz reports the database ok and both caches unavailable, still 200.

    If this fails, a load balancer pulls every container out because the shared Redis is down (a
    slower site becomes no site), or operators cannot see that the cache is out.
    """
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "unavailable",
        "rate_limit_cache": "unavailable",
    }
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]


def test_readiness_is_ok_when_everything_answers(client, db):
    """With the database and (local) caches answering, /readyz says ok.

    If this fails, a deployment never becomes ready.
    """
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_rate_limits_keep_holding_per_process_while_redis_is_down(site_tree, forum, redis_down, settings):
    """With Redis out, a flooder is still stopped at the limit (counted in this process) and others are not.

    If this fails, a Redis outage (or an attacker who can cause one) opens the forms to unlimited
    posts, or shuts them for everyone.
    """
    settings.CONTRIBUTION_RATE_LIMIT = "2/h"
    report = {"kind": "broken_link", "started": started_long_ago()}
    flooder = Client(REMOTE_ADDR="203.0.113.66")
    statuses = [flooder.post("/directory/carers-corner/report/", as_sent_again(report)).status_code for _ in range(4)]
    assert statuses == [200, 200, 429, 429]
    assert ProblemReport.objects.count() == 2
    assert (
        Client(REMOTE_ADDR="192.0.2.10").post("/directory/carers-corner/report/", as_sent_again(report)).status_code
        == 200
    )


def test_a_publish_the_cache_missed_still_reaches_visitors_when_the_cache_answers_again(
    client, forum, settings, django_capture_on_commit_callbacks
):
    """Redis alive but not answering this process (writes paused) while an entry is published: once
    it answers again, the old cached copy of the page is not served.

    If this fails, a change published during a brief Redis hiccup stays invisible for as long as the
    old copy is kept (PAGE_CACHE_SECONDS), though the publish itself succeeded.
    """
    with redis_server() as url:
        settings.CACHES = {
            **settings.CACHES,
            "pages": {
                "BACKEND": "core.resilient_cache.ResilientRedisCache",
                "LOCATION": url,
                "OPTIONS": {"socket_timeout": 0.3, "RETRY_AFTER": 0.1},
            },
        }
        settings.PAGE_CACHE_ALIAS = "pages"
        settings.PAGE_CACHE_ENABLED = True
        assert client.get("/directory/carers-corner/")[CACHED_HEADER] == "miss"
        assert client.get("/directory/carers-corner/")[CACHED_HEADER] == "hit"

        control = redis.Redis.from_url(url)
        generation = int(control.get(f":1:{GENERATION_KEY}"))
        control.execute_command("CLIENT", "PAUSE", "1500", "WRITE")  # this process's writes time out
        revision = forum.save_revision()
        page = revision.as_object()
        page.summary = "Now meeting on Tuesdays."
        page.save_revision().publish()
        assert int(control.get(f":1:{GENERATION_KEY}")) == generation, "the bump should have been missed"
        time.sleep(1.6)  # the pause ends

        response = client.get("/directory/carers-corner/")
        assert "Now meeting on Tuesdays." in response.content.decode()
        assert response[CACHED_HEADER] == "miss"


def test_cache_operations_share_one_redis_client():
    """Every operation of a cache goes through one Redis client, made once.

    If this fails, each cache read builds a new client again (redis-py's constructor fills a
    table of reply handlers), and cached pages are served more slowly.
    """
    with redis_server() as url:
        cache = ResilientRedisCache(url, {})
        cache.set("greeting", "hello")
        client = cache._cache.get_client(write=True)
        assert cache.get("greeting") == "hello"
        assert cache._cache.get_client() is client
        assert cache._cache.get_client("another-key", write=True) is client
