"""Settings shared by every environment; each value can be set from the environment.

``dev``, ``test`` and ``production`` import everything from here and change only what
differs. Nothing secret lives in this file.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    """Read a comma-separated environment variable into a list without blanks."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "core",
    "home",
    "directory",
    "search",
    "devdata",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "corsheaders",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.protection.RefuseNulBytesMiddleware",
    "core.security.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Before sessions, CSRF and auth: a cached page skips them all (see core/page_cache.py).
    "core.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, the first to read a post's body: a public post's size, chunked or not.
    "core.security.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "urls"
WSGI_APPLICATION = "wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "home.context_processors.site_navigation",
            ],
        },
    },
]

# Database: a SQLite file unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# SQLite: web workers and the task worker write too, so a writer waits for another (IMMEDIATE, up
# to 20 s) instead of failing. Write-ahead logging (WAL): readers and a writer do not wait for each
# other, so a publish neither stalls the pages being served nor waits for them to finish.
SQLITE_OPTIONS = {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL"}
DATABASE_IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
if DATABASE_IS_POSTGRES:
    INSTALLED_APPS.append("django.contrib.postgres")
elif DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches: Redis when REDIS_URL is set, local memory otherwise. "default": pages, facet indexes,
# Wagtail's entries; "ratelimit": the forms' counters, in a Redis that never evicts
# (RATELIMIT_REDIS_URL, docs/deployment.md). Both survive an unreachable Redis (core/resilient_cache.py).
REDIS_URL = os.environ.get("REDIS_URL", "")
RATELIMIT_REDIS_URL = os.environ.get("RATELIMIT_REDIS_URL", "") or REDIS_URL
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "psd")
REDIS_OPTIONS = {
    "socket_connect_timeout": float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.5")),
    "socket_timeout": float(os.environ.get("REDIS_TIMEOUT", "1")),
    "RETRY_AFTER": float(os.environ.get("REDIS_RETRY_AFTER", "5")),
}


def redis_cache(url, **options):
    return {
        "BACKEND": "core.resilient_cache.ResilientRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": CACHE_KEY_PREFIX,
        "TIMEOUT": 300,
        "OPTIONS": {**REDIS_OPTIONS, **options},
    }


CACHES = {
    "default": (
        redis_cache(REDIS_URL)
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "peer-support-directory"}
    ),
    "ratelimit": (
        redis_cache(RATELIMIT_REDIS_URL, LOCAL_FALLBACK=True)
        if RATELIMIT_REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "rate-limits",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    ),
}
RATELIMIT_USE_CACHE = "ratelimit"

# Whole-page cache for anonymous visitors (core/page_cache.py), emptied by every publish; on by
# default only with Redis (a per-process cache could serve a page another process republished).
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", bool(REDIS_URL))
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# Each process also keeps the pages it served most recently, up to this many bytes of HTML (0: none).
PAGE_CACHE_LOCAL_MAX_BYTES = int(os.environ.get("PAGE_CACHE_LOCAL_MAX_BYTES", str(16 * 1024 * 1024)))
FACET_INDEX_CACHE = "default"  # where each public change's facet indexes are shared (directory/listing/facet_index.py)
# Never cached, and sent "Cache-Control: private, no-store" (health checks reach the database).
PAGE_CACHE_PRIVATE_PATHS = [r"^/admin/", r"^/documents/", r"^/(?:cy/)?listing/", r"^/healthz$", r"^/readyz$"]
# Cache-Control of public pages: browsers keep them PUBLIC_CACHE_MAX_AGE s, a CDN PUBLIC_CACHE_S_MAXAGE s.
PUBLIC_CACHE_MAX_AGE = int(os.environ.get("PUBLIC_CACHE_MAX_AGE", "60"))
PUBLIC_CACHE_S_MAXAGE = int(os.environ.get("PUBLIC_CACHE_S_MAXAGE", "300"))
PUBLIC_CACHE_STALE_WHILE_REVALIDATE = int(os.environ.get("PUBLIC_CACHE_STALE_WHILE_REVALIDATE", "60"))

# Background work: run at once locally; production uses the database queue and db_worker.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: English at /, Welsh at /cy/.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("cy", _("Welsh"))]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAIL_I18N_ENABLED = True
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False  # translations go live through moderation
# wagtail-localize's jobs run at once, then children counts are repaired (wagtail-localize #773).
WAGTAILLOCALIZE_JOBS = {"BACKEND": "directory.translation.TreeRepairingJobBackend"}
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# Static files: GOV.UK Frontend and our styles are built into frontend/build by npm.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "frontend" / "build"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Email: console locally; SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
else:
    EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "directory@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Request limits: public forms are small; the admin's page editor needs many fields.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2 * 1024 * 1024)))
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Open data: who may read it (CORS) and the one public address its links use.
from .open_data import *  # noqa: E402, F403

# Wagtail.
WAGTAIL_SITE_NAME = os.environ.get("SITE_NAME", "Peer Support Directory")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# The default: Wagtail's database backend (directory/listing/search_backend.py keeps PostgreSQL's
# average title length between publishes).
DATABASE_SEARCH_BACKEND = "directory.listing.search_backend"
SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", DATABASE_SEARCH_BACKEND)
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": SEARCH_BACKEND,
        **({"URLS": env_list("SEARCH_URLS")} if os.environ.get("SEARCH_URLS") else {}),
        # PostgreSQL's text search configuration: English stems ("chickens" finds "chicken"), and
        # Welsh words, stemmed the same way in pages and queries, still find each other. SQLite
        # stems with its FTS table's porter tokenizer (directory migration 0013). docs/search.md.
        **(
            {"SEARCH_CONFIG": os.environ.get("SEARCH_CONFIG", "english")}
            if SEARCH_BACKEND in (DATABASE_SEARCH_BACKEND, "wagtail.search.backends.database")
            else {}
        ),
    }
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "txt", "xlsx"]
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILAPI_BASE_URL = PUBLIC_BASE_URL or WAGTAILADMIN_BASE_URL  # noqa: F405
WAGTAILAPI_LIMIT_MAX = 100

