"""Approve / request changes in the admin (directory/admin/workflow.py), in the dialog and without JavaScript."""

import json

import pytest
from django.core import mail
from django.test import Client
from wagtail.users.models import UserProfile

from directory import nominations
from directory.models import Nomination
from directory.tests.nomination_helpers import SAMPLE_CONTACT, sample_details, signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

DIALOG = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}


@pytest.fixture
def forum(site_tree):
    nomination, _token = nominations.submit_nomination(sample_details(), SAMPLE_CONTACT)
    return nomination.forum


def action_url(forum, action):
    return f"/admin/pages/workflow/action/{forum.pk}/{action}/{forum.current_workflow_task_state.pk}/"


def test_without_javascript_request_changes_is_a_whole_page_with_the_comment_box(forum, editor):
    """An editor without JavaScript opening "Request changes" gets an admin page with a form.

    If this fails, they see raw JSON meant for the dialog and cannot ask for changes.
    """
    response = signed_in(Client(), editor).get(action_url(forum, "reject"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert '<textarea name="comment"' in page and "Request changes" in page
    assert f'href="/admin/pages/{forum.pk}/edit/"' in page  # Cancel goes back to the entry


def test_without_javascript_an_empty_comment_is_shown_again_with_its_error(
    forum, editor, django_capture_on_commit_callbacks
):
    """Requesting changes with no comment keeps the entry in review and says a comment is needed.

    If this fails, the operator is told to change something without being told what (or the editor's
    press silently does nothing).
    """
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(Client(), editor).post(action_url(forum, "reject"), {"comment": "  "})
    assert response.status_code == 200
    assert "Enter what needs to change" in response.content.decode()
    assert Nomination.objects.get(forum=forum).status == Nomination.Status.PENDING
    assert not any("Changes needed" in message.subject for message in mail.outbox)


def test_without_javascript_request_changes_emails_the_comment(forum, editor, django_capture_on_commit_callbacks):
    """The plain form's comment reaches the nominator, and the editor is back on the entry.

    If this fails, editors without JavaScript cannot moderate.
    """
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(Client(), editor).post(action_url(forum, "reject"), {"comment": "Add house rules."})
    assert response.status_code == 302 and response["Location"] == f"/admin/pages/{forum.pk}/edit/"
    assert Nomination.objects.get(forum=forum).status == Nomination.Status.CHANGES_REQUESTED
    assert "Add house rules." in mail.outbox[-1].body and mail.outbox[-1].to == ["casey@private.example"]


def test_without_javascript_approve_with_comment_publishes(forum, editor, django_capture_on_commit_callbacks):
    """ "Approve with comment" without the dialog publishes the entry and emails the nominator.

    If this fails, the entry stays unpublished though the editor approved it.
    """
    client = signed_in(Client(), editor)
    assert '<textarea name="comment"' in client.get(action_url(forum, "approve")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url(forum, "approve"), {"comment": "Welcome!"})
    assert response.status_code == 302
    forum.refresh_from_db()
    assert forum.live and "Welcome!" in mail.outbox[-1].body


def test_in_the_dialog_an_empty_comment_shows_the_error_in_the_dialog(forum, editor):
    """In the dialog, "Request changes" without a comment answers the dialog's form again, with the error.

    If this fails, the dialog closes as if the request had gone through.
    """
    response = signed_in(Client(), editor).post(action_url(forum, "reject"), {"comment": ""}, **DIALOG)
    data = json.loads(response.content)
    assert data["step"] == "action" and "Enter what needs to change" in data["html"]
    assert forum.current_workflow_task_state is not None


def test_in_the_dialog_request_changes_succeeds(forum, editor, django_capture_on_commit_callbacks):
    """The dialog's "Request changes" with a comment decides and tells the dialog where to go next.

    If this fails, "Request changes" from the dashboard does nothing.
    """
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(Client(), editor).post(action_url(forum, "reject"), {"comment": "Fix it."}, **DIALOG)
    assert json.loads(response.content)["step"] == "success"
    assert Nomination.objects.get(forum=forum).status == Nomination.Status.CHANGES_REQUESTED


def test_the_page_editors_dialog_also_needs_a_comment_to_request_changes(forum, editor):
    """The page editor's footer asks Wagtail's other view (collect_action_data) for the dialog: an
    empty comment is shown again with the error there too, and a comment goes through.

    If this fails, "Request changes" from the page editor emails the operator a blank comment.
    """
    url = f"/admin/pages/workflow/collect_action_data/{forum.pk}/reject/{forum.current_workflow_task_state.pk}/"
    client = signed_in(Client(), editor)
    data = json.loads(client.post(url, {"comment": " "}, **DIALOG).content)
    assert data["step"] == "action" and "Enter what needs to change" in data["html"]
    data = json.loads(client.post(url, {"comment": "Add your house rules."}, **DIALOG).content)
    assert data == {"step": "success", "cleaned_data": {"comment": "Add your house rules."}}


def test_the_plain_form_is_in_the_editors_admin_language(forum, editor):
    """An editor whose admin is in Welsh gets the form in Welsh.

    If this fails, Welsh-speaking editors get an English-only screen.
    """
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "cy"
    profile.save()
    page = signed_in(Client(), editor).get(action_url(forum, "reject")).content.decode()
    assert 'lang="cy"' in page and "Dywedwch beth sydd angen ei newid" in page
