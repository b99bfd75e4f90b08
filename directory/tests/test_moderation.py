"""Moderation: workflow signal handlers (directory/moderation.py) and the editors' admin queues
(directory/admin/moderation.py)."""

from unittest.mock import patch

import pytest
from django.core import mail
from wagtail.admin.views.pages.workflow import WorkflowActionView

from directory import nominations
from directory.admin.dashboard import moderation_counts
from directory.models import EditSuggestion, Nomination, OutboundEmail, ProblemReport
from directory.suggestions import submit_problem_report, submit_suggestion
from directory.tests.factories import ForumPageFactory
from directory.tests.nomination_helpers import (
    SAMPLE_CONTACT,
    approve,
    request_changes,
    sample_details,
    signed_in,
)

BROKEN = "directory.tests.nomination_helpers.BrokenEmailBackend"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


@pytest.fixture
def nomination(site_tree):
    nomination, _token = nominations.submit_nomination(sample_details(), SAMPLE_CONTACT)
    return nomination


def test_approval_marks_the_nomination_and_emails_the_operator(nomination, editor, django_capture_on_commit_callbacks):
    """Approving in the workflow publishes, marks the nomination approved and emails the operator.

    If this fails, operators never learn their community is listed.
    """
    with django_capture_on_commit_callbacks(execute=True):
        approve(nomination.forum, editor)
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.APPROVED and nomination.forum.live
    assert mail.outbox[-1].to == ["casey@private.example"]
    assert "http://testserver/directory/carers-corner/" in mail.outbox[-1].body


def test_request_changes_sends_the_editors_comment(nomination, editor, django_capture_on_commit_callbacks):
    """ "Request changes" stores the editor's comment on the nomination and emails it to the operator.

    If this fails, operators are told something is wrong but not what.
    """
    with django_capture_on_commit_callbacks(execute=True):
        request_changes(nomination.forum, editor, "The summary should say who it is for.")
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.CHANGES_REQUESTED
    assert nomination.editor_comment == "The summary should say who it is for."
    assert "The summary should say who it is for." in mail.outbox[-1].body
    assert not nomination.forum.live


@pytest.mark.parametrize("dialog", [False, True])
def test_an_editor_beaten_to_a_decision_is_told_so(client, nomination, editor, admin_user, dialog):
    """Two editors decide at once: the one whose decision arrives second is sent back to the entry and
    told another editor decided, not shown "you do not have permission" on the dashboard.

    The other editor's approval lands after Wagtail's own checks of this request and before the
    decision is locked in (the same path the PostgreSQL race tests in test_faults.py take by chance).
    """
    forum = nomination.forum
    task_state = forum.current_workflow_task_state
    url = f"/admin/pages/workflow/action/{forum.pk}/reject/{task_state.pk}/"
    ajax = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"} if dialog else {}
    original = WorkflowActionView.post

    def other_editor_first(view, request, *args, **kwargs):
        approve(forum, admin_user)
        return original(view, request, *args, **kwargs)

    signed_in(client, editor)
    with patch.object(WorkflowActionView, "post", other_editor_first):
        response = client.post(url, {"comment": "Please add your house rules."}, **ajax)
    edit_url = f"/admin/pages/{forum.pk}/edit/"
    if dialog:
        assert response.json()["step"] == "success" and response.json()["redirect"] == edit_url
    else:
        assert response.status_code == 302 and response["Location"] == edit_url
    page = client.get(edit_url).content.decode()
    assert "Another editor has already decided on this entry." in page
    assert "do not have permission" not in page
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.APPROVED  # the first decision stands
    forum.refresh_from_db()
    assert forum.live


def test_workflows_on_other_pages_are_ignored(site_tree, admin_user, departments_index):
    """Approvals of pages other than communities do not touch nominations.

    If this fails, approving a department page could crash or email an operator.
    """
    from wagtail.models import Workflow

    from directory.tests.factories import DepartmentPageFactory

    department = DepartmentPageFactory(parent=departments_index)
    department.save_revision()
    Workflow.objects.get(name="Directory moderation").start(department, admin_user)
    approve(department, admin_user)
    assert OutboundEmail.objects.count() == 0


def test_dashboard_counts_every_queue(
    site_tree, directory_index, nomination, settings, django_capture_on_commit_callbacks
):
    """The dashboard numbers match what is waiting: nominations, claims, suggestions, reports, failed emails.

    If this fails, editors do not know work is waiting.
    """
    forum = ForumPageFactory(parent=directory_index)
    nominations.submit_claim(forum, {"contact_name": "Owner", "contact_email": "o@example.org"})
    submit_suggestion(forum, {"summary": "Different"}, "Because")
    submit_problem_report(forum, ProblemReport.Kind.CLOSED)
    settings.EMAIL_BACKEND = BROKEN
    with django_capture_on_commit_callbacks(execute=True):
        nominations.decline_nomination(nomination, None, "No")
    counts = moderation_counts()
    assert counts["nominations"] == 0 and counts["claims"] == 1
    assert counts["suggestions"] == 1 and counts["problem_reports"] == 1
    assert counts["failed_emails"] == 1


