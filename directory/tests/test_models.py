"""The rules the models enforce, with the messages editors and operators see."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from directory.models import DepartmentPage, ForumPage, ForumStatus, normalise_website
from directory.tests.factories import DepartmentPageFactory, ForumPageFactory


def new_forum(index, **fields):
    values = {"title": "New community", "slug": "new-community", "website": "https://new.example.org/"}
    values["summary"] = "People help each other."
    values.update(fields)
    return ForumPage(locale_id=index.locale_id, **values)


def errors_adding(index, page):
    """The field errors from adding ``page`` under ``index`` (which validates it first)."""
    with pytest.raises(ValidationError) as raised:
        index.add_child(instance=page)
    return raised.value.message_dict


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("HTTPS://www.Example.org/", "example.org"),
        ("http://example.org", "example.org"),
        ("example.org", "example.org"),
        ("https://www.example.org:443/forum/", "example.org/forum"),
        ("http://example.org:8080/", "example.org:8080"),
        ("https://example.org/board/?f=12#latest", "example.org/board?f=12"),
        ("  https://Forum.Example.org/Board/  ", "forum.example.org/board"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_website(address, key):
    """Without this, the same forum written two ways (https/http, www., trailing slash, capitals) would be
    listed twice."""
    assert normalise_website(address) == key


@pytest.mark.parametrize("address", ["http://example.org:99999/", "http://[::1/"])
def test_normalise_website_survives_unusable_addresses(address):
    """Without this, an editor typing an address with an impossible port would get a server error."""
    assert isinstance(normalise_website(address), str)


@pytest.mark.django_db
def test_website_must_be_http_or_https(directory_index):
    """Without this, an ftp:// or javascript: address could be published as a community's link."""
    errors = errors_adding(directory_index, new_forum(directory_index, website="ftp://example.org/"))
    assert errors["website"] == ["Enter a web address starting with http:// or https://"]


@pytest.mark.django_db
def test_duplicate_website_is_rejected_naming_the_other_entry(directory_index):
    """Without this, the same community could be entered twice under differently written addresses,
    and the editor would not know which entry already has it."""
    ForumPageFactory(parent=directory_index, title="Example Forum", website="http://example.org")
    errors = errors_adding(directory_index, new_forum(directory_index, website="HTTPS://www.Example.org/"))
    assert errors["website"] == ["“Example Forum” already has this web address."]


@pytest.mark.django_db
def test_a_community_is_not_its_own_duplicate(directory_index):
    """Without this, every later edit of a community would be refused as a duplicate of itself."""
    forum = ForumPageFactory(parent=directory_index, website="https://example.org/")
    forum.summary = "Updated summary."
    forum.save_revision().publish()
    forum.refresh_from_db()
    assert forum.summary == "Updated summary."
    assert forum.website_key == "example.org"


@pytest.mark.django_db
@pytest.mark.parametrize("figure", ["members", "monthly_visitors", "posts", "volunteer_moderators"])
def test_figures_cannot_be_negative(directory_index, figure):
    """Without this, a typo like -4000 members would be published."""
    errors = errors_adding(directory_index, new_forum(directory_index, **{figure: -1}))
    assert errors[figure] == ["Ensure this value is greater than or equal to 0."]


@pytest.mark.django_db
def test_figures_as_of_cannot_be_in_the_future(directory_index):
    """Without this, figures could claim to be from a date that has not happened yet."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    errors = errors_adding(directory_index, new_forum(directory_index, members=10, figures_as_of=tomorrow))
    assert errors["figures_as_of"] == ["The date of the figures cannot be in the future."]


@pytest.mark.django_db
def test_figures_as_of_today_is_accepted(directory_index):
    """Without this, an editor recording today's figures would be refused."""
    page = new_forum(directory_index, members=10, figures_as_of=timezone.localdate())
    directory_index.add_child(instance=page)
    assert ForumPage.objects.get(pk=page.pk).members == 10


@pytest.mark.django_db
def test_last_verified_cannot_be_in_the_future(directory_index):
    """Without this, an entry could claim to be checked on a future date and escape review reminders."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    errors = errors_adding(directory_index, new_forum(directory_index, last_verified=tomorrow))
    assert errors["last_verified"] == ["The last verified date cannot be in the future."]


@pytest.mark.django_db
def test_delisting_needs_a_reason(directory_index):
    """Without this, a community could vanish from the directory with no public explanation."""
    errors = errors_adding(directory_index, new_forum(directory_index, status=ForumStatus.DELISTED, status_reason=" "))
    assert errors["status_reason"] == ["Say why the community is delisted; the reason is shown publicly."]


@pytest.mark.django_db
def test_delisted_with_a_reason_is_accepted_and_not_listed(directory_index):
    """Without this, a delisted community would either be refused or still appear in public lists."""
    page = new_forum(directory_index, status=ForumStatus.DELISTED, status_reason="The forum has closed.")
    directory_index.add_child(instance=page)
    page.save_revision().publish()
    assert ForumPage.objects.live().filter(pk=page.pk).exists()
    assert not ForumPage.objects.listed().filter(pk=page.pk).exists()


def test_private_fields_are_never_indexed_or_served_by_the_api():
    """Without this, an operator's contact details could leak through search or the public API."""
    indexed = {field.field_name for field in ForumPage.get_search_fields()}
    served = {field.name for field in ForumPage.api_fields}
    for name in ForumPage.PRIVATE_FIELDS:
        assert name not in indexed
        assert name not in served


@pytest.mark.django_db
def test_department_plan_dates_cannot_be_in_the_future(departments_index):
    """Without this, a department could claim a plan was published or reviewed before it was."""
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page = DepartmentPage(
        title="Department for Tests",
        slug="department-for-tests",
        locale_id=departments_index.locale_id,
        plan_published=tomorrow,
        plan_last_reviewed=tomorrow,
    )
    errors = errors_adding(departments_index, page)
    assert errors["plan_published"] == ["The publication date cannot be in the future."]
    assert errors["plan_last_reviewed"] == ["The last review date cannot be in the future."]


@pytest.mark.django_db
def test_plan_is_overdue_only_after_its_review_date(departments_index):
    """Without this, the progress page would flag plans as overdue on the wrong day."""
    today = timezone.localdate()
    overdue = DepartmentPageFactory(parent=departments_index, plan_next_review=today - datetime.timedelta(days=1))
    due_today = DepartmentPageFactory(parent=departments_index, plan_next_review=today)
    assert overdue.plan_is_overdue
    assert not due_today.plan_is_overdue
