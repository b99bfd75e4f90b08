"""How the page history shows the log actions the business rules record: a suggestion accepted,
an entry confirmed accurate."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter


@hooks.register("register_log_actions")
def register_moderation_log_actions(actions):
    @actions.register_action("directory.suggestion.accept")
    class SuggestionAccepted(LogFormatter):
        label = _("Accept suggested edit")

        def format_message(self, log_entry):
            return _("Accepted suggested edit #%(id)s (%(fields)s)") % {
                "id": log_entry.data.get("suggestion_id"),
                "fields": ", ".join(log_entry.data.get("fields", [])),
            }

    @actions.register_action("directory.forum.verified")
    class ForumVerified(LogFormatter):
        label = _("Confirm still accurate")

        def format_message(self, log_entry):
            return _("Confirmed still accurate on %(date)s") % {"date": log_entry.data.get("date", "")}