def test_the_dashboard_panel_and_queues_are_for_editors_only(client, editor, django_user_model, nomination):
    """Directory editors see the panel and the queues; other admin users get nothing.

    If this fails, private contact details in the queues are shown to people who should not see them.
    """
    client.force_login(editor)
    dashboard = client.get("/admin/").content.decode()
    assert "Directory moderation" in dashboard and "New nominations waiting for review" in dashboard
    listing = client.get("/admin/nominations/")
    assert listing.status_code == 200 and nomination.reference in listing.content.decode()
    inspect = client.get(f"/admin/nominations/inspect/{nomination.pk}/")
    assert inspect.status_code == 200
    assert f"/admin/pages/{nomination.forum_id}/edit/" in inspect.content.decode(), "a way to the entry's review"
    assert client.get("/admin/nominations/new/").status_code in (302, 403)

    from django.contrib.auth.models import Permission

    other = django_user_model.objects.create_user(username="dept", password="pw")
    other.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(other)
    assert "Directory moderation" not in client.get("/admin/").content.decode()
    assert client.get("/admin/nominations/").status_code in (302, 403)
    assert client.get(f"/admin/nominations/inspect/{nomination.pk}/").status_code in (302, 403)


def test_editors_accept_and_decline_suggestions_in_the_admin(
    client, editor, directory_index, django_capture_on_commit_callbacks
):
    """The suggestion's page offers Accept and Decline; declining needs a reason.

    If this fails, suggestions pile up with no way to act on them.
    """
    forum = ForumPageFactory(parent=directory_index, summary="Old summary")
    forum.save_revision().publish()
    first = submit_suggestion(forum, {"summary": "New summary"}, "Because")
    second = submit_suggestion(forum, {"members": 10}, "Because")
    client.force_login(editor)
    page = client.get(f"/admin/suggestions/inspect/{first.pk}/").content.decode()
    assert "Old summary → New summary" in page
    assert f"/admin/suggestions/accept/{first.pk}/" in page

    assert client.post(f"/admin/suggestions/accept/{first.pk}/").status_code == 302
    first.refresh_from_db()
    assert first.status == EditSuggestion.Status.ACCEPTED

    missing_reason = client.post(f"/admin/suggestions/decline/{second.pk}/", {"reason": ""})
    assert missing_reason.status_code == 200
    second.refresh_from_db()
    assert second.status == EditSuggestion.Status.PENDING
    client.post(f"/admin/suggestions/decline/{second.pk}/", {"reason": "No source given."})
    second.refresh_from_db()
    assert second.status == EditSuggestion.Status.DECLINED and second.decision_reason == "No source given."


def test_editors_approve_a_claim_and_the_link_works(
    client, editor, directory_index, django_capture_on_commit_callbacks
):
    """Approving a claim in the admin emails the claimant a private link that opens their listing page.

    If this fails, approved claimants cannot manage their entries.
    """
    from directory.tests.nomination_helpers import operator_token_from_email

    forum = ForumPageFactory(parent=directory_index)
    claim = nominations.submit_claim(forum, {"contact_name": "Owner", "contact_email": "o@example.org"})
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/claims/approve/{claim.pk}/")
    assert response.status_code == 302
    token = operator_token_from_email(mail.outbox)
    assert client.__class__().get(f"/listing/{token}/").status_code == 200


def test_failed_emails_are_visible_to_editors(client, editor, settings, django_capture_on_commit_callbacks):
    """An email the mail server refused shows in the admin with its error, and can be retried.

    If this fails, failures go unnoticed and operators never get their links.
    """
    from directory.emails import queue_email

    settings.EMAIL_BACKEND = BROKEN
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_email("o@example.org", "Your nomination", "Body")
    client.force_login(editor)
    listing = client.get("/admin/outbound_emails/?status=failed").content.decode()
    assert "Your nomination" in listing
    page = client.get(f"/admin/outbound_emails/inspect/{email.pk}/").content.decode()
    assert "SMTPServerDisconnected" in page and f"/admin/outbound_emails/retry/{email.pk}/" in page


