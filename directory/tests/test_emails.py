"""Emails (directory/emails.py, directory/tasks.py): stored first, sent in the background, retried, never lost."""

import pytest
from django.core import mail

from directory import nominations
from directory.emails import queue_email, render_email_body, retry_failed_email
from directory.models import Nomination, OutboundEmail
from directory.tasks import max_attempts, send_outbound_email
from directory.tests.factories import ForumPageFactory
from directory.tests.nomination_helpers import SAMPLE_CONTACT, QueueRefusingFirstTaskBackend, sample_details

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

BROKEN = "directory.tests.nomination_helpers.BrokenEmailBackend"


def test_an_email_is_stored_before_it_is_sent_and_sent_after_commit(django_capture_on_commit_callbacks):
    """The record exists first; the send happens once the transaction commits, then it is marked sent.

    If this fails, an email can be sent for something that was rolled back, or lost if sending fails.
    """
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = queue_email("someone@example.org", "Hello", "Body text")
    assert OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.QUEUED
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.attempts == 1 and email.sent_at
    assert mail.outbox[-1].subject == "Hello" and mail.outbox[-1].to == ["someone@example.org"]


def test_a_failing_mail_server_keeps_the_nomination_and_marks_the_email_failed(
    settings, site_tree, django_capture_on_commit_callbacks
):
    """With the mail server down, the nomination is kept and its receipt is tried, then marked failed.

    If this fails, a mail outage loses nominations, or failures are invisible to editors.
    """
    settings.EMAIL_BACKEND = BROKEN
    with django_capture_on_commit_callbacks(execute=True):
        nomination, _token = nominations.submit_nomination(sample_details(), SAMPLE_CONTACT)
    assert Nomination.objects.filter(pk=nomination.pk).exists()
    email = OutboundEmail.objects.get(nomination=nomination)
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == max_attempts()
    assert "SMTPServerDisconnected" in email.last_error


def test_a_failed_email_can_be_tried_again(settings, django_capture_on_commit_callbacks):
    """Once the mail server is back, an editor's "try again" sends the failed email.

    If this fails, a failed email can never be delivered.
    """
    settings.EMAIL_BACKEND = BROKEN
    with django_capture_on_commit_callbacks(execute=True):
        email = queue_email("someone@example.org", "Hello", "Body")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        retry_failed_email(OutboundEmail.objects.get(pk=email.pk))
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.attempts == 1


def test_a_sent_email_is_not_sent_twice():
    """Running the task again for an email already sent does nothing.

    If this fails, a retried task spams the recipient.
    """
    email = OutboundEmail.objects.create(to="a@example.org", subject="S", body="B", status=OutboundEmail.Status.SENT)
    assert send_outbound_email.call(email.pk) == "not queued"
    assert mail.outbox == []


def test_a_retry_is_deferred_when_the_queue_supports_it(settings):
    """With a real queue (one that can defer), a failed attempt is scheduled for later, not retried at once.

    If this fails, a mail outage is hammered with immediate retries and emails fail within a second.
    """
    settings.EMAIL_BACKEND = BROKEN
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    email = OutboundEmail.objects.create(to="a@example.org", subject="S", body="B")
    assert send_outbound_email.call(email.pk) == "retrying"
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.QUEUED and email.attempts == 1
    retries = [result for result in send_outbound_email.get_backend().results if result.args == [email.pk]]
    assert len(retries) == 1 and retries[0].task.run_after is not None


def test_email_bodies_are_plain_text_without_html_escaping():
    """Names with apostrophes and ampersands arrive as typed, not as HTML entities.

    If this fails, operators receive emails saying "O&#x27;Brien &amp; Sons".
    """

    class Forum:
        title = "Mums & Dads"

    class Claim:
        contact_name = "Ann O'Brien"
        reference = "PSD-TEST-0001"

    body = render_email_body("claim_received", {"nomination": Claim(), "forum": Forum()})
    assert "Ann O'Brien" in body and "Mums & Dads" in body


