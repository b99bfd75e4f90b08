"""Workflow glue: tell operators what the editors decided.

Wagtail only emails the person who started a review (``requested_by``), and nominations are
started anonymously, so the operator's emails come from these handlers on
``workflow_approved`` / ``workflow_rejected``. They update the nomination's status and email
the operator, with the editor's comment. Wagtail's own notifications to editors are sent from
the task queue after the change is committed (``defer_wagtail_notification``, put in their place
by ``directory.upstream``), so a broken mail server cannot undo a nomination or an approval.
Connected in ``DirectoryConfig.ready()``. That a review is decided once, and that "Request
changes" needs a comment, is the workflow's task's doing (``directory.models.workflow``).
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from directory.emails import email_language, entry_url, queue_templated_email
from directory.models import ForumPage, Nomination
from directory.nominations import record_status
from directory.private_links import ACTIVE_STATUSES, revoke_links_of_former_contacts


def forum_under_review(workflow_state):
    """The community page a workflow state is about, or None for any other kind of page."""
    content = workflow_state.content_object
    specific = getattr(content, "specific", content)
    return specific if isinstance(specific, ForumPage) else None


def nominations_waiting_on(forum):
    """The operator nominations (not claims) waiting for the editors' decision on this entry."""
    waiting = Nomination.objects.filter(forum=forum, kind=Nomination.Kind.NEW, status__in=ACTIVE_STATUSES)
    # Someone whose link was stopped no longer manages the entry: they are not told about it.
    return list(waiting.filter(token_revoked_at__isnull=True))


def editor_comment(workflow_state):
    """The comment the editor left on the task they just finished (may be empty)."""
    task_state = workflow_state.current_task_state
    return (task_state.comment or "").strip() if task_state is not None else ""


def tell_operators(workflow_state, status, subject, template_name):
    """Record the editors' decision on the entry's waiting nominations and email each operator."""
    forum = forum_under_review(workflow_state)
    if forum is None:
        return
    comment = editor_comment(workflow_state)
    for nomination in nominations_waiting_on(forum):
        record_status(nomination, status, editor_comment=comment)
        queue_templated_email(
            nomination.contact_email,
            subject,
            template_name,
            {
                "nomination": nomination,
                "forum": forum,
                "comment": comment,
                "entry_url": entry_url(forum, email_language(nomination)),
            },
            nomination=nomination,
            subject_params={"title": forum.title},
        )


def on_workflow_approved(sender, instance, user=None, **kwargs):
    """The entry was approved (and published): mark its nominations approved and tell the operators."""
    tell_operators(instance, Nomination.Status.APPROVED, _("%(title)s is now in the directory"), "nomination_approved")


def on_workflow_rejected(sender, instance, user=None, **kwargs):
    """The editor asked for changes: record their comment and send it to the operators."""
    tell_operators(
        instance,
        Nomination.Status.CHANGES_REQUESTED,
        _("Changes needed to your entry: %(title)s"),
        "changes_requested",
    )


def on_forum_published(sender, instance, **kwargs):
    """A published entry whose contact changed stops the private links of its former contacts."""
    if instance.alias_of_id is None:
        revoke_links_of_former_contacts(instance)


STARTED_BY_THE_PUBLIC_EVENTS = ("task_submitted", "workflow_submitted")


def started_by_the_public(state):
    """Whether a review (a WorkflowState, or a TaskState in one) was started by a public form, not an editor."""
    workflow_state = getattr(state, "workflow_state", state)
    return workflow_state.requested_by_id is None


def defer_wagtail_notification(event):
    """A receiver that sends Wagtail's notification from the task queue once the change is committed.

    Wagtail emails editors from inside the signal, so an SMTP failure while opening the
    connection (a login or TLS error) would roll back the nomination that caused it.
    """

    def receiver(sender, instance, user=None, **kwargs):
        from directory.tasks import send_wagtail_notification

        if event in STARTED_BY_THE_PUBLIC_EVENTS and started_by_the_public(instance):
            return  # directory.editor_alerts tells the editors about nominations, once

        user_id = getattr(user, "pk", None)
        transaction.on_commit(lambda: send_wagtail_notification.enqueue(event, instance.pk, user_id), robust=True)

    return receiver


def connect_signal_handlers():
    from wagtail import signals

    signals.workflow_approved.connect(on_workflow_approved, dispatch_uid="directory.nomination_approved")
    signals.workflow_rejected.connect(on_workflow_rejected, dispatch_uid="directory.nomination_changes_requested")
    signals.page_published.connect(on_forum_published, sender=ForumPage, dispatch_uid="directory.forum_contact_changed")
