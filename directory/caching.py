"""When public content changes: the page cache's generation counter and what moves it on.

Every cached public page is stamped with the generation that was current when it was rendered
(see home.caching). Publishing, unpublishing, moving or deleting a page, changing a page's
privacy, a vocabulary snippet, a topic, an engagement, the site settings or a site moves the
generation on, so every cached page goes stale at once: a change shows on its own page, in the
listing, on the home page and in search at the next request. One counter for the whole site is
deliberately blunt: working out which listings and facet counts a forum appears in is harder
than rendering them again, and publishes are rare next to reads.

The counter lives in the page cache (Redis in production, so every web process sees a bump).
Code that changes live content without publishing (``.update()``, ``bulk_update``) calls
``public_content_changed()`` itself, because those bypass model signals.
"""

import functools
import time

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

GENERATION_KEY = "page-cache:generation"


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


def bump_generation():
    """Move the counter on, so every page cached before now is no longer served."""
    cache = page_cache()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no counter yet (or it was evicted): any fresh value is newer than the old ones
        cache.add(GENERATION_KEY, fresh_generation(), timeout=None)


def public_content_changed(**kwargs):
    """Forget every cached page now, and again once the change is committed.

    The second bump matters: a request that renders between now and the commit still reads the
    old rows, and would otherwise store them under the new generation.
    """
    bump_generation()
    if connection.in_atomic_block:
        transaction.on_commit(bump_generation)


@functools.cache
def watched_models():
    """Models other than pages whose rows change what public pages show (site settings included)."""
    from taggit.models import Tag
    from wagtail.contrib.settings.registry import registry as settings_registry
    from wagtail.models import Locale, PageViewRestriction, Site

    from directory.models import Audience, CommunityType, Engagement, Region

    return frozenset(
        {Audience, Region, CommunityType, Engagement, Tag, PageViewRestriction, Site, Locale, *settings_registry}
    )


def _on_row_changed(sender, **kwargs):
    if sender in watched_models():
        public_content_changed()


def _on_row_deleted(sender, **kwargs):
    from wagtail.models import Page

    # Deleting a page skips the unpublish signal, so page deletions are watched here.
    if sender in watched_models() or (isinstance(sender, type) and issubclass(sender, Page)):
        public_content_changed()


def connect_cache_invalidation():
    """Move the generation on whenever something public changes (called from DirectoryConfig.ready).

    Page saves are not watched: a draft save does not change what the public sees, and
    publishing sends its own signal.
    """
    from wagtail import signals

    for name in ("page_published", "page_unpublished", "published", "unpublished", "post_page_move"):
        getattr(signals, name).connect(public_content_changed, dispatch_uid=f"page_cache.{name}")
    post_save.connect(_on_row_changed, dispatch_uid="page_cache.row_saved")
    post_delete.connect(_on_row_deleted, dispatch_uid="page_cache.row_deleted")
