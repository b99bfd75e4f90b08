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

Scenarios (bench/scenarios.py) are sampled round robin, 100 samples each by default (fewer for
the slow comparison and export requests), so drift in the machine's load falls on all alike.
Facet indexes are shared through a Redis database of the bench's own, as in production. Then
``--publishes`` publishes (100 by default) show the process's resident memory as indexes come
and go.
"""

import argparse
import json
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

from scenarios import QUERY, Scenario, memory_over_publishes, public_scenarios, run_round_robin

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / "results" / "data"
DEFAULT_SQLITE_URL = f"sqlite:///{DATA_DIR}/bench-{{size}}.sqlite3"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/bench_{size}"
BENCH_REDIS_URL = "redis://127.0.0.1:6379/5"  # a database of the bench's own: emptied at the start
NOMINATIONS = 1000

TARGETS = {
    "listing": 100,
    "listing, after a publish": 100,
    "listing, new worker": 100,
    "search, repeated": 100,
    "search, first time": 100,
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
    parser.add_argument("--samples", type=int, default=100, help="Samples of each main scenario (default 100).")
    parser.add_argument("--publishes", type=int, default=100, help="Publishes of the memory check (default 100).")
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
            command += ["--samples", str(args.samples), "--publishes", str(args.publishes), "--skip", args.skip]
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
    emit("| database | communities | request | p50 ms | p95 ms | samples | queries | target |")
    emit("| --- | ---: | --- | ---: | ---: | ---: | ---: | --- |")
    for result in results:
        for name, row in result["scenarios"].items():
            target = TARGETS.get(name)
            verdict = ""
            if target is not None:
                met = row["p95"] <= target and row["queries"] <= MAX_QUERIES
                verdict = f"p95 ≤ {target} ms, ≤ {MAX_QUERIES} queries: {'met' if met else 'NOT met'}"
            emit(
                f"| {result['db']} | {result['size']:,} | {name} | {row['p50']:.1f} | {row['p95']:.1f} | "
                f"{row['samples']} | {row['queries']} | {verdict} |"
            )
    emit()
    for result in results:
        memory = result.get("index_bytes")
        if memory:
            emit(
                f"facet index, {result['db']} {result['size']:,}: holds {memory['held'] / 2**20:.1f} MiB, "
                f"{memory['peak'] / 2**20:.1f} MiB at most while it is built, {memory['shared'] / 2**20:.1f} MiB shared"
            )
        publishes = result.get("publishes")
        if publishes:
            marks = ", ".join(f"{mark} {mib:.0f}" for mark, mib in publishes["rss_mib"].items())
            emit(
                f"resident memory (MiB), {result['db']} {result['size']:,}: {marks}; a publish takes "
                f"p50 {publishes['publish_p50_ms']:.0f} ms, p95 {publishes['publish_p95_ms']:.0f} ms"
            )
        emit(f"load average at the end, {result['db']} {result['size']:,}: {result.get('load', '')}")
    emit()
    emit("| database | communities | first-time search/stock (p50) | /raw (p50) | search results | generation s |")
    emit("| --- | ---: | ---: | ---: | ---: | ---: |")
    for result in results:
        rows = result["scenarios"]
        if not {"stock search", "raw full-text"} <= set(rows):
            continue
        ours = rows["search, first time"]["p50"] if "search, first time" in rows else rows["faceted search"]["p50"]
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
    os.environ.setdefault("REDIS_URL", BENCH_REDIS_URL)  # facet indexes shared as in production
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "bench_urls"  # the project's URLs plus the two comparison views
    generation_seconds = ensure_data_set(args.size, args.database_url)
    from django.core.cache import cache

    cache.clear()  # the bench's own Redis database: no index or page from an earlier run
    scenarios = measure(args)
    publishes = memory_over_publishes(admin_client(), args.publishes, log) if args.publishes else None
    from bench_urls import search_total

    emit(
        json.dumps(
            {
                "size": args.size,
                "scenarios": scenarios,
                "search_total": search_total(QUERY),
                "generation_seconds": generation_seconds,
                "index_bytes": facet_index_bytes(),
                "publishes": publishes,
                "load": " ".join(f"{value:.2f}" for value in os.getloadavg()),
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


def admin_client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    user, _created = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def measure(args):
    from django.test import Client
    from django.urls import reverse

    from directory.models import ForumIndexPage, ForumPage

    forums = ForumPage.objects.listed().filter(status="active").order_by("path")
    forum = forums[forums.count() // 2]
    directory = ForumIndexPage.objects.get()
    skipped = {name.strip() for name in args.skip.split(",") if name.strip()}
    public, _publisher = public_scenarios(args.samples, forum.get_url(), skipped)
    measured = run_round_robin(Client(HTTP_HOST="localhost"), public, log)
    if not args.no_admin:
        few = max(3, args.samples // 10)
        admin = [
            Scenario("admin explorer", reverse("wagtailadmin_explore", args=[directory.pk]), few),
            Scenario("moderation queue", reverse("nominations:index") + "?status=pending", few),
        ]
        measured.update(run_round_robin(admin_client(), admin, log))
    return measured


def facet_index_bytes():
    """Python memory of the default language's facet index once built and at most while building
    (tracemalloc: the bitmaps' own C memory is not counted), and the size of its shared copy."""
    import tracemalloc

    from wagtail.models import Locale

    from directory.caching import current_content_version
    from directory.listing.facet_build import build
    from directory.models.public import PublicScope

    locale = Locale.get_default()
    tracemalloc.start()
    index = build(PublicScope(locale), locale.language_code, current_content_version())
    held, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    shared = len(pickle.dumps(index.to_payload(), pickle.HIGHEST_PROTOCOL))
    return {"held": held, "peak": peak, "size": index.size, "shared": shared}


if __name__ == "__main__":
    sys.exit(main())
