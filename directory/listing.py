"""What the public sees of the directory, and how it is searched, filtered, counted and sorted.

Every public surface reads through these functions — the /directory/ listing, the home page,
site search, the community and department pages, and the open-data feeds and exports — so
they all apply the same rules:

- only listed communities (live, public, not delisted) in the active language are shown;
- facets combine with AND across facets and OR within one facet: ``?topic=a&topic=b&region=c``
  finds communities about a *or* b that are *also* in region c;
- free text goes through Wagtail's search backend, facets through the ORM;
- a page of results costs the same number of queries however many communities there are.

Query parameters (all optional, bookmarkable): ``q``, ``topic``, ``audience``, ``region``,
``type``, ``preference``, ``department``, ``sort`` (relevance, name, newest, largest) and
``page``. Facet values are slugs. Junk never raises: malformed values are dropped, long ones
clipped, and a well-formed slug nobody uses matches nothing (the user sees it as a selected
filter they can remove).
"""

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.models import Count, F, OuterRef, Q, Value
from django.db.models.functions import Lower
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

from core.privacy import is_private_expression, private_q
from directory.facet_index import FACETS, facet_index
from directory.models import (
    Audience,
    CommunityType,
    DepartmentPage,
    Engagement,
    EngagementPreference,
    EngagementStatus,
    ForumPage,
    ForumPageTag,
    ForumStatus,
    Region,
)
from directory.text_search import ranked_ids

PAGE_SIZE = 20
MAX_QUERY_LENGTH = 200
MAX_SEARCH_TERMS = 12
MAX_VALUES_PER_FACET = 10
MAX_PAGE_NUMBER = 10_000
TOPIC_OPTIONS_SHOWN = 20
POPULAR_TOPICS_SHOWN = 12
LATEST_FORUMS_SHOWN = 5
SITE_SEARCH_GROUP_SIZE = 5

SLUG_PATTERN = re.compile(r"^[-\w]{1,100}$")
WORD_PATTERN = re.compile(r"\w+")

FACET_LABELS = {
    "topic": _("Topic"),
    "audience": _("Audience"),
    "region": _("Region"),
    "type": _("Type of community"),
    "preference": _("Public servants"),
    "department": _("Department engaging"),
}
SORTS = {
    "relevance": _("Most relevant"),
    "name": _("Name (A to Z)"),
    "newest": _("Newest"),
    "largest": _("Largest"),
}
ORDERINGS = {
    "name": (Lower("title"), "id"),  # "id" (the page table's) so the title index gives the order
    "newest": (F("first_published_at").desc(nulls_last=True), "-pk"),
    "largest": (F("members").desc(nulls_last=True), Lower("title"), "pk"),
}
# An engagement that has ended is history: the department is no longer "engaging".
CURRENT_ENGAGEMENT_STATUSES = [status for status in EngagementStatus.values if status != EngagementStatus.ENDED]


# --- Which pages are public -------------------------------------------------------------------


def listed_forums(locale=None):
    """Communities anyone may see (live, public, not delisted) in ``locale``, the active one by default."""
    return ForumPage.objects.listed().filter(locale=locale or Locale.get_active())


def public_departments(locale=None):
    """Public bodies anyone may see (live and public) in ``locale``, the active one by default."""
    return DepartmentPage.objects.live().public().filter(locale=locale or Locale.get_active())


class PublicScope:
    """Which pages are public, worked out once per listing and shared by all its queries.

    ``listed_forums`` and ``public_departments`` each look up the active locale and the page
    view restrictions; a directory page needs both for several queries, so it reads them once
    here: the locale as a join on its language code (no query of its own) and the restrictions
    in one query, when first needed. A restriction in one language covers every language's copy
    (``core.privacy``).
    """

    def __init__(self, locale=None):
        self.locale = locale

    @cached_property
    def private(self):
        return private_q()

    @property
    def language(self):
        """The language code of the pages in scope."""
        if self.locale is not None:
            return self.locale.language_code
        return get_supported_content_language_variant(get_language())

    def _in_language(self, queryset):
        if self.locale is not None:
            return queryset.filter(locale=self.locale)
        return queryset.filter(locale__in=Locale.objects.filter(language_code=self.language).values("pk"))

    def forums(self):
        """As ``listed_forums``: live, public, not delisted, in the locale."""
        return self._in_language(self.forums_in_every_language())

    def departments(self):
        """As ``public_departments``: live and public, in the locale."""
        return self._in_language(self.departments_in_every_language())

    def forums_in_every_language(self):
        """Listed communities in any language (an engagement may be recorded against any copy)."""
        return ForumPage.objects.live().exclude(self.private).exclude(status=ForumStatus.DELISTED)

    def departments_in_every_language(self):
        return DepartmentPage.objects.live().exclude(self.private)


