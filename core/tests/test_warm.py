"""Warming gunicorn's master before it forks: a new worker's first visitor waits for nothing Django builds lazily."""

import threading
import time

from django.apps import apps
from django.template import engines
from django.urls import get_resolver
from wagtail.contrib.routable_page.models import RoutablePageMixin

from core.warm import project_templates, warm_up
from directory.models import ForumIndexPage, ForumPage, NominationPage


def test_the_project_templates_are_compiled_before_any_request():
    """A worker replaced after 1,000 requests would make its first visitor wait while templates compile."""
    names = project_templates()
    assert "directory/forum_index_page.html" in names and "home/home_page.html" in names
    assert not any(name.startswith("wagtailadmin/") for name in names), "only the project's own templates"
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    # No database here (pytest-django refuses it): a connection made before the fork would be shared.
    compiled = warm_up()
    assert compiled == len(names)
    cached = set(loader.get_template_cache)
    assert {"directory/forum_index_page.html", "directory/forum_page.html"} <= cached


def test_every_language_has_its_url_names_before_any_request():
    """The first Welsh page a new worker serves must not wait for the URL configuration to be read."""
    warm_up()
    resolver = get_resolver()
    assert {"en", "cy"} <= set(resolver._reverse_dict)


def forget_resolvers(monkeypatch):
    """Take away every routable page type's resolver for this test (put back afterwards)."""
    routable = [model for model in apps.get_models() if issubclass(model, RoutablePageMixin)]
    for model in routable:
        if "_routablepage_urlresolver" in model.__dict__:
            monkeypatch.delattr(model, "_routablepage_urlresolver")
    return routable


def test_every_routable_page_type_has_its_resolver_before_any_request(monkeypatch):
    """A new worker's first requests for communities, sections and forms would race to make them (a 500)."""
    routable = forget_resolvers(monkeypatch)
    assert {ForumPage, ForumIndexPage, NominationPage} <= set(routable)

    warm_up()

    assert all("_routablepage_urlresolver" in model.__dict__ for model in routable)


def test_threads_asking_at_once_make_each_resolver_once(monkeypatch):
    """Threads routing a worker's first requests at once must not make a resolver while another reads the classes."""
    forget_resolvers(monkeypatch)
    made = []
    original = ForumPage.get_subpage_urls.__func__

    def slow_subpage_urls(cls):
        made.append(cls)
        time.sleep(0.05)  # long enough for every other thread to arrive meanwhile
        return original(cls)

    monkeypatch.setattr(ForumPage, "get_subpage_urls", classmethod(slow_subpage_urls))
    start = threading.Barrier(8)

    def route_first_request():
        start.wait()
        ForumPage.get_resolver()

    threads = [threading.Thread(target=route_first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert made == [ForumPage]