# Review cycle (the site setting "review interval" overrides it) and link checking.
DIRECTORY_REVIEW_INTERVAL_MONTHS = int(os.environ.get("DIRECTORY_REVIEW_INTERVAL_MONTHS", "12"))
DIRECTORY_REVIEW_REMINDER_DAYS = int(os.environ.get("DIRECTORY_REVIEW_REMINDER_DAYS", "30"))
DIRECTORY_REVIEW_GRACE_DAYS = int(os.environ.get("DIRECTORY_REVIEW_GRACE_DAYS", "90"))
DIRECTORY_LINK_CHECK_CONCURRENCY = int(os.environ.get("DIRECTORY_LINK_CHECK_CONCURRENCY", "20"))
DIRECTORY_LINK_CHECK_TIMEOUT = float(os.environ.get("DIRECTORY_LINK_CHECK_TIMEOUT", "15"))
DIRECTORY_LINK_BROKEN_AFTER_FAILURES = int(os.environ.get("DIRECTORY_LINK_BROKEN_AFTER_FAILURES", "3"))
DIRECTORY_LINK_BROKEN_AFTER_DAYS = int(os.environ.get("DIRECTORY_LINK_BROKEN_AFTER_DAYS", "3"))
DIRECTORY_LINK_CHECK_HISTORY_DAYS = int(os.environ.get("DIRECTORY_LINK_CHECK_HISTORY_DAYS", "365"))
# /progress/ lists a topic as "not yet listening" when it has at least this many listed communities.
DIRECTORY_COVERAGE_MIN_COMMUNITIES = int(os.environ.get("DIRECTORY_COVERAGE_MIN_COMMUNITIES", "3"))

from settings.public_forms import *  # noqa: E402, F403 (rate limits and guards of the public forms)

EMAIL_RETRY_DELAYS = (60, 300, 1800, 7200)  # seconds before each retry of an email; then it is marked failed

# Security (docs/security.md): response headers, the Content-Security-Policy, admin sign-in limits
# and two-step verification. production.py adds HTTPS-only cookies, HSTS and the HTTPS redirect.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# The browser features no page of the site uses, switched off (django-permissions-policy).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "browsing-topics",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}
# Content-Security-Policy (django-csp; core/security.py). Public pages allow no inline script or
# style at all; static files may come from STATIC_HOST (a CDN) and images from CSP_IMAGE_ORIGINS
# (e.g. a media bucket). The Wagtail admin's templates need inline scripts and styles, so the
# admin gets its own, looser policy that still keeps other sites from framing it.
_STATIC_ORIGINS = [os.environ["STATIC_HOST"].rstrip("/")] if os.environ.get("STATIC_HOST") else []
_IMAGE_ORIGINS = [*_STATIC_ORIGINS, *env_list("CSP_IMAGE_ORIGINS")]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", *_STATIC_ORIGINS],
        "style-src": ["'self'", *_STATIC_ORIGINS],
        "img-src": ["'self'", "data:", *_IMAGE_ORIGINS],
        "font-src": ["'self'", *_STATIC_ORIGINS],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": ["'self'", "'unsafe-inline'", *_STATIC_ORIGINS],
        "style-src": ["'self'", "'unsafe-inline'", *_STATIC_ORIGINS],
        "img-src": ["'self'", "data:", "blob:", *_IMAGE_ORIGINS],
        "frame-src": ["'self'"],  # page previews
        "frame-ancestors": ["'self'"],
    }
}
CSP_ADMIN_URL_PREFIXES = ("/admin/", "/django-admin/")
# No Gravatar pictures in the admin: they would tell Gravatar which editors work here and when.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Admin sign-in: django-axes locks a username out from one address after AXES_FAILURE_LIMIT wrong
# passwords for AXES_COOLOFF_HOURS (even the right password is refused meanwhile). Addresses are
# read as the rate limits read them, behind TRUSTED_PROXY_COUNT proxies.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(hours=float(os.environ.get("AXES_COOLOFF_HOURS", "1")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.security.sign_in_address"
AXES_LOCKOUT_CALLABLE = "core.security.sign_in_locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_ENABLE_ADMIN = False  # no django.contrib.admin site here; see docs/security.md to unlock
# Admin password resets (core/password_reset.py): limits per address and per email asked about.
PASSWORD_RESET_ADDRESS_RATE_LIMIT = os.environ.get("PASSWORD_RESET_ADDRESS_RATE_LIMIT", "5/h")
PASSWORD_RESET_ACCOUNT_RATE_LIMIT = os.environ.get("PASSWORD_RESET_ACCOUNT_RATE_LIMIT", "3/h")

# Two-step verification (django-otp, core/two_factor.py): optional for each editor unless
# DIRECTORY_REQUIRE_2FA is on, when every editor must set up an authenticator app.
DIRECTORY_REQUIRE_2FA = env_bool("DIRECTORY_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "axes.apps": {"level": "WARNING"},  # not its start-up banner on every command
    },
}
