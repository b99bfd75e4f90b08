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

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.models import Case, Count, F, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

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

FACETS = ("topic", "audience", "region", "type", "preference", "department")
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


@dataclass
class PublicScope:
    """Which pages are public, worked out once per listing and shared by all its queries.

    ``listed_forums`` and ``public_departments`` each look up the active locale and the page
    view restrictions; a directory page needs both for several queries, so it reads them once
    here: the locale as a join on its language code (no query of its own) and the restrictions
    in one query.
    """

    locale: object = None
    private: Q = field(default_factory=lambda: Page.objects.none().private_q())

    def _in_language(self, queryset):
        if self.locale is not None:
            return queryset.filter(locale=self.locale)
        language = get_supported_content_language_variant(get_language())
        return queryset.filter(locale__in=Locale.objects.filter(language_code=language).values("pk"))

    def forums(self):
        """As ``listed_forums``: live, public, not delisted, in the locale."""
        return self._in_language(ForumPage.objects.live().exclude(self.private).exclude(status=ForumStatus.DELISTED))

    def departments(self):
        """As ``public_departments``: live and public, in the locale."""
        return self._in_language(DepartmentPage.objects.live().exclude(self.private))


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


def _restrict_to(forums, subset):
    """``forums`` narrowed to the members of ``subset``, in a form the search backend accepts.

    The search backends only accept filters on indexed fields of the searched model, so facet
    filters (which follow relations) are turned into an ``id IN (…)``: a subquery for the
    database backends, a list of ids for an external search engine.
    """
    ids = subset.order_by().values("id")
    if not _search_runs_in_database():
        ids = list(ids.values_list("id", flat=True))
    return forums.filter(id__in=ids)


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


@dataclass
class Facet:
    """One group of checkboxes: its query parameter, label and options with result counts."""

    name: str
    label: str
    options: list

    @property
    def selected_count(self):
        return sum(1 for option in self.options if option.selected)


# Every facet's counting query selects the same four columns, so the six run as one UNION ALL.
FACET_COLUMNS = ("f_value", "f_label", "f_label_cy", "f_count")
NO_LABEL = Value("")


def _vocabulary_rows(model, scope):
    """Every term of ``model`` with how many of ``scope`` (None: the scope table) have it, as (sql, params).

    Grouped over the link rows of the communities in scope and then joined to the terms, so the
    database matches the scope once (a hash semi-join) rather than testing it term by term.
    """
    term_table = model._meta.db_table
    if model is CommunityType:
        links, term_column, forum_column = ForumPage._meta.db_table, "community_type_id", "page_ptr_id"
    else:
        links = ForumPage._meta.get_field(f"{model._meta.model_name}s").remote_field.through._meta.db_table
        term_column, forum_column = f"{model._meta.model_name}_id", "forumpage_id"
    if scope is None and model is CommunityType:  # the scope table carries each community's type
        links, term_column, matching, params = SCOPE_TABLE, "type_id", "", ()
    elif scope is None:  # the whole scope table
        matching, params = f"INNER JOIN {SCOPE_TABLE} ON {SCOPE_TABLE}.id = {links}.{forum_column}", ()
    else:
        scope_sql, params = scope.order_by().values("pk").query.get_compiler(using=scope.db).as_sql()
        matching = f"WHERE {forum_column} IN ({scope_sql})"
    sql = (
        f"SELECT terms.slug AS f_value, terms.name AS f_label, terms.name_cy AS f_label_cy, "
        f"COALESCE(counted.n, 0) AS f_count FROM {term_table} terms LEFT JOIN ("
        f"SELECT {term_column} AS term, COUNT(*) AS n FROM {links} {matching} "
        f"GROUP BY {term_column}) counted ON counted.term = terms.id"
    )
    return sql, params


def _topic_rows(scope, selected):
    tagged = (
        ForumPageTag.objects.filter(content_object__in=scope)
        .values(f_value=F("tag__slug"), f_label=F("tag__name"))
        .annotate(f_label_cy=NO_LABEL, f_count=Count("content_object_id", distinct=True))
    )
    order = ("-f_count", "f_label")
    if selected:
        # The chosen topics first, so they are shown even when they are not among the most used.
        order = (Case(When(tag__slug__in=selected, then=Value(1)), default=Value(0)).desc(), *order)
    return tagged.order_by(*order)[: TOPIC_OPTIONS_SHOWN + len(selected)]


def _preference_rows(scope):
    return (
        scope.order_by()
        .values(f_value=F("engagement_preference"))
        .annotate(f_label=NO_LABEL, f_label_cy=NO_LABEL, f_count=Count("pk"))
    )


