"""Tests for ``directory/delisting.py``: a delisted community leaves every public surface but keeps its page.

Each surface is checked with a listed control community beside the delisted one, so a surface
that shows nothing at all cannot pass by accident.
"""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import PageLogEntry

from directory.delisting import delist_forum, relist_forum
from directory.models import EngagementStatus, ForumPage, ForumStatus
from directory.opendata.openreferral.identifiers import service_id
from directory.tests.factories import DepartmentPageFactory, EngagementFactory, ForumPageFactory

REASON = "The community asked to be removed."


@pytest.fixture
def communities(directory_index, departments_index):
    """Two communities on the same topic, both engaged by one department; the first gets delisted."""
    hidden, visible = (
        ForumPageFactory(
            parent=directory_index,
            title=title,
            slug=title.lower().replace(" ", "-"),
            summary=summary,
            operator_name=f"{title} Operator Ltd",
            topics=["quokkas"],
        )
        for title, summary in [
            ("Hidden Harbour", "Quokka keepers help each other."),
            ("Visible Valley", "Quokka fans share tips."),
        ]
    )
    department = DepartmentPageFactory(parent=departments_index, title="Department for Quokkas", slug="quokkas-dept")
    for forum in (hidden, visible):
        EngagementFactory(department=department, forum=forum, status=EngagementStatus.ACTIVE)
    for forum in (hidden, visible):
        forum.save_revision().publish()  # a first published date, as real entries have
    return {"hidden": ForumPage.objects.get(pk=hidden.pk), "visible": ForumPage.objects.get(pk=visible.pk)}


PUBLIC_SURFACES = {
    "home page": "/",
    "directory listing": "/directory/",
    "directory search": "/directory/?q=quokka",
    "directory topic filter": "/directory/?topic=quokkas",
    "site search": "/search/?q=quokka",
    "sitemap": "/sitemap.xml",
    "latest feed (Atom)": "/feeds/latest.atom",
    "latest feed (RSS)": "/feeds/latest.rss",
    "topic feed": "/feeds/topic/quokkas.atom",
    "department feed": "/feeds/department/quokkas-dept.atom",
    "department page": "/departments/quokkas-dept/",
    "CSV export": "/directory/export.csv",
    "JSON export": "/directory/export.json",
    "Wagtail API": "/api/v2/pages/?type=directory.ForumPage&fields=title,summary",
    "Wagtail API search": "/api/v2/pages/?search=quokka",
    "Open Referral services": "/openreferral/services",
    "Open Referral search": "/openreferral/services?search=quokka",
    "Open Referral organizations": "/openreferral/organizations",
}


def body(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def shows(text, forum_name):
    """Whether a response names the community (its title) or links to it (its slug, as in the sitemap)."""
    return forum_name in text or forum_name.lower().replace(" ", "-") in text


@pytest.mark.parametrize("surface", list(PUBLIC_SURFACES))
def test_delisted_community_leaves_every_public_surface(surface, communities, client):
    """A community that asked to be removed, or was spam, would still be shown or served somewhere."""
    url = PUBLIC_SURFACES[surface]
    before = body(client.get(url))
    assert shows(before, "Visible Valley")
    assert shows(before, "Hidden Harbour"), "the control: the community is there before it is delisted"

    delist_forum(communities["hidden"], REASON)

    response = client.get(url)
    after = body(response)
    assert response.status_code == 200
    assert shows(after, "Visible Valley")
    assert not shows(after, "Hidden Harbour")


def test_delisted_community_leaves_the_progress_figures(communities):
    """Government would be credited with engaging a community that is no longer listed."""
    from directory.progress import progress_figures

    assert progress_figures().totals["active"] == 2
    delist_forum(communities["hidden"], REASON)

    progress = progress_figures()
    assert progress.totals["active"] == 1
    assert [(topic.name, topic.communities) for topic in progress.topics] == [("quokkas", 1)]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v2/pages/{pk}/",
        "/openreferral/services/{service_id}",
    ],
)
def test_delisted_community_is_not_served_by_id(url, communities, client):
    """Someone holding the old API address would still get the delisted entry."""
    hidden = communities["hidden"]
    url = url.format(pk=hidden.pk, service_id=service_id(hidden))
    assert client.get(url).status_code == 200

    delist_forum(hidden, REASON)

    assert client.get(url).status_code == 404


def test_the_page_stays_and_says_why(communities, client):
    """Old links would break, or readers would not learn why the entry has gone."""
    hidden = communities["hidden"]
    delist_forum(hidden, REASON)

    response = client.get("/directory/hidden-harbour/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "This community is no longer listed in the directory." in html
    assert REASON in html
    assert '<meta name="robots" content="noindex">' in html


def test_history_is_kept(communities):
    """Delisting would lose the record of what the entry said and when it changed."""
    hidden = communities["hidden"]
    revisions_before = hidden.revisions.count()

    delist_forum(hidden, REASON)

    hidden.refresh_from_db()
    assert hidden.live
    assert (hidden.status, hidden.status_reason) == (ForumStatus.DELISTED, REASON)
    assert hidden.revisions.count() == revisions_before + 1
    assert PageLogEntry.objects.filter(page=hidden, action="wagtail.publish").count() >= 2


def test_history_stays_readable_but_contributions_close(communities, client):
    """Readers could not see what a delisted entry said, or could send edits nobody would act on."""
    hidden = communities["hidden"]
    delist_forum(hidden, REASON)
    hidden.refresh_from_db()

    page = client.get(hidden.url).content.decode()
    assert f'href="{hidden.url}history/"' in page
    assert f'href="{hidden.url}suggest/"' not in page
    history = client.get(f"{hidden.url}history/")
    assert history.status_code == 200
    assert "Hidden Harbour" in history.content.decode()
    assert client.get(f"{hidden.url}suggest/").status_code == 404
    assert client.get(f"{hidden.url}report/").status_code == 404


def test_a_reason_is_required(communities):
    """An entry could vanish from the directory with no public explanation."""
    with pytest.raises(ValidationError):
        delist_forum(communities["hidden"], "  ")
    communities["hidden"].refresh_from_db()
    assert communities["hidden"].status == ForumStatus.ACTIVE


def test_relisting_brings_it_back(communities, client):
    """An entry delisted by mistake could not be restored."""
    delist_forum(communities["hidden"], REASON)
    relist_forum(communities["hidden"])

    assert "Hidden Harbour" in client.get("/directory/").content.decode()
    communities["hidden"].refresh_from_db()
    assert communities["hidden"].status_reason == ""
