"""The closest known word to a word that matched nothing: "netmuns" → "netmums", "poltry" → "poultry".

Known words are those of the listed communities' titles and of the topics' and facets' labels, in
the language searched, gathered once per content version with the facet index
(``facet_build``), so a correction costs no query: rapidfuzz compares the word with them in
memory. (Comparing trigrams in the database instead reads every title at each search: measured
in docs/benchmarks.md.)
"""

import re

from rapidfuzz import fuzz, process

WORD = re.compile(r"\w+")
SHORTEST_TYPO = 4  # letters: shorter words are too easily "corrected" into another real word
FUZZY_SCORE = 75  # rapidfuzz's normalised similarity (0 to 100) a correction needs


def known_words(texts):
    """The distinct words of ``texts``, lower case, sorted, as candidates for corrections."""
    words = set(WORD.findall("\n".join(texts).casefold()))  # one pass of the regex over them all
    return sorted(word for word in words if not word.isdigit())


def worth_correcting(word):
    return len(word) >= SHORTEST_TYPO and not word.isdigit()


def closest_known(words, vocabulary):
    """``{word: closest}`` among ``vocabulary`` (a sorted sequence of words) for the ``words`` that have one.

    Equally similar words: the one closest in length to what was typed ("mumsnt": "mumsnet", not "mums").
    """
    found = {}
    for word in words:
        matches = process.extract(
            word, vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_SCORE, processor=None, limit=5
        )
        candidates = [(-score, abs(len(known) - len(word)), known) for known, score, _ in matches if known != word]
        if candidates:
            found[word] = min(candidates)[2]
    return found
