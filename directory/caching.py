"""When public content changes: the page cache's generation counter and what moves it on.

Every cached public page is stamped with the generation that was current when it was rendered
(see core.page_cache). Publishing, unpublishing, moving or deleting a page, changing a page's
privacy, a vocabulary snippet, a search synonym group, a topic a public page shows (not one only a nomination uses), an
engagement, the site settings or a site moves the generation on, so every cached page goes stale
at once: a change shows on its own page, in the listing, on the home page and in search at the
next request. One counter for the whole site is deliberately blunt: working out which listings
and facet counts a forum appears in is harder than rendering them again, and publishes are rare
next to reads.

The counter lives in the page cache (Redis in production, so every web process sees a bump).
Each change is also written to the database (``PublicContentChange``) in the transaction that
makes it: the directory's facet indexes (``directory.listing.facet_index``) key on the latest
row, which every process sees exactly when it sees the change, whatever the cache. Once the
change commits, ``public_content_committed`` is sent (the indexes are built then) and only then is
the generation moved on again. Code that changes live content without publishing (``.update()``,
``bulk_update``) calls ``public_content_changed()`` itself, because those bypass model signals;
code making many changes in a row wraps them in ``changes_in_bulk()``.
"""

import contextlib
import functools
import threading
import uuid

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import Signal

from core.page_cache import bump_generation

# The change log keeps this many recent rows; older ones are deleted as new ones are written.
CHANGES_KEPT = 1000


def record_content_change(page_id=None):
    """Write a change row (visible to other processes when the surrounding transaction commits)."""
    from directory.models import PublicContentChange

    change = PublicContentChange.objects.create(token=uuid.uuid4().hex, page_id=page_id)
    _thread.latest, _thread.latest_token = change.pk, change.token
    if change.pk % CHANGES_KEPT == 0:
        PublicContentChange.objects.filter(pk__lte=change.pk - CHANGES_KEPT).delete()


def current_content_version():
    """``(id, token)`` of the latest change to public content, in one query; ``(0, "")`` before any."""
    from directory.models import PublicContentChange

    latest = PublicContentChange.objects.order_by("-pk").values_list("pk", "token").first()
    return latest or (0, "")


# Sent once a change to public content is committed, before the page cache is emptied again.
public_content_committed = Signal()

_thread = threading.local()  # this thread: how deep in changes_in_bulk, and its latest change row


def _after_commit():
    if getattr(_thread, "depth", 0):
        _thread.pending = True
        return
    # One transaction often sends several changes (a publish saves the page, then sends
    # page_published and published): the first of their callbacks answers for them all.
    latest = getattr(_thread, "latest", None)
    if latest is not None and _thread.latest_token == getattr(_thread, "committed", None):
        return
    # Another transaction's change, begun after ours, committed first: the newest row is not ours,
    # so the indexes keyed on it were built without our change. A new row makes a new version.
    if latest is not None and current_content_version()[0] > latest:
        record_content_change()
    _thread.committed = getattr(_thread, "latest_token", None)
    public_content_committed.send(sender=None)
    bump_generation()


def public_content_changed(instance=None, **kwargs):
    """Forget every cached page now, and again once the change is committed; log the change.

    The second bump matters: a request that renders between now and the commit still reads the
    old rows, and would otherwise store them under the new generation. ``instance`` (as the page
    signals send it) is logged when it is a page.
    """
    from wagtail.models import Page

    bump_generation()
    record_content_change(page_id=instance.pk if isinstance(instance, Page) else None)
    if connection.in_atomic_block:
        transaction.on_commit(_after_commit)
    else:
        _after_commit()


@contextlib.contextmanager
def changes_in_bulk():
    """Many changes in a row (an import, demo data): what follows a committed change happens once, at the end."""
    _thread.depth = getattr(_thread, "depth", 0) + 1
    try:
        yield
    finally:
        _thread.depth -= 1
        if not _thread.depth and getattr(_thread, "pending", False):
            _thread.pending = False
            _after_commit()


