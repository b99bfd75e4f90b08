"""What a visitor asked the directory for, read from the query string.

Parameters (all optional, bookmarkable): ``q``, ``topic``, ``audience``, ``region``, ``type``,
``preference``, ``department``, ``sort`` (relevance, name, newest, largest) and ``page``. Facet
values are slugs. Junk never raises: malformed values are dropped, long ones clipped, and a
well-formed slug nobody uses matches nothing (the visitor sees it as a filter they can remove).
"""

import re
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import F
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from directory.listing.facets import FACETS
from directory.models import DepartmentPage, Engagement, EngagementPreference, ForumPage, ForumPageTag
from directory.models.public import current, public

MAX_QUERY_LENGTH = 200
MAX_SEARCH_TERMS = 12
MAX_VALUES_PER_FACET = 10
MAX_PAGE_NUMBER = 10_000

SLUG_PATTERN = re.compile(r"^[-\w]{1,100}$")
WORD_PATTERN = re.compile(r"\w+")

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


def clean_query(value):
    """What the visitor typed, as shown back to them: one line, spaces collapsed, at most 200 characters."""
    return " ".join(str(value if isinstance(value, str) else "").split())[:MAX_QUERY_LENGTH]


def search_terms(query):
    """The words of a user's query, safe to hand to any search backend.

    Punctuation is dropped (it is search syntax to the full-text engines, and a stray quote
    breaks an SQLite FTS5 query), and very long queries are cut to their first words.
    """
    return " ".join(WORD_PATTERN.findall(query or "")[:MAX_SEARCH_TERMS])


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
        departments = public(DepartmentPage.objects.all()).filter(slug__in=self.department)
        return current(Engagement.objects.filter(department__in=departments)).values("forum__translation_key")
