"""Fixtures for the listing's tests: a few communities described as people would describe them."""

import pytest

from directory.models import EngagementPreference, EngagementStatus
from directory.tests.factories import (
    AudienceFactory,
    CommunityTypeFactory,
    DepartmentPageFactory,
    EngagementFactory,
    ForumPageFactory,
    RegionFactory,
)

LONG_DESCRIPTION = (
    "Members swap tips on budgets, energy bills, broadband deals, savings accounts and mortgages. "
    "Threads cover everything from supermarket vouchers to pensions, and a busy board on parenting "
    "costs such as childcare and school uniforms. Volunteers keep the boards friendly and on topic."
)


@pytest.fixture
def vocab(db):
    """The seeded vocabularies (factories get them by slug)."""
    return {
        "parents": AudienceFactory(slug="parents"),
        "students": AudienceFactory(slug="students"),
        "wales": RegionFactory(slug="wales"),
        "scotland": RegionFactory(slug="scotland"),
        "forum": CommunityTypeFactory(slug="forum"),
        "blog": CommunityTypeFactory(slug="blog"),
    }


@pytest.fixture
def netmums_and_friends(directory_index, departments_index, vocab):
    """Netmums is about parenting; two other communities only mention parenting in passing."""
    netmums = ForumPageFactory(
        parent=directory_index,
        title="Netmums",
        summary="Where parents share advice on pregnancy, babies, toddlers and family life.",
        description="A large UK forum for mums and dads.",
        community_type=vocab["forum"],
        topics=["parenting", "pregnancy"],
        audiences=[vocab["parents"]],
        regions=[vocab["wales"], vocab["scotland"]],
        members=2_000_000,
    )
    moneysaving = ForumPageFactory(
        parent=directory_index,
        title="MoneySavingExpert Forum",
        summary="Money tips from people who have been there.",
        description=LONG_DESCRIPTION,
        community_type=vocab["forum"],
        topics=["money", "benefits"],
        audiences=[vocab["parents"], vocab["students"]],
        regions=[vocab["scotland"]],
        members=1_500_000,
        engagement_preference=EngagementPreference.BY_ARRANGEMENT,
    )
    student_room = ForumPageFactory(
        parent=directory_index,
        title="The Student Room",
        summary="Students help each other with exams, universities and student finance.",
        description=(
            "Boards for every subject and university, applications and clearing, student finance, "
            "accommodation, mental health and a small board for students who are parenting while they study."
        ),
        community_type=vocab["blog"],
        topics=["education", "student-finance"],
        audiences=[vocab["students"]],
        regions=[vocab["wales"]],
        members=3_000_000,
        engagement_preference=EngagementPreference.DOES_NOT_WELCOME,
    )
    education = DepartmentPageFactory(parent=departments_index, title="Department for Education", slug="dfe")
    EngagementFactory(department=education, forum=student_room)
    EngagementFactory(department=education, forum=netmums, status=EngagementStatus.ENDED)
    return {"netmums": netmums, "moneysaving": moneysaving, "student_room": student_room, "dfe": education}
