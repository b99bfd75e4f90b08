"""Throughput of the web server as shipped, with publishes during the run: requests/s and latency.

    .venv/bin/python bench/throughput.py                    # 1,000 communities, page cache on then off
    .venv/bin/python bench/throughput.py --forums 100000 --duration 60 --cache off
    .venv/bin/python bench/throughput.py --forums 100000 --database-url postgres://postgres@127.0.0.1:5432/tp_100000

It needs wrk (Debian: ``apt-get install -y wrk``) and Redis on 127.0.0.1:6379. For each page
cache setting it starts gunicorn with the shipped gunicorn.conf.py (2 workers of 4 threads, each
replaced after about 1,000 requests) and production settings, changing only what a deployment
sets: the page cache and the shared facet indexes in Redis database 4, the rate-limit counters in
database 6 (both flushed before each pass), and requests arrive as from the TLS proxy
(``X-Forwarded-Proto: https``). The page cache is on as shipped with Redis; the uncached pass
turns it off (``PAGE_CACHE_ENABLED=false``), so every request renders its page.

While the URLs are measured, bench/publisher.py publishes a revision of a community every
``--publish-every`` seconds through Wagtail's normal path (page cache forgotten, facet index
builds queued), and the task worker runs beside gunicorn as docker-compose.yml runs it
(``manage.py db_worker``): it builds and shares the indexes and updates the search index.
The forum page, the listing and /healthz (a trivial view: one ``SELECT 1``)
are driven in turn, ``--rounds`` slices of ``--duration`` ÷ rounds seconds each, so drift in the
machine's load affects them alike. It prints requests/s, p50/p95/p99 as wrk computes them and
p95/p99 of the answers themselves (bench/wrk_runs.py says how), the requests timed, errors, the
ratio to /healthz, the publishes made, workers started, the load average, each worker's resident
memory after warm-up and at the end and the highest any worker reached, and whether the targets
are met: uncached listing p99 ≤ 250 ms, cached pages ≥ 0.8 × the /healthz rate. Traffic goes to
127.0.0.1 only; every run stops by itself.

gunicorn's, the publisher's and the task worker's logs go to bench/results/throughput/<time>/. The data: a SQLite
file in bench/results/data/ (kept and reused while it holds ``--forums`` generated communities)
or the PostgreSQL database given (empty, or holding ``--forums`` communities from an earlier
run), filled by ``manage.py generate_bench_data``.
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving import GUNICORN, PYTHON, ROOT, Server, free_port, manage, shipped_environment  # noqa: E402
from wrk_runs import Sample, run_wrk  # noqa: E402

DATA_DIR = ROOT / "bench" / "results" / "data"
PORTS = range(8301, 8310)
CACHE_REDIS = "redis://127.0.0.1:6379/4"  # databases of their own: flushed before each pass
LIMITS_REDIS = "redis://127.0.0.1:6379/6"  # production: a second Redis with noeviction (docs/deployment.md)
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
TRIVIAL = "/healthz"
UNCACHED_LISTING_P99_MS = 250
CACHED_RATIO = 0.8


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
    try:
        redis.Redis.from_url(CACHE_REDIS, socket_timeout=1).ping()
    except redis.RedisError:
        problems.append("Redis is not running on 127.0.0.1:6379 (production caches in Redis): start it first.")
    for problem in problems:
        log(f"throughput: {problem}")
    return not problems


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


# --- What runs beside the load ------------------------------------------------------------------


class Companion:
    """A process run beside the server with its environment, until the pass ends, logging to ``log_dir``."""

    def __init__(self, name, command, environment, log_dir):
        self.command, self.environment = command, environment
        self.out_path, self.err_path = log_dir / f"{name}.jsonl", log_dir / f"{name}.log"

    def __enter__(self):
        self.out, self.err = open(self.out_path, "w"), open(self.err_path, "w")  # closed in __exit__
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.environment, stdout=self.out, stderr=self.err)
        return self

    def __exit__(self, *exc_info):
        self.process.terminate()  # it finishes the work under way
        try:
            self.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.out.close()
        self.err.close()

    def records(self):
        return [json.loads(line) for line in self.out_path.read_text().splitlines() if line.strip()]


def publisher(environment, every, log_dir):
    """bench/publisher.py: a publish every ``every`` seconds, one JSON line each."""
    command = [str(PYTHON), str(ROOT / "bench" / "publisher.py"), "--every", str(every)]
    return Companion("publisher", command, environment, log_dir)


def task_worker(environment, log_dir):
    """The background task worker, as docker-compose.yml runs it: it builds the facet indexes after a publish."""
    command = [str(PYTHON), "manage.py", "db_worker", "--queue-name", "*"]
    return Companion("task-worker", command, environment, log_dir)


class Watcher(threading.Thread):
    """Each second: the highest resident memory each worker has reached, and the load average."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server, self.stop, self.highest, self.loads = server, threading.Event(), {}, []

    def run(self):
        while not self.stop.wait(1.0):
            for pid, mib in self.server.worker_memory().items():
                self.highest[pid] = max(mib, self.highest.get(pid, 0))
            self.loads.append(os.getloadavg()[0])


