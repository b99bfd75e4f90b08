"""Wagtail loads this module at start-up; each area of the admin lives in ``directory/admin/``."""

# Each import registers that area's hooks, viewsets and reports.
from directory.admin import (  # noqa: F401
    access,
    compare,
    dashboard,
    decisions,
    editing,
    log_actions,
    moderation,
    redactions,
    reports,
    translating,
    translation_buttons,
)
