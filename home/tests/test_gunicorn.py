"""The container's command really serves the site: gunicorn with gunicorn.conf.py and the
production settings, on a free port on 127.0.0.1, against a freshly migrated SQLite file.

The image runs exactly ``gunicorn -c gunicorn.conf.py wsgi:application`` (see Dockerfile), so a
broken config file, a production setting that fails at import, or static files that the
production storage cannot find would show here before they reach a deployment. The same server
then meets what an outside probe tried: slow clients, chunked bodies, Redis or the database down.
"""

import contextlib
import http.cookies
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings

from core.tests.processes import clean_environment, free_port, run_manage, run_python, start_manage

GUNICORN = Path(sys.executable).with_name("gunicorn")
STARTUP_LIMIT_SECONDS = 60
# One interpreter for both steps: migrating a fresh database is most of this test's time.
MIGRATE_AND_SET_UP_PAGE_TREE = (
    "from django.core.management import call_command; call_command('migrate', interactive=False, verbosity=0); "
    "from home.site_setup import ensure_home_page; from directory.site_tree import ensure_directory_tree; "
    "ensure_directory_tree(ensure_home_page())"
)


def fetch(url, timeout=10, **headers):
    """Status and body of a GET; error statuses are returned, not raised."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="module")
def production_environment(tmp_path_factory):
    """Production settings on a migrated temporary SQLite file with collected static files."""
    tmp_path = tmp_path_factory.mktemp("production")
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


@contextlib.contextmanager
def gunicorn(environment, log_path, wait_for="/healthz"):
    """The image's command on a free loopback port; yields its base URL once ``wait_for`` answers."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:application"],
            cwd=settings.BASE_DIR,
            env=clean_environment(GUNICORN_BIND=f"127.0.0.1:{port}", **environment),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server.log_path = log_path
    try:
        deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
        answered = False
        while not answered and time.monotonic() < deadline:
            assert server.poll() is None, f"gunicorn exited early:\n{log_path.read_text()}"
            try:
                fetch(base_url + wait_for)
                answered = True
            except OSError:  # not listening yet
                time.sleep(0.2)
        assert answered, f"gunicorn did not answer within {STARTUP_LIMIT_SECONDS}s:\n{log_path.read_text()}"
        yield base_url, server
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_gunicorn_serves_the_site_with_production_settings(production_environment, tmp_path):
    """A deployment would start containers that never become healthy, or serve errors on every
    page, if the image's gunicorn command did not serve the app with production settings."""
    log_path = tmp_path / "gunicorn.log"
    with gunicorn(production_environment, log_path) as (base_url, server):
        status, body = fetch(f"{base_url}/healthz")
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

    assert server.returncode == 0, f"gunicorn did not stop cleanly:\n{log_path.read_text()}"
    assert 'GET /healthz HTTP/1.1" 200' in log_path.read_text()  # access log goes to stdout
    # Each new worker would spend its first request importing and compiling what the master had not.
    assert re.search(r"Warmed up: \d{2,} templates compiled", log_path.read_text()), "workers start cold"


SLOW_CLIENTS = 16
DRIP_SECONDS = 2