def clean_query(value):
    """What the visitor typed, as shown back to them: one line, spaces collapsed, at most 200 characters."""
    return " ".join(str(value if isinstance(value, str) else "").split())[:MAX_QUERY_LENGTH]


def search_terms(query):
    """The words of a user's query, safe to hand to any search backend.

    Punctuation is dropped (it is search syntax to the full-text engines, and a stray quote
    breaks an SQLite FTS5 query), and very long queries are cut to their first words.
    """
    return " ".join(WORD_PATTERN.findall(query or "")[:MAX_SEARCH_TERMS])


def _search_runs_in_database():
    """True for Wagtail's database backends, which can keep search matches as an SQL subquery."""
    return type(get_search_backend()).__module__.startswith("modelsearch.backends.database")


def forums_matching_text(forums, terms):
    """The communities among ``forums`` whose indexed text matches ``terms``, as a queryset.

    With the database backends the match stays a lazy subquery, so facet counts and the
    result count can be taken over it in SQL; an external engine returns the matching ids.
    """
    results = forums.search(terms, order_by_relevance=False)
    if _search_runs_in_database():
        # Every database backend's results build a plain queryset (``get_queryset``) before running it.
        return forums.filter(pk__in=results.get_queryset().order_by().values("pk"))
    return forums.filter(pk__in=[forum.pk for forum in results])


# --- Filters from the query string ------------------------------------------------------------


def _values(querydict, name):
    if hasattr(querydict, "getlist"):
        raw = querydict.getlist(name)
    else:
        raw = querydict.get(name, [])
        raw = [raw] if isinstance(raw, str) else list(raw)
    values = []
    for value in raw:
        value = str(value).strip().lower()
        if SLUG_PATTERN.match(value) and value not in values:
            values.append(value)
    return tuple(values[:MAX_VALUES_PER_FACET])


def _page_number(value):
    try:
        number = int(str(value).strip()[:10])
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE_NUMBER)


@dataclass
class DirectoryFilters:
    """What a visitor asked the directory for: text, facet values, sort order and page."""

    q: str = ""
    topic: tuple = ()
    audience: tuple = ()
    region: tuple = ()
    type: tuple = ()
    preference: tuple = ()
    department: tuple = ()
    sort: str = ""
    page: int = 1

    @classmethod
    def from_querydict(cls, querydict):
        """Read the filters from ``request.GET`` (or a plain dict); never raises on junk."""
        facets = {name: _values(querydict, name) for name in FACETS}
        facets["preference"] = tuple(value for value in facets["preference"] if value in EngagementPreference.values)
        sort = querydict.get("sort", "")
        return cls(
            q=clean_query(querydict.get("q", "")),
            sort=sort if isinstance(sort, str) and sort in SORTS else "",
            page=_page_number(querydict.get("page", 1)),
            **facets,
        )

    @property
    def terms(self):
        """The words to search for, or '' when there is no text search."""
        return search_terms(self.q)

    @property
    def has_facets(self):
        return any(getattr(self, name) for name in FACETS)

    @property
    def is_empty(self):
        """True when neither text nor any facet narrows the list (sort and page do not count)."""
        return not self.terms and not self.has_facets

    @property
    def effective_sort(self):
        """The order results come in: relevance only makes sense when there is text to match."""
        if self.terms:
            return self.sort or "relevance"
        return self.sort if self.sort and self.sort != "relevance" else "name"

    def querystring(self, **overrides):
        """These filters as a URL query string (no leading ``?``), with some values replaced.

        ``page`` is left out unless given, so the result suits pagination links, sort links and
        export links alike. Pass ``topic=()`` to drop a facet, ``page=3`` to go to a page.
        """
        params = {"q": self.q, **{name: getattr(self, name) for name in FACETS}, "sort": self.sort, "page": None}
        params.update(overrides)
        pairs = []
        for name in ("q", *FACETS, "sort", "page"):
            value = params.get(name)
            if isinstance(value, (list, tuple)):
                pairs.extend((name, item) for item in value)
            elif value not in (None, "") and not (name == "page" and str(value) == "1"):
                pairs.append((name, value))
        return urlencode(pairs)

    def without(self, name, value):
        """The query string with one facet value removed (back to page 1)."""
        return self.querystring(**{name: tuple(item for item in getattr(self, name) if item != value)})

    def apply(self, queryset, *, skip=None):
        """``queryset`` of ForumPage narrowed by the facets (not the text); ``skip`` leaves one facet out."""
        if self.topic and skip != "topic":
            tagged = ForumPageTag.objects.filter(tag__slug__in=self.topic).values("content_object_id")
            queryset = queryset.filter(pk__in=tagged)
        if self.audience and skip != "audience":
            through = ForumPage.audiences.through.objects.filter(audience__slug__in=self.audience)
            queryset = queryset.filter(pk__in=through.values("forumpage_id"))
        if self.region and skip != "region":
            through = ForumPage.regions.through.objects.filter(region__slug__in=self.region)
            queryset = queryset.filter(pk__in=through.values("forumpage_id"))
        if self.type and skip != "type":
            queryset = queryset.filter(community_type__slug__in=self.type)
        if self.preference and skip != "preference":
            queryset = queryset.filter(engagement_preference__in=self.preference)
        if self.department and skip != "department":
            queryset = queryset.filter(translation_key__in=self._forums_engaged_by_departments)
        return queryset

    @cached_property
    def _forums_engaged_by_departments(self):
        """translation_keys of the communities the chosen departments currently engage with.

        Matched by translation_key so an engagement recorded against the English page also
        finds the community's Welsh copy, and the other way round.
        """
        departments = DepartmentPage.objects.live().public().filter(slug__in=self.department)
        engagements = Engagement.objects.filter(status__in=CURRENT_ENGAGEMENT_STATUSES, department__in=departments)
        return engagements.values("forum__translation_key")


