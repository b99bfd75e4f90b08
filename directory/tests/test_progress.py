"""Tests for ``directory/progress.py`` and the /progress/ page: the figures must equal the data."""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from taggit.models import Tag
from wagtail.models import Locale

from directory.models import EngagementStatus, ForumStatus, PlanStatus, TopicName
from directory.progress import progress_figures
from directory.tests.factories import DepartmentPageFactory, EngagementFactory, ForumPageFactory

S = EngagementStatus


@pytest.fixture
def government(directory_index, departments_index, settings):
    """Three public bodies, five listed communities, one delisted, one draft body; topics for coverage."""
    settings.DIRECTORY_COVERAGE_MIN_COMMUNITIES = 3

    def forum(title, topics, **kwargs):
        return ForumPageFactory(parent=directory_index, title=title, topics=topics, **kwargs)

    forums = {
        "mumsnet": forum("Mumsnet", ["parenting", "money"]),
        "netmums": forum("Netmums", ["parenting"]),
        "dads": forum("Dads Net", ["parenting"]),
        "moneysaving": forum("MoneySavingExpert", ["money"]),
        "studentroom": forum("The Student Room", ["money", "students"]),
        "gone": forum("Gone", ["parenting"], status=ForumStatus.DELISTED, status_reason="Spam"),
    }
    departments = {
        "dfe": DepartmentPageFactory(parent=departments_index, title="Department for Education", acronym="DfE"),
        "dwp": DepartmentPageFactory(
            parent=departments_index,
            title="Department for Work and Pensions",
            acronym="DWP",
            plan_status=PlanStatus.DRAFT,
        ),
        "hmrc": DepartmentPageFactory(parent=departments_index, title="HM Revenue and Customs", acronym="HMRC"),
        "draft": DepartmentPageFactory(parent=departments_index, title="Unpublished Office", live=False),
    }
    departments["dfe"].topics.add("parenting")
    departments["dfe"].save()
    for department, forum_key, status in [
        ("dfe", "mumsnet", S.IDENTIFIED),
        ("dfe", "netmums", S.ENDED),
        ("dfe", "studentroom", S.ACTIVE),
        ("dfe", "gone", S.ACTIVE),  # delisted: not counted anywhere
        ("dwp", "moneysaving", S.ACTIVE),
        ("dwp", "mumsnet", S.PAUSED),
        ("dwp", "studentroom", S.PLANNED),
        ("draft", "dads", S.ACTIVE),  # unpublished body: not counted
    ]:
        EngagementFactory(department=departments[department], forum=forums[forum_key], status=status)
    return {"forums": forums, "departments": departments}


def test_each_body_counts_its_listed_communities(government):
    """The public would read wrong figures for a department's engagement."""
    progress = progress_figures()

    rows = {d.acronym: (d.identified, d.engaged, d.active) for d in progress.departments}
    assert rows == {"DfE": (3, 2, 1), "DWP": (3, 2, 1), "HMRC": (0, 0, 0)}
    assert [d.title for d in progress.departments] == [
        "Department for Education",
        "Department for Work and Pensions",
        "HM Revenue and Customs",
    ]


def test_totals_count_each_community_once(government):
    """Totals would double-count communities several bodies engage with, or count delisted ones."""
    progress = progress_figures()

    assert progress.totals == {
        "departments": 3,
        "plans_published": 2,
        "plans_overdue": 0,
        "identified": 4,  # Mumsnet, Netmums, The Student Room, MoneySavingExpert
        "engaged": 4,  # Netmums (ended), Student Room (active), MoneySavingExpert (active), Mumsnet (paused)
        "active": 2,  # Student Room, MoneySavingExpert
    }
    assert [(status, count) for status, _label, count in progress.engagements_by_status] == [
        ("identified", 1),
        ("planned", 1),
        ("active", 2),
        ("paused", 1),
        ("ended", 1),
    ]


def test_topics_and_coverage_gaps(government):
    """The coverage view would point at topics where government already listens, or hide real gaps."""
    progress = progress_figures()

    topics = {topic.name: (topic.communities, topic.listening) for topic in progress.topics}
    # The delisted community's "parenting" tag is not counted; ended engagements are not listening.
    assert topics == {"parenting": (3, 0), "money": (3, 2), "students": (1, 1)}
    assert [topic.name for topic in progress.topics] == ["money", "parenting", "students"]
    assert [topic.name for topic in progress.gaps] == ["parenting"]
    assert [d.title for d in progress.gaps[0].responsible] == ["Department for Education"]


def test_a_small_topic_is_not_a_gap(government, settings):
    """Every one-off topic would be shown as a place government ignores."""
    settings.DIRECTORY_COVERAGE_MIN_COMMUNITIES = 4

    assert progress_figures().gaps == []


