"""Building a language's facet index from the database: three queries at any size.

Reads every listed community with its type, engagement preference and places in the "newest"
and "largest" orders, and, in one ``UNION ALL``, which communities have each topic, audience,
region and engaging department, with every term's slug and labels.
"""

from array import array

from django.db import connections
from django.db.models import Aggregate, Case, CharField, F, Q, TextField, Value, When, Window
from django.db.models.functions import Cast, Coalesce, RowNumber
from taggit.models import Tag
from wagtail.models import Locale, Page

from directory.listing.bitmaps import INTEGERS, FacetIndex, Term, bitmap_of, fingerprint, union_of
from directory.listing.facets import FACETS
from directory.listing.filters import ORDERINGS
from directory.listing.ranking import title_stems
from directory.listing.spelling import known_words
from directory.listing.sql import union_all
from directory.listing.text_search import backend_kind, every_entry
from directory.models import Audience, CommunityType, Engagement, ForumPage, ForumPageTag, Region
from directory.models.public import CURRENT_ENGAGEMENT_STATUSES

LINK_COLUMNS = ("l_a", "l_b", "l_ids", "l_slug", "l_name", "l_name_cy")
# What decides a community's places in the name, newest and largest orders, fingerprinted per place
# so that a change which moves none can be applied to the previous index (``facet_patch``). The
# date is read as text: converting every community's date would cost more than the check saves.
PLACE_FACTS = ("title", "members", "published_text")


def with_place_facts(forums):
    return forums.annotate(published_text=Cast("first_published_at", CharField()))


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
            .annotate(l_a=F("pk"), l_b=Value(1), l_ids=blank, l_slug=F("slug"), l_name=F("name"))
            .annotate(l_name_cy=Coalesce(F("welsh_name__name_cy"), blank))
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
            departments.annotate(l_a=F("pk"), l_ids=blank, l_slug=F("slug"), l_name=F("title"))
            # A Welsh label only for a translated page: an alias's title is the English one.
            .annotate(l_name_cy=Case(When(alias_of__isnull=True, then=F("title")), default=blank))
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
        with_place_facts(scope)
        .annotate(newest_place=Window(RowNumber(), order_by=ORDERINGS["newest"]))
        .order_by(*ORDERINGS["name"])
        .values_list("pk", "community_type_id", "engagement_preference", "newest_place", *PLACE_FACTS)
    )
    size = len(rows)
    ids = [row[0] for row in rows]
    positions = {forum_id: position for position, forum_id in enumerate(ids)}  # only while building
    newest = [0] * size
    by_type, by_preference = {}, {}
    for position, (_pk, type_id, preference, newest_place, *_facts) in enumerate(rows):
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
    shared = {facet: {} for facet in FACETS}  # facet -> {slug: [bitmaps]}: departments share slugs across languages
    for facet, by_term in linked.items():
        for term_id, found in by_term.items():
            slug = slugs[facet].get(term_id)
            if slug is not None:
                shared[facet].setdefault(slug, []).append(bitmap_of(found))
    for facet, by_slug in shared.items():
        masks[facet] = {slug: union_of(bitmaps) for slug, bitmaps in by_slug.items()}
    masks["preference"] = {value: bitmap_of(found) for value, found in by_preference.items()}
    # Largest first (unknown sizes last), then by name: the name order is the places' own.
    largest = sorted(range(size), key=lambda position: (rows[position][5] is None, -(rows[position][5] or 0)))
    titles = [row[4] for row in rows]
    return FacetIndex(
        version,
        array(INTEGERS, ids),
        masks,
        terms,
        array(INTEGERS, newest),
        array(INTEGERS, largest),
        words=known_words(titles + _labels(terms, language)),
        title_stems={stem: bitmap_of(places) for stem, places in title_stems(titles).items()},
        entries=_entries() if backend_kind() == "sqlite" else None,
        fingerprints=array(INTEGERS, [fingerprint(*row[4:]) for row in rows]),
    )


def _entries():
    """SQLite: every search index entry there was at the build, and its community (0: not a community's).

    A search's matches are then looked up here (``bitmaps.FacetIndex.pages_of_entries``); only
    entries made since the build are asked of the database.
    """
    found = every_entry(ForumPage)
    pages = array(INTEGERS, [0]) * (max((entry for entry, _page in found), default=-1) + 1)
    for entry, page in found:
        pages[entry] = page
    return bitmap_of(entry for entry, _page in found), pages


def _labels(terms, language):
    """The labels of the facet values offered, in ``language``: searchers type these words too."""
    welsh = language == "cy"
    return [
        (term.label_cy or term.label) if welsh else term.label
        for by_slug in terms.values()
        for term in by_slug.values()
    ]