def _department_rows(scope, departments):
    """Every public department with how many communities of ``scope`` it currently engages with, as (sql, params).

    Counted from the current engagements (a few thousand at most) joined to the scope on the
    community's translation key (so an engagement recorded against the English page counts its
    Welsh copy too): the database hashes those few rows and reads the scope once, where
    counting per department made it gather the translation keys of the whole scope through
    the page table first. ``scope`` None is the scope table, which carries the keys.
    """
    if scope is None:  # the scope table carries each community's translation key
        listed, scope_params = f"{SCOPE_TABLE} listed", ()
    else:
        keys = scope.order_by().values("pk", "translation_key")
        scope_sql, scope_params = keys.query.get_compiler(using=scope.db).as_sql()
        listed = f"({scope_sql}) listed"
    chosen = departments.order_by().values(d_id=F("pk"), d_slug=F("slug"), d_title=F("title"))
    departments_sql, departments_params = chosen.query.get_compiler(using=chosen.db).as_sql()
    pages, engagements = Page._meta.db_table, Engagement._meta.db_table
    statuses = ", ".join(["%s"] * len(CURRENT_ENGAGEMENT_STATUSES))
    sql = (
        f"SELECT chosen.d_slug AS f_value, chosen.d_title AS f_label, '' AS f_label_cy, "
        f"COALESCE(counted.n, 0) AS f_count FROM ({departments_sql}) chosen LEFT JOIN ("
        f"SELECT engaged.department_id AS department, COUNT(DISTINCT listed.translation_key) AS n "
        f"FROM (SELECT engaged.department_id, forum.translation_key FROM {engagements} engaged "
        f"INNER JOIN {pages} forum ON forum.id = engaged.forum_id WHERE engaged.status IN ({statuses})) engaged "
        f"INNER JOIN {listed} ON listed.translation_key = engaged.translation_key "
        f"GROUP BY engaged.department_id) counted ON counted.department = chosen.d_id"
    )
    return sql, (*departments_params, *CURRENT_ENGAGEMENT_STATUSES, *scope_params)


def _union_all(named_querysets, columns=FACET_COLUMNS, prefix=("", ())):
    """Run several querysets selecting the same ``columns`` as one query; rows come back grouped by name.

    Each queryset keeps its own ORDER BY and LIMIT inside a subquery (which a plain UNION of
    querysets does not allow on SQLite), so this is exactly the separate queries, in one round trip.
    """
    parts, params, database = [], list(prefix[1]), None
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
        cursor.execute(prefix[0] + " UNION ALL ".join(parts), params)
        for part, *values in cursor.fetchall():
            rows[part].append(dict(zip(columns, values, strict=True)))
    return rows


TERM_COLUMNS = ("t_forum", "t_id", "t_name", "t_name_cy", "t_slug")


def prefetch_terms(forums, with_type=False):
    """Fill ``forum.topics``, ``.audiences`` and ``.regions`` of each of ``forums`` in one query.

    The same result as ``prefetch_related_objects(forums, "topics", "audiences", "regions")``,
    which takes three. ``with_type`` loads each forum's community type in the same query.
    """
    if not forums:
        return
    ids = [forum.pk for forum in forums]
    vocabularies = {"audiences": Audience, "regions": Region}
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
    for name, model in vocabularies.items():
        through = getattr(ForumPage, name).through
        term = model._meta.model_name
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
    rows = _union_all(queries, TERM_COLUMNS)
    for row in rows.get("type", []):
        term = CommunityType(id=row["t_id"], name=row["t_name"], name_cy=row["t_name_cy"], slug=row["t_slug"])
        for forum in forums:
            if forum.pk == row["t_forum"]:
                forum.community_type = term
    models = {"topics": Tag, **vocabularies}
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


def _localised(row):
    if (get_language() or "en").startswith("cy") and row["label_cy"]:
        return row["label_cy"]
    return row["label"]


def _vocabulary_options(rows, selected):
    return [
        FacetOption(row["value"], _localised(row), row["count"], row["value"] in selected)
        for row in sorted(rows, key=lambda row: row["label"])
        if row["count"] or row["value"] in selected
    ]


def _topic_options(rows, selected):
    chosen = [row for row in rows if row["value"] in selected]
    most_used = [row for row in rows if row["value"] not in selected][:TOPIC_OPTIONS_SHOWN]
    options = [
        FacetOption(row["value"], row["label"], row["count"], row["value"] in selected)
        for row in sorted(chosen + most_used, key=lambda row: (-row["count"], row["label"].casefold()))
    ]
    # A chosen topic no community in scope has: still shown, so it can be unticked.
    found = {option.value for option in options}
    options += [FacetOption(slug, slug, 0, True) for slug in selected if slug not in found]
    return options


def _preference_options(rows, selected):
    counts = {row["value"]: row["count"] for row in rows}
    return [
        FacetOption(value, label, counts.get(value, 0), value in selected)
        for value, label in EngagementPreference.choices
        if counts.get(value) or value in selected
    ]


