"""Search results in order of relevance, as buckets of the facet index's places (no score per row).

Like Meilisearch's ranking rules, results are sorted bucket by bucket: first by how many of the
search's concepts a community matches (all the visitor's words first), then by how many of them
it matches in its title, then by how many of its topics, audiences, regions and type have a label
saying what was searched for; within a bucket, by name. Which communities match each concept
comes from the search backend (``text_search.concept_matches``); titles and labels are matched
here, in memory, against the stems the index holds (``FacetIndex.title_stems``), so ranking
costs bitmap operations rather than a score worked out for every matching row in the database.
"""

from functools import cached_property

from pyroaring import FrozenBitMap

from directory.listing.query import stem_key
from directory.listing.spelling import WORD

FINEST_CONCEPTS = 6  # longer searches are ranked by concepts matched only (the buckets multiply)
MOST_LABELS = 3  # communities with this many labels matching or more rank alike


def title_stems(titles):
    """``{stem: [places]}`` of the words of ``titles`` (in place order), stemmed as searches are."""
    stems, postings = {}, {}
    for place, title in enumerate(titles):
        for word in set(WORD.findall(title.casefold())):
            stem = stems.get(word, stems)  # each distinct word stemmed once (the dict: not seen yet)
            if stem is stems:
                # Numbers (None) are matched by the search backend, and would only swell the index.
                stem = stems[word] = None if word.isdigit() else stem_key((word,))[0]
            if stem is not None:
                postings.setdefault(stem, []).append(place)
    return postings


class Labels:
    """The stems of each facet value's labels (both languages), to find the values a phrase names."""

    def __init__(self, terms, masks):
        self.terms, self.masks = terms, masks  # the index's ``terms`` and ``masks``

    @cached_property
    def stems(self):
        return [
            (facet, slug, frozenset(stem_key(WORD.findall(f"{term.label} {term.label_cy}".casefold()))))
            for facet, terms in self.terms.items()
            for slug, term in terms.items()
        ]

    def naming(self, phrases):
        """The bitmap of each facet value whose label holds every word of one of ``phrases``."""
        wanted = [set(stem_key(phrase)) for phrase in phrases]
        masks = self.masks
        return [
            masks[facet][slug]
            for facet, slug, stems in self.stems
            if slug in masks.get(facet, {}) and any(words <= stems for words in wanted)
        ]


def in_titles(index, phrase):
    """The communities whose title holds every word of ``phrase``."""
    postings = [index.title_stems.get(stem) for stem in stem_key(phrase)]
    if not postings or any(found is None for found in postings):
        return FrozenBitMap()
    return FrozenBitMap.intersection(*postings) if len(postings) > 1 else postings[0]


def _union(bitmaps):
    bitmaps = list(bitmaps)
    return FrozenBitMap.union(*bitmaps) if bitmaps else FrozenBitMap()


def _exactly(sets, within, most=None):
    """``[places of within in exactly k of sets]`` for k = 0 … most (the last: in most or more)."""
    most = len(sets) if most is None else min(most, len(sets))
    at_least = [within] + [FrozenBitMap()] * most
    for found in sets:
        for k in range(most, 0, -1):
            at_least[k] = at_least[k] | (at_least[k - 1] & found)
    at_least.append(FrozenBitMap())
    return [at_least[k] - at_least[k + 1] for k in range(most + 1)]


def ranked_buckets(index, labels, plan, matches):
    """The places matching any concept, as bitmaps in order of relevance (each in name order).

    ``matches`` holds, for each concept of ``plan``, the bitmap of the places matching it.
    """
    everything = _union(matches)
    if not everything:
        return []
    by_count = _exactly(matches, everything)
    if len(matches) > FINEST_CONCEPTS:
        return [bucket for bucket in reversed(by_count[1:]) if bucket]
    titles = [
        _union(in_titles(index, phrase) for phrase in concept.alternatives) & found
        for concept, found in zip(plan.concepts, matches, strict=True)
    ]
    named = labels.naming([phrase for concept in plan.concepts for phrase in concept.alternatives])
    by_title, by_labels = _exactly(titles, everything), _exactly(named, everything, MOST_LABELS)
    buckets = []
    for count in range(len(matches), 0, -1):
        for in_title in range(count, -1, -1):
            matched = by_count[count] & by_title[in_title]
            if not matched:
                continue
            for labelled in range(len(by_labels) - 1, -1, -1):
                bucket = matched & by_labels[labelled]
                if bucket:
                    buckets.append(bucket)
    return buckets
