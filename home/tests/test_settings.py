"""The settings modules read the environment as docs/deployment.md says they do.

Each case imports the settings in a fresh Python process with a controlled environment,
because settings are evaluated once, at import.
"""

import json

from core.tests.processes import run_python

SHOW_SETTINGS = """
import json
import settings.{module} as s
print(json.dumps({{
    "debug": s.DEBUG,
    "engine": s.DATABASES["default"]["ENGINE"],
    "database_name": str(s.DATABASES["default"]["NAME"]),
    "postgres_app": "django.contrib.postgres" in s.INSTALLED_APPS,
    "cache": s.CACHES["default"]["BACKEND"],
    "cache_location": s.CACHES["default"].get("LOCATION"),
    "tasks": s.TASKS["default"]["BACKEND"],
    "search": s.WAGTAILSEARCH_BACKENDS["default"],
    "static_root": str(s.STATIC_ROOT),
    "static_url": s.STATIC_URL,
    "media_storage": s.STORAGES["default"],
    "base_dir": str(s.BASE_DIR),
}}))
"""


def settings_under(module="base", **environment):
    """The interesting settings of ``settings.<module>`` when imported with this environment."""
    finished = run_python(SHOW_SETTINGS.format(module=module), **environment)
    assert finished.returncode == 0, finished.stderr
    return json.loads(finished.stdout)


def test_production_refuses_to_start_without_secret_key():
    """Without this, a server deployed with no SECRET_KEY would start with an empty or guessable
    key, and anyone could forge sessions and password-reset links."""
    finished = run_python("import settings.production")

    assert finished.returncode != 0
    assert "ImproperlyConfigured" in finished.stderr
    assert "SECRET_KEY is not set" in finished.stderr
    assert "secrets.token_urlsafe" in finished.stderr  # the message says how to make one


def test_production_with_secret_key_turns_debug_off_and_queues_tasks_in_the_database():
    """An operator would see debug pages with settings leaked to the public, or emails sent
    inside web requests instead of by the worker, if production fell back to dev defaults."""
    production = settings_under("production", SECRET_KEY="a-long-random-test-key", DEBUG="true")

    assert production["debug"] is False
    assert production["tasks"] == "django_tasks_db.DatabaseBackend"


def test_without_database_url_the_site_uses_the_local_sqlite_file():
    """`make run` from a fresh clone would need a database server if SQLite were not the default."""
    base = settings_under()

    assert base["engine"] == "django.db.backends.sqlite3"
    assert base["database_name"].endswith("db.sqlite3")
    assert base["postgres_app"] is False


def test_database_url_switches_to_postgresql():
    """Every web container would keep its own SQLite file, and data would diverge, if
    DATABASE_URL were not honoured."""
    base = settings_under(DATABASE_URL="postgres://directory:secret@db.internal:5432/directory")

    assert base["engine"] == "django.db.backends.postgresql"
    assert base["database_name"] == "directory"
    assert base["postgres_app"] is True  # PostgreSQL full-text search and lookups


def test_redis_url_switches_the_cache_to_redis():
    """Rate limits and cached fragments would be per container, so a client could multiply its
    allowance by the number of containers, if REDIS_URL did not select the shared Redis cache."""
    assert settings_under()["cache"] == "django.core.cache.backends.locmem.LocMemCache"

    with_redis = settings_under(REDIS_URL="redis://cache.internal:6379/1")

    assert with_redis["cache"] == "core.resilient_cache.ResilientRedisCache"  # Django's RedisCache, outage-proof
    assert with_redis["cache_location"] == "redis://cache.internal:6379/1"


def test_search_backend_and_urls_come_from_the_environment():
    """A large site could not move its search to OpenSearch/Elasticsearch without a code change."""
    assert settings_under()["search"] == {"BACKEND": "directory.listing.search_backend", "SEARCH_CONFIG": "english"}
    assert settings_under(SEARCH_CONFIG="simple")["search"]["SEARCH_CONFIG"] == "simple"

    opensearch = settings_under(
        SEARCH_BACKEND="wagtail.search.backends.opensearch2",
        SEARCH_URLS="https://search-1.internal:9200, https://search-2.internal:9200",
    )

    assert opensearch["search"] == {
        "BACKEND": "wagtail.search.backends.opensearch2",
        "URLS": ["https://search-1.internal:9200", "https://search-2.internal:9200"],
    }


def test_static_root_can_be_moved_by_the_environment():
    """The image build and the gunicorn test collect static files somewhere other than the
    source tree; they could not if STATIC_ROOT were fixed."""
    base = settings_under()
    assert base["static_root"] == f"{base['base_dir']}/static"

    assert settings_under(STATIC_ROOT="/srv/static")["static_root"] == "/srv/static"


def test_production_serves_static_files_through_a_cdn_host_when_one_is_set():
    """Pages would keep linking static files on the app's own host, so the CDN would carry no
    load, if STATIC_HOST were ignored."""
    key = {"SECRET_KEY": "a-long-random-test-key"}
    assert settings_under("production", **key)["static_url"] == "/static/"

    with_cdn = settings_under("production", STATIC_HOST="https://cdn.example.org/", **key)

    assert with_cdn["static_url"] == "https://cdn.example.org/static/"


def test_production_can_keep_media_in_object_storage():
    """Images uploaded on one web container would be missing on the others if media could not
    go to shared object storage."""
    key = {"SECRET_KEY": "a-long-random-test-key"}
    assert settings_under("production", **key)["media_storage"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }

    with_bucket = settings_under(
        "production",
        MEDIA_STORAGE_BACKEND="storages.backends.s3.S3Storage",
        MEDIA_STORAGE_OPTIONS='{"bucket_name": "directory-media", "querystring_auth": false}',
        **key,
    )

    assert with_bucket["media_storage"] == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": "directory-media", "querystring_auth": False},
    }


def test_production_explains_media_storage_options_that_are_not_json():
    """An operator with a typo in MEDIA_STORAGE_OPTIONS would get a bare JSON traceback instead
    of being told which variable is wrong."""
    finished = run_python(
        "import settings.production",
        SECRET_KEY="a-long-random-test-key",
        MEDIA_STORAGE_BACKEND="storages.backends.s3.S3Storage",
        MEDIA_STORAGE_OPTIONS="{bucket_name: directory-media}",
    )

    assert finished.returncode != 0
    assert "ImproperlyConfigured: MEDIA_STORAGE_OPTIONS is not valid JSON" in finished.stderr


def test_every_environment_variable_is_documented():
    """An operator deploying the site could not find a setting the code reads: each variable the
    settings modules take from the environment is named in the deployment or security docs."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    read = set()
    for module in (root / "settings").glob("*.py"):
        read |= set(
            re.findall(
                r"""(?:environ\.get|environ\[|getenv|env_\w+)\(?\s*["']([A-Z][A-Z0-9_]+)["']""", module.read_text()
            )
        )
    documented = "".join((root / "docs" / name).read_text() for name in ("deployment.md", "security.md"))
    assert len(read) > 30, "the settings read fewer variables than expected: is the pattern still right?"
    assert sorted(name for name in read if f"`{name}`" not in documented) == []


def test_a_sqlite_database_file_logs_ahead_so_a_publish_and_readers_do_not_wait(tmp_path):
    """With SQLite's default journal, a publish under load waited seconds for the pages being read
    (and they for it): editors' publishes and visitors' pages stalled together."""
    finished = run_python(
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('PRAGMA journal_mode')\n"
        "    print(cursor.fetchone()[0])\n",
        DJANGO_SETTINGS_MODULE="settings.dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )

    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip() == "wal"
