"""gunicorn with the project's gunicorn.conf.py and production settings on a loopback port.

Shared by bench/throughput.py and bench/load_test.py. ``shipped_environment`` sets only what a
deployment must set (secret key, host, database, Redis, static files) and drops any gunicorn or
page-cache variable inherited from the caller's shell, so gunicorn.conf.py's and the production
settings' own defaults apply: 2 workers of 4 threads, each replaced after about 1,000 requests,
access log on, log level info.
"""

import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

# Variables gunicorn.conf.py or the page cache read: a run uses what the project ships, not the shell's.
INHERITED_TUNING = ("GUNICORN_", "WEB_CONCURRENCY", "PAGE_CACHE_", "REDIS_", "RATELIMIT_REDIS_URL", "LOG_LEVEL")


def free_port(ports, tool="throughput"):
    """The first loopback port in ``ports`` nothing listens on (each script has its own range)."""
    for port in ports:
        with socket.socket() as candidate:
            try:
                candidate.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"{tool}: no free port in {ports.start}-{ports.stop - 1}")


def shipped_environment(database_url, static_root, redis_url=None, ratelimit_redis_url=None):
    """Production settings as deployed behind a TLS proxy; only the deployment's own values are set."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(INHERITED_TUNING)}
    environment.update(
        DJANGO_SETTINGS_MODULE="settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(static_root),
    )
    if redis_url:
        environment["REDIS_URL"] = redis_url
    if ratelimit_redis_url:
        environment["RATELIMIT_REDIS_URL"] = ratelimit_redis_url
    return environment


def server_environment(database_url, static_root, page_cache, use_redis, redis_url="redis://127.0.0.1:6379/4"):
    """As shipped, but plain HTTP (no TLS redirect) for clients that send no X-Forwarded-Proto."""
    environment = shipped_environment(database_url, static_root, redis_url if use_redis else None)
    environment["SECURE_SSL_REDIRECT"] = "0"
    environment["PAGE_CACHE_ENABLED"] = "1" if page_cache else "0"
    return environment


def manage(environment, *arguments, capture=False):
    return subprocess.run(
        [str(PYTHON), "manage.py", *arguments],
        cwd=ROOT,
        env=environment,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    ).stdout


def resident_mib(pid):
    """A process's resident memory (VmRSS) in MiB, or None once it has exited."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


class Server:
    """gunicorn with the project's configuration on a loopback port, stopped on exit.

    ``headers`` go with every request this object makes (X-Forwarded-Proto for a server that
    redirects plain HTTP, as production does behind its proxy).
    """

    def __init__(self, environment, port, log_path, headers=None):
        self.url = f"http://127.0.0.1:{port}"
        self.headers = headers or {}
        self.log_path = Path(log_path)
        self.log_file = open(log_path, "w")  # closed in __exit__
        self.process = subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "wsgi:application"],
            cwd=ROOT,
            env=environment,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )

    def __enter__(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped; see {self.log_file.name}")
            try:
                self.get("/healthz", timeout=2)
                return self
            except OSError:
                time.sleep(0.5)
        raise SystemExit(f"gunicorn did not answer within 60 s; see {self.log_file.name}")

    def __exit__(self, *exc_info):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log_file.close()

    def worker_pids(self):
        pid = self.process.pid
        try:
            return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []

    def worker_memory(self):
        """Resident memory (VmRSS, MiB) of each worker, read from /proc."""
        memory = {pid: resident_mib(pid) for pid in self.worker_pids()}
        return {pid: mib for pid, mib in memory.items() if mib is not None}

    def master_memory(self):
        return resident_mib(self.process.pid)

    def log_counts(self):
        """Workers started, workers killed for a time-out, and errors, from gunicorn's log (level info)."""
        self.log_file.flush()
        text = self.log_path.read_text(errors="replace")
        return {
            "workers_booted": text.count("Booting worker with pid"),
            "worker_timeouts": text.count("WORKER TIMEOUT"),
            "tracebacks": text.count("Traceback (most recent call last)"),
        }

    def get(self, path, timeout=30):
        request = urllib.request.Request(self.url + path, headers=self.headers)
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read().decode(), dict(response.headers)
