"""Routes held per content version: where an address leads, without asking the database each time.

Wagtail finds the page for an address on every request: the site for the host, the root page in
the active language, and each page down the address. The answer changes only when public content
does (a publish, unpublish, move or slug change, a site or locale edit), and each such change
writes a change row (directory.caching). So each process holds the routes it has found since the
latest row and forgets them all when a newer row appears, with the page's view restrictions
(still checked against each request). A request gets its own copies of the site and page
objects, never ones another request is using.
"""

import copy
import threading
from collections import OrderedDict

from django.urls import ResolverMatch
from django.utils.translation import get_language
from wagtail.models import Page

from core.privacy import TranslatedPrivacy
from directory.caching import current_content_version

# At most this many addresses are held (each with copies of its page and the pages above it; the
# memory it takes: docs/benchmarks.md); when full, the one asked for least recently is forgotten.
HELD_ROUTES = 1000

_lock = threading.Lock()
_held = OrderedDict()
_held_version = [None]


def _own_copy(held):
    """Copies of a held route, its site and Wagtail's record of a routable page's view, for one request.

    Copied together, so that a routable page's view stays bound to the request's copy of the page.
    """
    route, site, resolver_match = held
    memo = {}
    route = copy.deepcopy(route, memo)
    site = copy.deepcopy(site, memo)
    if resolver_match is not None:
        match = resolver_match
        resolver_match = ResolverMatch(
            route.args[0],
            match.args,
            match.kwargs,
            url_name=match.url_name,
            app_names=match.app_names,
            namespaces=match.namespaces,
            route=match.route,
            captured_kwargs=match.captured_kwargs,
            extra_kwargs=match.extra_kwargs,
        )
    return route, site, resolver_match


def route_for_request(request, path):
    """Wagtail's ``Page.route_for_request`` (the page and its view's arguments, or None), held per content version.

    Sets on the request what Wagtail's own lookup sets (``_wagtail_site``, ``_wagtail_route_for_request``
    and, for a routable page, ``routable_resolver_match``), so Wagtail's page view and everything
    after it use the route found here.
    """
    if hasattr(request, "_wagtail_route_for_request"):
        return request._wagtail_route_for_request
    version = current_content_version()
    key = (request._get_raw_host(), request.get_port(), get_language(), path)
    with _lock:
        if _held_version[0] != version:
            _held.clear()
            _held_version[0] = version
        held = _held.get(key)
        if held is not None:
            _held.move_to_end(key)
    if held is not None:
        route, request._wagtail_site, resolver_match = _own_copy(held)
        request._wagtail_route_for_request = route
        if resolver_match is not None:
            request.routable_resolver_match = resolver_match
        return route
    route = Page.route_for_request(request, path)
    if route is not None:
        if isinstance(route.page, TranslatedPrivacy):  # checked on every request, found once a version
            route.page.held_view_restrictions = list(route.page.get_view_restrictions())
        kept = _own_copy((route, request._wagtail_site, getattr(request, "routable_resolver_match", None)))
        with _lock:
            if _held_version[0] == version:
                _held[key] = kept
                while len(_held) > HELD_ROUTES:
                    _held.popitem(last=False)
    return route


def forget_routes():
    with _lock:
        _held.clear()
        _held_version[0] = None
