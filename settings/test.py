"""Test settings: fast hashing, local-memory cache, immediate tasks, emails kept in memory."""

from .base import *  # noqa: F403
from .base import STORAGES

DEBUG = False
SECRET_KEY = "test-key-not-secret"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"},
    "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-rate-limits"},
    "facet-index": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-facet-indexes"},
}
FACET_INDEX_CACHE = "facet-index"  # emptied before each test (conftest.py)
PAGE_CACHE_ENABLED = False  # tests of the page cache turn it on themselves
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WAGTAILADMIN_BASE_URL = "http://testserver"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
