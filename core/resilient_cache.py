"""A Redis cache the site can live without: ``ResilientRedisCache``.

Django's ``RedisCache`` raises when Redis cannot be reached, and everything that reads the cache
(the page cache, Wagtail's site lookup on every request, the rate limits, the page cache's
generation counter on every publish) would then answer 500. This subclass catches connection
failures, time-outs and a full Redis refusing writes on every operation and carries on without
the cache: a read is a miss, a write does nothing, ``incr`` raises ``CacheUnavailable`` (a
``ValueError``, which is what callers already expect for a missing counter).

- Short socket time-outs (``socket_connect_timeout``, ``socket_timeout`` in OPTIONS), so an
  unreachable Redis costs a request a fraction of a second, not the client's default 5 s each.
- After a failure the cache is not tried again for ``RETRY_AFTER`` seconds (per process), so an
  outage costs almost nothing per request; the first call after that tries Redis again.
- A warning is logged when the outage starts (then at most once a minute) and when it ends.
- ``LOCAL_FALLBACK``: while Redis is out, use a per-process memory cache instead of nothing. The
  rate-limit counters use it, so limits keep holding during an outage (per process).

``is_reachable(cache)`` asks Redis now, for the readiness check.
"""

import logging
import threading
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)

# Redis cannot be reached, answers too slowly, is still loading, or refuses writes (full under
# "noeviction", or a read-only replica after a fail-over).
UNAVAILABLE = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    redis.exceptions.OutOfMemoryError,
    redis.exceptions.ReadOnlyError,
    OSError,
)
WARNING_INTERVAL = 60  # seconds between repeated warnings about one outage

# Per-process outage state, by server: Django makes one cache object per thread.
_outages = {}
_lock = threading.Lock()


class CacheUnavailable(ValueError):
    """``incr`` could not reach the cache. A ``ValueError``, as for a counter that does not exist."""


class Outage:
    def __init__(self):
        self.retry_at = 0.0
        self.warned_at = None


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one ``redis.Redis`` per connection pool.

    Django makes a new ``redis.Redis`` for every cache operation, and redis-py's constructor
    builds its table of response callbacks each time, a large part of serving a cached page
    (docs/benchmarks.md). A ``redis.Redis`` without a single connection is safe to share: each
    command takes a connection from the pool and gives it back.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}  # pool -> its client

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients.setdefault(pool, self._client(connection_pool=pool))
        return client


class ResilientRedisCache(RedisCache):
    """Django's RedisCache that degrades to no cache (or a local one) when Redis is out."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", 5))
        local_fallback = bool(options.pop("LOCAL_FALLBACK", False))
        options.setdefault("socket_connect_timeout", 0.5)
        options.setdefault("socket_timeout", 1.0)
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusingRedisCacheClient
        self.server_name = ",".join(self._servers)
        self.fallback = None
        if local_fallback:
            # LocMemCache instances with one name share their storage within the process.
            self.fallback = LocMemCache(
                f"resilient-fallback:{self.server_name}",
                {"TIMEOUT": params.get("TIMEOUT", 300), "KEY_PREFIX": params.get("KEY_PREFIX", "")},
            )

    # -- outage bookkeeping --------------------------------------------------------------------

    def in_outage(self):
        """Whether Redis failed less than ``retry_after`` seconds ago (so is not tried now)."""
        outage = _outages.get(self.server_name)
        return outage is not None and time.monotonic() < outage.retry_at

    def failed(self, error):
        now = time.monotonic()
        with _lock:
            outage = _outages.setdefault(self.server_name, Outage())
            outage.retry_at = now + self.retry_after
            warn = outage.warned_at is None or now - outage.warned_at >= WARNING_INTERVAL
            if warn:
                outage.warned_at = now
        if warn:
            logger.warning(
                "Cache %s cannot be reached (%s); working without it%s",
                self.server_name,
                error.__class__.__name__,
                " (local counters meanwhile)" if self.fallback else "",
            )

    def succeeded(self):
        if self.server_name in _outages:
            with _lock:
                ended = _outages.pop(self.server_name, None)
            if ended is not None:
                logger.warning("Cache %s can be reached again", self.server_name)

    def attempt(self, operation, name, *args, **kwargs):
        """Run ``operation``; when Redis is out, the fallback's ``name`` or ``None`` (meaning: degrade)."""
        if not self.in_outage():
            try:
                result = operation(*args, **kwargs)
            except UNAVAILABLE as error:
                self.failed(error)
            else:
                self.succeeded()
                return True, result
        if self.fallback is not None:
            return True, getattr(self.fallback, name)(*args, **kwargs)
        return False, None

    def ping(self):
        """Ask Redis now, ignoring any recent failure: True when it answers."""
        try:
            self._cache.get_client(write=True).ping()
        except UNAVAILABLE as error:
            self.failed(error)
            return False
        self.succeeded()
        return True

    # -- every operation of Django's cache API -------------------------------------------------

    def get(self, key, default=None, version=None):
        done, result = self.attempt(super().get, "get", key, default, version=version)
        return result if done else default

    def get_many(self, keys, version=None):
        done, result = self.attempt(super().get_many, "get_many", keys, version=version)
        return result if done else {}

    def has_key(self, key, version=None):
        done, result = self.attempt(super().has_key, "has_key", key, version=version)
        return bool(result) if done else False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        done, result = self.attempt(super().add, "add", key, value, timeout, version=version)
        return result if done else False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.attempt(super().set, "set", key, value, timeout, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        done, result = self.attempt(super().set_many, "set_many", data, timeout, version=version)
        return result if done else list(data)  # the keys that were not set

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        done, result = self.attempt(super().touch, "touch", key, timeout, version=version)
        return result if done else False

    def incr(self, key, delta=1, version=None):
        done, result = self.attempt(super().incr, "incr", key, delta, version=version)
        if not done:
            raise CacheUnavailable(f"The cache {self.server_name} cannot be reached")
        return result

    def delete(self, key, version=None):
        done, result = self.attempt(super().delete, "delete", key, version=version)
        return result if done else False

    def delete_many(self, keys, version=None):
        self.attempt(super().delete_many, "delete_many", keys, version=version)

    def clear(self):
        done, result = self.attempt(super().clear, "clear")
        return result if done else False


def is_reachable(cache):
    """Whether ``cache`` answers now. Caches other than Redis (local memory) always do."""
    if isinstance(cache, ResilientRedisCache):
        return cache.ping()
    if isinstance(cache, RedisCache):
        try:
            cache._cache.get_client(write=True).ping()
        except UNAVAILABLE:
            return False
    return True
