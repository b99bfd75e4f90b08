"""A community's public page: every public field, never the private ones, the engagement
preference up front, the departments engaging, status notices and structured data."""

import datetime
import json
import re

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import PageViewRestriction

from directory.models import (
    EngagementMode,
    EngagementPreference,
    EngagementStatus,
    ForumPage,
    ForumStatus,
    LinkStatus,
)
from directory.tests.factories import AudienceFactory, DepartmentPageFactory, EngagementFactory, ForumPageFactory
from directory.translation import ensure_welsh_tree


@pytest.fixture
def netmums(directory_index):
    return ForumPageFactory(
        parent=directory_index,
        title="Netmums",
        slug="netmums",
        website="https://www.netmums.com/coffeehouse/",
        summary="Where parents share advice on pregnancy, babies and family life.",
        description="A large UK forum for mums and dads.\n\nFounded in 2000.",
        topics=["parenting"],
        audiences=[AudienceFactory(slug="parents")],
        operator_name="Netmums Ltd",
        members=2_000_000,
        is_moderated=True,
        house_rules_url="https://www.netmums.com/rules",
        welcomes_expert_answers=True,
        contact_name="Jo Private",
        contact_email="jo.private@netmums.example",
        editor_notes="Spoke to Jo on the phone about the figures.",
    )


