"""Throughput of the real web server: requests/s and latency under load, page cache on and off.

    .venv/bin/python bench/throughput.py                        # 1,000 communities, cache on and off, 10 s a URL
    .venv/bin/python bench/throughput.py --forums 10000 --duration 20 --cache on
    .venv/bin/python bench/throughput.py --database-url postgres://postgres@127.0.0.1:5432/throughput

It needs wrk (Debian: ``apt-get install -y wrk``). For each cache setting it starts gunicorn
with the project's gunicorn.conf.py (2 workers) and production settings (DEBUG off, whitenoise,
Redis at 127.0.0.1:6379 database 4 when Redis is running, local memory otherwise) on a free
loopback port, warms each URL up, then drives it with wrk for ``--duration`` seconds and prints
requests/s, p50, p99 and errors for a forum page, the listing and /healthz (a trivial Django
view: one ``SELECT 1``), the ratio of each page to /healthz, and each worker's resident memory
after the run. Traffic goes to 127.0.0.1 only, and every run stops by itself.

The data: a SQLite file in bench/results/data/ (kept and reused while it holds ``--forums``
generated communities) or the empty PostgreSQL database given, filled by
``manage.py generate_bench_data``. Workers are not recycled during a run
(GUNICORN_MAX_REQUESTS=0) so every URL is measured on warm workers.
"""

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DATA_DIR = ROOT / "bench" / "results" / "data"
PORTS = range(8301, 8310)
REDIS_URL = "redis://127.0.0.1:6379/4"  # a database of its own: flushed before each run
TRIVIAL = "trivial view (/healthz)"
TARGET_RATIO = 0.5


def emit(line=""):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def log(line):
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


# --- Preflight and data ---------------------------------------------------------------------------


def preflight():
    problems = []
    if not shutil.which("wrk"):
        problems.append("wrk is not installed. On Debian or Ubuntu: apt-get install -y wrk")
    if not GUNICORN.exists():
        problems.append(f"{GUNICORN} is missing: run `make install` first.")
    if not (ROOT / "frontend" / "build").is_dir():
        problems.append("frontend/build is missing: run `make frontend` first.")
    for problem in problems:
        log(f"throughput: {problem}")
    return not problems


def redis_is_running():
    try:
        return redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except redis.RedisError:
        return False


def empty_redis():
    redis.Redis.from_url(REDIS_URL).flushdb()


def free_port(ports=PORTS, tool="throughput"):
    """The first loopback port in ``ports`` nothing listens on (each script has its own range)."""
    for port in ports:
        with socket.socket() as candidate:
            try:
                candidate.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"{tool}: no free port in {ports.start}-{ports.stop - 1}")


def server_environment(database_url, static_root, page_cache, use_redis):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(static_root),
        "SECURE_SSL_REDIRECT": "0",  # plain HTTP on the loopback; production sits behind TLS
        "PAGE_CACHE_ENABLED": "1" if page_cache else "0",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_LOG_LEVEL": "warning",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_MAX_REQUESTS": "0",
    }
    environment.pop("REDIS_URL", None)
    if use_redis:
        environment["REDIS_URL"] = REDIS_URL
        environment["CACHE_KEY_PREFIX"] = "throughput"
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


def count_forums(environment):
    output = manage(
        environment,
        "shell",
        "-c",
        # The communities generate_bench_data published (not its draft nominations), as bench/run.py counts them.
        "from devdata.bench_data import SLUG_PREFIX; from directory.models import ForumPage; "
        "print(ForumPage.objects.filter(slug__startswith=SLUG_PREFIX, live=True).count())",
        capture=True,
    )
    return int(output.strip().splitlines()[-1])


def prepare_data(args, environment):
    """Migrate and fill the database once; later runs reuse it while it holds --forums communities."""
    manage(environment, "migrate", "--noinput", "-v0")
    forums = count_forums(environment)
    if forums == args.forums:
        log(f"# reusing {forums:,} communities in {args.database_url}")
        return
    if forums:
        if not args.database_url.startswith("sqlite:///"):
            raise SystemExit(f"throughput: {args.database_url} holds {forums:,} communities; give an empty database")
        Path(args.database_url.removeprefix("sqlite:///")).unlink()
        manage(environment, "migrate", "--noinput", "-v0")
    log(f"# generating {args.forums:,} communities in {args.database_url}")
    manage(environment, "generate_bench_data", "--forums", str(args.forums))


# --- The server -------------------------------------------------------------------------------


