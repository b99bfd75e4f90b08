"""Directory speed at 1,000, 10,000 and 100,000 communities: prints a table (see docs/benchmarks.md).

    .venv/bin/python bench/run.py                                   # 1k and 10k on SQLite
    .venv/bin/python bench/run.py --sizes 1000,10000,100000 --db sqlite,postgres
    .venv/bin/python bench/run.py --sizes 100000 --db postgres \\
        --postgres-url postgres://postgres@127.0.0.1:5432/bench_data

Each (database, size) pair runs in its own process (settings read DATABASE_URL once). That
process reuses the data set if the database already holds exactly that many generated
communities, and otherwise empties the database, migrates it and runs
``generate_bench_data --forums SIZE --nominations 1000``. It then times requests through
Django's in-process test client (server time: no network, no web server) and counts their
queries, and prints one JSON line that this script turns into the table.

The machine is small and shared, so every figure is a median (p50) or 95th percentile of
repeated requests, and the comparisons with Wagtail's stock search and the raw full-text
query are ratios of figures taken in the same process, seconds apart.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / "results" / "data"
DEFAULT_SQLITE_URL = f"sqlite:///{DATA_DIR}/bench-{{size}}.sqlite3"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/bench_{size}"
NOMINATIONS = 1000
QUERY = "parenting"
FACETED = f"q={QUERY}&region=wales&audience=parents"

# name -> (url, repeats); the forum page's URL is found at run time.
PUBLIC_SCENARIOS = {
    "listing": ("/directory/", 30),
    "listing, index rebuilt": ("/directory/", 5),
    "search": (f"/directory/?q={QUERY}", 30),
    "faceted search": (f"/directory/?{FACETED}", 30),
    "forum page": (None, 50),
    "openreferral services": ("/openreferral/services", 30),
    "stock search": (f"/bench/stock-search/?q={QUERY}", 30),
    "raw full-text": (f"/bench/raw-search/?q={QUERY}", 30),
    "csv export": ("/directory/export.csv", 3),
}
ADMIN_SCENARIOS = {
    "admin explorer": (None, 10),
    "moderation queue": (None, 10),
}
# Scenarios measured as the first request after public content changes: the facet index is built anew.
COLD_INDEX = {"listing, index rebuilt"}
TARGETS = {
    "listing": 100,
    "search": 100,
    "faceted search": 100,
    "forum page": 30,
}
MAX_QUERIES = 15


# --- The parent: one worker process per database and size, then the table ----------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000", help="Comma-separated community counts.")
    parser.add_argument("--db", default="sqlite", help="sqlite, postgres or sqlite,postgres.")
    parser.add_argument("--sqlite-url", default=DEFAULT_SQLITE_URL, help="{size} is replaced by the size.")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL, help="{size} is replaced by the size.")
    parser.add_argument("--repeat-scale", type=float, default=1.0, help="Multiply every scenario's repeats.")
    parser.add_argument("--no-admin", action="store_true", help="Skip the admin listings.")
    parser.add_argument("--skip", default="", help="Comma-separated scenarios to leave out, e.g. 'csv export'.")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    results = []
    for db in args.db.split(","):
        template = args.sqlite_url if db == "sqlite" else args.postgres_url
        for size in [int(value) for value in args.sizes.split(",")]:
            url = template.format(size=size)
            log(f"# {db} {size:,}: {url}")
            command = [sys.executable, __file__, "--worker", "--size", str(size), "--database-url", url]
            command += ["--repeat-scale", str(args.repeat_scale), "--skip", args.skip]
            command += ["--no-admin"] if args.no_admin else []
            completed = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True)
            result = json.loads(completed.stdout.strip().splitlines()[-1])
            result["db"] = db
            results.append(result)
            print_table([result])
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (ROOT / "bench" / "results" / f"run-{stamp}.json").write_text(json.dumps(results, indent=1))
    emit("\n## All runs\n")
    print_table(results)
    return 0


def print_table(results):
    emit()
    emit("| database | communities | request | p50 ms | p95 ms | queries | target |")
    emit("| --- | ---: | --- | ---: | ---: | ---: | --- |")
    for result in results:
        for name, row in result["scenarios"].items():
            target = TARGETS.get(name)
            verdict = ""
            if target is not None:
                met = row["p95"] <= target and row["queries"] <= MAX_QUERIES
                verdict = f"p95 ≤ {target} ms, ≤ {MAX_QUERIES} queries: {'met' if met else 'NOT met'}"
            emit(
                f"| {result['db']} | {result['size']:,} | {name} | {row['p50']:.1f} | {row['p95']:.1f} | "
                f"{row['queries']} | {verdict} |"
            )
    emit()
    for result in results:
        memory = result.get("index_bytes")
        if memory:
            emit(
                f"facet index, {result['db']} {result['size']:,}: holds {memory['held'] / 2**20:.1f} MiB, "
                f"{memory['peak'] / 2**20:.1f} MiB at most while it is built"
            )
    emit()
    emit("| database | communities | ours/stock (p50) | ours/raw (p50) | search results | generation s |")
    emit("| --- | ---: | ---: | ---: | ---: | ---: |")
    for result in results:
        rows = result["scenarios"]
        if not {"faceted search", "stock search", "raw full-text"} <= set(rows):
            continue
        ours = rows["faceted search"]["p50"]
        stock = rows["stock search"]["p50"]
        raw = rows["raw full-text"]["p50"]
        generated = result.get("generation_seconds")
        emit(
            f"| {result['db']} | {result['size']:,} | {ours / stock:.2f} | {ours / raw:.2f} | "
            f"{result['search_total']:,} | {'' if generated is None else f'{generated:.0f}'} |"
        )
    emit()


# --- The worker: data set, then measurements ---------------------------------------------------


def worker(args):
    if args.database_url.startswith("postgres"):
        ensure_postgres_database(args.database_url)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.dev")
    os.environ["DEBUG"] = "0"  # DEBUG keeps every query in memory and renders debug pages
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["PAGE_CACHE_ENABLED"] = "0"  # server time of rendering; the page cache is measured separately
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "bench_urls"  # the project's URLs plus the two comparison views
    generation_seconds = ensure_data_set(args.size, args.database_url)
    scenarios = measure(args)
    from bench_urls import search_total

    emit(
        json.dumps(
            {
                "size": args.size,
                "scenarios": scenarios,
                "search_total": search_total(QUERY),
                "generation_seconds": generation_seconds,
                "index_bytes": facet_index_bytes(),
            }
        )
    )
    return 0


def ensure_data_set(size, database_url):
    """Reuse the database if it holds exactly this data set; otherwise rebuild it. Returns seconds spent."""
    from django.core.management import call_command
    from django.db import connection

    from devdata.bench_data import SLUG_PREFIX
    from directory.models import ForumPage

    call_command("migrate", verbosity=0)  # a kept data set follows the schema as it changes
    existing = ForumPage.objects.filter(slug__startswith=SLUG_PREFIX, live=True).count()
    if existing == size:
        return None
    connection.close()
    reset_database(database_url)
    log(f"migrating {database_url}")
    call_command("migrate", verbosity=0)
    log(f"generating {size:,} communities")
    started = time.perf_counter()
    call_command("generate_bench_data", forums=size, nominations=NOMINATIONS, stdout=sys.stderr)
    return time.perf_counter() - started


def ensure_postgres_database(database_url):
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as maintenance:
        if not maintenance.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            maintenance.execute(f'CREATE DATABASE "{name}"')


def reset_database(database_url):
    if database_url.startswith("sqlite"):
        path = Path(database_url.split(":///", 1)[1])
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as maintenance:
        maintenance.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        maintenance.execute(f'CREATE DATABASE "{name}"')


def log(message):
    sys.stderr.write(f"  {message}\n")
    sys.stderr.flush()


def emit(line=""):
    """Write a line of the report (stdout: the table, or the worker's JSON)."""
    sys.stdout.write(f"{line}\n")


def measure(args):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from directory.models import ForumIndexPage, ForumPage

    forums = ForumPage.objects.listed().filter(status="active").order_by("path")
    forum = forums[forums.count() // 2]
    directory = ForumIndexPage.objects.get()
    public = dict(PUBLIC_SCENARIOS)
    public["forum page"] = (forum.get_url(), PUBLIC_SCENARIOS["forum page"][1])

    skipped = {name.strip() for name in args.skip.split(",") if name.strip()}

    from directory.listing.facet_index import forget_indexes

    def run(client, scenarios):
        measured = {}
        for name, (url, repeats) in scenarios.items():
            if name in skipped:
                continue
            repeats = max(3, round(repeats * args.repeat_scale))
            before = forget_indexes if name in COLD_INDEX else (lambda: None)
            for _warm in range(2):
                before()
                response = client.get(url)
                consume(response)
                assert response.status_code == 200, (url, response.status_code)
            before()
            with CaptureQueriesContext(connection) as queries:
                consume(client.get(url))
            query_count = len(queries)  # read now: the next request empties the connection's query log
            timings = []
            for _run in range(repeats):
                before()
                started = time.perf_counter()
                consume(client.get(url))
                timings.append((time.perf_counter() - started) * 1000)
            measured[name] = {
                "url": url,
                "p50": statistics.median(timings),
                "p95": percentile(timings, 95),
                "queries": query_count,
                "repeats": repeats,
            }
            log(f"{name}: p50 {measured[name]['p50']:.1f} ms, {measured[name]['queries']} queries")
        return measured

    measured = run(Client(HTTP_HOST="localhost"), public)
    if not args.no_admin:
        user, _created = get_user_model().objects.get_or_create(
            username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
        )
        admin = Client(HTTP_HOST="localhost")
        admin.force_login(user)
        scenarios = {
            "admin explorer": (
                reverse("wagtailadmin_explore", args=[directory.pk]),
                ADMIN_SCENARIOS["admin explorer"][1],
            ),
            "moderation queue": (
                reverse("nominations:index") + "?status=pending",
                ADMIN_SCENARIOS["moderation queue"][1],
            ),
        }
        measured.update(run(admin, scenarios))
    return measured


def facet_index_bytes():
    """Memory the English facet index holds once built, and the most its build held at once (tracemalloc)."""
    import tracemalloc

    from directory.caching import current_content_version
    from directory.listing.facet_build import build
    from directory.models.public import PublicScope

    tracemalloc.start()
    index = build(PublicScope(), "en", current_content_version())
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"held": held, "peak": peak, "size": index.size}


def consume(response):
    """Read a streamed response to the end, so its time counts."""
    if getattr(response, "streaming", False):
        for _chunk in response.streaming_content:
            pass
    return response


def percentile(values, percent):
    ordered = sorted(values)
    rank = (len(ordered) - 1) * percent / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


if __name__ == "__main__":
    sys.exit(main())