def structured_data(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


@pytest.mark.django_db
def test_forum_page_shows_public_fields_and_never_private_ones(client, netmums):
    """Operators give us their contact details in confidence; leaking them would break that trust."""
    html = client.get("/directory/netmums/").content.decode()
    for public in ["Netmums", "Where parents share advice", "Founded in 2000", "parenting", "Netmums Ltd", "2,000,000"]:
        assert public in html
    assert "Parents and carers" in html
    assert "Expert answers in discussions" in html
    for private in ["Jo Private", "jo.private@netmums.example", "Spoke to Jo", "netmums.example"]:
        assert private not in html


@pytest.mark.django_db
def test_outbound_links_do_not_pass_reputation_or_window_access(client, netmums):
    """Links out must not vouch for the site to search engines nor give it a handle on our window."""
    html = client.get("/directory/netmums/").content.decode()
    links = re.findall(r'<a [^>]*href="https://www\.netmums\.com/coffeehouse/"[^>]*>', html)
    assert links
    assert all('rel="nofollow noopener"' in link for link in links)


@pytest.mark.django_db
def test_a_community_that_does_not_welcome_officials_says_so_prominently(client, directory_index):
    """An official who missed this would post where they are unwelcome and damage trust."""
    ForumPageFactory(
        parent=directory_index, slug="private-club", engagement_preference=EngagementPreference.DOES_NOT_WELCOME
    )
    html = client.get("/directory/private-club/").content.decode()
    assert "govuk-warning-text" in html
    assert "This community does not welcome public servants" in html


@pytest.mark.django_db
def test_a_welcoming_community_says_how(client, netmums):
    """Officials need to know what kind of taking part is welcome."""
    html = client.get("/directory/netmums/").content.decode()
    assert "This community welcomes public servants" in html
    assert '<div class="govuk-inset-text" id="engagement-preference">' in html
    assert '<div class="govuk-warning-text" id="engagement-preference">' not in html


@pytest.mark.django_db
def test_departments_engaging_are_shown_in_this_language_only_when_live(client, netmums, departments_index):
    """Visitors must see which bodies take part, but not a draft department nor an ended engagement."""
    education = DepartmentPageFactory(parent=departments_index, title="Department for Education")
    draft = DepartmentPageFactory(parent=departments_index, title="Secret Draft Department", live=False)
    past = DepartmentPageFactory(parent=departments_index, title="Department That Left")
    protected = DepartmentPageFactory(parent=departments_index, title="Password Protected Department")
    PageViewRestriction.objects.create(page=protected, restriction_type=PageViewRestriction.PASSWORD, password="x")
    EngagementFactory(department=education, forum=netmums, mode=EngagementMode.HOSTED_QA)
    EngagementFactory(department=draft, forum=netmums)
    EngagementFactory(department=past, forum=netmums, status=EngagementStatus.ENDED)
    EngagementFactory(department=protected, forum=netmums)
    html = client.get("/directory/netmums/").content.decode()
    assert "Department for Education" in html
    assert "Hosted question-and-answer sessions" in html
    assert "Secret Draft Department" not in html
    assert "Department That Left" not in html
    assert "Password Protected Department" not in html


@pytest.mark.django_db
def test_each_language_names_the_bodies_in_that_language(client, netmums, departments_index):
    """On the Welsh site a community's public bodies link to their Welsh pages, and each is listed once."""
    education = DepartmentPageFactory(parent=departments_index, title="Department for Education")
    EngagementFactory(department=education, forum=netmums)
    education.save_revision().publish()
    ensure_welsh_tree()
    english = client.get("/directory/netmums/").content.decode()
    welsh = client.get("/cy/directory/netmums/").content.decode()
    assert english.count("Department for Education</a>") == 1
    assert f'href="{education.url}"' in english
    assert welsh.count("Department for Education</a>") == 1
    assert f'href="/cy{education.url}"' in welsh


@pytest.mark.django_db
def test_status_notice_explains_a_closed_community(client, directory_index):
    """Someone following an old link must learn the community closed, and why."""
    ForumPageFactory(
        parent=directory_index, slug="gone", status=ForumStatus.CLOSED, status_reason="The owners shut it in 2024."
    )
    html = client.get("/directory/gone/").content.decode()
    assert "This community has closed." in html
    assert "The owners shut it in 2024." in html


@pytest.mark.django_db
def test_broken_link_is_flagged(client, directory_index):
    """A visitor should know before clicking that the site may be gone."""
    ForumPageFactory(parent=directory_index, slug="broken", link_status=LinkStatus.BROKEN)
    assert "could not reach this web address" in client.get("/directory/broken/").content.decode()


@pytest.mark.django_db
def test_structured_data_is_valid_escaped_json_ld(client, directory_index):
    """Search engines read the JSON-LD; a title with </script> must not break out of it."""
    ForumPageFactory(
        parent=directory_index,
        slug="tricky",
        title="Tricky </script><script>alert(1)</script>",
        contact_email="hidden@private.example",
    )
    html = client.get("/directory/tricky/").content.decode()
    assert "<script>alert(1)" not in html
    data = structured_data(html)
    community, breadcrumbs = data["@graph"]
    assert data["@context"] == "https://schema.org"
    assert community["name"] == "Tricky </script><script>alert(1)</script>"
    assert community["mainEntityOfPage"] == "http://testserver/directory/tricky/"
    assert [item["name"] for item in breadcrumbs["itemListElement"]][-1].startswith("Tricky")
    assert "hidden@private.example" not in html


@pytest.mark.django_db
def test_page_has_breadcrumbs_and_contribution_links(client, netmums):
    """Visitors need a way back to the directory and a way to correct the entry."""
    html = client.get("/directory/netmums/").content.decode()
    assert 'class="govuk-breadcrumbs"' in html
    assert 'href="/directory/"' in html
    for link in ["/directory/netmums/suggest/", "/directory/netmums/report/", "/directory/netmums/history/"]:
        assert f'href="{link}"' in html
    assert 'href="/directory/?topic=parenting"' in html


def before_you_join(html):
    """The "Before you join" summary list of a community page, or "" when the page has none."""
    match = re.search(r'<h2[^>]*id="before-you-join".*?</dl>', html, re.S)
    return match.group(0) if match else ""


@pytest.mark.django_db
def test_before_you_join_answers_what_people_ask_first(client, directory_index):
    """Someone deciding whether to join sees the cost, registration, how to join and how to
    contact them first, the minimum age and how active it is, with when that was checked.

    If this fails, people sign up to find a paywall, an age limit or a silent board."""
    ForumPageFactory(
        parent=directory_index,
        slug="quiet-circle",
        cost="free",
        registration="to_read",
        how_to_join="contact_first",
        contact_route="Use the form on the home page.",
        minimum_age=18,
        activity="10_to_100",
        activity_checked=datetime.date(2026, 10, 3),
    )
    section = before_you_join(client.get("/directory/quiet-circle/").content.decode())
    for shown in [
        "Free",
        "Register to read and to post",
        "Contact them first",
        "How to contact them: Use the form on the home page.",
        "18 or over",
        "10 to 100 posts a month",
        "Checked October 2026.",
    ]:
        assert shown in section, shown


@pytest.mark.django_db
def test_before_you_join_shows_only_what_is_known(client, directory_index, netmums):
    """An entry from before the questions were asked shows no empty "Before you join" list, and
    one answer shows alone; a minimum age of 0 reads "No minimum age".

    If this fails, pages fill with blanks or claim facts nobody gave."""
    assert before_you_join(client.get("/directory/netmums/").content.decode()) == ""
    ForumPageFactory(parent=directory_index, slug="any-age", minimum_age=0)
    section = before_you_join(client.get("/directory/any-age/").content.decode())
    assert "No minimum age" in section
    assert "Cost" not in section and "How active" not in section


@pytest.mark.django_db
def test_contact_route_is_only_shown_where_people_must_contact_them_first(client, directory_index):
    """A contact route left on an entry people join by signing up is not shown.

    If this fails, people are sent to write to moderators who only want them to sign up."""
    forum = ForumPageFactory(parent=directory_index, slug="open-board", how_to_join="sign_up")
    # Validation refuses this pair; a row changed outside the editor (an import, SQL) may still hold it.
    ForumPage.objects.filter(pk=forum.pk).update(contact_route="Write to the admins.")
    html = client.get("/directory/open-board/").content.decode()
    assert "Sign up on its website" in before_you_join(html)
    assert "Write to the admins." not in html


@pytest.mark.django_db
def test_the_result_card_shows_cost_and_registration(client, directory_index):
    """The directory's result card says "Free. Register to post." so people can compare at a glance.

    If this fails, people must open every community to learn the two things they check first."""
    ForumPageFactory(parent=directory_index, title="Card board", cost="free", registration="to_post")
    html = client.get("/directory/").content.decode()
    assert re.search(r"Joining:</dt>\s*<dd[^>]*>Free\. Register to post\.</dd>", html)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"contact_route": "Email us", "how_to_join": "sign_up"}, "contact_route"),
        ({"activity": "over_1000", "activity_checked": datetime.date(2999, 1, 1)}, "activity_checked"),
        ({"minimum_age": 121}, "minimum_age"),
    ],
)
def test_editors_are_told_what_is_wrong_with_a_before_you_join_answer(directory_index, values, field):
    """An editor who gives a contact route to an entry people do not contact first, a check date in
    the future or an age over 120 is told beside that field.

    If this fails, the page publishes contradictions or impossible values."""
    forum = ForumPageFactory(parent=directory_index, slug="board")
    forum.full_clean()  # valid as it is
    for name, value in values.items():
        setattr(forum, name, value)
    with pytest.raises(ValidationError) as raised:
        forum.full_clean()
    assert list(raised.value.message_dict) == [field]
