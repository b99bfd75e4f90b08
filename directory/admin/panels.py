"""Panels of our own in the page editor.

Kept free of imports of the directory's models at module level: page models import this module.
"""

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel


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
            from directory.admin.review import waiting_nominations

            return waiting_nominations(self.instance) if self.instance.pk else []

        def is_shown(self):
            return bool(self.instance.pk) and (bool(self.nominations) or self.instance.workflow_in_progress)

        def get_context_data(self, parent_context=None):
            from directory.admin.review import review_context

            context = super().get_context_data(parent_context)
            context["review"] = review_context(self.instance, self.request.user, self.nominations)
            return context