# --- Facets -----------------------------------------------------------------------------------


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool = False
    known: bool = True  # False for a chosen value no listed community has (shown so it can be unticked)


@dataclass
class Facet:
    """One group of checkboxes: its query parameter, label and options with result counts."""

    name: str
    label: str
    options: list

    @property
    def selected_count(self):
        return sum(1 for option in self.options if option.selected)


NO_LABEL = Value("")


def union_all(named_querysets, columns, as_tuples=False):
    """Run several querysets selecting the same ``columns`` as one query; rows come back grouped by name.

    Each part is a queryset or an ``(sql, params)`` pair, and keeps its own ORDER BY and LIMIT
    inside a subquery (which a plain UNION of querysets does not allow on SQLite), so this is
    exactly the separate queries, in one round trip. Rows are dicts, or tuples with ``as_tuples``.
    """
    parts, params, database = [], [], None
    for name, queryset in named_querysets:
        if isinstance(queryset, tuple):  # already (sql, params)
            sql, inner_params = queryset
        else:
            database = queryset.db
            sql, inner_params = queryset.query.get_compiler(using=database).as_sql()
        parts.append(f"SELECT %s AS part, {', '.join(columns)} FROM ({sql}) AS part_{len(parts)}")
        params.extend((name, *inner_params))
    rows = {name: [] for name, _queryset in named_querysets}
    with connections[database or "default"].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for part, *values in cursor.fetchall():
            rows[part].append(tuple(values) if as_tuples else dict(zip(columns, values, strict=True)))
    return rows


TERM_COLUMNS = ("t_forum", "t_id", "t_name", "t_name_cy", "t_slug")
VOCABULARIES = {"audiences": Audience, "regions": Region}


def term_rows(ids, with_type=False):
    """The topics, audiences and regions (and with ``with_type`` the type) of the communities ``ids``, in one query.

    Rows (dicts of ``TERM_COLUMNS``) come back grouped by "topics", "audiences", "regions" and "type".
    Every listing and community page asks this, and building and compiling its four querysets
    takes longer than running them (about 1 ms against 0.4): the compiled SQL is kept for each
    number of ids (up to ``COMPILED_TERM_SHAPES``), made with stand-in ids that are then replaced.
    """
    shape = (len(ids), with_type)
    parts = _compiled_term_parts.get(shape)
    if parts is None:
        stand_ins = [-position for position in range(1, len(ids) + 1)]  # no page id is negative
        parts = [
            (name, queryset.query.get_compiler(using=queryset.db).as_sql())
            for name, queryset in _term_querysets(stand_ins, with_type)
        ]
        if len(ids) <= COMPILED_TERM_SHAPES:
            _compiled_term_parts[shape] = parts

    def actual(value):
        return ids[-value - 1] if type(value) is int and value < 0 else value

    return union_all(
        [(name, (sql, [actual(value) for value in params])) for name, (sql, params) in parts], TERM_COLUMNS
    )


