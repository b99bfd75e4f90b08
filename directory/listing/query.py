"""What a search means: the visitor's words as concepts, each with the words and phrases that say it.

A search is a list of *concepts*. Each is one of the visitor's words, or a phrase of them that an
editors' synonym group names ("local government", "ex army"), and holds every way of saying it:
the visitor's own words first, then the group's other members, then (``with_corrections``) the
closest known word to a word nothing matched. A community matches a concept when its text holds
any of these; results are ranked by how many concepts they match, then how well
(``directory.listing.text_search``). Groups are matched word by word after stemming ("mum"
finds the group listing "mums"), the longest phrase first.
"""

from dataclasses import dataclass, field, replace
from functools import cache

import snowballstemmer

from directory.models.search import SearchSynonyms, phrase_words

LONGEST_PHRASE = 5  # words: longer group members are still searched for, but never matched in a query


@cache
def _stemmer():
    return snowballstemmer.stemmer("english")


def stem_key(words):
    """How a phrase is compared with the visitor's words: each word stemmed ("Mums" and "mum" agree)."""
    return tuple(_stemmer().stemWords([word.casefold() for word in words]))


class Thesaurus:
    """The synonym groups of one language, looked up by the stems of their members."""

    def __init__(self, groups=()):
        self.groups = []
        self.by_key = {}
        for group in groups:
            members = tuple(dict.fromkeys(words for words in map(phrase_words, group) if words))
            if len(members) < 2:
                continue
            for words in members:
                if len(words) <= LONGEST_PHRASE:
                    self.by_key.setdefault(stem_key(words), []).append(len(self.groups))
            self.groups.append(members)
        self.longest = max((len(key) for key in self.by_key), default=1)

    @classmethod
    def for_language(cls, language):
        """The editors' groups for searches in ``language`` (one query)."""
        return cls(row.phrases() for row in SearchSynonyms.objects.filter(language=language).order_by("pk"))

    def members(self, words):
        """Every member of every group holding ``words`` (as stemmed), or () when none does."""
        found = []
        for number in self.by_key.get(stem_key(words), ()):
            found.extend(self.groups[number])
        return tuple(found)


@dataclass(frozen=True)
class Concept:
    """One thing the visitor asked for: their words, and every phrase (a tuple of words) that says it."""

    words: tuple
    alternatives: tuple
    correction: tuple = ()  # the closest known word, when nothing matched the visitor's own

    @property
    def text(self):
        """The concept as the visitor would write it, corrected when it was corrected."""
        return " ".join(self.correction or self.words)


@dataclass(frozen=True)
class SearchPlan:
    """A search as the backends run it: its concepts, in the visitor's order."""

    concepts: tuple = field(default_factory=tuple)

    def __bool__(self):
        return bool(self.concepts)

    @property
    def key(self):
        """Everything that decides the results, for keeping them: the phrases of each concept."""
        return tuple(concept.alternatives for concept in self.concepts)

    def with_corrections(self, corrections):
        """The plan with ``{concept position: corrected word}`` added to those concepts' phrases."""
        concepts = list(self.concepts)
        for position, word in corrections.items():
            concept = concepts[position]
            corrected = (word,)
            alternatives = concept.alternatives + ((corrected,) if corrected not in concept.alternatives else ())
            concepts[position] = replace(concept, alternatives=alternatives, correction=corrected)
        return SearchPlan(tuple(concepts))

    @property
    def suggestion(self):
        """The visitor's search with its corrected words, or '' when nothing was corrected."""
        if not any(concept.correction for concept in self.concepts):
            return ""
        return " ".join(concept.text for concept in self.concepts)


def plan_search(terms, thesaurus):
    """The concepts of ``terms`` (words, as ``filters.search_terms`` leaves them) with their synonyms."""
    words = terms.split()
    concepts, seen = [], set()
    start = 0
    while start < len(words):
        for length in range(min(thesaurus.longest, len(words) - start), 0, -1):
            own = tuple(word.casefold() for word in words[start : start + length])
            members = thesaurus.members(own)
            if members or length == 1:
                alternatives = tuple(dict.fromkeys((own, *members)))
                if alternatives not in seen:  # the same word twice is one concept
                    seen.add(alternatives)
                    concepts.append(Concept(own, alternatives))
                start += length
                break
    return SearchPlan(tuple(concepts))