# --- One pass -------------------------------------------------------------------------------------


def first_forum_path(server):
    listing, _ = server.get("/directory/")
    match = re.search(r'href="(/directory/[a-z0-9-]+/)"', listing)
    if not match:
        raise SystemExit("throughput: the listing links to no community; is the database empty?")
    return match.group(1)


def drive(server, urls, args, loads):
    """Warm each URL, then measure them in turn, round after round; a Sample per URL."""
    headers = [f"{name}: {value}" for name, value in PROXY_HEADERS.items()]
    for name, path in urls.items():
        body, response_headers = server.get(path)
        log(f"# {name}: {path} ({len(body):,} bytes, X-Page-Cache: {response_headers.get('X-Page-Cache', '-')})")
        if args.warmup:
            run_wrk(server.url + path, args.warmup, args.connections, args.threads, headers)
    samples = {name: Sample() for name in urls}
    slice_seconds = max(1, round(args.duration / args.rounds))
    for round_number in range(1, args.rounds + 1):
        for name, path in urls.items():
            run_wrk(server.url + path, slice_seconds, args.connections, args.threads, headers, samples[name])
            loads.append(os.getloadavg()[0])
        log(f"# round {round_number}/{args.rounds} done")
    return samples


def run_pass(setting, args, static_root, log_dir):
    for url in (CACHE_REDIS, LIMITS_REDIS):
        redis.Redis.from_url(url).flushdb()
    environment = shipped_environment(args.database_url, static_root, CACHE_REDIS, LIMITS_REDIS)
    if setting == "off":
        environment["PAGE_CACHE_ENABLED"] = "false"
    pass_dir = log_dir / f"cache-{setting}"
    pass_dir.mkdir(parents=True)
    with Server(environment, free_port(PORTS), pass_dir / "gunicorn.log", headers=PROXY_HEADERS) as server:
        urls = {"forum page": first_forum_path(server), "listing": "/directory/", "trivial view": TRIVIAL}
        for path in urls.values():
            server.get(path)
        warm_memory = server.worker_memory()
        watcher = Watcher(server)
        watcher.start()
        editor = publisher(environment, args.publish_every, pass_dir) if args.publish_every else None
        loads = []
        try:
            with task_worker(environment, pass_dir), editor or contextlib.nullcontext():
                samples = drive(server, urls, args, loads)
        finally:
            watcher.stop.set()
            watcher.join()
        end_memory, master_memory, counts = server.worker_memory(), server.master_memory(), server.log_counts()
    if counts["tracebacks"]:
        log(f"# gunicorn's log holds {counts['tracebacks']} tracebacks: see {pass_dir / 'gunicorn.log'}")
    return {
        "urls": urls,
        "results": {name: sample.as_dict() for name, sample in samples.items()},
        "publishes": editor.records() if editor else [],
        "gunicorn": counts,
        "load_average_1min": {"during": loads + watcher.loads, "end": list(os.getloadavg())},
        "rss_mib": {
            "after_warm_up": list(warm_memory.values()),
            "at_end": list(end_memory.values()),
            "highest_worker": max(watcher.highest.values(), default=None),
            "master": master_memory,
        },
    }


# --- Report ---------------------------------------------------------------------------------------


def mib(values):
    return ", ".join(f"{value:.0f}" for value in values) + " MiB"


