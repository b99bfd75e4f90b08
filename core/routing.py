"""Routing: pages served by views named in a URL list, and child pages found in one query."""

import functools
import threading

from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern
from django.utils.module_loading import import_string
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page


def _as_page_method(view):
    """Wagtail binds a routable page's views to the page: hand the page on as the view's second argument."""

    @functools.wraps(view)
    def method(page, request, *args, **kwargs):
        return view(request, page, *args, **kwargs)

    return method


_resolvers_made = threading.Lock()


class PageViews(RoutablePageMixin):
    """A page whose address and sub-addresses are served by the views of a URL list.

    ``page_urls`` is the dotted path of that list, imported when the page is first routed (as
    Django imports ``ROOT_URLCONF``): page models name their views but import none, so views may
    read the models freely. Views take ``(request, page, ...)``; ``""`` serves the page itself, in
    previews too. Without a ``""`` entry the page renders as Wagtail renders any page.
    """

    page_urls = None

    @classmethod
    def get_resolver(cls):
        """Wagtail's resolver of the page type's sub-addresses, made by one thread only.

        Wagtail makes it on the type's first request and sets it on the class; a thread making
        another type's resolver at the same moment reads the classes' attributes while that one
        is set, and fails (a 500 on a new worker's first requests). gunicorn's master makes them
        all before it forks (core/warm.py).
        """
        if "_routablepage_urlresolver" in cls.__dict__:
            return cls._routablepage_urlresolver
        with _resolvers_made:
            return super().get_resolver()

    @classmethod
    def get_subpage_urls(cls):
        listed = []
        if cls.page_urls:
            listed = [
                URLPattern(pattern.pattern, _as_page_method(pattern.callback), pattern.default_args, pattern.name)
                for pattern in import_string(cls.page_urls)
            ]
        return (*listed, *super().get_subpage_urls())


def render_page(request, page, context=None):
    """The page in its own template with ``context`` added: what a ``""`` view usually returns."""
    request.is_preview = getattr(request, "is_preview", False)
    return page.render(request, context_overrides=context)


@functools.cache
def child_table_links(page_class):
    """``{page model: reverse one-to-one name}`` for the page types allowed below ``page_class``.

    Only models that extend ``Page`` directly: Django's ``select_related`` can then join each
    one's table to the ``wagtailcore_page`` row and build the specific page from that one row.
    """
    links = {}
    for model in page_class.allowed_subpage_models():
        parent_link = model._meta.parents.get(Page)
        if parent_link is not None:
            links[model] = parent_link.remote_field.get_accessor_name()
    return links


class SpecificChildRouting:
    """Finds a child page with its own fields in one query.

    Wagtail's ``Page.route`` reads the child's ``wagtailcore_page`` row, then its own table
    (``.specific``): two queries for every level of a page's address. Here the tables of the page
    types allowed below this page are joined to the first query. A child of another type (placed
    there by code) still takes Wagtail's second query, and a slug that is no child's takes
    Wagtail's path to its 404. In a ``RoutablePageMixin`` page, put this after the mixin so that
    the page's own routes come first.
    """

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        links = child_table_links(type(self))
        child = Page.objects.child_of(self).filter(slug=path_components[0]).select_related(*links.values()).first()
        if child is None:
            return super().route(request, path_components)
        link = links.get(ContentType.objects.get_for_id(child.content_type_id).model_class())
        child = getattr(child, link) if link else child.specific
        child._cached_parent_obj = self  # as Page.route does: breadcrumbs need no query for it
        return child.route(request, path_components[1:])