def test_the_private_link_is_not_kept_once_the_email_is_sent(site_tree, django_capture_on_commit_callbacks):
    """After delivery the stored copy of the receipt no longer holds the token; only its hash remains.

    If this fails, anyone reading the emails table (or a database backup) can open every private page.
    """
    with django_capture_on_commit_callbacks(execute=True):
        nomination, token = nominations.submit_nomination(sample_details(), SAMPLE_CONTACT)
    assert token in mail.outbox[-1].body
    stored = OutboundEmail.objects.get(nomination=nomination)
    assert stored.status == OutboundEmail.Status.SENT
    assert token not in stored.body and "/listing/[private link]" in stored.body


def test_a_title_with_a_line_break_already_stored_does_not_stop_its_emails(
    directory_index, django_capture_on_commit_callbacks
):
    """An entry whose title was stored with a line break (before titles had to be on one line) still
    gets its emails, with the title on one line in the subject.

    If this fails, every email about that entry fails for ever (a line break in a subject is refused).
    """
    forum = ForumPageFactory(parent=directory_index, title="Carers\r\nCorner\u2028Today")
    with django_capture_on_commit_callbacks(execute=True):
        claim = nominations.submit_claim(forum, {"contact_name": "Owner", "contact_email": "owner@example.org"})
    email = OutboundEmail.objects.get(nomination=claim)
    assert email.status == OutboundEmail.Status.SENT
    assert mail.outbox[-1].subject == f"Your claim {claim.reference}: Carers Corner Today"


def test_an_email_queued_with_a_broken_subject_is_sent_on_one_line():
    """An email stored with a line break in its subject (queued before subjects were cleaned) is sent,
    its subject on one line, and no header can be slipped in through it.

    If this fails, such emails stay unsent, or a subject adds a Bcc to someone else.
    """
    email = OutboundEmail.objects.create(to="a@example.org", subject="Hello\r\nBcc: evil@example.org", body="Body")
    assert send_outbound_email.call(email.pk) == "sent"
    sent = mail.outbox[-1]
    assert sent.subject == "Hello Bcc: evil@example.org" and sent.recipients() == ["a@example.org"]
    assert "\nBcc:" not in sent.message().as_string()


def test_an_email_that_can_never_be_sent_fails_at_once_with_its_reason_and_the_rest_go(
    admin_client, django_capture_on_commit_callbacks
):
    """An email Django refuses to send (a line break in an address: header injection) is marked
    failed after one attempt with the reason, shown to editors; the other emails queued with it go.

    If this fails, a bad email is retried in vain for hours, its reason is hidden, or it holds up the rest.
    """
    with django_capture_on_commit_callbacks(execute=True):
        before = queue_email("first@example.org", "First", "Body")
        bad = queue_email("a@example.org\nBcc: evil@example.org", "Bad", "Body")
        after = queue_email("second@example.org", "Second", "Body")
    for email in (before, bad, after):
        email.refresh_from_db()
    assert before.status == after.status == OutboundEmail.Status.SENT
    assert bad.status == OutboundEmail.Status.FAILED and bad.attempts == 1
    assert "Header values can't contain newlines" in bad.last_error
    assert [message.to for message in mail.outbox] == [["first@example.org"], ["second@example.org"]]
    page = admin_client.get(f"/admin/outbound_emails/inspect/{bad.pk}/").content.decode()
    assert "newline" in page
    failed_list = admin_client.get("/admin/outbound_emails/", {"status": "failed"}).content.decode()
    assert "Bad" in failed_list and "Second" not in failed_list


def test_a_queue_refusing_one_email_does_not_stop_the_others(settings, django_capture_on_commit_callbacks):
    """If the task queue refuses one email, the others queued in the same transaction are still sent,
    and the refused one stays queued (visible to editors) rather than lost.

    If this fails, one email the queue would not take silently drops every email after it.
    """
    QueueRefusingFirstTaskBackend.refused = 0
    settings.TASKS = {"default": {"BACKEND": "directory.tests.nomination_helpers.QueueRefusingFirstTaskBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        refused = queue_email("first@example.org", "First", "Body")
        others = [queue_email(f"person{number}@example.org", "Next", "Body") for number in range(2)]
    refused.refresh_from_db()
    assert refused.status == OutboundEmail.Status.QUEUED
    assert [message.to for message in mail.outbox] == [["person0@example.org"], ["person1@example.org"]]
    assert all(OutboundEmail.objects.get(pk=email.pk).status == OutboundEmail.Status.SENT for email in others)
