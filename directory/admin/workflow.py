"""Wagtail's approve / request changes view, mounted at Wagtail's own address for it (``urls.py``).

Two changes to Wagtail's view (the task itself, ``directory.models.DirectoryModerationTask``,
decides each review once and asks for a comment to request changes):
- An editor who lost a race to another editor's decision (``DecisionAlreadyTaken``) is sent back
  to the entry and told what happened, not shown Wagtail's generic "no permission".
- Without JavaScript (no dialog), the action's form is a whole admin page, and a form with
  errors is shown again; Wagtail answers such requests with the dialog's JSON.
"""

from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.cache import never_cache
from wagtail.admin import messages
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.pages.workflow import WorkflowActionView

from directory.models import DecisionAlreadyTaken

# Wagtail's address for the view (wagtailadmin_pages:workflow_action), under the admin's prefix.
WORKFLOW_ACTION_PATH = "pages/workflow/action/<int:page_id>/<slug:action_name>/<int:task_state_id>/"


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