COMPILED_TERM_SHAPES = 50
_compiled_term_parts = {}


def _term_querysets(ids, with_type):
    queries = [
        (
            "topics",
            ForumPageTag.objects.filter(content_object_id__in=ids)
            .annotate(t_forum=F("content_object_id"), t_id=F("tag_id"), t_name=F("tag__name"))
            .annotate(t_name_cy=NO_LABEL, t_slug=F("tag__slug"))
            .order_by()
            .values(*TERM_COLUMNS),
        )
    ]
    for name in VOCABULARIES:
        through = getattr(ForumPage, name).through
        term = VOCABULARIES[name]._meta.model_name
        queries.append(
            (
                name,
                through.objects.filter(forumpage_id__in=ids)
                .annotate(t_forum=F("forumpage_id"), t_id=F(f"{term}_id"), t_name=F(f"{term}__name"))
                .annotate(t_name_cy=F(f"{term}__name_cy"), t_slug=F(f"{term}__slug"))
                .order_by()
                .values(*TERM_COLUMNS),
            )
        )
    if with_type:
        types = CommunityType.objects.filter(forums__in=ids).annotate(t_forum=F("forums"), t_id=F("id"))
        types = types.annotate(t_name=F("name"), t_name_cy=F("name_cy"), t_slug=F("slug"))
        queries.append(("type", types.order_by().values(*TERM_COLUMNS)))
    return queries


def prefetch_terms(forums, with_type=False):
    """Fill ``forum.topics``, ``.audiences`` and ``.regions`` of each of ``forums`` in one query.

    The same result as ``prefetch_related_objects(forums, "topics", "audiences", "regions")``,
    which takes three. ``with_type`` loads each forum's community type in the same query.
    """
    if not forums:
        return
    rows = term_rows([forum.pk for forum in forums], with_type)
    for row in rows.get("type", []):
        term = CommunityType(id=row["t_id"], name=row["t_name"], name_cy=row["t_name_cy"], slug=row["t_slug"])
        for forum in forums:
            if forum.pk == row["t_forum"]:
                forum.community_type = term
    models = {"topics": Tag, **VOCABULARIES}
    for name, model in models.items():
        by_forum = {}
        for row in sorted(rows[name], key=lambda row: row["t_name"]):
            values = {"id": row["t_id"], "name": row["t_name"], "slug": row["t_slug"]}
            if model is not Tag:
                values["name_cy"] = row["t_name_cy"]
            by_forum.setdefault(row["t_forum"], []).append(model(**values))
        for forum in forums:
            queryset = getattr(forum, name).all()
            queryset._result_cache = by_forum.get(forum.pk, [])
            queryset._prefetch_done = True
            forum.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def _localised(term):
    if (get_language() or "en").startswith("cy") and term.label_cy:
        return term.label_cy
    return term.label


def _vocabulary_options(terms, counts, selected):
    return [
        FacetOption(term.slug, _localised(term), counts.get(term.slug, 0), term.slug in selected)
        for term in sorted(terms.values(), key=lambda term: term.label)
        if counts.get(term.slug) or term.slug in selected
    ]


def _topic_options(terms, counts, selected):
    used = sorted(
        (slug for slug, count in counts.items() if count and slug not in selected),
        key=lambda slug: (-counts[slug], terms[slug].label if slug in terms else slug),
    )
    shown = [slug for slug in selected if slug in terms] + used[:TOPIC_OPTIONS_SHOWN]
    options = [
        FacetOption(slug, terms[slug].label, counts.get(slug, 0), slug in selected)
        for slug in sorted(shown, key=lambda slug: (-counts.get(slug, 0), terms[slug].label.casefold()))
    ]
    # A chosen topic no community in the directory has: still shown, so it can be unticked.
    options += [FacetOption(slug, slug, 0, True, known=False) for slug in selected if slug not in terms]
    return options


def _preference_options(counts, selected):
    return [
        FacetOption(value, label, counts.get(value, 0), value in selected)
        for value, label in EngagementPreference.choices
        if counts.get(value) or value in selected
    ]


