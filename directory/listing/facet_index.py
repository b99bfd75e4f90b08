"""Exact facet counts and pages of results at any size: the listed communities as bitmaps.

Counting six facets in SQL means joining every community's link rows on every request. Instead
each process keeps, per language, the listed communities in name order and one bitmap (a Python
``int``) per facet value: bit *i* is set when the *i*-th community has that topic, audience,
region, type, engagement preference or engaging department. A facet count is an AND and a
population count, the result count the same, and a page in name order is the set bits from an
offset. What is listed is decided by ``directory.models.public.PublicScope`` when the index is built.

The index is rebuilt (three queries at any size) on the first request after public content
changes: ``directory.caching`` records every public change in ``PublicContentChange`` in the
change's own transaction, and each request compares the latest row with its index's. One thread
builds while others in the same process wait for it, so a change is never hidden. Memory and
timings: docs/benchmarks.md.
"""

import gc
import threading
from dataclasses import dataclass

from django.db import connections
from django.db.models import Aggregate, Case, F, Q, TextField, Value, When, Window
from django.db.models.functions import RowNumber
from taggit.models import Tag
from wagtail.models import Locale, Page

from directory.caching import current_content_version
from directory.listing.facets import FACETS
from directory.listing.filters import ORDERINGS
from directory.listing.sql import union_all
from directory.models import Audience, CommunityType, Engagement, ForumPage, ForumPageTag, Region
from directory.models.public import CURRENT_ENGAGEMENT_STATUSES


@dataclass(frozen=True)
class Term:
    """A facet value as offered to visitors: its slug, its label, and its Welsh label if any."""

    slug: str
    label: str
    label_cy: str = ""


