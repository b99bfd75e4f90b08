"""The container's command really serves the site: gunicorn with gunicorn.conf.py and the
production settings, on a free port on 127.0.0.1, against a freshly migrated SQLite file.

The image runs exactly ``gunicorn -c gunicorn.conf.py wsgi:application`` (see Dockerfile), so a
broken config file, a production setting that fails at import, or static files that the
production storage cannot find would show here before they reach a deployment.
"""

import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from home.tests.processes import clean_environment, run_manage, start_manage

GUNICORN = Path(sys.executable).with_name("gunicorn")
STARTUP_LIMIT_SECONDS = 60
# One interpreter for both steps: migrating a fresh database is most of this test's time.
MIGRATE_AND_SET_UP_PAGE_TREE = (
    "from django.core.management import call_command; call_command('migrate', interactive=False, verbosity=0); "
    "from home.site_setup import ensure_home_page; from directory.site_tree import ensure_directory_tree; "
    "ensure_directory_tree(ensure_home_page())"
)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url):
    """Status and body of a GET; error statuses are returned, not raised."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def production_environment(tmp_path):
    """Production settings on a migrated temporary SQLite file with collected static files."""
    environment = {
        "DJANGO_SETTINGS_MODULE": "settings.production",
        "SECRET_KEY": "gunicorn-test-key-not-secret",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
    }
    # collectstatic needs no database, so it runs while the database is migrated.
    collectstatic = start_manage("collectstatic", "--noinput", "-v0", **environment)
    try:
        run_manage("shell", "-c", MIGRATE_AND_SET_UP_PAGE_TREE, **environment)
    finally:
        static_output, _ = collectstatic.communicate(timeout=300)
    assert collectstatic.returncode == 0, f"collectstatic failed:\n{static_output}"
    return environment


def test_gunicorn_serves_the_site_with_production_settings(production_environment, tmp_path):
    """A deployment would start containers that never become healthy, or serve errors on every
    page, if the image's gunicorn command did not serve the app with production settings."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:application"],
            cwd=settings.BASE_DIR,
            env=clean_environment(GUNICORN_BIND=f"127.0.0.1:{port}", **production_environment),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
        health = None
        while health is None and time.monotonic() < deadline:
            assert server.poll() is None, f"gunicorn exited early:\n{log_path.read_text()}"
            try:
                health = fetch(f"{base_url}/healthz")
            except OSError:  # not listening yet
                time.sleep(0.2)
        assert health is not None, f"gunicorn did not answer within {STARTUP_LIMIT_SECONDS}s:\n{log_path.read_text()}"

        status, body = health
        assert (status, body) == (200, '{"status": "ok", "database": "ok"}')

        status, home_html = fetch(f"{base_url}/")
        assert status == 200, f"home page answered {status}:\n{log_path.read_text()}"
        assert "Peer Support Directory" in home_html

        # The page's own stylesheet comes back from whitenoise under its hashed, cacheable name.
        stylesheet = re.search(r'<link[^>]*href="(/static/[^"]+\.css)"', home_html)
        assert stylesheet, "the home page links no stylesheet under /static/"
        status, _css = fetch(base_url + stylesheet.group(1))
        assert status == 200
        assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet.group(1)), "static names are not hashed for caching"
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    assert server.returncode == 0, f"gunicorn did not stop cleanly:\n{log_path.read_text()}"
    assert 'GET /healthz HTTP/1.1" 200' in log_path.read_text()  # access log goes to stdout