def _department_options(terms, counts, selected):
    return [
        FacetOption(term.slug, term.label, counts.get(term.slug, 0), term.slug in selected)
        for term in sorted(terms.values(), key=lambda term: term.label.lower())
        if counts.get(term.slug) or term.slug in selected
    ]


def facets_from_counts(filters, index, counts):
    """The six ``Facet``s, in the active language, from ``{facet: {slug: count}}``."""
    facets = []
    for name in FACETS:
        selected = getattr(filters, name)
        if name == "topic":
            options = _topic_options(index.terms[name], counts[name], selected)
        elif name == "preference":
            options = _preference_options(counts[name], selected)
        elif name == "department":
            options = _department_options(index.terms[name], counts[name], selected)
        else:
            options = _vocabulary_options(index.terms[name], counts[name], selected)
        facets.append(Facet(name, FACET_LABELS[name], options))
    return facets


# --- The listing ------------------------------------------------------------------------------


@dataclass
class SelectedFilter:
    """A facet value the visitor chose, with the query string that removes it."""

    facet_label: str
    label: str
    remove_querystring: str


@dataclass
class DirectoryResults:
    """One page of the directory: the communities on it, how many match, and the facets."""

    filters: DirectoryFilters
    forums: list
    total: int
    page: object
    facets: list
    sort: str
    selected_filters: list = field(default_factory=list)

    @property
    def querystring_without_page(self):
        return self.filters.querystring()

    @property
    def clear_filters_querystring(self):
        """The query string without any facet: the search text and sort stay."""
        return self.filters.querystring(**dict.fromkeys(FACETS, ()))

    @property
    def sort_options(self):
        """The sorts the visitor may choose; relevance only when they searched for text."""
        return [
            {"value": value, "label": label, "selected": value == self.sort}
            for value, label in SORTS.items()
            if value != "relevance" or self.filters.terms
        ]


def _selected_filters(filters, facets):
    selected = []
    for facet in facets:
        labels = {option.value: option.label for option in facet.options}
        for value in getattr(filters, facet.name):
            selected.append(SelectedFilter(facet.label, labels.get(value, value), filters.without(facet.name, value)))
    return selected


def _search_communities(terms):
    """Ids of every community whose indexed text matches ``terms``, most relevant first."""
    return ranked_ids(ForumPage.objects.all(), terms)


class IndexedResults:
    """The results of a listing as a sequence the paginator slices: only the page asked for is fetched."""

    def __init__(self, index, mask, sort, ranked, total):
        self.index, self.mask, self.sort, self.ranked, self.total = index, mask, sort, ranked, total

    def __len__(self):
        return self.total

    def __getitem__(self, item):
        if not isinstance(item, slice):
            raise TypeError("IndexedResults can only be sliced")
        start, stop, _step = item.indices(self.total)
        ids = self.index.page(self.mask, start, max(stop - start, 0), sort=self.sort, ranked=self.ranked)
        return forums_in_order(ids)


def forums_in_order(ids):
    """The listed communities with these ids, in this order, with their type (one query)."""
    if not ids:
        return []
    found = (
        ForumPage.objects.live()
        .exclude(status=ForumStatus.DELISTED)
        .filter(pk__in=ids)
        .select_related("community_type")
        .in_bulk()
    )
    return [found[forum_id] for forum_id in ids if forum_id in found]


def search_directory(filters, locale=None):
    """Run the directory listing: text search, facet filters, facet counts, sort and one page.

    The counts and the page's ids come from the language's facet index (``directory.facet_index``),
    so however many communities there are, a listing costs: the content version, the text match
    when there is text (one query, see ``directory.text_search``; none when the same words were
    searched since content last changed), the page of communities, and one query for its topics,
    audiences and regions. The first listing after public content changes also builds the index
    (three queries).
    """
    public = PublicScope(locale)
    index = facet_index(public, public.language)
    terms = filters.terms
    sort = filters.effective_sort
    ranked, scope = index.matches(terms, _search_communities) if terms else (None, index.everything)
    chosen = {name: index.selection(name, getattr(filters, name)) for name in FACETS if getattr(filters, name)}

    def narrowed(skip=None):
        mask = scope
        for name, selection in chosen.items():
            if name != skip:
                mask &= selection
        return mask

    results = narrowed()
    total = results.bit_count()
    counts = {name: index.counts(name, narrowed(skip=name)) for name in FACETS}
    paginator = Paginator(IndexedResults(index, results, sort, ranked, total), PAGE_SIZE)
    paginator.__dict__["count"] = total  # Paginator.count is a cached_property
    page = paginator.get_page(filters.page)
    page_forums = list(page.object_list)
    prefetch_terms(page_forums)
    facets = facets_from_counts(filters, index, counts)
    return DirectoryResults(
        filters=filters,
        forums=page_forums,
        total=total,
        page=page,
        facets=facets,
        sort=sort,
        selected_filters=_selected_filters(filters, facets),
    )


