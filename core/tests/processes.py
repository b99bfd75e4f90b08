"""Run the project the way an operator does, in a separate process with an environment the
test controls: settings are read once at import, so only a fresh interpreter shows what a
given set of environment variables really produces."""

import contextlib
import os
import subprocess
import sys

from django.conf import settings

# Variables the child inherits from the test run; everything else (DATABASE_URL, SECRET_KEY,
# REDIS_URL, DJANGO_SETTINGS_MODULE, ...) is left out unless the test passes it.
INHERITED_VARIABLES = ("PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "SYSTEMROOT")


def clean_environment(**variables):
    """A minimal environment for a child process, plus the given variables."""
    environment = {name: os.environ[name] for name in INHERITED_VARIABLES if name in os.environ}
    environment["PYTHONDONTWRITEBYTECODE"] = "1"
    environment.update(variables)
    return environment


def run_python(code, **variables):
    """Run ``python -c code`` in the project directory and return the finished process."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=clean_environment(**variables),
        capture_output=True,
        text=True,
        timeout=120,
    )


def start_manage(*arguments, **variables):
    """Start ``manage.py <arguments>`` in the background; its output (stdout and stderr) is piped."""
    return subprocess.Popen(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=clean_environment(**variables),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def run_manage(*arguments, **variables):
    """Run ``manage.py <arguments>``; fail the test with the command's output if it fails."""
    finished = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        env=clean_environment(**variables),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, f"manage.py {' '.join(arguments)} failed:\n{finished.stdout}\n{finished.stderr}"
    return finished


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on (free when asked)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def redis_server(*options):
    """A throwaway redis-server on a free loopback port, with no persistence: yields its URL.

    Skips the test when Debian's redis-server is not installed. Stopped (and its data gone) on exit.
    """
    import shutil
    import time

    import pytest
    import redis

    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip("needs redis-server (apt-get install redis-server)")
    port = free_port()
    server = subprocess.Popen(
        [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(url, socket_timeout=1).ping()
                break
            except redis.ConnectionError:
                assert server.poll() is None and time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
