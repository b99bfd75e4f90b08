"""Warming gunicorn's master before it forks: a new worker's first visitor waits for nothing Django builds lazily."""

from django.template import engines
from django.urls import get_resolver

from core.warm import project_templates, warm_up


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
