"""The editors' approval step in "Directory moderation": Wagtail's group approval, decided once.

``DirectoryModerationTask`` is the workflow's task (a ``GroupApprovalTask`` subclass, Wagtail's
extension point for tasks; migration 0011 put it in the workflow). Members of its groups approve
or request changes as with Wagtail's own task, and:

- a review is decided once: two editors deciding at the same moment could otherwise both pass
  Wagtail's check (made on the copy each request read) and publish an entry whose operator is
  told to change it; the second is refused with ``DecisionAlreadyTaken``;
- "Request changes" needs a comment (``RequestChangesForm``): it is the operator's only way to
  learn what to change. Wagtail asks the task for the form wherever an editor decides (the
  dashboard's dialog, the page editor's footer dialog, the page without JavaScript).
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.forms import TaskStateCommentForm
from wagtail.models import GroupApprovalTask, TaskState

from .moderation import Nomination


class DecisionAlreadyTaken(PermissionDenied):
    """Another editor decided on the entry while this editor's decision was on its way."""


class RequestChangesForm(TaskStateCommentForm):
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea({"rows": 4}),
        help_text=_("Say what needs to change. The person who nominated the community is emailed this."),
        error_messages={"required": _("Enter what needs to change")},
    )


class DirectoryModerationTask(GroupApprovalTask):
    """Group approval in which each review is decided once and requesting changes needs a comment."""

    class Meta:
        verbose_name = _("directory moderation task")
        verbose_name_plural = _("directory moderation tasks")

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups approve or request changes; each review is decided once, "
            "and requesting changes needs a comment for the person who nominated the community."
        )

    def on_action(self, task_state, user, action_name, **kwargs):
        """Lock the review's task row (then the entry's nominations, in the order
        ``directory.nominations.lock_for_decision`` takes them) and refuse a review already decided."""
        with transaction.atomic():
            status = TaskState.objects.select_for_update().filter(pk=task_state.pk).values_list("status", flat=True)
            if status.first() != TaskState.STATUS_IN_PROGRESS:
                raise DecisionAlreadyTaken(_("Another editor has already decided on this entry."))
            page_id = task_state.workflow_state.object_id
            list(Nomination.objects.select_for_update().filter(forum_id=page_id).values_list("pk", flat=True))
            return super().on_action(task_state, user, action_name, **kwargs)

    def get_form_for_action(self, action):
        form_class = super().get_form_for_action(action)
        return RequestChangesForm if action == "reject" and form_class is TaskStateCommentForm else form_class
