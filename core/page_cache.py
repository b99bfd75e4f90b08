"""Whole-page caching for anonymous visitors, and the Cache-Control every response gets.

``PageCacheMiddleware`` stores the HTML of a public page the first time an anonymous visitor
asks for it and serves that copy to the next ones without touching the database. A copy is
kept only when it is the same for everyone:

- the request is a GET without a session or messages cookie (so nobody is signed in, no
  "your nomination was sent" message is waiting, and no page-privacy password was entered);
- the path is not a private one (the admin, documents, the operator's private
  ``/listing/<token>/`` pages: ``PAGE_CACHE_PRIVATE_PATHS``) and the request is not a preview
  (Wagtail renders previews through the middleware for the page's own public path);
- the response is a 200 HTML page with no Cache-Control of its own, sets no cookie, and holds
  no form with a CSRF token (a cached token would break the form for everyone after).

Entries are keyed on scheme, host (so each Wagtail Site), language, and the full path with its
query string, and stamped with a generation counter: a publish anywhere (directory.caching)
moves the generation on, so the next request renders afresh. The stamp and the page are read
in one cache round trip. After a change, one request renders the page again; visitors who ask
for it while that render runs get the copy from before the change (``X-Page-Cache: stale``,
``Cache-Control: no-cache`` so nothing downstream keeps it) rather than rendering it too, as a
caching proxy's request collapsing does. A render that does not give a page to keep (the page
went, or became private) drops the old copy, so no one is served it again.

Each process also keeps the pages it served most recently (``LocalCopies``, bounded in bytes by
``PAGE_CACHE_LOCAL_MAX_BYTES``) and serves one only when its stamp is the current generation, read
from the cache as before: a popular page costs one small read instead of its whole HTML from
Redis.

With the cache out (core/resilient_cache.py) every request is a miss (the generation is unknown,
so no process serves its own copy either) and nothing is stored; a publish made meanwhile moves
the generation on when the cache is back.

Headers: public pages get ``Cache-Control: public, max-age, s-maxage, stale-while-revalidate``
(values in settings) so a CDN may keep them too; everything personal (admin, previews, private
links, signed-in visitors, pages with CSRF forms, responses that set cookies) gets
``private, no-store`` so no shared cache ever keeps it.

wagtail-cache does the same job, but its releases support Wagtail up to 7 only.
"""

import hashlib
import re
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import get_language_from_path

from core.resilient_cache import CacheUnavailable

PRIVATE_CACHE_CONTROL = "private, no-store"
CACHED_HEADER = "X-Page-Cache"
MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage


GENERATION_KEY = "page-cache:generation"
# How long a request's claim to render a changed page holds if it never finishes (a crash, a
# time-out): meanwhile others get the copy from before the change.
RENDER_CLAIM_SECONDS = 10


def page_cache():
    """The cache that holds rendered pages and the generation counter."""
    return caches[getattr(settings, "PAGE_CACHE_ALIAS", "default")]


def fresh_generation():
    """A starting value that is larger than any counter handed out before.

    Milliseconds since the epoch: if the counter is evicted or the cache restarts, pages stamped
    with an old counter can never match the new one (a counter restarted at 1 could).
    """
    return int(time.time() * 1000)


