"""Facets and their counts: AND across facets, OR within one, each counted with the others applied."""

import pytest

from directory.models import EngagementPreference
from directory.tests.listing.helpers import facet, search, titles


@pytest.mark.django_db
def test_facet_counts_cover_the_whole_result_set(netmums_and_friends):
    """Wrong counts next to the checkboxes would send people to empty or different lists."""
    results = search()
    assert results.total == 3
    assert facet(results, "topic") == {
        "parenting": 1,
        "pregnancy": 1,
        "money": 1,
        "benefits": 1,
        "education": 1,
        "student-finance": 1,
    }
    assert facet(results, "audience") == {"parents": 2, "students": 2}
    assert facet(results, "region") == {"scotland": 2, "wales": 2}
    assert facet(results, "type") == {"blog": 1, "forum": 2}
    assert facet(results, "preference") == {
        EngagementPreference.WELCOMES: 1,
        EngagementPreference.BY_ARRANGEMENT: 1,
        EngagementPreference.DOES_NOT_WELCOME: 1,
    }
    # DfE's engagement with Netmums has ended, so it counts only The Student Room.
    assert facet(results, "department") == {"dfe": 1}


@pytest.mark.django_db
def test_facet_counts_follow_the_text_search(netmums_and_friends):
    """Counts that ignored the search box would promise results that are not there."""
    results = search("q=exams")  # "student" also finds communities for students, by their audience
    assert titles(results) == ["The Student Room"]
    assert facet(results, "audience") == {"students": 1}
    assert facet(results, "type") == {"blog": 1}


@pytest.mark.django_db
def test_facets_combine_with_and_across_and_or_within(netmums_and_friends):
    """Ticking "Parents" and "Scotland" must narrow the list, and two topics must widen it."""
    assert sorted(titles(search("audience=parents"))) == ["MoneySavingExpert Forum", "Netmums"]
    assert titles(search("audience=parents&region=wales")) == ["Netmums"]
    assert titles(search("audience=parents&region=wales&type=blog")) == []
    assert sorted(titles(search("topic=money&topic=education"))) == ["MoneySavingExpert Forum", "The Student Room"]
    assert titles(search("department=dfe")) == ["The Student Room"]
    assert titles(search("preference=does_not_welcome")) == ["The Student Room"]


@pytest.mark.django_db
def test_each_facet_is_counted_with_the_other_facets_applied(netmums_and_friends):
    """With Wales ticked, the audience counts must be for Wales, while the region counts stay open."""
    results = search("region=wales")
    assert facet(results, "audience") == {"parents": 1, "students": 1}
    assert facet(results, "region") == {"scotland": 2, "wales": 2}
    audience = next(f for f in results.facets if f.name == "region")
    assert [option.value for option in audience.options if option.selected] == ["wales"]


@pytest.mark.django_db
def test_facets_combine_with_text_search(netmums_and_friends):
    """Searching and ticking a box must give the intersection, not either one."""
    assert sorted(titles(search("q=parenting&audience=students"))) == ["MoneySavingExpert Forum", "The Student Room"]
    assert titles(search("q=parenting&type=blog")) == ["The Student Room"]
    assert titles(search("q=parenting&type=blog&region=scotland")) == []


@pytest.mark.django_db
def test_every_topic_can_be_ticked_and_starts_with_a_capital(directory_index):
    """A topic past the twentieth must still be reachable (folded under "Show more topics"), and
    topics read as labels ("Student finance"), not as lower-case tags."""
    from directory.tests.factories import ForumPageFactory

    topics = [f"topic {number:02d}" for number in range(25)]
    ForumPageFactory(parent=directory_index, title="Many topics", topics=topics)
    results = search()
    topic_facet = next(item for item in results.facets if item.name == "topic")
    assert len(topic_facet.first_options) == 20
    assert len(topic_facet.more_options) == 5
    assert {option.label for option in topic_facet.options} == {f"Topic {number:02d}" for number in range(25)}
    # A ticked topic from the folded part is shown unfolded, so it can be seen and unticked.
    ticked = next(item for item in search("topic=topic-24").facets if item.name == "topic")
    assert ticked.first_options[0].value == "topic-24"
