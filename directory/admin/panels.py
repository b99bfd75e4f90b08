"""Panels of our own in the page editor, and the community editor's tabs that show them.

The page model declares its panel lists; the tabs are put together here so that the model does
not import the admin. ``use_forum_edit_handler`` runs from ``DirectoryConfig.ready()``, before
Wagtail builds (and caches) any edit form.
"""

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import ObjectList, Panel, TabbedInterface
from wagtail.models import Page

from directory.admin.review import review_context, waiting_nominations
from directory.models import ForumPage


class ReviewPanel(Panel):
    """While an entry waits for editors: the nominator's message and status, the buttons to decide,
    the suitability answers and possible duplicates (``directory.admin.review``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("heading", _("Review"))
        super().__init__(*args, **kwargs)

    class BoundPanel(Panel.BoundPanel):
        template_name = "directory/admin/panels/review_panel.html"

        @cached_property
        def nominations(self):
            return waiting_nominations(self.instance) if self.instance.pk else []

        def is_shown(self):
            return bool(self.instance.pk) and (bool(self.nominations) or self.instance.workflow_in_progress)

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["review"] = review_context(self.instance, self.request.user, self.nominations)
            return context


def forum_edit_handler():
    """A community's tabs: the review panel above its details, then audience, figures, engagement,
    before you join, private contact and promote."""
    return TabbedInterface(
        [
            ObjectList([ReviewPanel(), *ForumPage.content_panels], heading=_("About")),
            ObjectList(ForumPage.audience_panels, heading=_("Audience and topics")),
            ObjectList(ForumPage.figure_panels, heading=_("Figures")),
            ObjectList(ForumPage.engagement_panels, heading=_("Engagement")),
            ObjectList(ForumPage.joining_panels, heading=_("Before you join")),
            ObjectList(ForumPage.private_panels, heading=_("Private")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
        ]
    )


def use_forum_edit_handler():
    ForumPage.edit_handler = forum_edit_handler()
