"""Tests for ``directory/linkcheck.py`` and ``manage.py check_links``, against a local HTTP server only."""

import asyncio
import datetime
import io
import socket
import threading
import time
import zoneinfo
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.core.management import call_command

from directory.linkcheck import check_forum_links, check_urls
from directory.models import LinkCheck, LinkStatus
from directory.tests.factories import ForumPageFactory

Outcome = LinkCheck.Outcome
TIMEOUT = 0.5
# Runs are dated from midday in London, far from midnight, so "days" are whole calendar days.
NOON = datetime.datetime(2025, 6, 2, 12, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


class Handler(BaseHTTPRequestHandler):
    """Answers like the sites we check do: working, moved, missing, failing, slow, or refusing HEAD."""

    def do_HEAD(self):
        self.answer(head=True)

    def do_GET(self):
        self.answer(head=False)

    def answer(self, head):
        server = self.server
        server.requests.append((self.command, self.path, self.headers.get("User-Agent")))
        path = self.path.split("?")[0]
        if path == "/ok":
            return self.reply(200)
        if path == "/moved":
            return self.reply(301, location="/ok")
        if path == "/missing":
            return self.reply(404)
        if path == "/broken":
            return self.reply(500)
        if path == "/slow":
            server.release.wait(5)
            return self.reply(200)
        if path == "/to-our-network":
            return self.reply(302, location=self.path.split("?to=", 1)[1])
        if path == "/no-head":
            return self.reply(405 if head else 200)
        if path == "/busy":
            with server.lock:
                server.in_flight += 1
                server.most_in_flight = max(server.most_in_flight, server.in_flight)
            time.sleep(0.1)
            with server.lock:
                server.in_flight -= 1
            return self.reply(200)
        return self.reply(404)

    def reply(self, status, location=None):
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(autouse=True)
def local_servers_allowed(settings):
    """The checker visits only public addresses; these tests' servers are on the loopback."""
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def site():
    """A local web server on a free port, torn down after the test; yields its base address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.requests = []
    server.release = threading.Event()
    server.lock = threading.Lock()
    server.in_flight = server.most_in_flight = 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port_url():
    """An address on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def check(urls, concurrency=4):
    results = asyncio.run(check_urls(urls, concurrency=concurrency, timeout=TIMEOUT))
    return {result.url: result for result in results}


def test_each_kind_of_answer_gets_the_right_outcome(site, closed_port_url):
    """Editors would see working links reported broken, or dead links reported working."""
    urls = {name: f"{site.base}/{name}" for name in ["ok", "moved", "missing", "broken", "slow", "no-head"]}
    results = check([*urls.values(), closed_port_url], concurrency=7)

    assert (results[urls["ok"]].outcome, results[urls["ok"]].status_code) == (Outcome.OK, 200)
    assert results[urls["ok"]].final_url == ""
    assert (results[urls["moved"]].outcome, results[urls["moved"]].status_code) == (Outcome.REDIRECTED, 200)
    assert results[urls["moved"]].final_url == f"{site.base}/ok"
    assert (results[urls["missing"]].outcome, results[urls["missing"]].status_code) == (Outcome.CLIENT_ERROR, 404)
    assert (results[urls["broken"]].outcome, results[urls["broken"]].status_code) == (Outcome.SERVER_ERROR, 500)
    assert results[urls["slow"]].outcome == Outcome.TIMEOUT
    assert results[urls["slow"]].status_code is None
    assert (results[urls["no-head"]].outcome, results[urls["no-head"]].status_code) == (Outcome.OK, 200)
    assert results[closed_port_url].outcome == Outcome.CONNECTION_ERROR
    assert results[closed_port_url].error


def test_addresses_in_our_own_network_are_never_visited(site, settings):
    """A community's address (or a redirect) pointing into our network would have the checker probe
    internal services, cloud metadata included, and report what answers to editors."""
    other_loopback = f"http://127.0.0.2:{site.server_address[1]}/ok"
    urls = [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[::1]/",
        other_loopback,
        f"{site.base}/to-our-network?to={other_loopback}",
    ]
    results = check(urls)
    for url in urls:
        assert (results[url].outcome, results[url].status_code) == (Outcome.CONNECTION_ERROR, None), url
        assert "public internet" in results[url].error, url
    assert [path for _method, path, _agent in site.requests] == [f"/to-our-network?to={other_loopback}"]
    settings.OUTBOUND_ALLOWED_NETWORKS = []  # as deployed: the loopback too is refused
    assert "public internet" in check([f"{site.base}/ok"])[f"{site.base}/ok"].error
    assert len(site.requests) == 1


def test_head_first_then_get_when_head_is_refused(site):
    """Sites that refuse HEAD would be reported broken, or every site would be downloaded in full."""
    check([f"{site.base}/no-head", f"{site.base}/ok"])

    assert [(method, path) for method, path, _ in site.requests if path == "/no-head"] == [
        ("HEAD", "/no-head"),
        ("GET", "/no-head"),
    ]
    assert [method for method, path, _ in site.requests if path == "/ok"] == ["HEAD"]


def test_the_checker_says_who_it_is(site, settings):
    """Site owners would see an anonymous robot hitting their servers, with nowhere to find out why."""
    settings.WAGTAILADMIN_BASE_URL = "https://directory.example.org"
    check([f"{site.base}/ok"])

    assert site.requests[0][2] == "PeerSupportDirectoryLinkChecker/1.0 (+https://directory.example.org)"


def test_no_more_requests_at_once_than_the_concurrency_allows(site):
    """A large directory would open thousands of connections at once and get the checker blocked."""
    results = check([f"{site.base}/busy?{n}" for n in range(6)], concurrency=2)

    assert all(result.outcome == Outcome.OK for result in results.values())
    assert 1 <= site.most_in_flight <= 2


@pytest.fixture
def forums(directory_index, site, closed_port_url):
    """Live communities whose addresses point at the local server (and one at a closed port)."""
    paths = {"working": "/ok", "moved": "/moved", "missing": "/missing", "refused": None}
    return {
        name: ForumPageFactory(
            parent=directory_index, title=name.title(), website=f"{site.base}{path}" if path else closed_port_url
        )
        for name, path in paths.items()
    }


def test_results_are_kept_per_community(forums, settings):
    """Editors would lose the history that shows when a link started failing."""
    settings.DIRECTORY_LINK_CHECK_TIMEOUT = TIMEOUT
    check_forum_links()
    check_forum_links()

    for forum in forums.values():
        assert forum.link_checks.count() == 2
    working = forums["working"].link_checks.first()
    assert (working.url, working.outcome, working.status_code) == (forums["working"].website, Outcome.OK, 200)
    assert working.elapsed_ms is not None
    assert forums["missing"].link_checks.first().outcome == Outcome.CLIENT_ERROR


def test_link_state_follows_the_latest_check(forums, settings):
    """The broken-links report would list working sites, or one bad day would mark a site broken."""
    settings.DIRECTORY_LINK_CHECK_TIMEOUT = TIMEOUT
    check_forum_links()

    for forum in forums.values():
        forum.refresh_from_db()
        assert forum.link_checked_at is not None
    assert (forums["working"].link_status, forums["working"].link_failures) == (LinkStatus.OK, 0)
    assert (forums["moved"].link_status, forums["moved"].link_failures) == (LinkStatus.REDIRECTED, 0)
    assert (forums["missing"].link_status, forums["missing"].link_failures) == (LinkStatus.UNCHECKED, 1)
    assert (forums["refused"].link_status, forums["refused"].link_failures) == (LinkStatus.UNCHECKED, 1)


def test_broken_only_after_repeated_failures_over_days(forums, settings):
    """One outage would put a community on the broken-links report, or a dead one would never get there."""
    settings.DIRECTORY_LINK_CHECK_TIMEOUT = TIMEOUT
    settings.DIRECTORY_LINK_BROKEN_AFTER_FAILURES = 3
    settings.DIRECTORY_LINK_BROKEN_AFTER_DAYS = 3
    missing = forums["missing"]
    start = NOON

    for day in range(3):  # three failures within two days: not yet broken
        with time_machine.travel(start + datetime.timedelta(days=day)):
            check_forum_links([missing])
    missing.refresh_from_db()
    assert (missing.link_failures, missing.link_status) == (3, LinkStatus.UNCHECKED)

    with time_machine.travel(start + datetime.timedelta(days=3)):
        check_forum_links([missing])
    missing.refresh_from_db()
    assert (missing.link_failures, missing.link_status) == (4, LinkStatus.BROKEN)


def test_days_are_calendar_days(forums, settings):
    """A nightly run that starts a few seconds earlier than the first would delay "broken" by a day."""
    settings.DIRECTORY_LINK_CHECK_TIMEOUT = TIMEOUT
    settings.DIRECTORY_LINK_BROKEN_AFTER_FAILURES = 2
    settings.DIRECTORY_LINK_BROKEN_AFTER_DAYS = 1
    missing = forums["missing"]
    with time_machine.travel(NOON + datetime.timedelta(seconds=30)):
        check_forum_links([missing])
    with time_machine.travel(NOON + datetime.timedelta(days=1)):
        check_forum_links([missing])

    missing.refresh_from_db()
    assert missing.link_status == LinkStatus.BROKEN


def test_many_failures_in_one_day_are_not_broken(forums, settings):
    """Running the checker several times during one outage would mark a community broken."""
    settings.DIRECTORY_LINK_CHECK_TIMEOUT = TIMEOUT
    settings.DIRECTORY_LINK_BROKEN_AFTER_FAILURES = 3
    settings.DIRECTORY_LINK_BROKEN_AFTER_DAYS = 1
    with time_machine.travel(NOON):
        for _ in range(4):
            check_forum_links([forums["refused"]])

    forums["refused"].refresh_from_db()
    assert (forums["refused"].link_failures, forums["refused"].link_status) == (4, LinkStatus.UNCHECKED)


def test_a_working_check_mends_a_broken_link(forums, settings, site):
    """A site that came back would stay on the broken-links report for ever."""
    settings.DIRECTORY_LINK_CHECK_TIMEOUT = TIMEOUT
    settings.DIRECTORY_LINK_BROKEN_AFTER_FAILURES = 2
    settings.DIRECTORY_LINK_BROKEN_AFTER_DAYS = 1
    forum = forums["missing"]
    start = NOON
    for day in range(2):
        with time_machine.travel(start + datetime.timedelta(days=day)):
            check_forum_links([forum])
    forum.refresh_from_db()
    assert forum.link_status == LinkStatus.BROKEN

    forum.website = f"{site.base}/ok"
    with time_machine.travel(start + datetime.timedelta(days=2)):
        check_forum_links([forum])
    forum.refresh_from_db()
    assert (forum.link_failures, forum.link_status) == (0, LinkStatus.OK)


def test_only_live_communities_are_checked(directory_index, site, settings):
    """Drafts nobody has approved yet would be fetched, or live ones skipped."""
    settings.DIRECTORY_LINK_CHECK_TIMEOUT = TIMEOUT
    live = ForumPageFactory(parent=directory_index, website=f"{site.base}/ok")
    draft = ForumPageFactory(parent=directory_index, website=f"{site.base}/ok?draft", live=False)

    run = check_forum_links()

    assert [forum.pk for forum in run.forums] == [live.pk]
    assert not LinkCheck.objects.filter(forum=draft).exists()


def test_command_prints_a_summary_table(forums, settings):
    """Whoever runs the command would not know how many links failed, or which."""
    out = io.StringIO()
    call_command("check_links", "--no-progress", "--timeout", str(TIMEOUT), stdout=out, stderr=io.StringIO())
    output = out.getvalue()

    assert "Checked 4 addresses for 4 live communities." in output
    summary, failing = output.split("Links that failed:")
    counts = {line.rsplit(maxsplit=1)[0]: line.rsplit(maxsplit=1)[1] for line in summary.splitlines()[3:] if line}
    assert counts["Working"] == "1"
    assert counts["Redirected"] == "1"
    assert counts["Not found or refused (4xx)"] == "1"
    assert counts["Could not connect"] == "1"
    assert counts["Timed out"] == "0"
    failing_titles = [line.split()[0] for line in failing.splitlines()[3:] if line]
    assert sorted(failing_titles) == ["Missing", "Refused"]


def test_scheduled_task_checks_every_live_community(forums, settings):
    """The nightly background task would check nothing, or report a different run from the command."""
    from directory.upkeep_tasks import check_links

    settings.DIRECTORY_LINK_CHECK_TIMEOUT = TIMEOUT
    result = check_links.enqueue()

    assert result.return_value == {"checked": 4, "failing": 2, "pruned": 0, "verified": 0}
    assert LinkCheck.objects.count() == 4


def test_old_checks_are_pruned(forums, settings):
    """The history table would grow by a row per community every night, for ever."""
    settings.DIRECTORY_LINK_CHECK_TIMEOUT = TIMEOUT
    with time_machine.travel(NOON - datetime.timedelta(days=400)):
        check_forum_links([forums["working"]])
    with time_machine.travel(NOON - datetime.timedelta(days=300)):
        check_forum_links([forums["working"]])

    with time_machine.travel(NOON):
        call_command("check_links", "--no-progress", "--keep-days", "365", stdout=io.StringIO(), stderr=io.StringIO())

    ages = sorted(
        round((NOON - check.checked_at) / datetime.timedelta(days=1)) for check in forums["working"].link_checks.all()
    )
    assert ages == [0, 300]


def test_command_rejects_nonsense_options(db):
    """A typo would start a run with no limit on connections, or fail with a traceback."""
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("check_links", "--concurrency", "0", stdout=io.StringIO())
