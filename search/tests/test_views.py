"""Site search: communities and departments in two groups, only what is public, in this language."""

import pytest

from directory.listing.results import SITE_SEARCH_GROUP_SIZE
from directory.models import ForumStatus
from directory.tests.factories import DepartmentPageFactory, ForumPageFactory


@pytest.fixture
def content(directory_index, departments_index):
    ForumPageFactory(parent=directory_index, title="Netmums", summary="Parents share parenting advice.")
    ForumPageFactory(parent=directory_index, title="Gransnet", summary="Grandparents talk parenting and family.")
    ForumPageFactory(parent=directory_index, title="Draft parenting board", live=False)
    ForumPageFactory(
        parent=directory_index, title="Delisted parenting board", status=ForumStatus.DELISTED, status_reason="Spam."
    )
    DepartmentPageFactory(
        parent=departments_index, title="Department for Education", acronym="DfE", remit="Parenting support."
    )
    DepartmentPageFactory(parent=departments_index, title="Draft parenting department", live=False)


@pytest.mark.django_db
def test_search_groups_communities_and_departments(client, content):
    """People must see which results are communities and which are public bodies."""
    response = client.get("/search/?q=parenting")
    assert response.status_code == 200
    html = response.content.decode()
    results = response.context["results"]
    assert results.community_count == 2
    assert results.department_count == 1
    communities, departments = html.split('id="departments-heading"')
    assert "Netmums" in communities and "Gransnet" in communities
    assert "Department for Education" in departments
    assert 'href="/directory/?q=parenting"' in html
    assert "See all 2 communities in the directory" in html


@pytest.mark.django_db
def test_search_never_finds_drafts_or_delisted_entries(client, content):
    """Unapproved nominations and delisted communities must not surface through search."""
    html = client.get("/search/?q=parenting").content.decode()
    assert "Draft parenting board" not in html
    assert "Delisted parenting board" not in html
    assert "Draft parenting department" not in html


@pytest.mark.django_db
def test_each_group_shows_its_first_few_and_counts_all(client, directory_index):
    """A common word must not produce an endless page: the group links on to the directory."""
    for number in range(SITE_SEARCH_GROUP_SIZE + 3):
        ForumPageFactory(parent=directory_index, title=f"Money board {number}", summary="Money tips.")
    results = client.get("/search/?q=money").context["results"]
    assert len(results.communities) == SITE_SEARCH_GROUP_SIZE
    assert results.community_count == SITE_SEARCH_GROUP_SIZE + 3


@pytest.mark.django_db
def test_odd_queries_never_fail(client, content):
    """Whatever someone types, the search page must answer, not error, and show it back safely."""
    for query in ["", "%22", "AND%20(", "NEAR(a%20b)%20*", "x" * 5000, "parenting&q=twice", "%00"]:
        assert client.get(f"/search/?q={query}").status_code == 200, query
    html = client.get("/search/?q=%3Cscript%3Ealert(1)%3C/script%3E").content.decode()
    assert "&lt;script&gt;alert(1)" in html
    assert "<script>alert(1)" not in html


@pytest.mark.django_db
def test_no_results_page_helps(client, content):
    """A search that finds nothing must suggest what to try next."""
    html = client.get("/search/?q=zebras").content.decode()
    assert "No results for “zebras”" in html
    assert "browse the directory" in html
