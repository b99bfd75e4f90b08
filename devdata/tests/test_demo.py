"""The demo content: the seed report's communities and departments, loaded idempotently."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, Revision

from devdata.demo import DEPARTMENTS, FORUMS, load_demo_content
from directory.models import (
    DepartmentPage,
    EngagementMode,
    EngagementPreference,
    EngagementStatus,
    FigureSource,
    ForumPage,
)

SEED_FIGURES = {
    "The Student Room": {"monthly_visitors": 1_400_000, "volunteer_moderators": 60},
    "MoneySavingExpert forums": {"monthly_visitors": 6_400_000},
    "Army Rumour Service": {"members": 42_000},
    "The Poultry Keeper": {"posts": 70_000},
    "Noise Abatement Society forum": {"posts": 3_000},
    "Sheffield Forum": {"posts": 2_000_000},
}


@pytest.fixture
def demo(site_tree):
    return load_demo_content(site_tree)


@pytest.mark.django_db
def test_the_seed_communities_are_published_with_the_reports_figures(demo):
    """Without this, the demo would not show the communities the report names, or would misquote its figures."""
    for title, figures in SEED_FIGURES.items():
        forum = ForumPage.objects.listed().get(title=title)
        for name, value in figures.items():
            assert getattr(forum, name) == value, (title, name)
        assert forum.figures_source == FigureSource.PUBLISHED
        assert datetime.date(2008, 12, 1) <= forum.figures_as_of <= datetime.date(2009, 12, 31)
    netmums = ForumPage.objects.listed().get(title="Netmums")
    assert "20,000 new members a month" in netmums.description
    idea = ForumPage.objects.listed().get(title="IDeA Communities of Practice")
    assert idea.community_type.slug == "community-of-practice"
    assert idea.audiences.get().slug == "professionals"


@pytest.mark.django_db
def test_demo_has_more_than_the_seed_and_varied_preferences(demo):
    """Without this, the demo could not show filters at work, or a community that does not welcome officials."""
    assert ForumPage.objects.listed().count() == len(FORUMS) > 8
    preferences = set(ForumPage.objects.values_list("engagement_preference", flat=True))
    assert preferences == set(EngagementPreference.values)
    assert ForumPage.objects.filter(languages__icontains="Welsh", regions__slug="cardiff").exists()
    assert ForumPage.objects.get(slug="sheffield-forum").topics.filter(name="local news").exists()


@pytest.mark.django_db
def test_departments_have_plans_and_the_seeds_engagements(demo):
    """Without this, the departments pages and progress page would have nothing from the report to show."""
    assert set(DepartmentPage.objects.live().values_list("acronym", flat=True)) == {"DfE", "DH", "DWP", "MOD", "DIUS"}
    dius = DepartmentPage.objects.get(acronym="DIUS")
    campaign = dius.engagements.get(forum__title="The Student Room")
    assert campaign.mode == EngagementMode.OFFICIAL_POSTS
    assert campaign.status == EngagementStatus.ENDED
    assert "mature students" in campaign.outcome
    referral = DepartmentPage.objects.get(acronym="DH").engagements.get(forum__title="The Student Room")
    assert referral.mode == EngagementMode.MODERATOR_REFERRAL
    assert "NHS Direct" in referral.team
    measured = DepartmentPage.objects.get(acronym="DWP").engagements.exclude(measured_outcome="").get()
    assert measured.measured_outcome.startswith("Illustrative")
    for department in DepartmentPage.objects.all():
        assert [block.block_type for block in department.engagement_plan] == [
            "heading",
            "paragraph",
            "commitments",
            "review_schedule",
        ]
    does_not_welcome = ForumPage.objects.filter(engagement_preference=EngagementPreference.DOES_NOT_WELCOME)
    assert not DepartmentPage.objects.filter(engagements__forum__in=does_not_welcome).exists()


@pytest.mark.django_db
def test_every_demo_page_has_a_published_revision_in_its_history(demo):
    """Without this, editors exploring the demo would find no history to compare or roll back."""
    pages = list(ForumPage.objects.all()) + list(DepartmentPage.objects.all())
    assert len(pages) == len(FORUMS) + len(DEPARTMENTS)
    for page in pages:
        assert page.live and not page.has_unpublished_changes
        assert page.live_revision_id == page.latest_revision_id is not None
        assert PageLogEntry.objects.filter(page=page, action="wagtail.publish").exists()


@pytest.mark.django_db
def test_loading_twice_adds_no_pages_and_no_revisions(demo, site_tree):
    """Without this, each `make run` would duplicate the demo or bury editors' history in empty revisions."""
    pages, revisions, log_entries = Page.objects.count(), Revision.objects.count(), PageLogEntry.objects.count()
    again = load_demo_content(site_tree)
    assert (again.forums.created, again.forums.updated) == (0, 0)
    assert (again.departments.created, again.departments.updated) == (0, 0)
    assert again.forums.unchanged == len(FORUMS)
    assert (Page.objects.count(), Revision.objects.count(), PageLogEntry.objects.count()) == (
        pages,
        revisions,
        log_entries,
    )