def drip_headers(port, stop, answers):
    """A slowloris client: a request line, then one header line every DRIP_SECONDS, never the end."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        number = 0
        while not stop.wait(DRIP_SECONDS):
            number += 1
            connection.sendall(f"X-Slow-{number}: {'a' * 10}\r\n".encode())
    except OSError:  # the server closed the connection on us
        pass
    finally:
        connection.settimeout(0.5)
        try:
            answers.append(connection.recv(200))
        except OSError:
            answers.append(b"")
        connection.close()


def test_slow_clients_cannot_keep_others_from_being_answered(production_environment, tmp_path):
    """Sixteen clients dripping a header line every two seconds (slowloris) against one worker with
    two threads, as gunicorn.conf.py runs it: everyone else is still answered promptly, and the
    slow clients are cut off with a 408 once their time is up.

    If this fails, a handful of connections from one laptop make a container unresponsive for as
    long as they like: gunicorn's threaded worker gives each connection a thread at its first byte.
    """
    environment = {**production_environment, "GUNICORN_REQUEST_READ_TIMEOUT": "5"}
    with gunicorn(environment, tmp_path / "gunicorn.log") as (base_url, server):
        port = int(base_url.rsplit(":", 1)[1])
        stop, answers = threading.Event(), []
        clients = [
            threading.Thread(target=drip_headers, args=(port, stop, answers), daemon=True) for _ in range(SLOW_CLIENTS)
        ]
        for client in clients:
            client.start()
        try:
            for _ in range(2):  # while the slow clients drip
                time.sleep(DRIP_SECONDS)
                status, body = fetch(f"{base_url}/healthz", timeout=5)  # an answer within 5 s, or an error
                assert status == 200, body
            time.sleep(2)  # past the read time-out (5 s, plus a little for the bytes sent)
        finally:
            stop.set()
            for client in clients:
                client.join(timeout=10)
    assert len(answers) == SLOW_CLIENTS
    assert all(answer.startswith(b"HTTP/1.1 408") for answer in answers), answers


NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")


@contextlib.contextmanager
def nginx_in_front(app_port, tmp_path):
    """deploy/nginx.conf, as docker-compose.yml mounts it, on the loopback in front of ``app_port``."""
    if NGINX is None:
        pytest.skip("needs nginx (apt-get install nginx-light)")
    shipped = (settings.BASE_DIR / "deploy" / "nginx.conf").read_text()
    assert shipped.count("server web:8000;") == 1 and shipped.count("listen 8080;") == 1
    port = free_port()
    config = tmp_path / "nginx.conf"
    config.write_text(
        shipped.replace("server web:8000;", f"server 127.0.0.1:{app_port};").replace(
            "listen 8080;", f"listen 127.0.0.1:{port};"
        )
    )
    command = [NGINX, "-c", str(config), "-p", str(tmp_path), "-e", "stderr", "-g", "daemon off; pid nginx.pid;"]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    log_path = tmp_path / "nginx.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while True:
            assert server.poll() is None, f"nginx exited:\n{log_path.read_text()}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "nginx did not start listening"
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_compose_proxy_answers_others_while_slow_clients_drip(production_environment, tmp_path):
    """docker-compose.yml's nginx (deploy/nginx.conf, checked with ``nginx -t``) in front of gunicorn:
    sixteen slowloris clients against nginx, and everyone else is still answered promptly.

    If this fails, the shipped proxy configuration does not load, or does not shield the app.
    """
    with gunicorn(production_environment, tmp_path / "gunicorn.log") as (base_url, server):
        with nginx_in_front(int(base_url.rsplit(":", 1)[1]), tmp_path) as port:
            stop, answers = threading.Event(), []
            clients = [
                threading.Thread(target=drip_headers, args=(port, stop, answers), daemon=True)
                for _ in range(SLOW_CLIENTS)
            ]
            for client in clients:
                client.start()
            try:
                for _ in range(2):
                    time.sleep(DRIP_SECONDS)
                    status, body = fetch(f"http://127.0.0.1:{port}/healthz", timeout=5, Host="127.0.0.1")
                    assert status == 200, body
            finally:
                stop.set()
                for client in clients:
                    client.join(timeout=10)


def raw_request(port, head, body_chunks=(), timeout=10):
    """Send ``head`` and a chunked body over a socket; the status code and the response's head and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(head)
        for chunk in body_chunks:
            connection.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        if body_chunks:
            connection.sendall(b"0\r\n\r\n")
        response = b""
        while b"\r\n\r\n" not in response:
            data = connection.recv(65536)
            if not data:
                break
            response += data
    return int(response.split(b" ", 2)[1]), response.decode("latin-1")