def mask_of(positions, size):
    """A bitmap with the bits at ``positions`` set."""
    bits = bytearray((size + 7) // 8)
    for position in positions:
        bits[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(bits, "little")


def set_bits(mask, start, count):
    """Up to ``count`` positions of the set bits of ``mask``, skipping the first ``start`` of them."""
    found = []
    if count <= 0 or mask <= 0:
        return found
    data = mask.to_bytes((mask.bit_length() + 63) // 64 * 8, "little")
    skipped = 0
    for index, word in enumerate(memoryview(data).cast("Q")):
        if not word:
            continue
        ones = word.bit_count()
        if skipped + ones <= start:
            skipped += ones
            continue
        while word:
            lowest = word & -word
            if skipped >= start:
                found.append(index * 64 + lowest.bit_length() - 1)
                if len(found) == count:
                    return found
            skipped += 1
            word ^= lowest
    return found


class FacetIndex:
    """The listed communities of one language, in name order, and which of them has each facet value."""

    def __init__(self, version, ids, masks, terms, newest, largest, positions=None):
        self.version = version
        self.ids = ids  # position -> community id, in name order (A to Z)
        self.positions = positions or {forum_id: position for position, forum_id in enumerate(ids)}
        self.size = len(ids)
        self.everything = (1 << self.size) - 1
        self.masks = masks  # facet -> {slug: bitmap}
        self.terms = terms  # facet -> {slug: Term}; preferences are labelled by their choices
        self.orders = {"newest": newest, "largest": largest}  # sort -> positions in that order
        self._searches = {}  # terms -> (ranked ids, bitmap), oldest first

    # How many searches (their matches, ranked, and as a bitmap) each index keeps: popular searches
    # are answered without the database until public content next changes and the index is rebuilt.
    SEARCHES_KEPT = 64

    def matches(self, terms, search):
        """``(ids most relevant first, bitmap of the listed ones)`` for ``terms``; ``search(terms)`` gives the ids.

        Kept with the index, so a search repeated before the next change to public content costs
        no query; the oldest kept search makes room for a new one.
        """
        kept = self._searches.get(terms)
        if kept is None:
            ranked = search(terms)
            kept = (ranked, self.mask_of_ids(ranked))
            while len(self._searches) >= self.SEARCHES_KEPT:
                self._searches.pop(next(iter(self._searches)), None)
            self._searches[terms] = kept
        return kept

    def selection(self, facet, values):
        """The communities with any of ``values`` of ``facet`` (a slug nobody uses matches nothing)."""
        masks = self.masks[facet]
        selected = 0
        for value in values:
            selected |= masks.get(value, 0)
        return selected

    def mask_of_ids(self, ids):
        """The listed communities among ``ids`` (others, such as drafts or other languages, are dropped)."""
        return mask_of([place for place in map(self.positions.get, ids) if place is not None], self.size)

    def counts(self, facet, scope):
        """``{slug: how many of scope have it}`` for every value of ``facet``."""
        return {slug: (scope & mask).bit_count() for slug, mask in self.masks[facet].items()}

    def page(self, mask, start, count, sort="name", ranked=None):
        """Ids of up to ``count`` communities of ``mask`` from ``start``, in ``sort`` order.

        ``ranked`` (ids, most relevant first) gives the order for ``sort="relevance"``.
        """
        if sort == "name":
            return [self.ids[position] for position in set_bits(mask, start, count)]
        if sort == "relevance":
            order = (self.positions[forum_id] for forum_id in ranked or () if forum_id in self.positions)
        else:
            order = iter(self.orders[sort])
        data = mask.to_bytes((self.size + 7) // 8 or 1, "little")
        found, skipped = [], 0
        for position in order:
            if data[position >> 3] >> (position & 7) & 1:
                if skipped < start:
                    skipped += 1
                    continue
                found.append(self.ids[position])
                if len(found) == count:
                    break
        return found


# --- Building ----------------------------------------------------------------------------------

LINK_COLUMNS = ("l_a", "l_b", "l_ids", "l_slug", "l_name", "l_name_cy")


def joined_ids_sql(column, vendor):
    """SQL aggregating ``column`` of a group into one string, "4,8,15"."""
    return f"STRING_AGG({column}::text, ',')" if vendor == "postgresql" else f"GROUP_CONCAT({column})"


class JoinedIds(Aggregate):
    """The ids of a group as one string, "4,8,15": one row per term to read instead of one per link."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template=joined_ids_sql("%(expressions)s", connection.vendor), **extra_context
        )


def _links_and_terms(public, scope, language):
    """One query: which listed communities have each term, and every term's slug and labels.

    Rows are (term id, 0, "community ids", '', '', '') for each term in use, grouped by facet,
    and (term id, offered, '', slug, name, Welsh name) for the terms, under "<facet>:term".
    """
    # Links are read for every community, listed or not (a join with the listed ones costs more
    # than reading the rest); ids not in the index are dropped as the bitmaps are made.
    ids = scope.order_by().values("pk")
    blank, zero = Value(""), Value(0)
    no_labels = {"l_b": zero, "l_slug": blank, "l_name": blank, "l_name_cy": blank}
    parts = [
        (
            "topic",
            ForumPageTag.objects.order_by()
            .values(l_a=F("tag_id"))
            .annotate(l_ids=JoinedIds("content_object_id"), **no_labels)
            .values(*LINK_COLUMNS),
        )
    ]
    for kind, name in (("audience", "audiences"), ("region", "regions")):
        through = getattr(ForumPage, name).through
        parts.append(
            (
                kind,
                through.objects.order_by()
                .values(l_a=F(f"{kind}_id"))
                .annotate(l_ids=JoinedIds("forumpage_id"), **no_labels)
                .values(*LINK_COLUMNS),
            )
        )
    # Engagements are recorded against one language's page: the community's page in this
    # language is the one with the same translation key.
    pages, engagements = Page._meta.db_table, Engagement._meta.db_table
    statuses = ", ".join(["%s"] * len(CURRENT_ENGAGEMENT_STATUSES))
    listed_ids = joined_ids_sql("listed.id", connections[scope.db].vendor)
    parts.append(
        (
            "department",
            (
                f"SELECT engaged.department_id AS l_a, 0 AS l_b, {listed_ids} AS l_ids, '' AS l_slug, "
                f"'' AS l_name, '' AS l_name_cy "
                f"FROM {engagements} engaged INNER JOIN {pages} forum ON forum.id = engaged.forum_id "
                f"INNER JOIN {pages} listed ON listed.translation_key = forum.translation_key "
                f"AND listed.locale_id IN (SELECT id FROM {Locale._meta.db_table} WHERE language_code = %s) "
                f"WHERE engaged.status IN ({statuses}) GROUP BY engaged.department_id",
                (language, *CURRENT_ENGAGEMENT_STATUSES),
            ),
        )
    )
    for kind, model in (("audience", Audience), ("region", Region), ("type", CommunityType)):
        parts.append(
            (
                f"{kind}:term",
                model.objects.annotate(l_a=F("pk"), l_b=Value(1), l_ids=blank, l_slug=F("slug"), l_name=F("name"))
                .annotate(l_name_cy=F("name_cy"))
                .order_by()
                .values(*LINK_COLUMNS),
            )
        )
    tag_ids = ForumPageTag.objects.filter(content_object_id__in=ids).values("tag_id")
    parts.append(
        (
            "topic:term",
            Tag.objects.filter(pk__in=tag_ids)
            .annotate(l_a=F("pk"), l_b=Value(1), l_ids=blank, l_slug=F("slug"), l_name=F("name"), l_name_cy=blank)
            .order_by()
            .values(*LINK_COLUMNS),
        )
    )
    # Any public department may be chosen by its slug; the options offered are this language's.
    departments = public.departments_in_every_language()
    in_language = public.departments().values("pk")
    parts.append(
        (
            "department:term",
            departments.annotate(l_a=F("pk"), l_ids=blank, l_slug=F("slug"), l_name=F("title"), l_name_cy=blank)
            .annotate(l_b=Case(When(Q(pk__in=in_language), then=Value(1)), default=Value(0)))
            .order_by()
            .values(*LINK_COLUMNS),
        )
    )
    return union_all(parts, LINK_COLUMNS, as_tuples=True)


def build(public, language, version):
    """The index of the communities ``public`` lists, in ``language``, at content ``version``."""
    scope = public.forums()
    # Each community's place in the newest order comes with it (a window function), so no dates
    # need reading or sorting here.
    rows = list(
        scope.annotate(newest_place=Window(RowNumber(), order_by=ORDERINGS["newest"]))
        .order_by(*ORDERINGS["name"])
        .values_list("pk", "community_type_id", "engagement_preference", "newest_place", "members")
    )
    size = len(rows)
    ids = [row[0] for row in rows]
    positions = {forum_id: position for position, forum_id in enumerate(ids)}
    newest = [0] * size
    by_type, by_preference = {}, {}
    for position, (_pk, type_id, preference, newest_place, _members) in enumerate(rows):
        newest[newest_place - 1] = position
        if type_id is not None:
            by_type.setdefault(type_id, []).append(position)
        if preference:
            by_preference.setdefault(preference, []).append(position)

    masks = {facet: {} for facet in FACETS}
    terms = {facet: {} for facet in FACETS}
    slugs = {facet: {} for facet in FACETS}  # facet -> {term id: slug}
    linked = {"type": by_type}  # facet -> {term id: positions}
    for kind, kind_rows in _links_and_terms(public, scope, language).items():
        if kind.endswith(":term"):
            facet = kind.removesuffix(":term")
            for term_id, offered, _ids, slug, name, name_cy in kind_rows:
                slugs[facet][term_id] = slug
                if offered:  # departments: only those in the index's language are offered as options
                    terms[facet][slug] = Term(slug, name, name_cy or "")
            continue
        get = positions.get
        linked[kind] = {
            term_id: [place for place in map(get, map(int, joined.split(","))) if place is not None]
            for term_id, _zero, joined, *_labels in kind_rows
            if joined
        }
    for facet, by_term in linked.items():
        for term_id, found in by_term.items():
            slug = slugs[facet].get(term_id)
            if slug is not None:  # several departments may share a slug (one per language)
                masks[facet][slug] = masks[facet].get(slug, 0) | mask_of(found, size)
    masks["preference"] = {value: mask_of(found, size) for value, found in by_preference.items()}
    # Largest first (unknown sizes last), then by name: the name order is the positions' own.
    largest = sorted(range(size), key=lambda position: (rows[position][4] is None, -(rows[position][4] or 0)))
    return FacetIndex(version, ids, masks, terms, newest, largest, positions=positions)


# --- One index per language per process, rebuilt when public content changes -----------------

_indexes = {}  # language -> FacetIndex
_locks = {}
_registry_lock = threading.Lock()


def facet_index(public, language):
    """The current index for ``language``: reused while public content is unchanged, else rebuilt."""
    version = current_content_version()
    index = _indexes.get(language)
    if index is not None and index.version == version:
        return index
    with _registry_lock:
        lock = _locks.setdefault(language, threading.Lock())
    with lock:
        index = _indexes.get(language)
        if index is None or index.version != version:
            index = build(public, language, version)
            _indexes[language] = index
            if index.size >= FREEZE_FROM:
                _freeze_long_lived_objects()
    return index


# From this many communities, a new index is followed by ``gc.freeze()``.
FREEZE_FROM = 10_000


def _freeze_long_lived_objects():
    """Leave the index, and everything else alive now, out of the garbage collector's full passes.

    The index and the process's modules live until the next change; a full collection walks every
    object that could be in a reference cycle, and with a large index those walks paused requests
    (docs/benchmarks.md). Garbage is collected
    first, so nothing unreachable is kept; frozen objects are still freed when no longer referenced.
    """
    gc.collect()
    gc.freeze()


def forget_indexes():
    """Drop every index this process holds (tests start from an empty database each time)."""
    _indexes.clear()
