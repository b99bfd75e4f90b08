"""Checking that each live community's web address still works.

Addresses are checked concurrently (at most ``DIRECTORY_LINK_CHECK_CONCURRENCY`` at once), each
within ``DIRECTORY_LINK_CHECK_TIMEOUT`` seconds, following redirects, with a HEAD request first
and a GET when HEAD is refused or fails oddly (many servers mishandle HEAD). We say who we are
in the User-Agent. Every check is kept as a ``LinkCheck`` row, so editors see a link's history;
an entry whose link has failed ``DIRECTORY_LINK_BROKEN_AFTER_FAILURES`` times in a row over at
least ``DIRECTORY_LINK_BROKEN_AFTER_DAYS`` days is marked broken and appears in the editors'
broken-links report. One failure never marks a link broken: sites have bad days. Only
addresses on the public internet are requested, redirects included (``core.outbound``): an
address in our own network is reported as a connection error, never visited.
"""

import asyncio
import datetime
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Min, OuterRef
from django.utils import timezone

from core.outbound import FetchFailed, RefusedAddress, refuse_unless_public
from directory.caching import public_content_changed
from directory.models import ForumPage, LinkCheck, LinkStatus

Outcome = LinkCheck.Outcome
WORKING_OUTCOMES = (Outcome.OK, Outcome.REDIRECTED)
MAX_REDIRECTS = 10


def user_agent():
    """An honest User-Agent: what we are and where to find out more."""
    return f"PeerSupportDirectoryLinkChecker/1.0 (+{settings.WAGTAILADMIN_BASE_URL})"


@dataclass
class LinkResult:
    """The outcome of checking one address."""

    url: str
    outcome: str
    status_code: int | None = None
    final_url: str = ""
    error: str = ""
    elapsed_ms: int | None = None

    @property
    def is_working(self):
        return self.outcome in WORKING_OUTCOMES


def outcome_for(response):
    """What a final HTTP response means for the link."""
    if response.status_code >= 500:
        return Outcome.SERVER_ERROR
    if response.status_code >= 400:
        return Outcome.CLIENT_ERROR
    if response.status_code >= 300:
        # A redirect without somewhere to go.
        return Outcome.CLIENT_ERROR
    return Outcome.REDIRECTED if response.history else Outcome.OK


async def request(client, method, url):
    """One request whose body is never downloaded: the status and the final address are enough."""
    async with client.stream(method, url) as response:
        return response


async def fetch(client, url):
    """HEAD the address; GET it instead if HEAD is refused, errors or the connection breaks oddly."""
    try:
        response = await request(client, "HEAD", url)
    except (httpx.TimeoutException, httpx.ConnectError, httpx.TooManyRedirects, httpx.UnsupportedProtocol):
        raise
    except httpx.TransportError:
        # e.g. the server drops the connection on HEAD; a GET may still work.
        return await request(client, "GET", url)
    if response.status_code >= 400:
        # 403/405/501 often mean "no HEAD here"; a GET tells us what a visitor would see.
        return await request(client, "GET", url)
    return response


async def check_url(client, url, timeout):
    """Check one address within ``timeout`` seconds in all (redirects and the GET fallback included)."""
    started = time.monotonic()

    def result(outcome, response=None, error=""):
        return LinkResult(
            url=url,
            outcome=outcome,
            status_code=response.status_code if response is not None else None,
            final_url=str(response.url)[:500] if response is not None and response.history else "",
            error=error[:300],
            elapsed_ms=round((time.monotonic() - started) * 1000),
        )

    try:
        async with asyncio.timeout(timeout):
            response = await fetch(client, url)
    except (TimeoutError, httpx.TimeoutException):
        return result(Outcome.TIMEOUT, error=f"No answer within {timeout:g} seconds")
    except httpx.TooManyRedirects:
        return result(Outcome.CLIENT_ERROR, error=f"More than {MAX_REDIRECTS} redirects")
    except (RefusedAddress, FetchFailed) as error:  # a private address, or a name that does not resolve
        return result(Outcome.CONNECTION_ERROR, error=str(error))
    except (httpx.HTTPError, httpx.InvalidURL, OSError) as error:
        return result(Outcome.CONNECTION_ERROR, error=str(error) or type(error).__name__)
    return result(outcome_for(response), response)


async def check_urls(urls, *, concurrency, timeout, on_result=None):
    """Check ``urls`` with at most ``concurrency`` in flight; ``on_result(result)`` is called as each ends."""
    semaphore = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        event_hooks={"request": [refuse_unless_public]},  # never our own network, nor a redirect into it
        trust_env=False,  # nor a proxy from the environment, past that check
        timeout=timeout,
        headers={"User-Agent": user_agent()},
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
    ) as client:

        async def check(url):
            async with semaphore:
                link_result = await check_url(client, url, timeout)
            if on_result is not None:
                on_result(link_result)
            return link_result

        return await asyncio.gather(*(check(url) for url in urls))