# --- Home page --------------------------------------------------------------------------------


@dataclass
class HomeHighlights:
    """What the home page shows of the directory: figures, popular topics and the latest entries."""

    forum_count: int
    department_count: int
    popular_topics: list
    latest_forums: list


def home_page_highlights(locale=None):
    """Totals, the most used topics (with counts) and the newest listed communities."""
    public = PublicScope(locale)
    index = facet_index(public, public.language)
    counts = index.counts("topic", index.everything)
    topics = index.terms["topic"]
    used = (slug for slug, count in counts.items() if count)
    popular = sorted(used, key=lambda slug: (-counts[slug], topics[slug].label))
    latest = forums_in_order(index.page(index.everything, 0, LATEST_FORUMS_SHOWN, sort="newest"))
    return HomeHighlights(
        forum_count=index.size,
        department_count=public.departments().count(),
        popular_topics=[
            {"slug": slug, "name": topics[slug].label, "count": counts[slug]} for slug in popular[:POPULAR_TOPICS_SHOWN]
        ],
        latest_forums=latest,
    )


# --- Community page ---------------------------------------------------------------------------


def departments_engaging(forum):
    """Current engagements with this community by public bodies anyone may see, in the community's language.

    Engagements are matched by the community's translation_key, so the Welsh copy of a
    community shows the engagements recorded against its English page and vice versa.
    """
    # One query from the community's few engagements (both databases start there: with the body's
    # live and language tests in SQL, SQLite without statistics read every page in the language);
    # the view-restriction test (on the body in any language, core.privacy) is a correlated NOT
    # EXISTS. The body's live and language tests are then made on the rows: a community has a
    # handful of engagements.
    restricted = is_private_expression(OuterRef("department__translation_key"))
    engagements = (
        Engagement.objects.filter(
            forum__in=Page.objects.filter(translation_key=forum.translation_key).values("pk"),
            status__in=CURRENT_ENGAGEMENT_STATUSES,
        )
        .exclude(restricted)
        .select_related("department")
        .order_by(Lower("department__title"), "sort_order")
    )
    return [
        engagement
        for engagement in engagements
        if engagement.department.live and engagement.department.locale_id == forum.locale_id
    ]


def json_for_script(data):
    """``data`` as JSON safe to place inside a ``<script>`` element (as Django's json_script does)."""
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder).translate(_json_script_escapes))


def forum_structured_data(forum, page_url, breadcrumbs=()):
    """schema.org JSON-LD for a community page: the community as a WebSite, and its breadcrumbs.

    Only public fields go in: never the operator's contact details or editors' notes.
    """
    community = {
        "@type": "WebSite",
        "name": forum.title,
        "url": forum.website,
        "description": forum.summary,
        "mainEntityOfPage": page_url,
        "keywords": ", ".join(tag.name for tag in forum.topics.all()),
        "inLanguage": forum.languages,
    }
    audiences = list(forum.audiences.all())
    if audiences:
        community["audience"] = [{"@type": "Audience", "audienceType": audience.name} for audience in audiences]
    if forum.operator_name:
        community["publisher"] = {"@type": "Organization", "name": forum.operator_name}
    if forum.last_verified:
        community["dateModified"] = forum.last_verified
    graph = [community]
    if breadcrumbs:
        graph.append(
            {
                "@type": "BreadcrumbList",
                "itemListElement": [
                    {"@type": "ListItem", "position": position, "name": crumb["title"], "item": crumb["url"]}
                    for position, crumb in enumerate(breadcrumbs, start=1)
                ],
            }
        )
    return json_for_script({"@context": "https://schema.org", "@graph": graph})


