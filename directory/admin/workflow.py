"""Wagtail's approve / request changes view, telling an editor who lost a race what happened.

When two editors decide on the same entry at the same moment, ``directory.moderation.decide_once``
lets one decision through and refuses the other with ``DecisionAlreadyTaken``. Wagtail's admin
turns any refusal into "Sorry, you do not have permission to access this area." on the
dashboard, which tells the editor nothing true. This view, mounted at Wagtail's own address for
the action (``urls.py``), sends them back to the entry with what happened instead.
"""

from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from wagtail.admin import messages
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.pages.workflow import WorkflowActionView

from directory.moderation import DecisionAlreadyTaken

# Wagtail's address for the view (wagtailadmin_pages:workflow_action), under the admin's prefix.
WORKFLOW_ACTION_PATH = "pages/workflow/action/<int:page_id>/<slug:action_name>/<int:task_state_id>/"


class DecideOnceWorkflowActionView(WorkflowActionView):
    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except DecisionAlreadyTaken as refusal:
            messages.warning(request, str(refusal))
            if request.headers.get("x-requested-with") == "XMLHttpRequest":
                # The action's dialog follows a "success" step's redirect: back to the entry.
                return self.render_modal_json(request, {"step": "success", "redirect": self.redirect_url})
            return redirect(self.redirect_url)


# Decorated as Wagtail decorates its admin's views.
workflow_action = never_cache(require_admin_access(DecideOnceWorkflowActionView.as_view()))
