"""Wagtail's approve / request changes view, mounted at Wagtail's own address for it (``urls.py``).

Three changes to Wagtail's view:
- An editor who lost a race to another editor's decision (``directory.moderation.decide_once``)
  is sent back to the entry and told what happened, not shown Wagtail's generic "no permission".
- Without JavaScript (no dialog), the action's form is a whole admin page, and a form with
  errors is shown again; Wagtail answers such requests with the dialog's JSON.
- "Request changes" needs a comment: it is the operator's only way to learn what to change. The
  form is the workflow task's own (``require_a_comment_to_request_changes``), so Wagtail's dialog
  behind the page editor's footer, which is not this view, asks for it too.
"""

from django import forms
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from wagtail.admin import messages
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.pages.workflow import WorkflowActionView
from wagtail.forms import TaskStateCommentForm
from wagtail.models import Task

from directory.moderation import DecisionAlreadyTaken

# Wagtail's address for the view (wagtailadmin_pages:workflow_action), under the admin's prefix.
WORKFLOW_ACTION_PATH = "pages/workflow/action/<int:page_id>/<slug:action_name>/<int:task_state_id>/"


class RequestChangesForm(TaskStateCommentForm):
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea({"rows": 4}),
        help_text=_("Say what needs to change. The person who nominated the community is emailed this."),
        error_messages={"required": _("Enter what needs to change")},
    )


def require_a_comment_to_request_changes():
    """Make ``RequestChangesForm`` the workflow tasks' form for "Request changes" (at start-up).

    Wagtail asks the task for the form wherever an editor decides: this view (the dashboard's
    dialog, the page without JavaScript) and its own ``collect_action_data`` view behind the page
    editor's footer dialog.
    """
    original = Task.get_form_for_action
    if getattr(original, "requires_comment", False):
        return

    def get_form_for_action(self, action):
        form_class = original(self, action)
        return RequestChangesForm if action == "reject" and form_class is TaskStateCommentForm else form_class

    get_form_for_action.requires_comment = True
    Task.get_form_for_action = get_form_for_action


class DecideOnceWorkflowActionView(WorkflowActionView):
    page_template_name = "directory/admin/workflow_action.html"

    @property
    def in_dialog(self):
        return self.request.headers.get("x-requested-with") == "XMLHttpRequest"

    def render_page(self, form):
        context = self.get_context_data(
            form=form,
            page_title=self.action_verbose_name or self.action_name,
            page_subtitle=self.object.get_admin_display_title(),
            header_icon="clipboard-list",
            cancel_url=self.redirect_url,
        )
        return TemplateResponse(self.request, self.page_template_name, context)

    def get(self, request, *args, **kwargs):
        if not self.in_dialog:
            return self.render_page(self.form_class() if self.form_class else None)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.form_class:
            form = self.form_class(request.POST)
            if not form.is_valid():
                return self.render_modal_form(request, form) if self.in_dialog else self.render_page(form)
        try:
            return super().post(request, *args, **kwargs)
        except DecisionAlreadyTaken as refusal:
            messages.warning(request, str(refusal))
            if self.in_dialog:
                # The action's dialog follows a "success" step's redirect: back to the entry.
                return self.render_modal_json(request, {"step": "success", "redirect": self.redirect_url})
            return redirect(self.redirect_url)


# Decorated as Wagtail decorates its admin's views.
workflow_action = never_cache(require_admin_access(DecideOnceWorkflowActionView.as_view()))