def test_chunked_posts_are_measured_and_read_whole(production_environment, tmp_path):
    """A chunked post (no Content-Length) reaches the form whole, and one over 64 KiB is refused 413.

    If this fails, a client can skip the public forms' size limit by sending its body in chunks,
    or a chunked post is read as empty (its CSRF token lost, so it is refused as forged).
    """
    environment = {**production_environment, "PUBLIC_FORM_MIN_SECONDS": "0"}
    with gunicorn(environment, tmp_path / "gunicorn.log") as (base_url, server):
        port = int(base_url.rsplit(":", 1)[1])
        with urllib.request.urlopen(f"{base_url}/nominate/", timeout=10) as response:
            page = response.read().decode()
            cookie = http.cookies.SimpleCookie(response.headers["Set-Cookie"])
        csrf_cookie = cookie[settings.CSRF_COOKIE_NAME].value
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
        from directory.tests.nomination_helpers import nomination_answers

        answers = {**nomination_answers()["community"], **fields}
        body = urlencode(answers).encode()
        head = (
            "POST /nominate/ HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Cookie: {settings.CSRF_COOKIE_NAME}={csrf_cookie}\r\nConnection: close\r\n\r\n"
        ).encode()
        status, response = raw_request(port, head, [body[:100], body[100:]])
        assert status == 302, response
        assert "Location: /nominate/suitability/" in response

        oversized = b"title=" + b"x" * (70 * 1024)
        status, response = raw_request(port, head, [oversized[i : i + 8192] for i in range(0, len(oversized), 8192)])
        assert status == 413, response


def test_with_redis_unreachable_the_site_serves_and_readiness_says_degraded(production_environment, tmp_path):
    """REDIS_URL pointing at a port nothing listens on: pages are served (uncached), /healthz is 200
    and /readyz is 200 "degraded" naming the cache as unavailable.

    If this fails, a Redis outage takes every page down while the health check says all is well.
    """
    environment = {**production_environment, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
    log_path = tmp_path / "gunicorn.log"
    with gunicorn(environment, log_path) as (base_url, server):
        for path in ("/", "/directory/", "/nominate/", "/search/?q=money", "/cy/"):
            status, _ = fetch(base_url + path)
            assert status == 200, f"{path} answered {status}:\n{log_path.read_text()}"
        assert fetch(f"{base_url}/healthz")[0] == 200
        status, body = fetch(f"{base_url}/readyz")
        assert status == 200
        assert json.loads(body) == {
            "status": "degraded",
            "database": "ok",
            "cache": "unavailable",
            "rate_limit_cache": "unavailable",
        }
    assert "Internal Server Error" not in log_path.read_text()


def test_with_the_database_down_readiness_is_503(production_environment, tmp_path):
    """The database unreachable: /readyz (and /healthz) answer 503, naming only the error's type.

    If this fails, a load balancer keeps sending visitors to a container that can serve nothing.
    """
    environment = {
        **production_environment,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/nothing",
    }
    with gunicorn(environment, tmp_path / "gunicorn.log", wait_for="/readyz") as (base_url, server):
        status, body = fetch(f"{base_url}/readyz")
        assert status == 503
        assert json.loads(body) == {
            "status": "error",
            "database": "OperationalError",
            "cache": "ok",
            "rate_limit_cache": "ok",
        }
        assert fetch(f"{base_url}/healthz")[0] == 503


# gunicorn.conf.py's master hook, run as gunicorn runs it: after the app (Django) is loaded, before any fork.
WHEN_READY = (
    "import gc, runpy, types, django; django.setup(); "
    "conf = runpy.run_path('gunicorn.conf.py'); "
    "conf['when_ready'](types.SimpleNamespace(log=types.SimpleNamespace(info=lambda *args: None))); "
    "print(gc.get_freeze_count())"
)


def test_the_master_freezes_what_it_loaded_before_forking_workers():
    """What the master loaded (Django, Wagtail, the compiled templates) is left out of the workers' garbage collections.

    If this fails, each full garbage collection in a worker walks the objects it inherited, which
    live as long as it does, and every request it is serving waits meanwhile.
    """
    finished = run_python(WHEN_READY, DJANGO_SETTINGS_MODULE="settings.test")
    assert finished.returncode == 0, finished.stderr
    assert int(finished.stdout.strip().splitlines()[-1]) > 100_000
