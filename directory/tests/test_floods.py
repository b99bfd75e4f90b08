"""Floods: one address sending a thousand nominations, suggestions or problem reports.

The per-address limits (``NOMINATION_RATE_LIMIT``, ``CONTRIBUTION_RATE_LIMIT`` and
``PUBLIC_FORM_RATE_LIMIT``, counted by core/protection.py in the "ratelimit" cache) must
hold: no more than the configured number is stored, every other attempt gets the friendly 429
page, the refusal happens before any work is done, and other people are not affected.
"""

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_ratelimit.core import _split_rate

from directory.models import EditSuggestion, ForumPage, Nomination, ProblemReport
from directory.tests.factories import ForumPageFactory
from directory.tests.nomination_helpers import (
    STEP_PATHS,
    as_sent_again,
    nomination_answers,
    redis_available,
    started_long_ago,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

FLOOD = 1000
FLOODER = "203.0.113.66"


@pytest.fixture(params=["local memory", "redis"])
def rate_limit_cache(request, settings):
    """Run each flood against the cache used in development and tests, and against Redis as in production."""
    if request.param == "redis":
        if not redis_available():
            pytest.skip("needs Redis on 127.0.0.1:6379")
        settings.CACHES = {
            **settings.CACHES,
            "ratelimit": {
                "BACKEND": "core.resilient_cache.ResilientRedisCache",
                "LOCATION": "redis://127.0.0.1:6379/15",
                "KEY_PREFIX": f"flood-{uuid.uuid4().hex}",
                "OPTIONS": {"LOCAL_FALLBACK": True},
            },
        }
    return request.param


@pytest.fixture
def forum(directory_index):
    page = ForumPageFactory(parent=directory_index, title="Money Talk", summary="Money help.")
    page.save_revision().publish()
    return ForumPage.objects.get(pk=page.pk)


def limit_of(settings, name):
    return _split_rate(getattr(settings, name))[0]


def assert_friendly_refusal(response):
    body = response.content.decode()
    assert "govuk-template" in body and "too many" in body.lower()
    assert int(response["Retry-After"]) > 0


def flood(client, path, data_for):
    """Post ``FLOOD`` times; returns the status codes and the last refusal."""
    statuses, refusal = [], None
    for number in range(FLOOD):
        response = client.post(path, data_for(number))
        statuses.append(response.status_code)
        if response.status_code == 429:
            refusal = response
    return statuses, refusal


def test_a_thousand_nominations_from_one_address_store_only_the_limit(client, site_tree, settings, rate_limit_cache):
    """Someone scripting a thousand nominations gets the configured number through and 429s after that.

    If this fails, one address can bury the editors in nominations (or the site errors under the flood).
    """
    client = Client(REMOTE_ADDR=FLOODER)
    stored_limit = limit_of(settings, "NOMINATION_RATE_LIMIT")
    outcomes = []
    for number in range(FLOOD):
        answers = nomination_answers(title=f"Flood {number}", website=f"https://flood-{number}.example.org/")
        response = None
        for step, path in STEP_PATHS.items():
            response = client.post(path, answers[step])
            if response.status_code != 302:
                break
        else:
            response = client.post("/nominate/check/", {"nickname": ""})
        outcomes.append(response.status_code)
        if response.status_code == 429:
            assert_friendly_refusal(response)
    assert not [status for status in outcomes if status >= 500]
    assert Nomination.objects.count() == stored_limit
    assert outcomes.count(302) == stored_limit
    assert outcomes.count(429) == FLOOD - stored_limit
    # Someone else, from another address, can still nominate.
    other = Client(REMOTE_ADDR="192.0.2.10")
    answers = nomination_answers(title="Someone Else", website="https://someone-else.example.org/")
    for step, path in STEP_PATHS.items():
        assert other.post(path, answers[step]).status_code == 302
    assert other.post("/nominate/check/", {"nickname": ""}).status_code == 302
    assert Nomination.objects.count() == stored_limit + 1


def test_a_thousand_suggestions_from_one_address_store_only_the_limit(client, forum, settings, rate_limit_cache):
    """A thousand suggested edits from one address: the configured number are kept, the rest get a 429 page.

    If this fails, one address can flood the editors' suggestion queue.
    """
    form = client.get(f"{forum.url}suggest/").context["form"]
    valid = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "", [])}
    valid.update(reason="Their about page says so.", started=started_long_ago(), nickname="")
    flooder = Client(REMOTE_ADDR=FLOODER)
    statuses, refusal = flood(
        flooder, f"{forum.url}suggest/", lambda number: as_sent_again({**valid, "summary": f"Summary {number}"})
    )
    stored_limit = limit_of(settings, "CONTRIBUTION_RATE_LIMIT")
    assert not [status for status in statuses if status >= 500]
    assert EditSuggestion.objects.count() == stored_limit
    assert statuses.count(429) == FLOOD - stored_limit
    assert_friendly_refusal(refusal)
    assert (
        Client(REMOTE_ADDR="192.0.2.10").post(f"{forum.url}suggest/", {**valid, "summary": "Other"}).status_code == 200
    )


