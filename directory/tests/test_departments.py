"""Department pages: the list of public bodies with their plan status, and each body's plan and
engagements with listed communities."""

import datetime

import pytest

from directory.models import EngagementMode, EngagementStatus, ForumStatus, PlanStatus
from directory.tests.factories import DepartmentPageFactory, EngagementFactory, ForumPageFactory

PLAN = [
    {"type": "heading", "value": "Our approach"},
    {"type": "paragraph", "value": "<p>We answer questions where parents already are.</p>"},
    {"type": "commitments", "value": {"heading": "We will", "items": ["Answer within two days", "Report yearly"]}},
    {
        "type": "review_schedule",
        "value": {"frequency": "every six months", "next_review": "2030-01-15", "notes": "Led by the digital team."},
    },
]


@pytest.fixture
def education(departments_index, directory_index):
    department = DepartmentPageFactory(
        parent=departments_index,
        title="Department for Education",
        slug="dfe",
        acronym="DfE",
        remit="Children's services and education.",
        engagement_plan=PLAN,
        plan_status=PlanStatus.PUBLISHED,
        plan_published=datetime.date(2024, 3, 1),
        plan_next_review=datetime.date(2030, 1, 15),
    )
    netmums = ForumPageFactory(parent=directory_index, title="Netmums")
    student_room = ForumPageFactory(parent=directory_index, title="The Student Room")
    delisted = ForumPageFactory(
        parent=directory_index, title="Delisted Board", status=ForumStatus.DELISTED, status_reason="Spam."
    )
    draft = ForumPageFactory(parent=directory_index, title="Draft Board", live=False)
    EngagementFactory(
        department=department,
        forum=netmums,
        mode=EngagementMode.HOSTED_QA,
        started=datetime.date(2024, 5, 1),
        outcome="Parents found the sessions useful.",
        measured_outcome="calls about free childcare down 12%",
    )
    EngagementFactory(department=department, forum=student_room, status=EngagementStatus.PLANNED)
    EngagementFactory(department=department, forum=delisted)
    EngagementFactory(department=department, forum=draft)
    return department


@pytest.mark.django_db
def test_department_page_shows_plan_and_engagements(client, education):
    """A citizen must see what the body promised and where it takes part, with outcomes."""
    html = client.get("/departments/dfe/").content.decode()
    for text in [
        "Department for Education",
        "Children&#x27;s services and education.",
        "Our approach",
        "We answer questions where parents already are.",
        "Answer within two days",
        "every six months",
        "15 January 2030",
        "Published",
        "1 March 2024",
        "Netmums",
        "The Student Room",
        "Hosted question-and-answer sessions",
        "Planned",
        "May 2024",
        "Parents found the sessions useful.",
        "calls about free childcare down 12%",
    ]:
        assert text in html, text


@pytest.mark.django_db
def test_department_page_hides_engagements_with_unlisted_communities(client, education):
    """A draft or delisted community must not leak through a department's engagement table."""
    html = client.get("/departments/dfe/").content.decode()
    assert "Delisted Board" not in html
    assert "Draft Board" not in html


@pytest.mark.django_db
def test_departments_index_lists_bodies_with_plan_status(client, education, departments_index):
    """The list must show each body's plan status and how many listed communities it engages."""
    DepartmentPageFactory(parent=departments_index, title="Draft Ministry", live=False)
    DepartmentPageFactory(parent=departments_index, title="Ministry of Nothing Yet", plan_status=PlanStatus.NOT_STARTED)
    html = client.get("/departments/").content.decode()
    assert "Department for Education" in html
    assert "Ministry of Nothing Yet" in html
    assert "Not started" in html
    assert "Draft Ministry" not in html
    row = html.split(">Department for Education</a>")[1].split("</tr>")[0]
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in row


@pytest.mark.django_db
def test_departments_index_does_not_query_per_row(
    client, departments_index, directory_index, django_assert_num_queries
):
    """A list of many public bodies must not slow down with each one added."""
    forum = ForumPageFactory(parent=directory_index)

    def add_departments(count):
        for _number in range(count):
            department = DepartmentPageFactory(parent=departments_index)
            EngagementFactory(department=department, forum=forum)

    add_departments(3)
    client.get("/departments/")  # route the address (held until content changes: home/routes.py)
    with django_assert_num_queries(QUERIES_FOR_DEPARTMENTS_INDEX):
        assert client.get("/departments/").status_code == 200
    add_departments(12)
    client.get("/departments/")
    with django_assert_num_queries(QUERIES_FOR_DEPARTMENTS_INDEX):
        assert client.get("/departments/").status_code == 200


# The public content version (the route and its view restrictions are held: home/routes.py), the
# site settings, and the departments with their counts.
QUERIES_FOR_DEPARTMENTS_INDEX = 6
