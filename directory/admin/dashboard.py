"""The editors' dashboard panel: how much is waiting in each moderation queue, each linking to its listing."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

from directory.admin.access import is_directory_editor
from directory.models import EditSuggestion, Nomination, OutboundEmail, ProblemReport


def moderation_counts():
    """What is waiting for the editors, in five queries."""
    nominations = Nomination.objects.aggregate(
        nominations=Count("pk", filter=Q(kind=Nomination.Kind.NEW, status=Nomination.Status.PENDING)),
        changes_requested=Count("pk", filter=Q(kind=Nomination.Kind.NEW, status=Nomination.Status.CHANGES_REQUESTED)),
        claims=Count("pk", filter=Q(kind=Nomination.Kind.CLAIM, status=Nomination.Status.PENDING)),
        removals=Count("pk", filter=Q(status=Nomination.Status.REMOVAL_REQUESTED)),
    )
    return {
        **nominations,
        "suggestions": EditSuggestion.objects.filter(status=EditSuggestion.Status.PENDING).count(),
        "problem_reports": ProblemReport.objects.filter(status=ProblemReport.Status.OPEN).count(),
        "failed_emails": OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).count(),
    }


class ModerationPanel(Component):
    """Dashboard counts of every moderation queue, each linking to its listing."""

    name = "directory_moderation"
    order = 50
    template_name = "directory/admin/moderation_panel.html"

    def get_context_data(self, parent_context):
        counts = moderation_counts()
        rows = [
            (_("New nominations waiting for review"), counts["nominations"], "nominations:index", "?status=pending"),
            (
                _("Nominations waiting for the operator's changes"),
                counts["changes_requested"],
                "nominations:index",
                "?status=changes_requested",
            ),
            (_("Claims to check"), counts["claims"], "claims:index", "?status=pending"),
            (_("Suggested edits"), counts["suggestions"], "suggestions:index", "?status=pending"),
            (_("Open problem reports"), counts["problem_reports"], "problem_reports:index", "?status=open"),
            (_("Emails that could not be sent"), counts["failed_emails"], "outbound_emails:index", "?status=failed"),
        ]
        return {
            "rows": [
                {"label": label, "count": count, "url": reverse(url) + query} for label, count, url, query in rows
            ],
            "removals": counts["removals"],
        }


@hooks.register("construct_homepage_panels")
def add_moderation_panel(request, panels):
    if is_directory_editor(request.user):
        panels.append(ModerationPanel())