@pytest.mark.django_db
def test_loading_again_restores_changed_demo_content_with_one_new_revision(demo, site_tree):
    """Without this, a demo site edited by hand could not be put back to the seed's figures."""
    forum = ForumPage.objects.get(slug="the-student-room")
    forum.monthly_visitors = 5
    forum.topics.add("gossip")
    forum.save_revision().publish()
    department = DepartmentPage.objects.get(acronym="DWP")
    department.engagements.first().delete()
    revisions = Revision.objects.count()

    again = load_demo_content(site_tree)

    assert (again.forums.updated, again.departments.updated) == (1, 1)
    assert Revision.objects.count() == revisions + 2
    forum = ForumPage.objects.get(pk=forum.pk)
    assert forum.monthly_visitors == 1_400_000
    assert "gossip" not in forum.topics.names()
    assert DepartmentPage.objects.get(acronym="DWP").engagements.count() == 2


@pytest.mark.django_db
def test_load_demo_command_reports_counts_and_is_idempotent():
    """Without this, `manage.py load_demo` (run by `make run`) could fail or duplicate content."""
    first, second = StringIO(), StringIO()
    call_command("load_demo", stdout=first)
    pages = Page.objects.count()
    call_command("load_demo", stdout=second)
    assert f"Communities: {len(FORUMS)} created" in first.getvalue()
    assert f"Communities: 0 created, 0 updated, {len(FORUMS)} unchanged." in second.getvalue()
    assert f"Departments: 0 created, 0 updated, {len(DEPARTMENTS)} unchanged." in second.getvalue()
    assert Page.objects.count() == pages


def test_data_file_mistakes_stop_the_load_with_the_entry_named():
    """Without this, a misspelt key or value in devdata/data/ would load a wrong demo silently or fail obscurely."""
    from django.core.exceptions import FieldDoesNotExist

    from devdata.demo import entry_strings, model_values

    values = model_values(ForumPage, {"slug": "x", "figures_as_of": "2009-01-01", "engagement_preference": "welcomes"})
    assert values["figures_as_of"] == datetime.date(2009, 1, 1)
    with pytest.raises(FieldDoesNotExist):
        model_values(ForumPage, {"slug": "x", "monthly_visiters": 5})
    with pytest.raises(ValueError, match="x: engagement_preference 'sometimes'"):
        model_values(ForumPage, {"slug": "x", "engagement_preference": "sometimes"})
    with pytest.raises(ValueError, match="no community 'no-such-forum'"):
        entry_strings("no-such-forum", {"title": "Dim"})
    with pytest.raises(ValueError, match=r"netmums has no text fields \['tagline'\]"):
        entry_strings("netmums", {"tagline": "Dim"})
    netmums = next(entry for entry in FORUMS if entry["slug"] == "netmums")
    assert entry_strings("netmums", {"summary": "Crynodeb"}) == {netmums["summary"]: "Crynodeb"}


@pytest.mark.django_db
def test_demo_entries_look_recently_verified_with_a_few_coming_due(demo):
    """A new visitor must see a living directory, not "Not verified since 2009" on every entry; the
    dates count back from the day of loading, so the review reminders also have work to show."""
    from directory.reviews import is_due_for_review

    today = timezone.localdate()
    forums = list(ForumPage.objects.listed())
    ages = sorted((today - forum.last_verified).days for forum in forums)
    assert ages[0] == 14 and ages[-1] < 365
    due = [forum for forum in forums if is_due_for_review(forum, today=today, interval_months=12)]
    assert 0 < len(due) < len(forums) / 4


@pytest.mark.django_db
def test_every_demo_community_is_in_welsh():
    """The Welsh site must not say "not available in Welsh yet" on every demo community: each one
    has a published Welsh translation, through wagtail-localize as an editor's would be."""
    call_command("load_demo", stdout=StringIO())
    welsh = ForumPage.objects.live().filter(locale__language_code="cy", alias_of__isnull=True)
    assert welsh.count() == len(FORUMS)
    assert welsh.get(slug="fforwm-caerdydd").summary.startswith("Cymuned ddwyieithog")