def _routed_ancestors(page):
    """The page's ancestors below the tree root, top first, if routing left each one's parent on it; else None.

    Wagtail's ``Page.route`` (and ``core.routing.SpecificChildRouting``) keep the parent page on each page it
    passes through as ``_cached_parent_obj``, treebeard's own cache for ``get_parent``.
    """
    ancestors = []
    while page.depth > 2:
        page = page.__dict__.get("_cached_parent_obj")
        if page is None:
            return None
        ancestors.append(page)
    return ancestors[::-1]


def breadcrumbs_for(page, request=None):
    """The page's ancestors below the tree root as ``{url, title}``, for the breadcrumbs component.

    A page reached through the site's routing knows its ancestors already (no query); any
    other page (a preview, say) reads them in one query.
    """
    ancestors = _routed_ancestors(page)
    if ancestors is None:
        ancestors = page.get_ancestors().filter(depth__gt=1)
    return [{"url": ancestor.get_url(request), "title": ancestor.title} for ancestor in ancestors]


# --- Department pages -------------------------------------------------------------------------


def departments_for_index(locale=None):
    """Public bodies in name order, each with ``engagement_count``: engagements with listed communities."""
    return (
        public_departments(locale)
        .annotate(
            engagement_count=Count(
                "engagements", filter=Q(engagements__forum__in=ForumPage.objects.listed()), distinct=True
            )
        )
        .order_by(Lower("title"))
    )


def department_engagements(department, locale=None):
    """The department's engagements with listed communities, each linking to the community in the active language.

    ``engagement.listed_forum`` is the community's page in the active language when it has
    one, otherwise the page the engagement was recorded against.
    """
    engagements = list(
        # A list of ids, not a queryset: a draft's (preview's) engagements are filtered in memory.
        department.engagements.filter(forum__in=ForumPage.objects.listed().values_list("pk", flat=True))
        .select_related("forum")
        .order_by("sort_order", "pk")
    )
    keys = {engagement.forum.translation_key for engagement in engagements}
    local = {}
    if keys:
        local = {forum.translation_key: forum for forum in listed_forums(locale).filter(translation_key__in=keys)}
    for engagement in engagements:
        engagement.listed_forum = local.get(engagement.forum.translation_key, engagement.forum)
    return engagements


# --- Page contexts (called from the pages' get_context) --------------------------------------


def forum_index_context(page, request):
    """The /directory/ listing for the request's query string."""
    return {
        "listing": search_directory(DirectoryFilters.from_querydict(request.GET)),
        "breadcrumbs": breadcrumbs_for(page, request),
    }


def forum_page_context(forum, request):
    """A community page: who engages with it, breadcrumbs and its schema.org description."""
    prefetch_terms([forum], with_type=True)  # read by the structured data and the template
    breadcrumbs = breadcrumbs_for(forum, request)
    absolute = [{"url": request.build_absolute_uri(crumb["url"]), "title": crumb["title"]} for crumb in breadcrumbs]
    absolute.append({"url": request.build_absolute_uri(forum.get_url(request)), "title": forum.title})
    return {
        "breadcrumbs": breadcrumbs,
        "directory_url": breadcrumbs[-1]["url"] if breadcrumbs else "",
        "engagements": departments_engaging(forum),
        "structured_data": forum_structured_data(forum, absolute[-1]["url"], absolute),
    }


def department_index_context(page, request):
    return {"departments": departments_for_index(), "breadcrumbs": breadcrumbs_for(page, request)}


def department_page_context(department, request):
    return {"engagements": department_engagements(department), "breadcrumbs": breadcrumbs_for(department, request)}


# --- Site search --------------------------------------------------------------------------------


@dataclass
class SiteSearchResults:
    """Site search in two groups, each with its first few matches and how many there are in all."""

    communities: list
    community_count: int
    departments: list
    department_count: int

    @property
    def total(self):
        return self.community_count + self.department_count


def search_site(query, locale=None, per_group=SITE_SEARCH_GROUP_SIZE):
    """Search listed communities and public departments in ``locale`` (the active one by default)."""
    terms = search_terms(query)
    if not terms:
        return SiteSearchResults([], 0, [], 0)
    public = PublicScope(locale)
    index = facet_index(public, public.language)
    ranked, matches = index.matches(terms, _search_communities)
    departments = public.departments().search(terms)
    return SiteSearchResults(
        communities=forums_in_order(index.page(matches, 0, per_group, sort="relevance", ranked=ranked)),
        community_count=matches.bit_count(),
        departments=list(departments[:per_group]),
        department_count=departments.count(),
    )
