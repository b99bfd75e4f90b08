"""Production: everything from the environment; refuses to start without a SECRET_KEY."""

import json
import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import STORAGES, env_bool

DEBUG = False

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
        "string (for example: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Static files behind a CDN: STATIC_HOST (e.g. https://cdn.example.org) fronts the app's
# /static/, which whitenoise keeps serving as the CDN's origin.
STATIC_URL = os.environ.get("STATIC_HOST", "").rstrip("/") + "/static/"

# Media in object storage (optional; install django-storages in the image first), e.g.
# MEDIA_STORAGE_BACKEND=storages.backends.s3.S3Storage MEDIA_STORAGE_OPTIONS='{"bucket_name": "media"}'
if os.environ.get("MEDIA_STORAGE_BACKEND"):
    try:
        _media_storage_options = json.loads(os.environ.get("MEDIA_STORAGE_OPTIONS") or "{}")
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"MEDIA_STORAGE_OPTIONS is not valid JSON: {error}") from error
    STORAGES = {
        **STORAGES,
        "default": {"BACKEND": os.environ["MEDIA_STORAGE_BACKEND"], "OPTIONS": _media_storage_options},
    }

# Behind the TLS-terminating proxy the deployment puts in front, its X-Forwarded-Proto says whether
# the visitor used HTTPS. Turn TRUST_X_FORWARDED_PROTO off if clients can reach the app directly,
# or they could claim HTTPS with the header and skip the redirect.
if env_bool("TRUST_X_FORWARDED_PROTO", True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
