"""core/dev_pages.py: in development a missing page shows the site's own 404, as visitors see it."""

import importlib

import pytest
from django.http import Http404
from django.test import RequestFactory


@pytest.mark.django_db
def test_development_shows_the_sites_own_not_found_page(settings):
    """A developer trying the site must see the "Page not found" page visitors get, not Django's
    list of URL patterns; the technical page stays one setting away."""
    from core.dev_pages import SiteNotFoundPageMiddleware

    middleware = SiteNotFoundPageMiddleware(lambda request: None)
    request = RequestFactory().get("/no-such-page/")
    settings.DEBUG = True
    response = middleware.process_exception(request, Http404())
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert middleware.process_exception(request, ValueError()) is None
    settings.DEBUG_TECHNICAL_404 = True
    assert middleware.process_exception(request, Http404()) is None

    dev = importlib.import_module("settings.dev")
    assert "core.dev_pages.SiteNotFoundPageMiddleware" in dev.MIDDLEWARE
    assert dev.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