def forums_to_check():
    """Every live community, in every language (translations share an address and are checked once)."""
    return ForumPage.objects.live().only("pk", "title", "website", "link_status", "link_failures").order_by("path")


def failure_streak_starts(forum_ids):
    """When each forum's current run of failed checks began (failures with no working check after them)."""
    later_success = LinkCheck.objects.filter(
        forum_id=OuterRef("forum_id"), outcome__in=WORKING_OUTCOMES, checked_at__gt=OuterRef("checked_at")
    )
    streaks = (
        LinkCheck.objects.filter(forum_id__in=forum_ids)
        .exclude(outcome__in=WORKING_OUTCOMES)
        .filter(~Exists(later_success))
        .values("forum_id")
        .annotate(since=Min("checked_at"))
        .order_by()
    )
    return {row["forum_id"]: row["since"] for row in streaks}


def record_results(forums, results_by_url):
    """Save one ``LinkCheck`` per forum and update each forum's link state, in a few queries."""
    now = timezone.now()
    broken_after_failures = getattr(settings, "DIRECTORY_LINK_BROKEN_AFTER_FAILURES", 3)
    broken_after = datetime.timedelta(days=getattr(settings, "DIRECTORY_LINK_BROKEN_AFTER_DAYS", 3))
    with transaction.atomic():
        checks = LinkCheck.objects.bulk_create(
            [
                LinkCheck(
                    forum=forum,
                    url=link_result.url,
                    outcome=link_result.outcome,
                    status_code=link_result.status_code,
                    final_url=link_result.final_url,
                    error=link_result.error,
                    elapsed_ms=link_result.elapsed_ms,
                )
                for forum in forums
                for link_result in [results_by_url[forum.website]]
            ],
            batch_size=500,
        )
        failing = [forum.pk for forum in forums if not results_by_url[forum.website].is_working]
        streak_starts = failure_streak_starts(failing) if failing else {}
        for forum in forums:
            link_result = results_by_url[forum.website]
            forum.link_checked_at = now
            if link_result.is_working:
                forum.link_failures = 0
                forum.link_status = (
                    LinkStatus.REDIRECTED if link_result.outcome == Outcome.REDIRECTED else LinkStatus.OK
                )
                continue
            forum.link_failures = min(forum.link_failures + 1, 32767)
            # Calendar days, so a daily run a few seconds earlier than yesterday's still counts a day.
            days_failing = timezone.localdate(now) - timezone.localdate(streak_starts.get(forum.pk, now))
            if forum.link_failures >= broken_after_failures and days_failing >= broken_after:
                forum.link_status = LinkStatus.BROKEN
        ForumPage.objects.bulk_update(forums, ["link_status", "link_checked_at", "link_failures"], batch_size=500)
        public_content_changed()  # a broken link shows on the forum's page; bulk_update sends no signal
    return checks


def prune_link_checks(keep_days=None):
    """Delete link checks older than ``keep_days`` (``DIRECTORY_LINK_CHECK_HISTORY_DAYS``); returns how many.

    A nightly check of every entry adds a row per entry per day; a year of history is plenty to
    see when a link started failing.
    """
    keep_days = keep_days or getattr(settings, "DIRECTORY_LINK_CHECK_HISTORY_DAYS", 365)
    cutoff = timezone.now() - datetime.timedelta(days=keep_days)
    deleted, _by_model = LinkCheck.objects.filter(checked_at__lt=cutoff).delete()
    return deleted


@dataclass
class LinkCheckRun:
    """What one run checked, for the command's summary table."""

    forums: list
    results_by_url: dict

    @property
    def outcome_counts(self):
        return Counter(self.results_by_url[forum.website].outcome for forum in self.forums)

    @property
    def failing(self):
        """(forum, result) for each forum whose link failed this time, worst first."""
        rows = [(forum, self.results_by_url[forum.website]) for forum in self.forums]
        rows = [(forum, link_result) for forum, link_result in rows if not link_result.is_working]
        return sorted(rows, key=lambda row: (-row[0].link_failures, row[0].title))


def check_forum_links(forums=None, *, concurrency=None, timeout=None, on_result=None):
    """Check the links of ``forums`` (default: every live community), record and return the run.

    ``on_result`` is called once per distinct address as its check ends (the command's progress bar).
    """
    forums = list(forums_to_check() if forums is None else forums)
    concurrency = concurrency or getattr(settings, "DIRECTORY_LINK_CHECK_CONCURRENCY", 20)
    timeout = timeout or getattr(settings, "DIRECTORY_LINK_CHECK_TIMEOUT", 15)
    forums_by_url = defaultdict(list)
    for forum in forums:
        forums_by_url[forum.website].append(forum)
    results = asyncio.run(
        check_urls(list(forums_by_url), concurrency=concurrency, timeout=timeout, on_result=on_result)
    )
    results_by_url = {link_result.url: link_result for link_result in results}
    if forums:
        record_results(forums, results_by_url)
    return LinkCheckRun(forums=forums, results_by_url=results_by_url)
