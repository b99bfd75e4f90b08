"""Absolute addresses on the public site: the configured public address, else the request's host."""

from django.test import RequestFactory

from core.public_urls import public_url


def test_the_configured_public_address_wins_over_the_request(settings):
    """Every output names the public host, whatever host name or proxy a request came in by.

    If this fails, feeds, JSON-LD and open data carry internal host names and disagree with each other.
    """
    settings.PUBLIC_BASE_URL = "https://directory.example.gov.uk/"
    request = RequestFactory().get("/", HTTP_HOST="internal.local")
    assert public_url("/directory/netmums/?a=1", request) == "https://directory.example.gov.uk/directory/netmums/?a=1"
    assert public_url("http://localhost:8000/cy/feeds/latest.atom", request) == (
        "https://directory.example.gov.uk/cy/feeds/latest.atom"
    )
    assert public_url(None, request) is None


def test_without_a_public_address_the_request_or_admin_address_is_used(settings):
    """In development links point at the host the developer opened; without a request at the admin's base URL."""
    settings.PUBLIC_BASE_URL = ""
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    request = RequestFactory().get("/", HTTP_HOST="localhost:8001")
    assert public_url("/directory/", request) == "http://localhost:8001/directory/"
    assert public_url("/directory/") == "http://127.0.0.1:8000/directory/"