@functools.cache
def watched_models():
    """Models other than pages whose rows change what public pages show (site settings included)."""
    from wagtail.contrib.settings.registry import registry as settings_registry
    from wagtail.models import Locale, PageViewRestriction, Site

    from directory.models import Audience, CommunityType, Engagement, Region, SearchSynonyms, TopicName

    # Topics (taggit tags) are watched apart: see _on_topic_saved.
    return frozenset(
        {
            Audience,
            Region,
            CommunityType,
            Engagement,
            SearchSynonyms,
            TopicName,
            PageViewRestriction,
            Site,
            Locale,
            *settings_registry,
        }
    )


def topic_is_public(tag):
    """Whether a live, public community or public body shows this topic (delisted ones show theirs too)."""
    from directory.models import DepartmentPage, ForumPage

    return any(
        model.objects.live().public().filter(tagged_items__tag=tag).exists() for model in (ForumPage, DepartmentPage)
    )


def _on_topic_saved(sender, instance, created=False, **kwargs):
    # A new topic is on no public page yet: a nomination's new topics come with its draft, and
    # reach the public (and the caches) when an editor publishes it. Renaming a topic public
    # pages show changes them.
    if not created and topic_is_public(instance):
        public_content_changed()


def _on_topic_deleting(sender, instance, **kwargs):
    # Before the delete takes the topic's links with it.
    if topic_is_public(instance):
        public_content_changed()


def _on_row_changed(sender, created=False, **kwargs):
    from wagtail.contrib.settings.registry import registry as settings_registry

    # Wagtail creates a site's settings row, with the defaults already in effect, when a page first
    # reads it: that changes nothing the public sees.
    if sender in watched_models() and not (created and sender in settings_registry):
        public_content_changed()


# What saving a page's draft writes to its row (Wagtail's save_revision, locking, workflows): none
# of it is shown to the public, so such a save of a live page changes nothing public.
DRAFT_FIELDS = frozenset(
    {
        "comments",
        "draft_title",
        "has_unpublished_changes",
        "latest_revision",
        "latest_revision_created_at",
        "locked",
        "locked_at",
        "locked_by",
    }
)


def _on_page_saved(sender, instance, update_fields=None, **kwargs):
    """A live page saved other than as a draft (created live by code, or edited in place) changes what is public."""
    from wagtail.models import Page

    if not isinstance(instance, Page) or not instance.live:
        return
    if update_fields is None or not set(update_fields) <= DRAFT_FIELDS:
        public_content_changed(instance=instance)


def _on_row_deleted(sender, **kwargs):
    from wagtail.models import Page

    # Deleting a page skips the unpublish signal, so page deletions are watched here.
    if sender in watched_models():
        public_content_changed()
    elif isinstance(sender, type) and issubclass(sender, Page):
        public_content_changed(instance=kwargs.get("instance"))


def connect_cache_invalidation():
    """Move the generation on whenever something public changes (called from DirectoryConfig.ready).

    Saving a draft does not change what the public sees, and publishing sends its own signal;
    saving a live page in place (code creating pages live, or editing fields directly) does.
    """
    from wagtail import signals

    for name in ("page_published", "page_unpublished", "published", "unpublished", "post_page_move"):
        getattr(signals, name).connect(public_content_changed, dispatch_uid=f"page_cache.{name}")
    post_save.connect(_on_row_changed, dispatch_uid="page_cache.row_saved")
    post_save.connect(_on_page_saved, dispatch_uid="page_cache.page_saved")
    post_delete.connect(_on_row_deleted, dispatch_uid="page_cache.row_deleted")
    from taggit.models import Tag

    post_save.connect(_on_topic_saved, sender=Tag, dispatch_uid="page_cache.topic_saved")
    pre_delete.connect(_on_topic_deleting, sender=Tag, dispatch_uid="page_cache.topic_deleting")
