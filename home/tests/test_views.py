"""The site-wide pages: health check, home page, the 404 page and robots.txt."""

import re

from django.db import OperationalError


def test_healthz_reports_ok_when_the_database_answers(client, db):
    """A load balancer would take every healthy container out of service if /healthz failed."""
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]  # a cached "ok" would hide an outage


def test_healthz_reports_unavailable_when_the_database_does_not_answer(client, monkeypatch):
    """A container that has lost its database would keep receiving traffic, and serve errors,
    if /healthz still said ok."""

    class UnreachableDatabase:
        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("home.views.connection", UnreachableDatabase())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "OperationalError"}
    assert "connection refused" not in response.content.decode()  # no internals to the public


def test_home_page_shows_the_site_name_and_a_search_box_for_the_directory(client, home_page):
    """A visitor arriving at / would have no way in to the directory without the search form."""
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Peer Support Directory" in html
    search_form = re.search(r'<form[^>]*action="/directory/"[^>]*>(.*?)</form>', html, re.DOTALL)
    assert search_form, "no search form pointing at /directory/"
    assert 'name="q"' in search_form.group(1)


def test_missing_page_returns_404_with_the_sites_own_page(client, home_page):
    """A visitor following a dead link would get a bare, unbranded error with no way back to
    the directory if the 404 page were not the site's own."""
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "govuk-service-navigation" in html  # the site's layout, with its header and navigation
    assert 'href="/directory/"' in html


def test_robots_txt_keeps_crawlers_out_of_admin_and_private_links(client, db):
    """Search engines would index the admin login and operators' private listing links, and
    miss the sitemap, without these lines."""
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Disallow: /listing/" in lines
    assert "Disallow: /cy/listing/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