def test_overdue_plans_are_counted(government):
    """A body whose plan review date has passed would look up to date."""
    import datetime

    dwp = government["departments"]["dwp"]
    dwp.plan_next_review = datetime.date(2000, 1, 1)
    dwp.save_revision().publish()

    assert progress_figures().totals["plans_overdue"] == 1


def count_queries(function):
    with CaptureQueriesContext(connection) as queries:
        function()
    return len(queries)


def add_more_government(directory_index, departments_index, n):
    for index in range(n):
        department = DepartmentPageFactory(parent=departments_index)
        department.topics.add(f"extra-{index}")
        department.save()
        forum = ForumPageFactory(parent=directory_index, topics=[f"extra-{index}"])
        EngagementFactory(department=department, forum=forum, status=S.ACTIVE)
        EngagementFactory(department=department, forum=ForumPageFactory(parent=directory_index), status=S.PLANNED)


def test_figures_take_the_same_queries_however_large_the_directory(government, directory_index, departments_index):
    """/progress/ would slow down with every department and community added."""
    few = count_queries(progress_figures)
    add_more_government(directory_index, departments_index, 15)
    many = count_queries(progress_figures)

    assert few == many
    assert many <= 6  # private pages (read once), locale, bodies, totals, topics, responsible bodies


def test_page_takes_the_same_queries_however_large_the_directory(
    government, directory_index, departments_index, client
):
    """The page would query once per department or topic (N+1)."""
    client.get("/progress/")  # route the address (held until content changes: home/routes.py)
    few = count_queries(lambda: client.get("/progress/"))
    add_more_government(directory_index, departments_index, 15)
    client.get("/progress/")
    many = count_queries(lambda: client.get("/progress/"))

    assert few == many


def test_page_shows_the_figures(government, client):
    """The public page would show figures different from the data, or none."""
    response = client.get("/progress/")
    html = response.content.decode()

    assert response.status_code == 200
    row = re.search(r"Department for Work and Pensions</a> \(DWP\)(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r'numeric">(\d+)<', row) == ["3", "2", "1"]
    assert 'data-figure="identified">4<' in html
    assert 'data-figure="active">2<' in html
    assert "In draft" in html
    assert "Unpublished Office" not in html
    assert "Gone" not in html
    coverage = html.split('id="coverage-table"')[1].split("</table>")[0]
    assert "parenting" in coverage and "money" not in coverage
    assert "Department for Education" in coverage


def test_charts_are_accessible_without_script_or_inline_styles(government, client):
    """Screen-reader users would get an unlabelled picture, or the page would break the CSP."""
    html = client.get("/progress/").content.decode()

    for chart_id in ("chart-status", "chart-topics"):
        svg = re.search(rf'<svg id="{chart_id}".*?</svg>', html, re.S).group(0)
        assert 'role="img"' in svg
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in svg
        assert f'<title id="{chart_id}-title">' in svg
        assert f'<desc id="{chart_id}-desc">' in svg
        assert f'id="{chart_id}-table"' in html
    status_table = html.split('id="chart-status-table"')[1].split("</table>")[0]
    assert re.findall(r'numeric">(\d+)<', status_table) == ["1", "1", "2", "1", "1"]
    assert "Active: 2" in html  # the chart's description says the figures too
    assert " style=" not in html
    assert "<script>" not in html


def test_csv_download_has_a_row_per_body_and_totals(government, client):
    """Analysts downloading the table would get figures different from the page."""
    response = client.get("/progress/csv/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "Public body"
    assert [row[0] for row in rows[1:]] == [
        "Department for Education",
        "Department for Work and Pensions",
        "HM Revenue and Customs",
        "All public bodies",
    ]
    assert rows[2][1:3] == ["DWP", "In draft"]
    assert rows[2][5:] == ["3", "2", "1"]
    assert rows[-1][5:] == ["4", "4", "2"]


def test_an_empty_government_still_renders(site_tree, client):
    """A new site with no departments would show an error instead of the page."""
    response = client.get("/progress/")

    assert response.status_code == 200
    assert "No public bodies are listed yet." in response.content.decode()


def test_topics_read_in_welsh_on_the_welsh_site(government):
    """The Welsh progress page must name topics in Welsh in its chart, table and coverage list, and
    mark a topic with no Welsh name yet as English, or a screen reader reads it with Welsh sounds."""
    TopicName.objects.create(tag=Tag.objects.get(name="parenting"), name_cy="magu plant")
    with translation.override("cy"):
        progress = progress_figures(Locale.objects.get(language_code="en"))
        bars = [(bar.label, bar.lang) for bar in progress.topic_chart.bars]
        gaps = [(topic.label, topic.lang) for topic in progress.gaps]
    assert bars == [("Money", "en"), ("Magu plant", ""), ("Students", "en")]
    assert gaps == [("magu plant", "")]