def _department_options(rows, selected):
    return [
        FacetOption(row["value"], row["label"], row["count"], row["value"] in selected)
        for row in sorted(rows, key=lambda row: row["label"].lower())
        if row["count"] or row["value"] in selected
    ]


SCOPE_TABLE = "directory_listing_scope"


def facet_rows(filters, scope, public):
    """The result count and the counting rows of the six facets, in one query.

    Each facet is counted over ``scope`` with the *other* facets applied, the total over
    ``scope`` with all of them. ``scope`` (listed communities, matched by the text if any) is
    worked out once, as a materialised common table expression, and every count reads it:
    at 100,000 communities working it out is most of the cost, and the parts would otherwise
    each repeat it. Returns ``{"total": n, "facets": {name: [rows]}}``.
    """
    scoped = ForumPage.objects.filter(pk__in=RawSQL(f"SELECT id FROM {SCOPE_TABLE}", ()))
    if filters.has_facets:
        total = filters.apply(scoped).order_by().values(f_value=NO_LABEL)
        total = total.annotate(f_label=NO_LABEL, f_label_cy=NO_LABEL, f_count=Count("pk"))
    else:
        total = (f"SELECT '' AS f_value, '' AS f_label, '' AS f_label_cy, COUNT(*) AS f_count FROM {SCOPE_TABLE}", ())
    queries = [("total", total)]
    for name in FACETS:
        narrowed = filters.apply(scoped, skip=name)
        # With no other facet chosen, a count reads the scope table directly: a hash join on it,
        # where going through the ForumPage queryset makes the planner look each id up in turn.
        direct = not any(getattr(filters, other) for other in FACETS if other != name)
        if name == "topic" and direct and not filters.topic:
            tag_links, tags = ForumPageTag._meta.db_table, Tag._meta.db_table
            sql = (
                f"SELECT tags.slug AS f_value, tags.name AS f_label, '' AS f_label_cy, counted.n AS f_count FROM ("
                f"SELECT tag_id, COUNT(*) AS n FROM (SELECT DISTINCT tag_id, content_object_id FROM {tag_links} "
                f"INNER JOIN {SCOPE_TABLE} ON {SCOPE_TABLE}.id = {tag_links}.content_object_id) links "
                f"GROUP BY tag_id) counted INNER JOIN {tags} tags ON tags.id = counted.tag_id "
                f"ORDER BY counted.n DESC, tags.name LIMIT {TOPIC_OPTIONS_SHOWN}"
            )
            queries.append((name, (sql, ())))
        elif name == "topic":
            queries.append((name, _topic_rows(narrowed, getattr(filters, name))))
        elif name in ("audience", "region", "type"):
            model = {"audience": Audience, "region": Region, "type": CommunityType}[name]
            queries.append((name, _vocabulary_rows(model, None if direct else narrowed)))
        elif name == "preference" and direct:
            sql = (
                f"SELECT preference AS f_value, '' AS f_label, '' AS f_label_cy, COUNT(*) AS f_count "
                f"FROM {SCOPE_TABLE} GROUP BY preference"
            )
            queries.append((name, (sql, ())))
        elif name == "preference":
            queries.append((name, _preference_rows(narrowed)))
        else:
            queries.append((name, _department_rows(None if direct else narrowed, public.departments())))
    # The scope table keeps the columns the direct counts group by, so they need no join back to the forums.
    scope_columns = scope.order_by().values("pk", "community_type_id", "engagement_preference", "translation_key")
    scope_sql, scope_params = scope_columns.query.get_compiler(using=scope.db).as_sql()
    scope_table = f"{SCOPE_TABLE} (id, type_id, preference, translation_key)"
    rows = _union_all(queries, prefix=(f"WITH {scope_table} AS MATERIALIZED ({scope_sql}) ", scope_params))
    facets = {
        name: [{column.removeprefix("f_"): value for column, value in row.items()} for row in part]
        for name, part in rows.items()
        if name != "total"
    }
    return {"total": rows["total"][0]["f_count"] if rows["total"] else 0, "facets": facets}


def facets_from_rows(filters, rows):
    """The six ``Facet``s, in the active language, from ``facet_rows``."""
    facets = []
    for name in FACETS:
        selected = getattr(filters, name)
        if name == "topic":
            options = _topic_options(rows[name], selected)
        elif name == "preference":
            options = _preference_options(rows[name], selected)
        elif name == "department":
            options = _department_options(rows[name], selected)
        else:
            options = _vocabulary_options(rows[name], selected)
        facets.append(Facet(name, FACET_LABELS[name], options))
    return facets


def facet_counts(filters, scope, public=None):
    """The six facets, each counted over ``scope`` with the *other* facets applied, in one query."""
    return facets_from_rows(filters, facet_rows(filters, scope, public or PublicScope())["facets"])


