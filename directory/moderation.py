"""Workflow glue: tell operators what the editors decided.

Wagtail only emails the person who started a review (``requested_by``), and nominations are
started anonymously, so the operator's emails come from these handlers on
``workflow_approved`` / ``workflow_rejected``. They update the nomination's status and email
the operator, with the editor's comment. Wagtail's own notifications to editors are sent from
the task queue after the change is committed, so a broken mail server cannot undo a
nomination or an approval. Connected in ``DirectoryConfig.ready()``.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from directory.emails import email_language, entry_url, queue_templated_email
from directory.models import ForumPage, Nomination
from directory.nominations import ACTIVE_STATUSES, record_status, revoke_links_of_former_contacts


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


class DecisionAlreadyTaken(PermissionDenied):
    """Another editor decided on the entry while this editor's decision was on its way."""


def decide_once(on_action):
    """Wrap a workflow task's ``on_action`` so that two editors' decisions cannot both happen.

    Wagtail checks that a review is still in progress on the copy it read at the start of the
    request, so an approval and a "request changes" sent at the same moment could both pass and
    publish an entry whose operator is told to change it. The wrapper locks the review's task row
    (then the entry's nominations, in the same order as ``directory.nominations.lock_for_decision``)
    and refuses (``DecisionAlreadyTaken``, which ``directory.admin.workflow`` shows the editor) when
    another editor has decided meanwhile.
    """
    from wagtail.models import TaskState

    @wraps(on_action)
    def locked(task, task_state, user, action_name, **kwargs):
        with transaction.atomic():
            status = TaskState.objects.select_for_update().filter(pk=task_state.pk).values_list("status", flat=True)
            if status.first() != TaskState.STATUS_IN_PROGRESS:
                raise DecisionAlreadyTaken(_("Another editor has already decided on this entry."))
            page_id = task_state.workflow_state.object_id
            list(Nomination.objects.select_for_update().filter(forum_id=page_id).values_list("pk", flat=True))
            return on_action(task, task_state, user, action_name, **kwargs)

    locked.decides_once = True
    return locked


def connect_signal_handlers():
    from wagtail import signals
    from wagtail.models import Task, TaskState, WorkflowState

    if not getattr(Task.on_action, "decides_once", False):
        Task.on_action = decide_once(Task.on_action)

    signals.workflow_approved.connect(on_workflow_approved, dispatch_uid="directory.nomination_approved")
    signals.workflow_rejected.connect(on_workflow_rejected, dispatch_uid="directory.nomination_changes_requested")
    signals.page_published.connect(on_forum_published, sender=ForumPage, dispatch_uid="directory.forum_contact_changed")
    # Take Wagtail's own notification receivers' places (same dispatch_uid), whichever app is ready first.
    for event, sender, dispatch_uid in (
        ("task_submitted", TaskState, "group_approval_task_submitted_email_notification"),
        ("workflow_submitted", WorkflowState, "workflow_state_submitted_email_notification"),
        ("workflow_rejected", WorkflowState, "workflow_state_rejected_email_notification"),
        ("workflow_approved", WorkflowState, "workflow_state_approved_email_notification"),
    ):
        signal = getattr(signals, event)
        signal.disconnect(sender=sender, dispatch_uid=dispatch_uid)
        signal.connect(defer_wagtail_notification(event), sender=sender, dispatch_uid=dispatch_uid, weak=False)
