"""The closest known word to a word that matched nothing: "netmuns" → "netmums", "poltry" → "poultry".

Known words are those of the listed communities' titles and of the topics' and facets' labels, in
the language searched. On PostgreSQL with the ``pg_trgm`` extension (created by migration 0013
where the database allows) the database compares them by trigram similarity; otherwise, or when
the extension is missing, rapidfuzz compares them with the words held by the caller.
"""

import logging
import re

from django.db import DatabaseError, connections, transaction
from rapidfuzz import fuzz, process

logger = logging.getLogger(__name__)

WORD = re.compile(r"\w+")
SHORTEST_TYPO = 4  # letters: shorter words are too easily "corrected" into another real word
TRIGRAM_SIMILARITY = 0.3  # pg_trgm's own default threshold for similarity()
FUZZY_SCORE = 75  # rapidfuzz's normalised similarity (0 to 100) a correction needs


def known_words(texts):
    """The distinct words of ``texts``, lower case, as candidates for corrections."""
    return sorted({word for text in texts for word in WORD.findall(text.casefold()) if not word.isdigit()})


def worth_correcting(word):
    return len(word) >= SHORTEST_TYPO and not word.isdigit()


def has_trigrams(using):
    """True on PostgreSQL when ``pg_trgm`` is installed in the database."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def closest_by_trigrams(words, titles, labels, using):
    """``{word: closest}`` by pg_trgm over ``titles`` (a queryset of titles) and ``labels`` (words).

    One query for all the words; ``None`` when the database cannot answer it.
    """
    title_sql, title_params = titles.query.get_compiler(using=using).as_sql()
    sql = (
        "WITH typed(word) AS (SELECT unnest(%s::text[])), "
        "known(word) AS ("
        f"SELECT DISTINCT lower(part) FROM ({title_sql}) titles(title) "
        "CROSS JOIN regexp_split_to_table(titles.title, '[^[:alnum:]]+') AS part WHERE part <> '' "
        "UNION SELECT unnest(%s::text[])) "
        "SELECT DISTINCT ON (typed.word) typed.word, known.word FROM typed INNER JOIN known "
        "ON similarity(known.word, typed.word) >= %s AND known.word <> typed.word "
        # Equally similar words: the one closest in length to what was typed ("mumsnt": "mumsnet", not "mums").
        "ORDER BY typed.word, similarity(known.word, typed.word) DESC, "
        "abs(length(known.word) - length(typed.word)), known.word"
    )
    params = (list(words), *title_params, list(labels), TRIGRAM_SIMILARITY)
    try:
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            return dict(cursor.fetchall())
    except DatabaseError:  # the extension was dropped since: rapidfuzz answers instead
        logger.warning("pg_trgm could not suggest a spelling; using rapidfuzz", exc_info=True)
        return None


def closest_by_rapidfuzz(words, vocabulary):
    """``{word: closest}`` among ``vocabulary`` (a sorted list of words) for the ``words`` that have one."""
    found = {}
    for word in words:
        best = process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_SCORE, processor=None)
        if best is not None and best[0] != word:
            found[word] = best[0]
    return found
