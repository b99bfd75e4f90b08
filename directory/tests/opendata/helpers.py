"""A small directory for the open-data tests: public entries and the ones that must never appear.

``build_directory`` makes two listed communities (one fully described), a draft, a delisted
entry and a password-protected one, plus a department engaging with them. Each hidden entry
carries a marker in its name so a test can check a whole response body for it.
"""

import datetime
from dataclasses import dataclass

from wagtail.models import PageViewRestriction

from directory.models import EngagementMode, ForumStatus, OperatorKind
from directory.tests.factories import (
    AudienceFactory,
    CommunityTypeFactory,
    DepartmentPageFactory,
    EngagementFactory,
    ForumPageFactory,
    RegionFactory,
)

HIDDEN_MARKERS = ("Draft Secret", "Delisted Secret", "Protected Secret")
PRIVATE_MARKERS = ("private.example", "Private Person", "Editors only")


@dataclass
class Directory:
    netmums: object
    money: object
    draft: object
    delisted: object
    protected: object
    department: object
    parents: object
    wales: object
    forum_type: object


def build_directory(directory_index, departments_index):
    # The seeded vocabularies: "Parents and carers", "Wales", "Discussion forum".
    parents = AudienceFactory(slug="parents")
    wales = RegionFactory(slug="wales")
    forum_type = CommunityTypeFactory(slug="forum")
    netmums = ForumPageFactory(
        parent=directory_index,
        title="Netmums",
        website="https://www.netmums.com/",
        summary="Parents share advice on pregnancy, babies and family life.",
        description="A large UK forum for mums and dads.",
        community_type=forum_type,
        topics=["Parenting", "Pregnancy"],
        audiences=[parents],
        regions=[wales],
        languages="English, Welsh",
        operator_name="Netmums Ltd",
        operator_kind=OperatorKind.COMPANY,
        members=2_000_000,
        is_moderated=True,
        welcomes_expert_answers=True,
        editor_notes="Editors only: check the figures.",
        cost="free",
        registration="to_post",
        how_to_join="contact_first",
        contact_route="Use the form on the home page.",
        minimum_age=16,
        activity="over_1000",
        activity_checked=datetime.date(2026, 11, 20),
    )
    money = ForumPageFactory(
        parent=directory_index,
        title="Money Forum",
        website="https://money.example.org/",
        summary="Money tips from people who have been there.",
        topics=["Money"],
        operator_name="netmums   LTD",
    )
    # Published through revisions, as editors do, so they have publication dates.
    for forum in (netmums, money):
        forum.save_revision().publish()
    draft = ForumPageFactory(parent=directory_index, title="Draft Secret", live=False, topics=["Parenting"])
    delisted = ForumPageFactory(
        parent=directory_index,
        title="Delisted Secret",
        status=ForumStatus.DELISTED,
        status_reason="Closed to new members.",
        topics=["Parenting"],
    )
    protected = ForumPageFactory(parent=directory_index, title="Protected Secret", topics=["Parenting"])
    PageViewRestriction.objects.create(page=protected, restriction_type=PageViewRestriction.PASSWORD, password="x")
    department = DepartmentPageFactory(parent=departments_index, title="Department for Education", slug="dfe")
    department.save_revision().publish()
    for forum in (netmums, draft, delisted):
        EngagementFactory(department=department, forum=forum, mode=EngagementMode.EXPERT_ANSWERS)
    return Directory(netmums, money, draft, delisted, protected, department, parents, wales, forum_type)


def assert_nothing_hidden(body):
    """Fail if a response body mentions a draft, delisted or protected entry, or any private field."""
    text = body.decode() if isinstance(body, bytes) else body
    for marker in HIDDEN_MARKERS + PRIVATE_MARKERS:
        assert marker not in text, f"{marker!r} must never be public"


def get_json(client, url, status=200, **params):
    """A JSON response's body, after checking its status and that it shows nothing hidden or private."""
    response = client.get(url, params)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert_nothing_hidden(response.content)
    return response.json()


def many_forums(directory_index, count, topics=("Parenting",)):
    """``count`` plain listed communities, each with a topic, an audience and a region."""
    audience = AudienceFactory(slug="students")
    region = RegionFactory(slug="uk")
    return [
        ForumPageFactory(parent=directory_index, topics=list(topics), audiences=[audience], regions=[region])
        for _number in range(count)
    ]
