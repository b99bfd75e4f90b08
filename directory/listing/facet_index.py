"""Each language's facet index, built once per change to public content and shared by every process.

The index (``bitmaps.FacetIndex``) answers facet counts and pages of results without joining link
rows on every request. It is keyed by the content version (``directory.caching``: a row written
in the same transaction as each public change). When a change commits, the process that made it
builds the index of each language and puts it in the cache (``prebuild_indexes``) before the
page cache is emptied; other processes, and new workers, copy it from the cache instead of
building it themselves. When the change only edited communities' texts or facet values, the new
index is derived from the previous one in milliseconds (``facet_patch``) instead of built. A
process that finds no copy builds one (and shares it), while the others
answer from the version they hold, or (a new worker) the newest one shared, until it is there;
with nothing shared at all, they wait for it.
Why this design, and its figures: docs/benchmarks.md.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django_tasks import task
from wagtail.models import Locale

from core.page_cache import bump_generation
from directory.caching import current_content_version
from directory.listing.bitmaps import FacetIndex
from directory.listing.facet_build import build
from directory.listing.facet_patch import derive
from directory.models.public import PublicScope

logger = logging.getLogger(__name__)

# Seconds a process without any index waits for another's build before building one itself.
WAIT_FOR_BUILD = 10
BUILD_LOCK_SECONDS = 60
# Seconds a queued build stays claimed: after that, a listing that finds no index builds one.
QUEUED_BUILD_SECONDS = 30
SHARED_SECONDS = 24 * 3600

_indexes = {}  # language -> FacetIndex
_locks = {}
_registry_lock = threading.Lock()


def shared_store():
    return caches[getattr(settings, "FACET_INDEX_CACHE", "default")]


def shared_key(language, version):
    return f"facet-index:{language}:{version[0]}:{version[1]}"


def latest_key(language):
    """Where the key of the language's newest shared index is kept, for workers that hold none."""
    return f"facet-index:{language}:latest"


def facet_index(public, language):
    """The current index for ``language``: the one held, a copy of the shared one, or a new build."""
    version = current_content_version()
    index = _indexes.get(language)
    if index is not None and index.version == version:
        return index
    with _registry_lock:
        lock = _locks.setdefault(language, threading.Lock())
    with lock:
        index = _indexes.get(language)
        if index is None or index.version != version:
            found = _shared_or_built(public, language, version, held=index)
            if found.version == version or index is None:  # an older one only until the new one is shared
                _indexes[language] = found
            index = found
    return index


def _shared_or_built(public, language, version, held=None):
    store, key = shared_store(), shared_key(language, version)
    shared = _read(store, key)
    if shared is not None:
        return shared
    if _try_lock(store, key):
        try:
            return _build_and_share(public, language, version, store, key, held)
        finally:
            _unlock(store, key)
    # Another process is building this version.
    if held is None:  # a new worker: the newest shared version, rather than waiting for the build
        held = _read(store, _read_pointer(store, language))
    if held is not None:
        return held  # the previous version, until the new one is shared (not kept as current)
    deadline = time.monotonic() + WAIT_FOR_BUILD
    while time.monotonic() < deadline and not _unavailable(store):
        time.sleep(0.02)
        shared = _read(store, key)
        if shared is not None:
            return shared
    return _build_and_share(public, language, version, store, key)


def _build_and_share(public, language, version, store, key, held=None):
    index = _derived(public, language, version, store, held) or build(public, language, version)
    try:
        store.set(key, index.to_payload(), SHARED_SECONDS)
        store.set(latest_key(language), key, SHARED_SECONDS)
    except Exception:  # a cache that is down or full: this process still has its index
        logger.warning("The facet index of %s could not be shared", language, exc_info=True)
    return index


def _derived(public, language, version, store, held):
    """The index of ``version`` derived from the one held (or else the newest shared); None when it must be built."""
    base = held if held is not None else _read(store, _read_pointer(store, language))
    if base is None or base.version[0] >= version[0]:
        return None
    try:
        return derive(base, public, language, version)
    except Exception:  # a failed derivation costs a build, never a listing
        logger.exception("The facet index of %s could not be derived", language)
        return None


def _read_pointer(store, language):
    try:
        return store.get(latest_key(language))
    except Exception:
        return None


def _read(store, key):
    if key is None:
        return None
    try:
        payload = store.get(key)
    except Exception:
        logger.warning("The shared facet index could not be read", exc_info=True)
        return None
    return FacetIndex.from_payload(payload) if payload else None


def _unavailable(store):
    """True while the shared cache is out (core.resilient_cache then answers every write with False)."""
    in_outage = getattr(store, "in_outage", None)
    return bool(in_outage and in_outage())


def _try_lock(store, key, seconds=BUILD_LOCK_SECONDS):
    try:
        return store.add(f"{key}:building", 1, seconds) or _unavailable(store)
    except Exception:
        return True  # no cache to coordinate through: build here


def _unlock(store, key):
    try:
        store.delete(f"{key}:building")
    except Exception:
        pass


def prebuild_indexes(**kwargs):
    """Queue the build of every language's index for the content just committed (``public_content_committed``).

    Each language's build is claimed here, before the page cache is emptied, so that visitors'
    listings meanwhile answer from the index they hold instead of each building one. When no
    task worker takes the build, the claim lapses and the next listing builds the index itself.
    """
    version = current_content_version()
    store = shared_store()
    claimed = [
        language
        for language in _content_languages()
        if _try_lock(store, shared_key(language, version), QUEUED_BUILD_SECONDS)
    ]
    if claimed:
        build_indexes.enqueue(version=list(version), languages=claimed)


@task()
def build_indexes(version, languages):
    """Build and share the claimed indexes of ``version``, then empty the page cache again.

    Pages rendered from the previous index while this ran go stale with that last emptying.
    """
    version = tuple(version)
    store = shared_store()
    built = []
    for language in languages:
        key = shared_key(language, version)
        try:
            if current_content_version() == version and _read(store, key) is None:
                _build_and_share(PublicScope(_locale(language)), language, version, store, key, _indexes.get(language))
                built.append(language)
        except Exception:  # the publish has happened: a failed build is retried by the next listing
            logger.exception("The facet index of %s could not be built after a change", language)
        finally:
            _unlock(store, key)
    if built:
        bump_generation()
    return built


def _content_languages():
    """The languages with a locale, whose indexes a change affects."""
    codes = [language for language, _name in settings.WAGTAIL_CONTENT_LANGUAGES]
    return sorted(set(Locale.objects.filter(language_code__in=codes).values_list("language_code", flat=True)))


def _locale(language):
    return Locale.objects.get(language_code=language)


def forget_indexes():
    """Drop every index this process holds (tests start from an empty database each time)."""
    _indexes.clear()