# --- Counts kept between requests -------------------------------------------------------------


def _counts_key(filters, public):
    """Where the result count and facet rows of these filters are kept, for the current content.

    Sort and page do not change the counts, so every page and order of one search shares them.
    The key carries the public-content generation (directory.caching), which every publish,
    unpublish, move, deletion and vocabulary change moves on: counts never outlive a change.
    """
    from directory.caching import current_generation

    if public.locale is not None:
        language = public.locale.language_code
    else:
        language = get_supported_content_language_variant(get_language())
    wanted = filters.querystring(sort="", page=None)
    digest = hashlib.sha256(f"{language}?{wanted}".encode()).hexdigest()[:32]
    return f"directory-counts:{current_generation()}:{digest}"


def _cached_counts(filters, public):
    if not getattr(settings, "DIRECTORY_COUNTS_CACHE_ENABLED", False):
        return None, None
    key = _counts_key(filters, public)
    return key, caches["default"].get(key)


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


def search_directory(filters, locale=None):
    """Run the directory listing: text search, facet filters, facet counts, sort and one page.

    Queries: the page-privacy check (the locale is a join), the result count, the page of
    communities, one for its topics, audiences and regions, and one for all six facets —
    the same number for 20 communities or 20,000. With ``DIRECTORY_COUNTS_CACHE_ENABLED`` the
    count and the facets are kept in the cache until public content next changes, so the
    other pages and orders of the same search skip those two (the slowest, at 100,000).
    """
    public = PublicScope(locale)
    forums = public.forums()
    terms = filters.terms
    scope = forums_matching_text(forums, terms) if terms else forums
    sort = filters.effective_sort

    if sort == "relevance":
        ranked = _restrict_to(forums, filters.apply(forums)) if filters.has_facets else forums
        object_list = ranked.select_related("community_type").search(terms)
    else:
        object_list = filters.apply(scope).select_related("community_type").order_by(*ORDERINGS[sort])

    counts_key, counts = _cached_counts(filters, public)
    if counts is None:
        counts = facet_rows(filters, scope, public)
        if counts_key:
            caches["default"].set(counts_key, counts, settings.DIRECTORY_COUNTS_CACHE_SECONDS)
    paginator = Paginator(object_list, PAGE_SIZE)
    paginator.__dict__["count"] = counts["total"]  # Paginator.count is a cached_property: no COUNT query
    page = paginator.get_page(filters.page)
    page_forums = list(page.object_list)
    prefetch_terms(page_forums)
    facets = facets_from_rows(filters, counts["facets"])
    return DirectoryResults(
        filters=filters,
        forums=page_forums,
        total=page.paginator.count,
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
    locale = locale or Locale.get_active()
    forums = listed_forums(locale)
    topics = (
        ForumPageTag.objects.filter(content_object__in=forums)
        .values("tag__slug", "tag__name")
        .annotate(count=Count("content_object_id", distinct=True))
        .order_by("-count", "tag__name")[:POPULAR_TOPICS_SHOWN]
    )
    latest = forums.select_related("community_type").order_by(F("first_published_at").desc(nulls_last=True), "-pk")
    return HomeHighlights(
        forum_count=forums.count(),
        department_count=public_departments(locale).count(),
        popular_topics=[{"slug": row["tag__slug"], "name": row["tag__name"], "count": row["count"]} for row in topics],
        latest_forums=list(latest[:LATEST_FORUMS_SHOWN]),
    )


# --- Community page ---------------------------------------------------------------------------


def departments_engaging(forum, locale=None):
    """Current engagements with this community by public bodies anyone may see, in the active language.

    Engagements are matched by the community's translation_key, so the Welsh copy of a
    community shows the engagements recorded against its English page and vice versa.
    """
    return list(
        Engagement.objects.filter(
            forum__translation_key=forum.translation_key,
            status__in=CURRENT_ENGAGEMENT_STATUSES,
            department__in=PublicScope(locale).departments(),
        )
        .select_related("department")
        .order_by(Lower("department__title"), "sort_order")
    )


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


def breadcrumbs_for(page, request=None):
    """The page's ancestors below the tree root as ``{url, title}``, for the breadcrumbs component."""
    return [
        {"url": ancestor.get_url(request), "title": ancestor.title}
        for ancestor in page.get_ancestors().filter(depth__gt=1)
    ]


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
        department.engagements.filter(forum__in=ForumPage.objects.listed())
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
    locale = locale or Locale.get_active()
    communities = listed_forums(locale).select_related("community_type").search(terms)
    departments = public_departments(locale).search(terms)
    return SiteSearchResults(
        communities=list(communities[:per_group]),
        community_count=communities.count(),
        departments=list(departments[:per_group]),
        department_count=departments.count(),
    )
