"""One interface to the listed communities of a language: counts, a page of ids, text matches.

Counts and pages come from the language's in-process facet index (``facet_index``); text matches
from the search backend (``text_search``), kept with the index until public content changes.
``forums_matching_text`` is the text match as a queryset, for the exports and Open Referral,
which filter and order in SQL.
"""

from wagtail.search.backends import get_search_backend

from directory.listing.facet_index import facet_index
from directory.listing.text_search import ranked_ids
from directory.models import ForumPage, ForumStatus
from directory.models.public import PublicScope


def search_communities(terms):
    """Ids of every community whose indexed text matches ``terms``, most relevant first."""
    return ranked_ids(ForumPage.objects.all(), terms)


class Engine:
    """The listed communities of ``locale`` (the active language by default), as bitmaps.

    A set of communities is a bitmap (``everything``, a text match, a facet selection; combine
    them with ``&``); ``counts`` and ``page`` read the bitmaps. Costs one query (the content
    version), and the index build when public content has changed.
    """

    def __init__(self, locale=None):
        self.public = PublicScope(locale)
        self.index = facet_index(self.public, self.public.language)
        self.everything = self.index.everything
        self.size = self.index.size
        self.terms = self.index.terms  # facet -> {slug: Term}: the values offered

    def text_matches(self, terms):
        """``(ids most relevant first, bitmap of the listed ones)`` for ``terms``."""
        return self.index.matches(terms, search_communities)

    def selection(self, facet, values):
        """The communities with any of ``values`` of ``facet``."""
        return self.index.selection(facet, values)

    def counts(self, facet, mask):
        """``{slug: how many of mask have it}`` for every value of ``facet``."""
        return self.index.counts(facet, mask)

    def page_ids(self, mask, start, count, sort="name", ranked=None):
        """Ids of up to ``count`` communities of ``mask`` from ``start``, in ``sort`` order."""
        return self.index.page(mask, start, count, sort=sort, ranked=ranked)

    def page(self, mask, start, count, sort="name", ranked=None):
        """The communities themselves, as ``page_ids`` (one query)."""
        return forums_in_order(self.page_ids(mask, start, count, sort=sort, ranked=ranked))


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
    """The listed communities with these ids, in this order, with their type (one query).

    The ids come from the facet index, which holds only listed communities; live and not
    delisted are checked again on the rows read, privacy is left to the index.
    """
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
