"""The terms of a page of communities, read in one query compiled once per number of communities."""

import pytest

from directory.listing.sql import term_rows
from directory.tests.factories import AudienceFactory, CommunityTypeFactory, ForumPageFactory, RegionFactory


@pytest.mark.django_db
def test_each_community_gets_its_own_terms_when_the_query_is_reused(directory_index):
    """The terms query is compiled once per number of communities: a page must never show another's topics."""
    kinds = [CommunityTypeFactory(slug=slug) for slug in ("forum", "group")]
    forums = [
        ForumPageFactory(
            parent=directory_index,
            topics=[f"topic {number}"],
            audiences=[AudienceFactory(slug=f"audience-{number}")],
            regions=[RegionFactory(slug=f"region-{number}")],
            community_type=kinds[number % 2],
        )
        for number in range(4)
    ]

    def terms(chosen, with_type=False):
        rows = term_rows([forum.pk for forum in chosen], with_type)
        return {part: sorted((row["t_forum"], row["t_slug"]) for row in found) for part, found in rows.items()}

    for chosen in ([forums[0]], [forums[1]], forums[:2], forums[2:], [forums[3], forums[0]]):
        expected = {
            "topics": sorted((forum.pk, forum.topics.get().slug) for forum in chosen),
            "audiences": sorted((forum.pk, forum.audiences.get().slug) for forum in chosen),
            "regions": sorted((forum.pk, forum.regions.get().slug) for forum in chosen),
        }
        assert terms(chosen) == expected
        assert terms(chosen, with_type=True) == {
            **expected,
            "type": sorted((forum.pk, forum.community_type.slug) for forum in chosen),
        }
