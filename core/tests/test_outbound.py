"""``core.outbound.fetch_public``: reads public websites only, never our own network, within limits.
Every test runs against local servers; none reaches the internet."""

import pytest

from core.outbound import FetchFailed, RefusedAddress, fetch_public
from core.tests.web_server import serve

ALLOWED = ["127.0.0.2/32"]  # the test server stands in for a public website


def fetch(url, max_bytes=1024, timeout=2):
    return fetch_public(url, max_bytes=max_bytes, timeout=timeout, user_agent="TestAgent/1.0")


@pytest.fixture
def website(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ALLOWED
    with serve("127.0.0.2") as server:
        yield server


@pytest.fixture
def internal():
    """A service on 127.0.0.1 standing in for anything on our own network."""
    with serve("127.0.0.1") as server:
        server.routes["/secret"] = (200, {}, b"internal data")
        yield server


def test_a_public_site_is_read_with_our_user_agent(website):
    """The checker reads an ordinary website's page."""
    website.routes["/"] = (200, {"Content-Type": "text/html"}, b"<html>hello</html>")
    fetched = fetch(website.base + "/")
    assert fetched.status_code == 200 and fetched.body == b"<html>hello</html>"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/secret",
        "http://localhost:{port}/secret",
        "http://10.0.0.1/",
        "http://10.255.255.254:8080/",
        "http://[::1]:{port}/secret",
        "http://169.254.169.254/latest/meta-data/",
        "http://192.168.1.1/",
        "http://[::ffff:127.0.0.1]:{port}/secret",
        "http://0.0.0.0:{port}/secret",
    ],
)
def test_private_and_loopback_addresses_are_refused(settings, internal, url):
    """Someone who gives a web address on our own network cannot make the site fetch from it (SSRF)."""
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    with pytest.raises(RefusedAddress):
        fetch(url.format(port=internal.server_address[1]))
    assert internal.requests == []


@pytest.mark.parametrize("target", ["http://127.0.0.1:{port}/secret", "http://10.0.0.1/", "http://[::1]:{port}/secret"])
def test_a_redirect_to_our_own_network_is_refused(website, internal, target):
    """A public site cannot bounce the checker onto an internal address with a redirect."""
    website.routes["/"] = (302, {"Location": target.format(port=internal.server_address[1])}, b"")
    with pytest.raises(RefusedAddress):
        fetch(website.base + "/")
    assert website.requests == ["/"]
    assert internal.requests == []


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/", "gopher://example.org/"])
def test_only_web_addresses_are_fetched(url):
    """Other schemes never reach a client that might read local files."""
    with pytest.raises(RefusedAddress):
        fetch(url)


def test_at_most_the_limit_is_read(website):
    """A huge or endless page costs us no more than the limit."""
    website.routes["/"] = (200, {}, b"x" * 5_000_000)
    assert len(fetch(website.base + "/", max_bytes=4096).body) == 4096


def test_redirects_are_followed_and_limited(website):
    """A moved home page is still found; a loop of redirects ends with an error, not a hang."""
    website.routes["/old"] = (301, {"Location": "/new"}, b"")
    website.routes["/new"] = (200, {}, b"here")
    fetched = fetch(website.base + "/old")
    assert fetched.body == b"here" and fetched.url.endswith("/new")
    website.routes["/loop"] = (302, {"Location": "/loop"}, b"")
    with pytest.raises(FetchFailed):
        fetch(website.base + "/loop")


def test_a_site_that_does_not_answer_is_a_failure(settings):
    """Nothing listening is a plain failure the caller records, never an exception that escapes."""
    settings.OUTBOUND_ALLOWED_NETWORKS = ALLOWED
    with serve("127.0.0.2") as server:
        base = server.base
    with pytest.raises(FetchFailed):
        fetch(base + "/", timeout=1)