def test_editors_never_see_an_operators_private_link(
    client, editor, settings, site_tree, django_capture_on_commit_callbacks
):
    """The admin shows a receipt that could not be sent without the token in its link.

    If this fails, any editor could take over an operator's entry.
    """
    settings.EMAIL_BACKEND = BROKEN
    with django_capture_on_commit_callbacks(execute=True):
        nomination, token = nominations.submit_nomination(sample_details(), SAMPLE_CONTACT)
    email = OutboundEmail.objects.get(nomination=nomination)
    assert token in email.body, "kept until delivered, so a retry still sends a working link"
    client.force_login(editor)
    page = client.get(f"/admin/outbound_emails/inspect/{email.pk}/").content.decode()
    assert "Dear Casey Carer" in page and token not in page


def test_problem_reports_are_resolved_in_the_admin(client, editor, directory_index):
    """Editors resolve or dismiss reports with a note.

    If this fails, the problem-report queue never empties.
    """
    forum = ForumPageFactory(parent=directory_index)
    report = submit_problem_report(forum, ProblemReport.Kind.BROKEN_LINK)
    client.force_login(editor)
    client.post(f"/admin/problem_reports/resolve/{report.pk}/", {"note": "Fixed"})
    report.refresh_from_db()
    assert report.status == ProblemReport.Status.RESOLVED and report.resolution_note == "Fixed"


def test_declining_a_nomination_in_the_admin(client, editor, nomination, django_capture_on_commit_callbacks):
    """An editor can decline a nomination outright with a reason the operator receives.

    If this fails, unsuitable nominations can only be left to rot.
    """
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/nominations/decline/{nomination.pk}/", {"reason": "Not peer support."})
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.REJECTED
    assert "Not peer support." in mail.outbox[-1].body


@pytest.mark.parametrize("count", [20, 100])
def test_queues_do_not_query_per_row(client, editor, directory_index, count, django_assert_max_num_queries):
    """The suggested-edits listing costs the same queries for 20 rows as for 100.

    If this fails, a busy queue makes the admin slow for every editor.
    """
    forum = ForumPageFactory(parent=directory_index)
    EditSuggestion.objects.bulk_create(
        EditSuggestion(forum=forum, proposed={"summary": f"S{number}"}, reason="R") for number in range(count)
    )
    Nomination.objects.bulk_create(
        Nomination(
            reference=f"PSD-{number}",
            forum=forum,
            contact_name="N",
            contact_email="n@example.org",
            token_hash=str(number),
        )
        for number in range(count)
    )
    client.force_login(editor)
    client.get("/admin/suggestions/")  # warm up the admin's own caches (menus, permissions)
    for url in ("/admin/suggestions/", "/admin/nominations/", "/admin/problem_reports/"):
        with django_assert_max_num_queries(15):
            assert client.get(url).status_code == 200


def test_editors_are_notified_after_the_nomination_is_saved(site_tree, editor, django_capture_on_commit_callbacks):
    """Wagtail's "awaiting your review" email reaches the editors once the nomination is committed.

    If this fails, editors do not hear about new nominations.
    """
    with django_capture_on_commit_callbacks(execute=True):
        nominations.submit_nomination(sample_details(), SAMPLE_CONTACT)
    assert any(message.to == ["editor@example.gov"] for message in mail.outbox)


def test_a_mail_server_refusing_login_cannot_undo_a_nomination(
    site_tree, editor, settings, django_capture_on_commit_callbacks
):
    """Even when the mail server refuses our login, the nomination is kept and the failure recorded.

    If this fails, a mail misconfiguration loses every nomination with a server error.
    """
    settings.EMAIL_BACKEND = "directory.tests.nomination_helpers.RefusingLoginEmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        nomination, _token = nominations.submit_nomination(sample_details(), SAMPLE_CONTACT)
    assert Nomination.objects.filter(pk=nomination.pk).exists()
    assert OutboundEmail.objects.get(nomination=nomination).status == OutboundEmail.Status.FAILED


def test_editors_find_a_suggestion_or_report_by_its_reference(client, editor, site_tree, directory_index):
    """Someone quoting "PSD-…" on the phone is found at once: each queue lists and searches references.

    If this fails, editors cannot find what a person is asking about."""
    forum = ForumPageFactory(parent=directory_index, title="Money Talk", members=100)
    suggestions = [submit_suggestion(forum, {"members": 100 + number}, "Grown.") for number in (1, 2)]
    reports = [submit_problem_report(forum, ProblemReport.Kind.OTHER, f"Report {number}") for number in (1, 2)]
    client.force_login(editor)
    for queue, wanted, other in (("suggestions", *suggestions), ("problem_reports", *reports)):
        listing = client.get(f"/admin/{queue}/").content.decode()
        assert wanted.reference in listing and other.reference in listing
        found = client.get(f"/admin/{queue}/", {"q": wanted.reference}).content.decode()
        assert wanted.reference in found and other.reference not in found, queue
        assert wanted.reference in client.get(f"/admin/{queue}/inspect/{wanted.pk}/").content.decode()
