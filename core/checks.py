"""Deployment checks of the project's own (``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

RATE_LIMITS_SHARE_THE_PAGE_CACHE = "core.W001"


@register(Tags.caches, deploy=True)
def rate_limit_counters_have_their_own_redis(app_configs=None, **kwargs):
    """Counters in the page cache's Redis can be evicted by a flood of cached pages (an LRU cache)."""
    caches = settings.CACHES
    counters = caches.get(getattr(settings, "RATELIMIT_USE_CACHE", "default"), {})
    pages = caches.get(getattr(settings, "PAGE_CACHE_ALIAS", "default"), {})
    same_redis = "Redis" in counters.get("BACKEND", "") and counters.get("LOCATION") == pages.get("LOCATION")
    if counters is pages or same_redis:
        return [
            Warning(
                "The rate-limit counters are kept in the page cache's Redis, where cached pages can evict them.",
                hint="Set RATELIMIT_REDIS_URL to a Redis instance of their own with maxmemory-policy noeviction "
                "(see docs/deployment.md).",
                id=RATE_LIMITS_SHARE_THE_PAGE_CACHE,
            )
        ]
    return []
