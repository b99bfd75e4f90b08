"""Fixtures shared by every test: the real site tree (home page and section pages)."""

import pytest


@pytest.fixture(autouse=True)
def default_language_after_each_test():
    """A request to /cy/… leaves Welsh active in the test's thread; put the default back for the next test."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_rate_limit_counters(monkeypatch):
    """Each test starts with no rate-limit counts, and the limiter's clock stands still while it runs.

    The test client's one address posts in many tests. django-ratelimit counts in fixed windows
    (an hour for the public forms); a test that crossed a window's end would see the count start
    again and let through twice the limit, so the limiter reads the time the test started.
    """
    import time
    import types

    import django_ratelimit.core
    from django.core.cache import caches

    started = time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", types.SimpleNamespace(time=lambda: started))
    caches["ratelimit"].clear()


@pytest.fixture(autouse=True)
def fresh_facet_indexes():
    """Each test starts with an empty database, so no listing may reuse an index built in another test."""
    from directory.listing.facet_index import forget_indexes, shared_store

    forget_indexes()
    shared_store().clear()
    yield
    forget_indexes()


@pytest.fixture(autouse=True)
def fresh_routes():
    """Each test starts with an empty database, so no request may follow a route held from another test."""
    from home.routes import forget_routes

    forget_routes()
    yield
    forget_routes()


@pytest.fixture(autouse=True)
def fresh_page_copies():
    """No test may be served a page a process kept from another test (core/page_cache.py)."""
    from core.page_cache import local_copies

    local_copies.clear()
    yield
    local_copies.clear()


@pytest.fixture
def home_page(db):
    """The English home page as the default Site's root, as ``load_demo`` makes it."""
    from home.site_setup import ensure_home_page

    return ensure_home_page()


@pytest.fixture
def site_tree(home_page):
    """The section pages under the home page: directory, departments, nominate, progress."""
    from directory.site_tree import ensure_directory_tree

    return ensure_directory_tree(home_page)


@pytest.fixture
def directory_index(site_tree):
    return site_tree["directory"]


@pytest.fixture
def departments_index(site_tree):
    return site_tree["departments"]
