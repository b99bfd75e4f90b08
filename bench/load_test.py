"""Load test: mixed public traffic from many concurrent clients against the real web server.

    .venv/bin/python bench/load_test.py                       # 60 s, 50 clients, demo data in a temporary SQLite file
    .venv/bin/python bench/load_test.py --duration 5 --clients 5
    .venv/bin/python bench/load_test.py --database-url postgres://postgres@127.0.0.1:5432/loadtest  # an empty database

It sets up a fresh database (``migrate`` then ``load_demo``), collects the static files, starts
gunicorn with the project's gunicorn.conf.py (2 workers) and production settings (DEBUG off,
whitenoise; see bench/throughput.py) on a free loopback port, and sends ``--clients`` concurrent
clients of mixed traffic for ``--duration`` seconds: the home page, the listing with and without
facets, search, community and department pages, feeds, exports, the Wagtail API, the Open
Referral API and the nomination form, in English and Welsh. It prints the requests, the errors by
status and p50/p95/p99 latency per kind of URL and overall, and exits non-zero on any error (a
status of 400 or more, a timeout or a refused connection). Traffic goes to 127.0.0.1 only; the
run is bounded in time and stops by itself.
"""

import argparse
import asyncio
import itertools
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving import Server, free_port, manage, server_environment  # noqa: E402  (bench/ is not a package)

PORTS = range(8501, 8510)
REQUEST_TIMEOUT = 30
FACETS = ("topic", "audience", "region", "type", "preference", "department")


def emit(line=""):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


# --- What to ask for --------------------------------------------------------------------------


def links(html, pattern):
    return sorted(set(re.findall(pattern, html.replace("&amp;", "&"))))


def facet_urls(listing):
    """Listing URLs with one facet value, and with two values of different facets (the filter form's checkboxes)."""
    values = []
    for tag in re.findall(r"<input[^>]+>", listing):
        name, value = re.search(r'name="([a-z]+)"', tag), re.search(r'value="([^"]+)"', tag)
        if name and value and name.group(1) in FACETS:
            values.append((name.group(1), value.group(1)))
    singles = [f"/directory/?{name}={value}" for name, value in values]
    pairs = [
        f"/directory/?{first[0]}={first[1]}&{second[0]}={second[1]}"
        for first, second in itertools.combinations(values, 2)
        if first[0] != second[0]
    ]
    return singles[:10] + pairs[:10]


def traffic(server):
    """The URLs of each kind, found on the running site (so the mix follows the data)."""
    listing, _ = server.get("/directory/")
    departments, _ = server.get("/departments/")
    services, _ = server.get("/openreferral/services")
    forums = links(listing, r'href="(/directory/[a-z0-9-]+/)"')
    facets = facet_urls(listing)
    if not forums or not facets:
        raise SystemExit("load test: the listing links to no community or facet; is the demo data loaded?")
    service_ids = re.findall(r'"id":\s*"([0-9a-f-]{36})"', services)[:10]
    mix = {
        "home": ["/", "/cy/"],
        "listing": ["/directory/", "/cy/directory/", "/directory/?page=2", "/directory/?sort=newest"],
        "listing with facets": facets[:20],
        "search": ["/search/?q=support", "/search/?q=parents", "/directory/?q=carers", "/cy/search/?q=cymorth"],
        "forum page": forums[:20] + [f"/cy{path}" for path in forums[:5]],
        "department page": links(departments, r'href="(/departments/[a-z0-9-]+/)"')[:10] or ["/departments/"],
        "feed": ["/feeds/latest.atom", "/feeds/latest.rss"],
        "export": ["/directory/export.csv", "/directory/export.json"],
        "api": ["/api/v2/pages/?type=directory.ForumPage&fields=*", "/api/v2/pages/?type=directory.DepartmentPage"],
        "open referral": ["/openreferral/services"] + [f"/openreferral/services/{id_}" for id_ in service_ids],
        "nominate form": ["/nominate/", "/cy/nominate/"],
    }
    return {kind: urls for kind, urls in mix.items() if urls}


# --- The clients ------------------------------------------------------------------------------


async def client_loop(http, schedule, deadline, results, errors):
    while time.monotonic() < deadline:
        kind, url = next(schedule)
        started = time.perf_counter()
        try:
            response = await http.get(url)
            await response.aread()
            status = response.status_code
        except httpx.HTTPError as error:
            status = type(error).__name__
        elapsed = (time.perf_counter() - started) * 1000
        results[kind].append(elapsed)
        if not isinstance(status, int) or status >= 400:
            errors[(kind, url, status)] += 1


async def drive(base_url, mix, clients, duration):
    """``clients`` concurrent clients for ``duration`` seconds, each taking the next URL of the mix."""
    pairs = [(kind, url) for kind, urls in mix.items() for url in urls]
    # Interleave the kinds so every moment of the run sees every kind of traffic.
    by_kind = [[(kind, url) for url in urls] for kind, urls in mix.items()]
    order = [pair for group in itertools.zip_longest(*by_kind) for pair in group if pair] or pairs
    schedule = itertools.cycle(order)
    results, errors = defaultdict(list), Counter()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT, limits=limits) as http:
        deadline = time.monotonic() + duration
        await asyncio.gather(*(client_loop(http, schedule, deadline, results, errors) for _ in range(clients)))
    return results, errors


def percentile(values, share):
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[share - 1]


def report(results, errors, duration, clients):
    everything = [value for values in results.values() for value in values]
    emit(f"# {len(everything):,} requests in {duration} s from {clients} clients: {len(everything) / duration:.1f}/s")
    emit(f"{'kind':<22}{'requests':>10}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}")
    for kind, values in [*sorted(results.items()), ("overall", everything)]:
        if values:
            emit(
                f"{kind:<22}{len(values):>10,}{percentile(values, 50):>10.0f}"
                f"{percentile(values, 95):>10.0f}{percentile(values, 99):>10.0f}"
            )
    by_status = Counter()
    for (_kind, _url, status), count in errors.items():
        by_status[status] += count
    emit(f"# errors: {sum(by_status.values())}" + (f" by status {dict(by_status)}" if by_status else ""))
    for (kind, url, status), count in errors.most_common(10):
        emit(f"#   {count} × {status} {kind} {url}")
    return sum(by_status.values())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=60, help="seconds of traffic (default 60)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--database-url", help="an empty database to set up (default: a temporary SQLite file)")
    args = parser.parse_args(argv)
    if not 1 <= args.duration <= 600 or not 1 <= args.clients <= 200:
        raise SystemExit("load test: keep to 1-600 seconds and 1-200 clients")

    with tempfile.TemporaryDirectory(prefix="load-test-") as scratch:
        database_url = args.database_url or f"sqlite:///{Path(scratch) / 'load.sqlite3'}"
        environment = server_environment(database_url, Path(scratch) / "static", page_cache=False, use_redis=False)
        emit(f"# setting up {database_url.split('@')[-1]}: migrate, load_demo, collectstatic")
        manage(environment, "migrate", "--noinput", "-v0")
        manage(environment, "load_demo", capture=True)
        manage(environment, "collectstatic", "--noinput", "-v0")
        port = free_port(PORTS, "load test")
        with Server(environment, port, Path(scratch) / "gunicorn.log") as server:
            mix = traffic(server)
            emit(f"# {sum(len(urls) for urls in mix.values())} URLs of {len(mix)} kinds against {server.url}")
            results, errors = asyncio.run(drive(server.url, mix, args.clients, args.duration))
        failures = report(results, errors, args.duration, args.clients)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
