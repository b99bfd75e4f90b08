"""Entries that may be the same community as another: what an editor checks before approving.

Two entries are possible duplicates when their web addresses have the same normalised key, or
when their names are very similar once case, punctuation and spacing are set aside. Drafts count:
two people may nominate the same community before an editor sees either.
"""

import re
from difflib import SequenceMatcher

from django.db.models import Q

from directory.models import ForumPage

SIMILAR_NAME = 0.85
CANDIDATES = 200  # entries read per check, found by words of the name; the similarity decides


def simplified_name(title):
    return re.sub(r"[\W_]+", " ", title.casefold()).strip()


def name_similarity(first, second):
    first, second = simplified_name(first), simplified_name(second)
    if first.replace(" ", "") == second.replace(" ", ""):
        return 1.0
    return SequenceMatcher(None, first, second).ratio()


def possible_duplicates(forum, limit=10):
    """Other entries (any language, live or draft) that may be ``forum``'s community: ``[(page, reason)]``.

    ``reason`` is "address" or "name". The entry's own translations are not duplicates.
    """
    others = ForumPage.objects.filter(alias_of__isnull=True).exclude(translation_key=forum.translation_key)
    found = {}
    if forum.website_key:
        for page in others.filter(website_key=forum.website_key).order_by("-live", "pk")[:limit]:
            found[page.pk] = (page, "address")
    words = [word for word in simplified_name(forum.title).split() if len(word) >= 3]
    if words:
        query = Q(title__istartswith=words[0][:4])
        for word in sorted(words, key=len, reverse=True)[:3]:
            query |= Q(title__icontains=word)
        for page in others.filter(query).exclude(pk__in=found).order_by("-live", "pk")[:CANDIDATES]:
            if name_similarity(forum.title, page.title) >= SIMILAR_NAME:
                found[page.pk] = (page, "name")
    return list(found.values())[:limit]
