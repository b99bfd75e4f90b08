"""What the public surfaces show of the directory: the listing, site search, the home page's
highlights and the department pages, and the context of each page type (``directory.pages``).

A listing page costs the same number of queries however many communities there are.
"""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q
from django.db.models.functions import Lower
from django.utils.text import capfirst
from wagtail.models import Page

from core.privacy import is_private_expression
from core.public_urls import public_url
from directory.listing.cards import result_cards
from directory.listing.engine import Engine, IndexedResults
from directory.listing.facets import FACETS, facets_from_counts, selected_filters
from directory.listing.filters import SORTS, DirectoryFilters, search_terms
from directory.listing.sql import prefetch_terms
from directory.models import Engagement, ForumPage, NominationPage, with_welsh_names
from directory.models.public import current, listed_forums, localised, public_departments, welsh_is_active
from directory.presentation import breadcrumbs_for, forum_structured_data, page_metadata

PAGE_SIZE = 20
POPULAR_TOPICS_SHOWN = 12
TOPICS_SUGGESTED = 8  # topics offered to browse when a search finds nothing
LATEST_FORUMS_SHOWN = 5
SITE_SEARCH_GROUP_SIZE = 5


# --- The listing ------------------------------------------------------------------------------


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
    suggestion: str = ""  # the search with misspelt words corrected ("Did you mean …?"), or ''
    browse_topics: list = field(default_factory=list)  # when nothing matches: topics to browse instead
    missing_page: int = 0  # the page asked for when it is past the last one (the last is shown), or 0

    @property
    def has_filter_options(self):
        """False when no facet has a value to tick (then there is no "Filter" heading to show)."""
        return any(facet.options for facet in self.facets)

    @property
    def selected_count(self):
        """How many facet values are ticked: shown on the folded "Filter" control."""
        return len(self.selected_filters)

    @property
    def suggestion_querystring(self):
        """The query string of the corrected search, with the same filters and sort."""
        return self.filters.querystring(q=self.suggestion)

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


def search_directory(filters, locale=None):
    """Run the directory listing: text search, facet filters, facet counts, sort and one page.

    Counts and the page's ids come from the language's facet index (``Engine``), so a listing
    costs: the content version, the text match when there is text (none when the same words were
    searched since content last changed), the page of communities, and one query for its topics,
    audiences and regions. The first listing after public content changes also builds the index.
    """
    engine = Engine(locale)
    terms = filters.terms
    sort = filters.effective_sort
    match = engine.text_match(terms) if terms else None
    ranked, scope = (match.order, match.mask) if match else (None, engine.everything)
    chosen = {name: engine.selection(name, getattr(filters, name)) for name in FACETS if getattr(filters, name)}

    def narrowed(skip=None):
        mask = scope
        for name, selection in chosen.items():
            if name != skip:
                mask &= selection
        return mask

    results = narrowed()
    total = len(results)
    counts = {name: engine.counts(name, narrowed(skip=name)) for name in FACETS}
    paginator = Paginator(IndexedResults(engine.index, results, sort, ranked, total), PAGE_SIZE)
    paginator.__dict__["count"] = total  # Paginator.count is a cached_property
    page = paginator.get_page(filters.page)
    missing_page = filters.page if filters.page > paginator.num_pages else 0
    page_forums = list(page.object_list)
    prefetch_terms(page_forums, managers=False)  # the cards read each forum's ``terms``
    facets = facets_from_counts(filters, engine, counts)
    return DirectoryResults(
        filters=filters,
        forums=page_forums,
        total=total,
        page=page,
        facets=facets,
        sort=sort,
        selected_filters=selected_filters(filters, facets),
        suggestion=match.suggestion if match else "",
        browse_topics=[] if total else popular_topics(engine, TOPICS_SUGGESTED),
        missing_page=missing_page,
    )


# --- Home page --------------------------------------------------------------------------------


@dataclass
class HomeHighlights:
    """What the home page shows of the directory: figures, popular topics and the latest entries."""

    forum_count: int
    department_count: int
    popular_topics: list
    latest_forums: list


def popular_topics(engine, shown):
    """The ``shown`` most used topics of the listed communities, each ``{slug, name, count, lang}`` (no query)."""
    counts = engine.counts("topic", engine.everything)
    topics = engine.terms["topic"]
    used = [slug for slug, count in counts.items() if count]
    labels = {slug: localised(topics[slug].label, topics[slug].label_cy) for slug in used}
    popular = sorted(used, key=lambda slug: (-counts[slug], labels[slug]))
    welsh = welsh_is_active()  # on the Welsh site, a topic with no Welsh name shows in English
    return [
        {
            "slug": slug,
            "name": capfirst(labels[slug]),
            "count": counts[slug],
            "lang": "en" if welsh and not topics[slug].label_cy else "",
        }
        for slug in popular[:shown]
    ]