def print_pass(label, run, args):
    results = run["results"]
    trivial = results["trivial view"]["requests_per_second"]
    emit(f"\n### {label}\n")
    emit(
        "| URL | requests/s | p50 ms | p95 ms | p99 ms | raw p95 / p99 ms | max ms | requests | errors | ÷ `/healthz` |"
    )
    emit("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, row in results.items():
        ratio = row["requests_per_second"] / trivial if trivial else 0
        errors = sum(row["errors"].values())
        emit(
            f"| {name} `{run['urls'][name]}` | {row['requests_per_second']:,.0f} | {row['p50_ms']:.1f} | "
            f"{row['p95_ms']:,.1f} | {row['p99_ms']:,.1f} | {row['raw_p95_ms']:,.1f} / {row['raw_p99_ms']:,.1f} | "
            f"{row['max_ms']:,.0f} | {row['requests']:,} | {errors} | {ratio:.2f} |"
        )
    emit(
        "\np50/p95/p99: wrk's, corrected for coordinated omission; raw: of the answers themselves "
        "(bench/wrk_runs.py). Requests: answers timed."
    )
    publishes = run["publishes"]
    took = [record["seconds"] for record in publishes if "error" not in record]
    failed = len(publishes) - len(took)
    emit("")
    if publishes:
        emit(
            f"- Publishes during the pass: {len(publishes)}, one every {args.publish_every:g} s; each took "
            f"{statistics.median(took) if took else 0:.2f} s median, {max(took, default=0):.2f} s max "
            f"(the task worker builds the facet indexes){f'; {failed} FAILED (see publisher.jsonl)' if failed else ''}"
        )
    elif args.publish_every:
        emit("- NO publish was made: see publisher.log in the pass's log folder.")
    else:
        emit("- No publishes during the pass (--publish-every 0).")
    counts = run["gunicorn"]
    emit(
        f"- gunicorn: {counts['workers_booted']} workers started (2 at start, so "
        f"{max(counts['workers_booted'] - 2, 0)} restarts), {counts['worker_timeouts']} worker time-outs, "
        f"{counts['tracebacks']} tracebacks in its log"
    )
    loads = run["load_average_1min"]
    emit(
        f"- Load average (1 min) during the pass: {min(loads['during']):.2f} to {max(loads['during']):.2f}; "
        f"at the end {' / '.join(f'{value:.2f}' for value in loads['end'])} (1, 5, 15 min)"
    )
    rss = run["rss_mib"]
    emit(
        f"- Workers' resident memory (VmRSS): after warm-up {mib(rss['after_warm_up'])}; at the end "
        f"{mib(rss['at_end'])}; highest any worker reached {rss['highest_worker'] or 0:.0f} MiB; "
        f"master {rss['master'] or 0:.0f} MiB"
    )


def check_targets(report):
    """Whether the figures measured meet the targets (printed; the run's exit status does not depend on them)."""
    verdicts = []
    if "off" in report["runs"]:
        listing = report["runs"]["off"]["results"]["listing"]
        met = listing["p99_ms"] <= UNCACHED_LISTING_P99_MS
        verdicts.append(
            (
                f"uncached listing p99 {listing['p99_ms']:,.0f} ms ≤ {UNCACHED_LISTING_P99_MS} ms "
                f"(wrk's; raw {listing['raw_p99_ms']:,.0f} ms; {listing['requests']:,} requests)",
                met,
            )
        )
    if "on" in report["runs"]:
        results = report["runs"]["on"]["results"]
        trivial = results["trivial view"]["requests_per_second"]
        for name in ("forum page", "listing"):
            ratio = results[name]["requests_per_second"] / trivial if trivial else 0
            verdicts.append((f"cached {name} {ratio:.2f} × the /healthz rate ≥ {CACHED_RATIO}", ratio >= CACHED_RATIO))
    emit("\n### Targets\n")
    for text, met in verdicts:
        emit(f"- {text}: {'met' if met else 'NOT MET'}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--forums", type=int, default=1000, help="Communities in the database (default 1000).")
    parser.add_argument("--database-url", help="Default: a SQLite file in bench/results/data/.")
    parser.add_argument("--cache", choices=["on", "off", "both"], default="both", help="Page cache setting(s).")
    parser.add_argument("--duration", type=int, default=30, help="Seconds of load for each URL (default 30).")
    parser.add_argument("--rounds", type=int, default=6, help="Slices each URL's seconds are split in (default 6).")
    parser.add_argument("--warmup", type=int, default=2, help="Seconds of load on each URL before measuring.")
    parser.add_argument("--publish-every", type=float, default=5.0, help="Seconds between publishes (0: none).")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8).")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1; the machine is small).")
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    args = parser.parse_args(argv)
    if not preflight():
        return 2
    args.rounds = max(1, min(args.rounds, args.duration))
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    args.database_url = args.database_url or f"sqlite:///{DATA_DIR}/throughput-{args.forums}.sqlite3"
    log_dir = ROOT / "bench" / "results" / "throughput" / time.strftime("%Y%m%d-%H%M%S")
    log(f"# gunicorn's and the publisher's logs: {log_dir}")

    database = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    report = {"forums": args.forums, "database": database, "arguments": vars(args) | {"json": None}, "runs": {}}
    with tempfile.TemporaryDirectory(prefix="throughput-") as scratch:
        static_root = Path(scratch) / "static"
        setup_environment = shipped_environment(args.database_url, static_root)
        prepare_data(args, setup_environment)
        manage(setup_environment, "collectstatic", "--noinput", "-v0")
        for setting in ["on", "off"] if args.cache == "both" else [args.cache]:
            run = run_pass(setting, args, static_root, log_dir)
            report["runs"][setting] = run
            print_pass(f"Page cache {setting}: {args.forums:,} communities, {database}", run, args)
    check_targets(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
