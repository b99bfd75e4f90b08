"""Local development: debug on, a fixed non-secret key, emails printed to the console."""

from .base import *  # noqa: F403
from .base import STORAGES, env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "local-development-key-not-for-production"  # noqa: F405
# Templates and content change under a developer's hands: no page cache unless asked for.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", False)
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# The site's own 404 page, not Django's debug one (core/dev_pages.py).
DEBUG_TECHNICAL_404 = env_bool("DEBUG_TECHNICAL_404", False)
MIDDLEWARE = [*MIDDLEWARE[:-1], "core.dev_pages.SiteNotFoundPageMiddleware", MIDDLEWARE[-1]]  # noqa: F405 (axes last)
