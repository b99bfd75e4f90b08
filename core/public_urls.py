"""Absolute addresses on the public site, all on one host: ``settings.PUBLIC_BASE_URL``.

Feeds, structured data, open data and emails link to the site with absolute URLs. They take
the configured public address, so every output agrees however a request reached the app
(another host name, a proxy, a health check); without one (development) the request's own
host is used, and without a request the admin's base URL.
"""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings


def public_base_url(request=None):
    """The public site's scheme and host, without a trailing slash."""
    configured = getattr(settings, "PUBLIC_BASE_URL", "")
    if configured:
        return configured.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def public_url(location, request=None):
    """``location`` (a path, or a URL on this site such as Wagtail's ``get_full_url``) on the public host."""
    if location is None:
        return None
    parts = urlsplit(location)
    path = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    return public_base_url(request) + path