def home_page_highlights(locale=None):
    """Totals, the most used topics (with counts) and the newest listed communities."""
    engine = Engine(locale)
    latest = engine.page(engine.everything, 0, LATEST_FORUMS_SHOWN, sort="newest")
    return HomeHighlights(
        forum_count=engine.size,
        department_count=engine.public.departments().count(),
        popular_topics=popular_topics(engine, POPULAR_TOPICS_SHOWN),
        latest_forums=latest,
    )


# --- Site search --------------------------------------------------------------------------------


@dataclass
class SiteSearchResults:
    """Site search in two groups, each with its first few matches and how many there are in all."""

    communities: list
    community_count: int
    departments: list
    department_count: int
    suggestion: str = ""  # the search with misspelt words corrected ("Did you mean …?"), or ''
    browse_topics: list = field(default_factory=list)  # when nothing matches: topics to browse instead

    @property
    def total(self):
        return self.community_count + self.department_count


def search_site(query, locale=None, per_group=SITE_SEARCH_GROUP_SIZE):
    """Search listed communities and public departments in ``locale`` (the active one by default)."""
    terms = search_terms(query)
    if not terms:
        return SiteSearchResults([], 0, [], 0)
    engine = Engine(locale)
    match = engine.text_match(terms)
    ranked, matches = match.order, match.mask
    departments = engine.public.departments().search(terms)
    found = SiteSearchResults(
        communities=engine.page(matches, 0, per_group, sort="relevance", ranked=ranked),
        community_count=len(matches),
        departments=list(departments[:per_group]),
        department_count=departments.count(),
        suggestion=match.suggestion,
    )
    if not found.total:
        found.browse_topics = popular_topics(engine, TOPICS_SUGGESTED)
    return found


# --- Community and department pages -----------------------------------------------------------


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
        current(
            Engagement.objects.filter(forum__in=Page.objects.filter(translation_key=forum.translation_key).values("pk"))
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


# --- Page contexts (served by directory.pages) -----------------------------------------------


def forum_index_context(page, request):
    """The /directory/ listing for the request's query string, and its page of result cards."""
    listing = search_directory(DirectoryFilters.from_querydict(request.GET))
    return {
        "listing": listing,
        "cards": result_cards(listing.forums, request),
        "breadcrumbs": breadcrumbs_for(page, request),
    }


def forum_page_context(forum, request):
    """A community page: who engages with it, breadcrumbs and its schema.org description."""
    prefetch_terms([forum], with_type=True)  # read by the structured data and the template
    breadcrumbs = breadcrumbs_for(forum, request)
    absolute = [{"url": public_url(crumb["url"], request), "title": crumb["title"]} for crumb in breadcrumbs]
    absolute.append({"url": public_url(forum.get_url(request), request), "title": forum.title})
    return {
        "breadcrumbs": breadcrumbs,
        "directory_url": breadcrumbs[-1]["url"] if breadcrumbs else "",
        "engagements": departments_engaging(forum),
        "structured_data": forum_structured_data(forum, absolute[-1]["url"], absolute),
        "page_metadata": page_metadata(forum, absolute[-1]["url"], forum.summary),
        "claim_url": claim_url(forum, request),
    }


def claim_url(forum, request):
    """Where whoever runs the community asks for its entry: the nomination page's claim form, in
    the community's language where that page is translated; '' when there is no nomination page."""
    restricted = is_private_expression(OuterRef("translation_key"))  # in SQL: no query of its own
    # One a language. Privacy as a column of these few rows: as a filter, SQLite tests every page.
    found = NominationPage.objects.live().annotate(private=restricted).order_by("path")
    nomination_pages = [page for page in found if not page.private]
    if not nomination_pages:
        return ""
    nomination_page = next(
        (page for page in nomination_pages if page.locale_id == forum.locale_id), nomination_pages[0]
    )
    return f"{nomination_page.get_url(request)}claim/{forum.pk}/"


def department_index_context(page, request):
    return {"departments": departments_for_index(), "breadcrumbs": breadcrumbs_for(page, request)}


def department_page_context(department, request):
    return {
        "engagements": department_engagements(department),
        "topics": with_welsh_names(department.topics.all()),
        "breadcrumbs": breadcrumbs_for(department, request),
        "page_metadata": page_metadata(department, public_url(department.get_url(request), request), department.remit),
    }
