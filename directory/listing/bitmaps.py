"""The listed communities of one language as compressed bitmaps (pyroaring), and their wire form.

Communities are numbered by their place in name order (A to Z). Each facet value is the bitmap
of the places of the communities that have it; a facet count is an intersection's cardinality,
and a page in name order is a slice of a bitmap. The index is a handful of C objects rather than
one Python object per community, so it is quick to copy between processes (``to_payload`` /
``from_payload``) and frees its memory when replaced.
"""

import zlib
from array import array
from dataclasses import dataclass
from functools import cached_property
from operator import itemgetter

from pyroaring import FrozenBitMap

# Places and ids as machine integers: compact, and copied to and from bytes at C speed.
INTEGERS = "I"  # unsigned 32-bit: page ids, and what pyroaring takes as a buffer
NOT_LISTED = 0xFFFFFFFF  # the place of an id the index does not hold


@dataclass(frozen=True)
class Term:
    """A facet value as offered to visitors: its slug, its label, and its Welsh label if any."""

    slug: str
    label: str
    label_cy: str = ""


def bitmap_of(positions):
    return FrozenBitMap(positions)


def fingerprint(*facts):
    """A checksum of what decides a community's places (``facet_build.PLACE_FACTS``), to tell when they change."""
    return zlib.crc32("\x1f".join(map(str, facts)).encode())


