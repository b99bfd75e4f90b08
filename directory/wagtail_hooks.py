"""Wagtail loads this module at start-up; each area of the admin lives in ``directory/admin/``."""

from directory import upstream

# Each import registers that area's hooks, viewsets and reports.
from directory.admin import (  # noqa: F401
    access,
    alert_counts,
    compare,
    dashboard,
    decisions,
    editing,
    log_actions,
    moderation,
    redactions,
    reports,
    synonyms,
    translating,
    translation_buttons,
)

# wagtail-localize's hooks are registered by now (translation_buttons imports them).
upstream.use_annotated_translation_buttons()
