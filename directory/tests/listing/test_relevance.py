"""The relevance set (data/relevance.tsv, the issue's spec) against the demo directory: hits@3 per language.

``make relevance`` prints the same figures with MRR. The set is not special-cased anywhere: the
behaviour it relies on is tested on other words in test_search_meaning.py and test_text_search.py.
"""

import pytest

from devdata.demo import load_demo_content, load_search_synonyms, load_welsh_demo_content
from devdata.relevance import evaluate, read_cases

HITS_AT_3 = 0.9


@pytest.mark.django_db
def test_people_find_what_they_mean_in_both_languages(home_page, site_tree):
    """Below 90%, a citizen typing an everyday query (a typo, a plural, a Welsh word) too often
    gets nothing useful in the first three results and concludes the directory is empty."""
    load_demo_content(site_tree)
    load_search_synonyms()
    load_welsh_demo_content(home_page, site_tree)
    scores = evaluate(read_cases())
    assert set(scores) == {"en", "cy"}
    for language, score in scores.items():
        missed = [(miss.case.query, miss.found[:3]) for miss in score.outcomes if not miss.rank or miss.rank > 3]
        assert score.hits_at_3 >= HITS_AT_3, (language, missed)
