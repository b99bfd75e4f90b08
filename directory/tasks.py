"""Background work of the directory's moderation: sending the emails we owe people.

``send_outbound_email`` sends one stored ``OutboundEmail``. When the mail server fails it
counts the attempt, keeps the error for editors and tries again later, up to
``EMAIL_MAX_ATTEMPTS`` times; after that the email is marked failed and shows in the admin.
An email that can never be sent as it is (a header Django refuses, an invalid address) is
marked failed at once, with the reason. Each email is its own task, and the task never raises,
so one bad email cannot hold up the others.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks import task

from directory.emails import redact_private_links, single_line_subject
from directory.models import OutboundEmail

logger = logging.getLogger(__name__)

# Errors no retry can mend: Django refusing a header (BadHeaderError is a ValueError) or an
# address, or text the message cannot be encoded in. SMTP and network errors are retried.
CANNOT_EVER_SEND = (ValueError,)  # UnicodeError is one too

# Seconds to wait before each retry: a minute, five minutes, half an hour, two hours.
DEFAULT_RETRY_DELAYS = (60, 300, 1800, 7200)


def retry_delays():
    return tuple(getattr(settings, "EMAIL_RETRY_DELAYS", DEFAULT_RETRY_DELAYS))


def max_attempts():
    """How many times an email is tried before it is marked failed."""
    return len(retry_delays()) + 1


@task()
def send_outbound_email(email_id):
    """Send one queued email; on failure record the error and schedule the next attempt."""
    email = OutboundEmail.objects.filter(pk=email_id, status=OutboundEmail.Status.QUEUED).first()
    if email is None:
        return "not queued"
    try:
        # Subjects queued before they were made single-line are made so here.
        message = EmailMessage(
            single_line_subject(email.subject),
            email.body,
            settings.DEFAULT_FROM_EMAIL,
            [email.to],
            headers=email.headers or None,
        )
        message.send(fail_silently=False)
    except CANNOT_EVER_SEND as error:
        return record_failed_attempt(email, error, final=True)
    except Exception as error:  # the mail backend may raise anything (SMTP, socket, TLS errors)
        return record_failed_attempt(email, error)
    email.attempts += 1
    email.status = OutboundEmail.Status.SENT
    email.sent_at = timezone.now()
    email.last_error = ""
    # Only the token's hash is kept anywhere else; once delivered, the copy in the body goes too.
    email.body = redact_private_links(email.body)
    email.headers = {name: redact_private_links(value) for name, value in (email.headers or {}).items()}
    email.save(update_fields=["attempts", "status", "sent_at", "last_error", "body", "headers"])
    return "sent"


def record_failed_attempt(email, error, final=False):
    """Count a failed attempt; retry later, or give up (``final``: at once) and leave it for editors to see."""
    email.attempts += 1
    email.last_error = f"{type(error).__name__}: {error}".replace("\x00", "")[:2000]
    if final or email.attempts >= max_attempts():
        email.status = OutboundEmail.Status.FAILED
        email.save(update_fields=["attempts", "last_error", "status"])
        logger.error("Gave up sending email %s to a recipient after %s attempts: %s", email.pk, email.attempts, error)
        return "failed"
    email.save(update_fields=["attempts", "last_error"])
    schedule_retry(email)
    return "retrying"


def schedule_retry(email):
    """Enqueue the next attempt after the delay for this attempt (at once if the backend cannot defer)."""
    delay = retry_delays()[min(email.attempts, len(retry_delays())) - 1]
    if send_outbound_email.get_backend().supports_defer:
        run_after = timezone.now() + datetime.timedelta(seconds=delay)
        send_outbound_email.using(run_after=run_after).enqueue(email.pk)
    else:
        send_outbound_email.enqueue(email.pk)


# Wagtail's own workflow notifications to editors, sent after the change has been committed.
WAGTAIL_NOTIFIERS = {
    "task_submitted": ("task_submission_email_notifier", "TaskState"),
    "workflow_submitted": ("workflow_submission_email_notifier", "WorkflowState"),
    "workflow_rejected": ("workflow_rejection_email_notifier", "WorkflowState"),
    "workflow_approved": ("workflow_approval_email_notifier", "WorkflowState"),
}


@task()
def send_wagtail_notification(event, instance_id, user_id=None):
    """Run Wagtail's notifier for a workflow event, away from the request that caused it."""
    from django.contrib.auth import get_user_model
    from wagtail import models as wagtail_models
    from wagtail.admin import signal_handlers

    notifier_name, model_name = WAGTAIL_NOTIFIERS[event]
    instance = getattr(wagtail_models, model_name).objects.filter(pk=instance_id).first()
    if instance is None:
        return "gone"
    if model_name == "TaskState":
        instance = instance.specific
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    getattr(signal_handlers, notifier_name)(instance=instance, user=user)
    return "sent"
