"""How well search finds what people mean: hits@3 and mean reciprocal rank on a set of queries.

The set is a TSV file (``directory/tests/listing/data/relevance.tsv``): language, query, and the
communities a person would expect in the top three (any of them, separated by ``|``). Each query
runs through the directory listing of its language, as a visitor's search does; a community is
named by its English title, whichever language's copy was found.
"""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import translation
from wagtail.models import Locale, Page

from directory.listing.filters import DirectoryFilters
from directory.listing.results import search_directory

CASES_FILE = Path(__file__).resolve().parent.parent / "directory" / "tests" / "listing" / "data" / "relevance.tsv"
TOP = 3


@dataclass(frozen=True)
class Case:
    language: str
    query: str
    expected: tuple


@dataclass
class Outcome:
    case: Case
    found: list  # English titles, best first
    rank: int | None  # place of the first expected community (1 = first), None when not found


@dataclass
class Scores:
    language: str
    outcomes: list = field(default_factory=list)

    @property
    def hits_at_3(self):
        return sum(1 for outcome in self.outcomes if outcome.rank and outcome.rank <= TOP) / len(self.outcomes)

    @property
    def mean_reciprocal_rank(self):
        return sum(1 / outcome.rank for outcome in self.outcomes if outcome.rank) / len(self.outcomes)


def read_cases(path=CASES_FILE):
    with open(path, encoding="utf-8", newline="") as file:
        rows = [row for row in csv.reader(file, delimiter="\t") if row and not row[0].startswith("#")]
    return [Case(language, query, tuple(expected.split("|"))) for language, query, expected in rows]


def english_titles(pages):
    """The English title of each page's community (the page's own when it has no English copy)."""
    keys = {page.translation_key for page in pages}
    english = dict(
        Page.objects.filter(translation_key__in=keys, locale__language_code="en").values_list(
            "translation_key", "title"
        )
    )
    return [english.get(page.translation_key, page.title) for page in pages]


def run_case(case, depth=10):
    locale = Locale.objects.get(language_code=case.language)
    with translation.override(case.language):
        listing = search_directory(DirectoryFilters(q=case.query), locale=locale)
        found = english_titles(listing.forums[:depth])
    rank = next((place for place, title in enumerate(found, start=1) if title in case.expected), None)
    return Outcome(case, found, rank)


def evaluate(cases):
    """``{language: Scores}`` for ``cases``, in the order the languages first appear."""
    scores = {}
    for case in cases:
        scores.setdefault(case.language, Scores(case.language)).outcomes.append(run_case(case))
    return scores
