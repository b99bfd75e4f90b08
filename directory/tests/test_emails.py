"""Emails (directory/emails.py, directory/tasks.py): stored first, sent in the background, retried, never lost."""

import pytest
from django.core import mail

from directory import nominations
from directory.emails import queue_email, render_email_body, retry_failed_email
from directory.models import Nomination, OutboundEmail
from directory.tasks import max_attempts, send_outbound_email
from directory.tests.nomination_helpers import SAMPLE_CONTACT, sample_details

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
