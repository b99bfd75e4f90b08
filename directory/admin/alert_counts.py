"""The editors' dashboard panel on email alerts: counts only, never an address (issue: privacy)."""

from wagtail import hooks
from wagtail.admin.ui.components import Component

from directory.admin.access import is_directory_editor
from directory.alerts import alert_counts


class AlertsPanel(Component):
    """How many people get alerts, by how often, and how many requests wait for confirmation."""

    name = "directory_alerts"
    order = 60
    template_name = "directory/admin/alerts_panel.html"

    def get_context_data(self, parent_context):
        return {"counts": alert_counts()}


@hooks.register("construct_homepage_panels")
def add_alerts_panel(request, panels):
    if is_directory_editor(request.user):
        panels.append(AlertsPanel())
