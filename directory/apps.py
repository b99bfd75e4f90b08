"""The directory app: communities, departments, moderation and open data."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = _("Directory")

    def ready(self):
        from directory import upstream
        from directory.moderation import connect_signal_handlers

        connect_signal_handlers()
        upstream.install()

        from directory.translation import connect_alias_dates

        connect_alias_dates()

        from directory.editor_alerts import connect_editor_alerts

        connect_editor_alerts()

        from directory.caching import connect_cache_invalidation, public_content_committed
        from directory.listing.facet_index import prebuild_indexes

        connect_cache_invalidation()
        public_content_committed.connect(prebuild_indexes, dispatch_uid="facet_index.prebuild")

        from directory.listing.search_index import connect_search_reindexing

        connect_search_reindexing()

        from directory.alerts import connect_alerts

        connect_alerts()

        from directory.admin.panels import use_forum_edit_handler

        use_forum_edit_handler()
