"""The core app: what every part of the site relies on and that knows nothing of the directory.

Page cache, client addresses and rate limits, security headers, two-step verification, page
routing and privacy, id checks, and the GOV.UK template tags.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from core import checks  # noqa: F401  (registers the deployment checks)
