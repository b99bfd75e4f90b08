"""One interface to the listed communities of a language: counts, a page of ids, text matches.

Counts and pages come from the language's facet index (``facet_index``); text matches from the
search backend (``text_search``), planned with the language's synonyms and, for words that match
nothing, their closest known spelling (``query``, ``spelling``). What a search found is kept with
the index it was made for, until public content (synonyms included) changes and a new index
takes its place. ``forums_matching_text`` is the same match as a queryset, for the exports and
Open Referral, which filter and order in SQL.
"""

import weakref
from dataclasses import dataclass
from functools import cached_property

from django.db.models.expressions import RawSQL
from pyroaring import FrozenBitMap

from directory.listing.facet_index import facet_index
from directory.listing.query import SearchPlan, Thesaurus, plan_search
from directory.listing.ranking import Labels, ranked_buckets
from directory.listing.spelling import closest_known, worth_correcting
from directory.listing.text_search import backend_kind, concept_entries, concept_matches, entry_pages, matching_sql
from directory.models import ForumPage, ForumStatus
from directory.models.public import PublicScope

SEARCHES_KEPT = 64  # per index: popular searches are answered without the database until content changes


@dataclass(frozen=True)
class TextMatch:
    """What a search found: the listed matches as a bitmap, in order of relevance, and how it was run.

    ``order`` is the matches as bitmaps of places, most relevant first (``ranking``); ``plan`` the
    search as run (synonyms, corrections); ``suggestion`` the visitor's words with the corrected
    ones ("Did you mean …?"), or ''.
    """

    mask: object
    order: list
    plan: SearchPlan
    ids_by_place: object  # the index's ids (not the index: a match is kept with it, see _lexicons)

    @property
    def suggestion(self):
        return self.plan.suggestion

    @cached_property
    def ids(self):
        """The ids of the listed matches, most relevant first."""
        ids = self.ids_by_place
        return [ids[place] for bucket in self.order for place in bucket]


class Lexicon:
    """A language's words for searching, held with its index: the synonym groups, and the searches made."""

    def __init__(self, public, index):
        # What it needs of the index, not the index itself: held by the index's weak key, a
        # reference back would keep every index alive.
        self.public, self.words = public, index.words
        self.searches = {}  # terms -> TextMatch, oldest first
        self.labels = Labels(index.terms, index.masks)

    @cached_property
    def thesaurus(self):
        return Thesaurus.for_language(self.public.language)

    def corrections(self, words):
        """``{word: closest known word}`` for the words that have one (no query: the index holds the words)."""
        return closest_known(words, self.words)


_lexicons = weakref.WeakKeyDictionary()  # facet index -> its Lexicon: dropped with the index


def search_communities(plan):
    """For each concept of ``plan``, the ids of every community whose indexed text matches it."""
    return concept_matches(ForumPage, plan)


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

    @property
    def lexicon(self):
        lexicon = _lexicons.get(self.index)
        if lexicon is None:
            lexicon = _lexicons.setdefault(self.index, Lexicon(self.public, self.index))
        return lexicon

    def plan(self, terms):
        """``terms`` as concepts with this language's synonyms (reads the synonyms once per index)."""
        return plan_search(terms, self.lexicon.thesaurus)

    def text_matches(self, terms):
        """``(order of relevance, bitmap of the listed matches)`` for ``terms``: ``page``'s ``ranked`` and ``mask``."""
        match = self.text_match(terms)
        return match.order, match.mask

    def text_match(self, terms):
        """The ``TextMatch`` for ``terms``: kept with the index, so a repeated search costs no query."""
        searches = self.lexicon.searches
        match = searches.get(terms)
        if match is None:
            match = self._search(self.plan(terms))
            while len(searches) >= SEARCHES_KEPT:
                searches.pop(next(iter(searches)), None)
            searches[terms] = match
        return match

    def _search(self, plan):
        matches = self._matches(plan)
        # A word that matched nothing listed may be a typo: search for its closest known word too.
        unmatched = {
            position: concept.words[0]
            for position, concept in enumerate(plan.concepts)
            if not matches[position] and len(concept.words) == 1 and worth_correcting(concept.words[0])
        }
        if unmatched:
            closest = self.lexicon.corrections(sorted(set(unmatched.values())))
            corrections = {position: closest[word] for position, word in unmatched.items() if word in closest}
            if corrections:
                plan = plan.with_corrections(corrections)
                matches = self._matches(plan)
        order = ranked_buckets(self.index, self.lexicon.labels, plan, matches)
        mask = FrozenBitMap.union(*order) if order else FrozenBitMap()
        return TextMatch(mask, order, plan, self.index.ids)

    def _matches(self, plan):
        """For each concept of ``plan``, the bitmap of the listed communities matching it."""
        if self.index.entries is None or backend_kind() != "sqlite":
            return [self.index.mask_of_ids(ids) for ids in search_communities(plan)]
        # SQLite: the entries' pages come from the index; entries written since it was built are read.
        found = [self.index.pages_of_entries(FrozenBitMap(entries)) for entries in concept_entries(plan)]
        unknown = FrozenBitMap.union(*(new for _pages, new in found))
        pages = dict(entry_pages(ForumPage, list(unknown))) if unknown else {}
        return [
            self.index.mask_of_ids([*known, *(pages[entry] for entry in new if entry in pages)]) for known, new in found
        ]

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


def forums_matching_text(forums, terms, locale=None):
    """The communities among ``forums`` whose indexed text matches ``terms`` as the listing's search does.

    The same plan (synonyms, corrections) as the listing in ``locale`` (the active language by
    default). With the database backends the match is a subquery, so counts and orders are
    taken over it in SQL; an external engine gives the matching ids.
    """
    plan = Engine(locale).text_match(terms).plan
    subquery = matching_sql(ForumPage, plan)
    if subquery is None:
        return forums.filter(pk__in={forum_id for ids in search_communities(plan) for forum_id in ids})
    return forums.filter(pk__in=RawSQL(*subquery))


def ranked_within(forums, terms, locale=None):
    """The ids of ``forums`` matching ``terms``, most relevant first (as the listing ranks them)."""
    match = Engine(locale).text_match(terms)
    allowed = set(forums.values_list("pk", flat=True))
    return [forum_id for forum_id in match.ids if forum_id in allowed]
