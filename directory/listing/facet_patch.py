"""The next facet index derived from the previous one, when a change leaves every community in its place.

Most publishes edit a community's texts (summary, description, contact details, before-you-join
facts), none of which the index holds: the new version's index is the previous one under the new
version. An edit of a community's topics, audiences, regions, type or engagement preference moves
its place between facet values' bitmaps. A change that moves places (a community listed, delisted,
renamed or resized), makes or drops a facet option, or is not a community page's (vocabulary,
settings, privacy, engagements, departments) needs the full build (``facet_build``).
"""

from pyroaring import FrozenBitMap

from directory.listing.bitmaps import fingerprint
from directory.listing.facet_build import PLACE_FACTS, with_place_facts
from directory.listing.facets import FACETS
from directory.listing.sql import term_rows
from directory.listing.text_search import entry_pages
from directory.models import Engagement, ForumPage, PublicContentChange
from directory.models.public import CURRENT_ENGAGEMENT_STATUSES

# More changes than this since the previous index: build afresh rather than check each page.
MOST_CHANGES = 50


def changed_pages(previous_version, version):
    """Ids of the pages changed after ``previous_version`` up to ``version``; None if any change was not a page's."""
    first, last = previous_version[0], version[0]
    if not first or not 0 < last - first <= MOST_CHANGES:
        return None
    rows = list(
        PublicContentChange.objects.filter(pk__gte=first, pk__lte=last)
        .order_by("pk")
        .values_list("pk", "token", "page_id")
    )
    # Both ends must be the very rows the versions name (a restored backup reuses ids, not tokens),
    # with none missing between them: a gap is a change not committed yet, or rolled back.
    if [row[0] for row in rows] != list(range(first, last + 1)):
        return None
    if rows[0][:2] != tuple(previous_version) or rows[-1][:2] != tuple(version):
        return None
    pages = {page for _pk, _token, page in rows[1:]}
    return None if None in pages else pages


def derive(previous, public, language, version):
    """The index of ``version`` made from ``previous`` (an earlier version's), or None when it must be built."""
    changed = changed_pages(previous.version, version)
    if changed is None or previous.fingerprints is None:
        return None
    # Only community pages: a department's title labels a facet option; a deleted page leaves no row.
    if set(ForumPage.objects.filter(pk__in=changed).values_list("pk", flat=True)) != changed:
        return None
    rows = {
        pk: facts
        for pk, *facts in with_place_facts(public.forums().filter(pk__in=changed)).values_list("pk", *PLACE_FACTS)
    }
    for pk in changed:
        place = previous.place_of(pk)
        if (place is None) != (pk not in rows):
            return None  # listed or delisted in this language: places move
        if place is not None and previous.fingerprints[place] != fingerprint(*rows[pk]):
            return None  # renamed, resized or first published: it moves in an order
    if not rows:
        return previous.changed(version, previous.masks)  # none of them is listed in this language
    if previous.entries is not None and not _same_entries(previous.entries, rows):
        return None
    masks = {facet: dict(by_value) for facet, by_value in previous.masks.items()}
    values = _facet_values(public, list(rows))
    for pk in rows:
        place = FrozenBitMap([previous.place_of(pk)])
        for facet in FACETS:
            by_value = masks[facet]
            held = {value for value, mask in by_value.items() if place.issubset(mask)}
            wanted = values[facet].get(pk, set())
            for value in held - wanted:
                by_value[value] = by_value[value] - place
                if not by_value[value]:
                    return None  # its last community: the build drops the option
            for value in wanted - held:
                if value not in by_value:
                    return None  # its first community: the build offers a new option
                by_value[value] = by_value[value] | place
    return previous.changed(version, masks)


def _same_entries(entries, rows):
    """SQLite: whether the communities' search index entries are the ones the index maps to them."""
    known, pages = entries
    found = entry_pages(ForumPage, pages=list(rows))
    return all(entry in known and pages[entry] == page for entry, page in found)


def _facet_values(public, ids):
    """``{facet: {community id: {value}}}`` of the communities ``ids``: their values as the build reads them."""
    values = {facet: {} for facet in FACETS}

    def add(facet, pairs):
        for pk, value in pairs:
            if value:
                values[facet].setdefault(pk, set()).add(value)

    terms = term_rows(ids, with_type=True)  # as the listing's cards read them, in one query
    for facet, name in (("topic", "topics"), ("audience", "audiences"), ("region", "regions"), ("type", "type")):
        add(facet, ((row["t_forum"], row["t_slug"]) for row in terms[name]))
    forums = ForumPage.objects.filter(pk__in=ids)
    add("preference", forums.values_list("pk", "engagement_preference"))
    # Engagements are recorded against one language's copy of a community (see facet_build).
    keys = dict(forums.values_list("translation_key", "pk"))
    engaged = Engagement.objects.filter(
        status__in=CURRENT_ENGAGEMENT_STATUSES,
        forum__translation_key__in=list(keys),
        department__in=public.departments_in_every_language(),
    ).values_list("forum__translation_key", "department__slug")
    add("department", ((keys[key], slug) for key, slug in engaged))
    return values