def current_generation(cache=None):
    """The generation pages rendered now are stamped with, starting a counter if there is none."""
    cache = cache or page_cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, fresh_generation(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


# A bump this process could not make because the cache was out: made as soon as it answers again,
# so pages cached before a change made during the outage are not served once the cache is back.
_missed_bump = threading.Event()


def bump_generation():
    """Move the counter on, so every page cached before now is no longer served."""
    cache = page_cache()
    try:
        cache.incr(GENERATION_KEY)
    except CacheUnavailable:
        _missed_bump.set()
        return
    except ValueError:  # no counter yet (or it was evicted): any fresh value is newer than the old ones
        cache.add(GENERATION_KEY, fresh_generation(), timeout=None)
    _missed_bump.clear()


def settle_missed_bump():
    """Make a bump missed during a cache outage (cheap when there is none)."""
    if _missed_bump.is_set():
        bump_generation()


def page_cache_enabled():
    return getattr(settings, "PAGE_CACHE_ENABLED", False)


def private_path_patterns():
    return [re.compile(pattern) for pattern in getattr(settings, "PAGE_CACHE_PRIVATE_PATHS", [])]


def is_private_path(path):
    return any(pattern.search(path) for pattern in private_path_patterns())


def has_personal_cookies(request):
    """A session (signed in, a form journey, a privacy password) or waiting messages make a page personal."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES or MESSAGES_COOKIE in request.COOKIES


def is_preview(request):
    """Wagtail previews run the middleware on a dummy request for the page's own public path.

    ``is_dummy`` is set before the middleware runs, ``is_preview`` only once the view is reached.
    """
    return getattr(request, "is_dummy", False) or getattr(request, "is_preview", False)


def may_use_cache(request):
    """Whether this request may be answered from, or stored in, the page cache."""
    return (
        request.method in ("GET", "HEAD")
        and not is_preview(request)
        and not has_personal_cookies(request)
        and not is_private_path(request.path_info)
    )


def entry_key(request):
    """The cache key for this request's page, or None when the host is not one we serve."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    language = get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    identity = "\n".join((request.scheme, host, language, request.get_full_path()))
    return "page-cache:page:" + hashlib.sha256(identity.encode()).hexdigest()


def messages_were_used(request):
    storage = getattr(request, "_messages", None)
    return storage is not None and (getattr(storage, "used", False) or bool(getattr(storage, "_queued_messages", ())))


def carries_csrf_token(response):
    """The response set the CSRF cookie or holds a form field with the token."""
    if settings.CSRF_COOKIE_NAME in response.cookies:
        return True
    return not response.streaming and b"csrfmiddlewaretoken" in response.content


def is_personal(request, response):
    """Whether no shared cache may keep this response."""
    return (
        is_private_path(request.path_info)
        or is_preview(request)
        or has_personal_cookies(request)
        or bool(response.cookies)
        or messages_were_used(request)
        or carries_csrf_token(response)
    )


def is_public_page(request, response):
    """A public HTML page that said nothing about caching itself."""
    return (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not response.streaming
        and not response.has_header("Cache-Control")
        and response.get("Content-Type", "").startswith("text/html")
    )


def mark_private(response):
    cache_control = response.get("Cache-Control", "")
    if not ("private" in cache_control and "no-store" in cache_control):
        response["Cache-Control"] = PRIVATE_CACHE_CONTROL


def mark_public(response):
    patch_cache_control(
        response,
        public=True,
        max_age=settings.PUBLIC_CACHE_MAX_AGE,
        s_maxage=settings.PUBLIC_CACHE_S_MAXAGE,
        stale_while_revalidate=settings.PUBLIC_CACHE_STALE_WHILE_REVALIDATE,
    )
    # A shared cache must not hand a signed-in editor the anonymous copy (or the reverse).
    patch_vary_headers(response, ("Cookie",))


def entry_for(response, generation):
    return {
        "generation": generation,
        "status": response.status_code,
        "headers": [(name, value) for name, value in response.items() if name.lower() != "set-cookie"],
        "content": response.content,
        "stored_at": time.time(),  # a process's own copy is kept no longer than the shared one
    }


def response_from(entry, label="hit"):
    response = HttpResponse(entry["content"], status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    response[CACHED_HEADER] = label
    return response


def render_claim_key(key):
    return key + ":rendering"


class LocalCopies:
    """The pages this process served most recently, by key, at most ``max_bytes`` of HTML in all."""

    def __init__(self):
        self._entries = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key, entry, max_bytes):
        size = len(entry["content"])
        with self._lock:
            self._remove(key)
            if size > max_bytes:
                return
            self._entries[key] = entry
            self._size += size
            while self._size > max_bytes:
                self._remove(next(iter(self._entries)))

    def discard(self, key):
        with self._lock:
            self._remove(key)

    def clear(self):
        with self._lock:
            self._entries.clear()
            self._size = 0

    def _remove(self, key):
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._size -= len(entry["content"])


local_copies = LocalCopies()


def expired(entry):
    """Past PAGE_CACHE_SECONDS: a page that says "checked 3 days ago" is rendered again in time."""
    return time.time() - entry.get("stored_at", 0) >= settings.PAGE_CACHE_SECONDS


def keep_locally(key, entry):
    limit = getattr(settings, "PAGE_CACHE_LOCAL_MAX_BYTES", 0)
    if limit > 0:
        local_copies.put(key, entry, limit)


def cached_entry(cache, key):
    """``(generation, entry)``: this process's copy when it is current, else the shared cache's (one round trip)."""
    local = local_copies.get(key)
    if local is not None:
        generation = cache.get(GENERATION_KEY)
        if generation is not None and local["generation"] == generation and not expired(local):
            return generation, local
        entry = cache.get(key)  # changed since: the shared copy may be newer (or, for a while, the stale one)
    else:
        found = cache.get_many([GENERATION_KEY, key])
        generation, entry = found.get(GENERATION_KEY), found.get(key)
    if entry is not None and generation is not None and entry["generation"] == generation:
        keep_locally(key, entry)
    return generation, entry


class PageCacheMiddleware:
    """Serve anonymous visitors' public pages from the cache; label every response's cacheability.

    Sits after CorsMiddleware and before the session, CSRF, locale and authentication
    middleware, so a hit skips all of them and the database.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = entry_key(request) if page_cache_enabled() and may_use_cache(request) else None
        generation = entry = None
        claimed = False
        if key:
            cache = page_cache()
            settle_missed_bump()
            generation, entry = cached_entry(cache, key)
            if entry is not None and generation is not None:
                if entry["generation"] == generation:
                    return response_from(entry)
                # Changed since this copy: one request renders it again, the others meanwhile get this copy.
                claimed = cache.add(render_claim_key(key), generation, RENDER_CLAIM_SECONDS)
                if not claimed:
                    stale = response_from(entry, "stale")
                    stale["Cache-Control"] = "no-cache"  # a browser or CDN must not keep it: asks again next time
                    return stale
            # Read before rendering: a publish during the render leaves this copy stamped stale.
            generation = generation if generation is not None else current_generation(cache)

        try:
            response = self.get_response(request)
            public = False
            if is_personal(request, response):
                mark_private(response)
            elif public := is_public_page(request, response):
                mark_public(response)
                if key and request.method == "GET":
                    fresh = entry_for(response, generation)
                    cache.set(key, fresh, settings.PAGE_CACHE_SECONDS)
                    keep_locally(key, fresh)
                    response[CACHED_HEADER] = "miss"
            if entry is not None and not public:
                cache.delete(key)  # the page went or became personal: its old copy is served no more
                local_copies.discard(key)
        finally:
            if claimed:
                cache.delete(render_claim_key(key))
        return response
