"""Faults: a mail server that is down or flaky, a database error half way through a request, and
two editors deciding on the same nomination at the same moment.

Complements test_emails.py (the email task's retries) and test_moderation.py (the editors'
screens) with the whole journey over HTTP and the failures between them.
"""

import smtplib
import threading

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as MemoryEmailBackend
from django.db import DatabaseError, connection, connections
from django.test import Client
from django.urls import reverse
from wagtail.models import PageLogEntry, Revision, TaskState, WorkflowState

from directory.admin.dashboard import moderation_counts
from directory.models import ForumPage, Nomination, OutboundEmail
from directory.nominations import submit_nomination
from directory.tests.nomination_helpers import (
    SAMPLE_CONTACT,
    STEP_PATHS,
    nominate,
    nomination_answers,
    sample_details,
    signed_in,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

BROKEN = "directory.tests.nomination_helpers.BrokenEmailBackend"
FLAKY = "directory.tests.test_faults.FlakyEmailBackend"


class FlakyEmailBackend(MemoryEmailBackend):
    """A mail server that drops the first connection of each message, then delivers."""

    failures_left = 0

    def send_messages(self, messages):
        if FlakyEmailBackend.failures_left > 0:
            FlakyEmailBackend.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def test_with_the_mail_server_down_a_nomination_is_kept_and_editors_see_the_failure(
    client, site_tree, editor, settings, django_capture_on_commit_callbacks
):
    """The operator still gets the thank-you page; the receipt is kept as failed, with its error, on
    the editors' dashboard and list, and an editor's "try again" sends it once the server is back.

    If this fails, a mail outage loses nominations, or their receipts vanish without anyone knowing.
    """
    settings.EMAIL_BACKEND = BROKEN
    response = nominate(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"].endswith("/nominate/thanks/")
    nomination = Nomination.objects.get()
    receipt = OutboundEmail.objects.get(nomination=nomination)
    assert receipt.status == OutboundEmail.Status.FAILED
    assert receipt.attempts == len(settings.EMAIL_RETRY_DELAYS) + 1
    assert "SMTPServerDisconnected" in receipt.last_error
    assert moderation_counts()["failed_emails"] == 2  # the receipt and the editors' alert about the nomination

    editors = signed_in(Client(), editor)
    listing = editors.get(reverse("outbound_emails:index"), {"status": "failed"}).content.decode()
    assert receipt.subject in listing
    detail = editors.get(reverse("outbound_emails:inspect", args=[receipt.pk])).content.decode()
    assert "SMTPServerDisconnected" in detail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        editors.post(reverse("outbound_emails:retry", args=[receipt.pk]))
    receipt.refresh_from_db()
    assert receipt.status == OutboundEmail.Status.SENT
    assert [message.to for message in mail.outbox] == [[nomination.contact_email]]


def test_a_flaky_mail_server_is_retried_until_the_email_goes(site_tree, settings, django_capture_on_commit_callbacks):
    """Two dropped connections, then delivery: the receipt arrives once, after three attempts.

    If this fails, a brief mail outage loses the operator's receipt and private link.
    """
    settings.EMAIL_BACKEND = FLAKY
    FlakyEmailBackend.failures_left = 2
    with django_capture_on_commit_callbacks(execute=True):
        nomination, _token = submit_nomination(sample_details(), SAMPLE_CONTACT)
    receipt = OutboundEmail.objects.get(nomination=nomination)
    assert receipt.status == OutboundEmail.Status.SENT and receipt.attempts == 3
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "failing_step",
    ["directory.nominations.create_nomination", "directory.nominations.send_for_moderation"],
)
def test_a_database_error_half_way_through_a_nomination_leaves_nothing_behind(
    site_tree, monkeypatch, failing_step, django_capture_on_commit_callbacks
):
    """If the database fails after the draft page is made, the person sees the site's error page and
    no draft, revision, review or nomination is left half made; nothing is emailed.

    If this fails, a database hiccup leaves orphan drafts in the editors' queue (or shows a raw error).
    """
    client = Client(raise_request_exception=False)
    answers = nomination_answers()
    for step, path in STEP_PATHS.items():
        assert client.post(path, answers[step]).status_code == 302
    pages_before, revisions_before = ForumPage.objects.count(), Revision.objects.count()

    def fail(*args, **kwargs):
        assert ForumPage.objects.filter(title="Parents Together").exists()  # the page was made first
        raise DatabaseError("connection to the database was lost")

    monkeypatch.setattr(failing_step, fail)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/nominate/check/", {"nickname": ""})
    assert response.status_code == 500
    body = response.content.decode()
    assert "Sorry, there is a problem with the service" in body and "govuk-template" in body
    assert "Traceback" not in body and "DatabaseError" not in body
    assert ForumPage.objects.count() == pages_before
    assert Revision.objects.count() == revisions_before
    assert not Nomination.objects.exists()
    assert not OutboundEmail.objects.exists()
    assert not WorkflowState.objects.exists()
    assert mail.outbox == []


# --- Two editors at the same moment (PostgreSQL: real row locks between real connections) -----

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent decisions need two real connections with row locks; SQLite serialises every writer",
)