class FacetIndex:
    """The listed communities of one language, in name order, and which of them has each facet value."""

    def __init__(
        self,
        version,
        ids,
        masks,
        terms,
        newest,
        largest,
        id_set=None,
        words=(),
        title_stems=None,
        entries=None,
        fingerprints=None,
    ):
        self.version = version
        self.ids = ids if isinstance(ids, array) else array(INTEGERS, ids)  # place -> community id
        self.size = len(self.ids)
        self.everything = FrozenBitMap(range(self.size))
        self.masks = masks  # facet -> {slug: bitmap of places}
        self.terms = terms  # facet -> {slug: Term}; preferences are labelled by their choices
        self.orders = {"newest": newest, "largest": largest}  # sort -> places in that order
        self.id_set = id_set if id_set is not None else FrozenBitMap(self.ids)
        self.words = words  # the known words of this language (titles, labels), sorted: for "Did you mean"
        self.title_stems = title_stems or {}  # stem -> bitmap of the places with it in their title: for ranking
        # SQLite: the search index entries there were at the build, and the page of each (0: not a community).
        self.entries = entries  # (bitmap of entry ids, array: entry id -> page id) or None
        self.fingerprints = fingerprints  # place -> ``fingerprint`` of what decides its places: ``facet_patch``

    def changed(self, version, masks):
        """This index at ``version`` with other facet masks: the places, orders and words are shared."""
        index = FacetIndex(
            version,
            self.ids,
            masks,
            self.terms,
            self.orders["newest"],
            self.orders["largest"],
            id_set=self.id_set,
            words=self.words,
            title_stems=self.title_stems,
            entries=self.entries,
            fingerprints=self.fingerprints,
        )
        if "_places_by_id" in self.__dict__:
            index._places_by_id = self._places_by_id
        return index

    @cached_property
    def _places_by_id(self):
        """Place of each id, indexed by the id itself (``NOT_LISTED`` for others): C-speed lookups of many ids."""
        places = array(INTEGERS, [NOT_LISTED]) * ((self.id_set.max() + 1) if self.size else 0)
        for place, forum_id in enumerate(self.ids):
            places[forum_id] = place
        return places

    def pages_of_entries(self, entries):
        """``(ids of the pages of the known entries, entries unknown at the build)`` (``entries`` a bitmap)."""
        known_entries, pages = self.entries
        known = entries & known_entries
        found = itemgetter(*known)(pages) if len(known) > 1 else tuple(pages[entry] for entry in known)
        return found, entries - known_entries

    def place_of(self, forum_id):
        """The community's place in name order, or None when it is not listed in this language."""
        if forum_id not in self.id_set:
            return None
        return self._places_by_id[forum_id]

    def selection(self, facet, values):
        """The communities with any of ``values`` of ``facet`` (a slug nobody uses matches nothing)."""
        masks = self.masks[facet]
        chosen = [masks[value] for value in values if value in masks]
        return FrozenBitMap.union(*chosen) if chosen else FrozenBitMap()

    def mask_of_ids(self, ids):
        """The listed communities among ``ids`` (others, such as drafts or other languages, are dropped)."""
        listed = FrozenBitMap(ids) & self.id_set
        if not listed:
            return FrozenBitMap()
        places = itemgetter(*listed)(self._places_by_id)
        return FrozenBitMap(places if len(listed) > 1 else (places,))

    def counts(self, facet, scope):
        """``{slug: how many of scope have it}`` for every value of ``facet``."""
        return {slug: scope.intersection_cardinality(mask) for slug, mask in self.masks[facet].items()}

    def page(self, mask, start, count, sort="name", ranked=None):
        """Ids of up to ``count`` communities of ``mask`` from ``start``, in ``sort`` order.

        ``ranked`` (bitmaps of places, most relevant first: ``ranking``) gives the order for ``sort="relevance"``.
        """
        if count <= 0 or start >= len(mask):
            return []
        if sort == "name":
            return [self.ids[place] for place in mask[start : start + count]]
        if sort == "relevance":
            return self._ranked_page(mask, start, count, ranked or ())
        found, skipped = [], 0
        for place in iter(self.orders[sort]):
            if place in mask:
                if skipped < start:
                    skipped += 1
                    continue
                found.append(self.ids[place])
                if len(found) == count:
                    break
        return found

    def _ranked_page(self, mask, start, count, buckets):
        """As ``page``, in the order of ``buckets`` (bitmaps of places, most relevant first)."""
        found = []
        for bucket in buckets:
            part = bucket & mask
            if start >= len(part):
                start -= len(part)
                continue
            found.extend(self.ids[place] for place in part[start : start + count - len(found)])
            start = 0
            if len(found) == count:
                break
        return found

    # --- The wire form: plain bytes and tuples, shared through the cache ------------------------

    def to_payload(self):
        return {
            "version": tuple(self.version),
            "ids": self.ids.tobytes(),
            "id_set": self.id_set.serialize(),
            "newest": self.orders["newest"].tobytes(),
            "largest": self.orders["largest"].tobytes(),
            "masks": {
                facet: {slug: mask.serialize() for slug, mask in masks.items()} for facet, masks in self.masks.items()
            },
            "words": "\n".join(self.words),
            "title_stems": {stem: places.serialize() for stem, places in self.title_stems.items()},
            "entries": (self.entries[0].serialize(), self.entries[1].tobytes()) if self.entries else None,
            "fingerprints": self.fingerprints.tobytes() if self.fingerprints is not None else None,
            "terms": {
                facet: [(term.slug, term.label, term.label_cy) for term in terms.values()]
                for facet, terms in self.terms.items()
            },
        }

    @classmethod
    def from_payload(cls, payload):
        def integers(data):
            values = array(INTEGERS)
            values.frombytes(data)
            return values

        return cls(
            tuple(payload["version"]),
            integers(payload["ids"]),
            {
                facet: {slug: FrozenBitMap.deserialize(data) for slug, data in masks.items()}
                for facet, masks in payload["masks"].items()
            },
            {
                facet: {slug: Term(slug, label, label_cy) for slug, label, label_cy in terms}
                for facet, terms in payload["terms"].items()
            },
            integers(payload["newest"]),
            integers(payload["largest"]),
            id_set=FrozenBitMap.deserialize(payload["id_set"]),
            words=tuple(payload["words"].split("\n")) if payload["words"] else (),
            title_stems={stem: FrozenBitMap.deserialize(data) for stem, data in payload["title_stems"].items()},
            entries=(
                (FrozenBitMap.deserialize(payload["entries"][0]), integers(payload["entries"][1]))
                if payload["entries"]
                else None
            ),
            fingerprints=integers(payload["fingerprints"]) if payload.get("fingerprints") else None,
        )


def union_of(bitmaps):
    """One bitmap of every place in ``bitmaps`` (several department pages may share a slug)."""
    return FrozenBitMap.union(*bitmaps) if bitmaps else FrozenBitMap()
