"""Protection for the public forms and the private pages.

- ``public_form`` limits what one address may post (django-ratelimit, counted in the cache,
  Redis in production) and how big a post may be; over the limit people get a friendly 429 page.
- ``refuse_as_spam`` answers a robot's submission without storing anything.
- ``private_page`` marks a response as personal: not cached, not indexed, no referrer.
- ``RefuseNulBytesMiddleware`` answers 400 to an address with a NUL character and drops NUL
  characters from query parameters: PostgreSQL cannot store or compare text containing one
  (page routing would otherwise fail with a 500).
"""

import ipaddress
import logging
from functools import wraps

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import QueryDict
from django.template.response import TemplateResponse
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)


def client_ip(request):
    """The visitor's address: behind ``TRUSTED_PROXY_COUNT`` proxies, the one they saw.

    Only the proxies we run append to X-Forwarded-For, so the address the nearest trusted proxy
    received the request from is the n-th entry from the right; anything to its left can be forged.
    """
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def parse_address(text):
    """``text`` as an ``ipaddress`` address, or None when it is not one.

    Accepts what proxies write: brackets and a port (``[2001:db8::1]:443``, ``192.0.2.1:80``), a
    zone (``fe80::1%eth0``), IPv4 parts with leading zeros. An IPv4-mapped IPv6 address
    (``::ffff:192.0.2.1``) is its IPv4 address.
    """
    text = text.strip()
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # IPv4 with a port
        text = text.split(":", 1)[0]
    text = text.split("%", 1)[0]
    parts = text.split(".")
    if len(parts) == 4 and all(part.isascii() and part.isdigit() for part in parts):
        text = ".".join(str(int(part)) for part in parts)  # "010.0.0.1" is 10.0.0.1, not refused
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def limit_address(text):
    """The address that limits count against: IPv4 as is, IPv6 as the first address of its /64.

    One person can use every address of an IPv6 /64 (a home or a phone gets a whole one), so all of
    them share one count, whichever textual form they arrive in. None when ``text`` is no address.
    """
    address = parse_address(text)
    if address is None:
        return None
    if address.version == 6:
        return ipaddress.IPv6Address(int(address) >> 64 << 64)
    return address


def client_ip_key(group, request):
    """django-ratelimit key: the visitor's address (IPv6 addresses by their /64 network)."""
    address = client_ip(request)
    network = limit_address(address)
    if network is None:
        return address  # no address at all ("unknown", a Unix socket): one shared count
    return f"{network}/64" if network.version == 6 else str(network)


def limit_usage(request, group, rate, key=client_ip_key):
    """Count this post against the limit (by default the address's).

    The "ratelimit" cache keeps counting in the process's memory when Redis is out
    (core/resilient_cache.py); None only when some other cache fails outright (then the post is let
    through: a cache fault must not stop people using the forms).
    """
    try:
        return get_usage(request, group=group, key=key, rate=rate, method="POST", increment=True)
    except Exception:  # a cache outage must not stop people using the forms
        logger.warning("Rate limit check failed for %s; allowing the request", group, exc_info=True)
        return None


def too_many_requests(request, retry_after=3600):
    response = TemplateResponse(request, "directory/429.html", {"retry_minutes": max(1, retry_after // 60)}, status=429)
    response["Retry-After"] = str(max(1, retry_after))
    return private_headers(response)


def payload_too_large(request):
    return private_headers(TemplateResponse(request, "directory/413.html", {}, status=413))


def request_size(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def public_form(group, rate_setting):
    """Limit posts to the decorated view: by size, and per address by the rate in ``rate_setting``."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                if request_size(request) > getattr(settings, "PUBLIC_FORM_MAX_BYTES", 64 * 1024):
                    return payload_too_large(request)
                usage = limit_usage(request, group, getattr(settings, rate_setting))
                if usage and usage["should_limit"]:
                    return too_many_requests(request, usage["time_left"])
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def refuse_as_spam(request):
    """A submission that looks automated: say so kindly, store nothing."""
    return private_headers(TemplateResponse(request, "directory/spam_refused.html", {}, status=400))


def private_headers(response):
    """Keep a personal page out of caches, search engines and other sites' referrer logs."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    # "same-origin", not "no-referrer": browsers send "Origin: null" with a no-referrer form post,
    # which Django's CSRF check refuses; same-origin still tells other sites nothing.
    response["Referrer-Policy"] = "same-origin"
    return response


def private_page(view):
    """Decorator: the view's responses are personal (see ``private_headers``)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return private_headers(view(request, *args, **kwargs))

    return wrapped


class RefuseNulBytesMiddleware:
    """A 400 for an address with a NUL character; NUL characters dropped from query parameters.

    No real address contains one; robots send them to probe for errors. Page routing, the feeds'
    slugs and Wagtail's API (``/api/v2/pages/find/?html_path=``) hand the path and parameters to
    the database, and PostgreSQL cannot compare text containing NUL. A search with a stray NUL
    still gets its results (the character removed), as any other junk in a query does. The Open
    Referral API is left to answer with its own JSON errors (it validates every id and parameter
    first); form fields are refused by Django's validators.
    """

    OWN_ERRORS = ("openreferral:",)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_name = getattr(request.resolver_match, "view_name", "") or ""
        if view_name.startswith(self.OWN_ERRORS):
            return None
        if "\x00" in request.path:
            raise BadRequest("NUL character in the address")
        if has_nul(request.GET):
            request.GET = without_nul(request.GET)
        return None


def has_nul(querydict):
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in querydict.lists())


def without_nul(querydict):
    """A copy of ``querydict`` with every NUL character removed from its keys and values."""
    cleaned = QueryDict(mutable=True)
    for key, values in querydict.lists():
        cleaned.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
    cleaned._mutable = False
    return cleaned
