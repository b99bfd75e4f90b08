"""The directory app: communities, departments, moderation and open data."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Directory")

    def ready(self):
        from directory.moderation import connect_signal_handlers

        connect_signal_handlers()

        from directory.editor_alerts import connect_editor_alerts

        connect_editor_alerts()

        from directory.translation import keep_live_content_until_published

        keep_live_content_until_published()

        from directory.caching import connect_cache_invalidation

        connect_cache_invalidation()

        from directory.admin.reports import protect_admin_exports

        protect_admin_exports()

        from directory.admin.workflow import require_a_comment_to_request_changes

        require_a_comment_to_request_changes()