class Server:
    """gunicorn with the project's configuration on a loopback port, stopped on exit."""

    def __init__(self, environment, port, log_path):
        self.url = f"http://127.0.0.1:{port}"
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
                raise SystemExit(f"throughput: gunicorn stopped; see {self.log_file.name}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
        raise SystemExit(f"throughput: gunicorn did not answer within 60 s; see {self.log_file.name}")

    def __exit__(self, *exc_info):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log_file.close()

    def worker_memory(self):
        """Resident memory (VmRSS, MiB) of each worker, read from /proc."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        memory = {}
        for child in children:
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    memory[int(child)] = int(line.split()[1]) / 1024
        return memory

    def get(self, path):
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            return response.read().decode(), dict(response.headers)


def first_forum_path(server):
    listing, _ = server.get("/directory/")
    match = re.search(r'href="(/directory/[a-z0-9-]+/)"', listing)
    if not match:
        raise SystemExit("throughput: the listing links to no community; is the database empty?")
    return match.group(1)


# --- wrk ----------------------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def run_wrk(url, duration, connections, threads):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency", url]
    output = subprocess.run(command, check=True, text=True, stdout=subprocess.PIPE, timeout=duration + 60).stdout
    latency = dict(re.findall(r"^\s*(50|99)(?:\.0+)?%\s+(\S+)\s*$", output, re.MULTILINE))
    if "99" not in latency:
        log(output)
        raise SystemExit("throughput: wrk printed no latency distribution (every request timed out?)")
    errors = sum(int(value) for value in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        errors += sum(int(value) for value in socket_errors.groups())
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": milliseconds(latency["50"]),
        "p99_ms": milliseconds(latency["99"]),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": errors,
    }


def measure(server, urls, args):
    results = {}
    for name, path in urls.items():
        body, headers = server.get(path)  # a first render (and, with the cache on, the cached copy)
        log(f"# {name}: {path} ({len(body):,} bytes, X-Page-Cache: {headers.get('X-Page-Cache', '-')})")
        run_wrk(server.url + path, args.warmup, args.connections, args.threads)
        results[name] = {"path": path, **run_wrk(server.url + path, args.duration, args.connections, args.threads)}
    return results


def print_table(label, results, memory):
    trivial = results[TRIVIAL]["requests_per_second"]
    emit(f"\n### {label}\n")
    emit("| URL | requests/s | p50 ms | p99 ms | requests | errors | ÷ trivial view |")
    emit("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, row in results.items():
        ratio = row["requests_per_second"] / trivial if trivial else 0
        emit(
            f"| {name}: `{row['path']}` | {row['requests_per_second']:.0f} | {row['p50_ms']:.1f} | "
            f"{row['p99_ms']:.1f} | {row['requests']:,} | {row['errors']} | {ratio:.2f} |"
        )
    emit("\nWorkers' resident memory after the run: " + ", ".join(f"{mib:.0f} MiB" for mib in memory.values()))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--forums", type=int, default=1000, help="Communities in the database (default 1000).")
    parser.add_argument("--database-url", help="Default: a SQLite file in bench/results/data/.")
    parser.add_argument("--cache", choices=["on", "off", "both"], default="both", help="Page cache setting(s).")
    parser.add_argument("--duration", type=int, default=10, help="Seconds of load for each URL (default 10).")
    parser.add_argument("--warmup", type=int, default=2, help="Seconds of load before each measurement.")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8).")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1; the machine is small).")
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    args = parser.parse_args(argv)
    if not preflight():
        return 2
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    args.database_url = args.database_url or f"sqlite:///{DATA_DIR}/throughput-{args.forums}.sqlite3"
    use_redis = redis_is_running()
    if not use_redis:
        log("# Redis is not running on 127.0.0.1:6379: the page cache is each worker's local memory")

    report = {"forums": args.forums, "database_url": args.database_url, "redis": use_redis, "runs": {}}
    with tempfile.TemporaryDirectory(prefix="throughput-") as scratch:
        setup_environment = server_environment(args.database_url, Path(scratch) / "static", True, use_redis)
        prepare_data(args, setup_environment)
        manage(setup_environment, "collectstatic", "--noinput", "-v0")
        for setting in ["on", "off"] if args.cache == "both" else [args.cache]:
            if use_redis:
                empty_redis()
            environment = server_environment(args.database_url, Path(scratch) / "static", setting == "on", use_redis)
            port = free_port()
            with Server(environment, port, Path(scratch) / f"gunicorn-{setting}.log") as server:
                urls = {"forum page": first_forum_path(server), "listing": "/directory/", TRIVIAL: "/healthz"}
                results = measure(server, urls, args)
                memory = server.worker_memory()
            label = f"Page cache {setting}: {args.forums:,} communities, {args.database_url.split(':')[0]}"
            print_table(label, results, memory)
            report["runs"][setting] = {"results": results, "worker_rss_mib": list(memory.values())}
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