def test_a_thousand_problem_reports_from_one_address_store_only_the_limit(client, forum, settings, rate_limit_cache):
    """A thousand problem reports from one address: the configured number are kept, the rest get a 429 page.

    If this fails, one address can flood the editors' report queue.
    """
    flooder = Client(REMOTE_ADDR=FLOODER)
    report = {"kind": "broken_link", "details": "Down.", "started": started_long_ago()}
    statuses, refusal = flood(flooder, f"{forum.url}report/", lambda number: as_sent_again(report))
    stored_limit = limit_of(settings, "CONTRIBUTION_RATE_LIMIT")
    assert not [status for status in statuses if status >= 500]
    assert ProblemReport.objects.count() == stored_limit
    assert statuses.count(429) == FLOOD - stored_limit
    assert_friendly_refusal(refusal)
    assert Client(REMOTE_ADDR="192.0.2.10").post(f"{forum.url}report/", as_sent_again(report)).status_code == 200


def test_a_flood_from_one_ipv6_network_counts_as_one_address(forum, settings):
    """Addresses in the same IPv6 /64 (which one person can use freely) share one limit.

    If this fails, a flooder with an IPv6 network gets billions of fresh limits.
    """
    stored_limit = limit_of(settings, "CONTRIBUTION_RATE_LIMIT")
    report = {"kind": "broken_link", "started": started_long_ago()}
    statuses = [
        Client(REMOTE_ADDR=f"2001:db8:1:2::{number:x}").post(f"{forum.url}report/", as_sent_again(report)).status_code
        for number in range(1, stored_limit + 6)
    ]
    assert statuses == [200] * stored_limit + [429] * 5
    assert ProblemReport.objects.count() == stored_limit


def test_a_refused_post_does_no_work(forum, settings):
    """Over the limit, a post is refused before its form is read: nothing is written to the database.

    If this fails, a flood still costs the database a write (or a validation) per request.
    """
    settings.CONTRIBUTION_RATE_LIMIT = "1/h"
    flooder = Client(REMOTE_ADDR=FLOODER)
    report = {"kind": "broken_link", "started": started_long_ago()}
    assert flooder.post(f"{forum.url}report/", report).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = flooder.post(f"{forum.url}report/", report)
    assert response.status_code == 429
    writes = [query["sql"] for query in queries if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert writes == []
    assert ProblemReport.objects.count() == 1


def test_a_flood_of_page_views_cannot_evict_the_rate_limit_counters(forum, settings):
    """Anonymous page views fill the page cache's Redis until it evicts; the counters, in their own
    no-eviction Redis as production configures them, survive and the limit still holds.

    Two throwaway redis-servers on the loopback play the two in docker-compose.yml: the page cache
    (``allkeys-lru``) and the counters (``noeviction``), each with a tiny ``maxmemory``. If this
    fails, anyone can reset their own limit by requesting enough distinct pages to push their
    counter out of an LRU cache, then post again.
    """
    import redis

    from core.tests.processes import redis_server
    from core.tests.test_resilient_cache import production_caches

    with (
        redis_server("--maxmemory", "2mb", "--maxmemory-policy", "allkeys-lru") as cache_url,
        redis_server("--maxmemory", "2mb", "--maxmemory-policy", "noeviction") as limits_url,
    ):
        settings.CACHES, settings.RATELIMIT_USE_CACHE = production_caches(
            REDIS_URL=cache_url, RATELIMIT_REDIS_URL=limits_url
        )
        settings.FACET_INDEX_CACHE = "default"  # as in production
        settings.PAGE_CACHE_ENABLED = True
        settings.CONTRIBUTION_RATE_LIMIT = "3/h"
        flooder = Client(REMOTE_ADDR=FLOODER)
        report = {"kind": "broken_link", "started": started_long_ago()}
        assert [flooder.post(f"{forum.url}report/", as_sent_again(report)).status_code for _ in range(2)] == [200, 200]

        page_cache = redis.Redis.from_url(cache_url)
        visitor = Client(REMOTE_ADDR="192.0.2.99")
        for number in range(600):
            assert visitor.get(f"/search/?q=flood{number}").status_code == 200
            if page_cache.info("stats")["evicted_keys"] >= 100:
                break
        assert page_cache.info("stats")["evicted_keys"] >= 100, "the flood did not fill the page cache"

        assert [flooder.post(f"{forum.url}report/", as_sent_again(report)).status_code for _ in range(2)] == [200, 429]
        assert ProblemReport.objects.count() == 3