def decide_at_once(*decisions):
    """Run each decision in its own thread and database connection, released together by a barrier.

    Returns what each decision returned or raised.
    """
    barrier = threading.Barrier(len(decisions))
    outcomes = [None] * len(decisions)

    def run(index, decision):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = decision()
        except Exception as error:  # the loser's refusal is an outcome to inspect
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, decision)) for index, decision in enumerate(decisions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def editor_client(user):
    return signed_in(Client(raise_request_exception=False), user)


@pytest.fixture
def two_editors(django_user_model, transactional_db):
    from django.contrib.auth.models import Group

    from directory.site_tree import EDITORS_GROUP, ensure_directory_tree
    from home.site_setup import ensure_home_page

    ensure_directory_tree(ensure_home_page())
    editors = []
    for name in ("first", "second"):
        user = django_user_model.objects.create_user(username=name, email=f"{name}@example.gov", password="pw")
        user.groups.add(Group.objects.get(name=EDITORS_GROUP))
        editors.append(user)
    return editors


def publish_count(forum):
    return PageLogEntry.objects.filter(page=forum, action="wagtail.publish").count()


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("repeat", range(3))
def test_approve_and_request_changes_at_the_same_moment_have_one_outcome(two_editors, repeat):
    """One editor approves while another requests changes: exactly one decision wins, the entry is
    published at most once, and the nomination's status matches the entry.

    If this fails, an entry can be published while its operator is told to change it (or twice).
    """
    nomination, _token = submit_nomination(sample_details(), SAMPLE_CONTACT)
    forum = nomination.forum
    task_state = forum.current_workflow_task_state
    approve_url = f"/admin/pages/workflow/action/{forum.pk}/approve/{task_state.pk}/"
    reject_url = f"/admin/pages/workflow/action/{forum.pk}/reject/{task_state.pk}/"
    first, second = (editor_client(user) for user in two_editors)
    outcomes = decide_at_once(
        lambda: first.post(approve_url, {"comment": ""}),
        lambda: second.post(reject_url, {"comment": "Please add your house rules."}),
    )
    statuses = sorted(response.status_code for response in outcomes)
    assert statuses[0] == 302, f"neither decision went through: {statuses}"
    forum.refresh_from_db()
    nomination.refresh_from_db()
    task_state.refresh_from_db()
    assert publish_count(forum) <= 1
    if forum.live:
        assert nomination.status == Nomination.Status.APPROVED and task_state.status == TaskState.STATUS_APPROVED
    else:
        assert nomination.status == Nomination.Status.CHANGES_REQUESTED
        assert task_state.status == TaskState.STATUS_REJECTED
    # The editor who lost is sent back with an error message; the winner's decision stands.
    pages = [
        client.get(response["Location"]).content.decode()
        for client, response in zip((first, second), outcomes, strict=True)
    ]
    told = [page for page in pages if "do not have permission" in page or "already" in page]
    assert len(told) == 1, "both editors were told their decision went through"


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("repeat", range(3))
def test_approve_and_decline_at_the_same_moment_have_one_outcome(two_editors, repeat):
    """One editor approves the entry while another declines the nomination: either it is published
    and approved, or its draft is deleted and the nomination declined, never a mix.

    If this fails, a declined operator's community can go live, or an approved entry vanishes.
    """
    nomination, _token = submit_nomination(sample_details(), SAMPLE_CONTACT)
    forum = nomination.forum
    task_state = forum.current_workflow_task_state
    approve_url = f"/admin/pages/workflow/action/{forum.pk}/approve/{task_state.pk}/"
    decline_url = reverse("nominations:decline", args=[nomination.pk])
    first, second = (editor_client(user) for user in two_editors)
    outcomes = decide_at_once(
        lambda: first.post(approve_url, {"comment": ""}),
        lambda: second.post(decline_url, {"reason": "Not peer support."}),
    )
    assert all(response.status_code < 500 for response in outcomes), [r.status_code for r in outcomes]
    nomination.refresh_from_db()
    page = ForumPage.objects.filter(pk=forum.pk).first()
    if page is not None and page.live:
        assert nomination.status == Nomination.Status.APPROVED
        assert publish_count(page) == 1
    else:
        assert page is None, "the draft of a declined nomination was kept"
        assert nomination.status == Nomination.Status.REJECTED
        assert not PageLogEntry.objects.filter(page_id=forum.pk, action="wagtail.publish").exists()
