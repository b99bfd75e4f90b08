"""The requests bench/run.py times, taken round robin so that drift in the machine's load falls on
every scenario alike, and the memory a process holds as publishes come and go.

Run inside bench/run.py's worker process (Django set up, the data set in place, Redis as the
shared cache).
"""

import itertools
import random
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

QUERY = "parenting"
FACETED = f"q={QUERY}&region=wales&audience=parents"
# Searches of issue 17, each first time (a word of a title added): any of the words, ranked by how
# many match; and a word of the demo's synonym groups (parents, parenting, mums…), expanded first.
ANY_WORD = QUERY
SYNONYM = "mums"


@dataclass
class Scenario:
    name: str
    url: object  # a path, or a function returning the next path
    samples: int
    before: object = None  # untimed preparation before each sample
    timings: list = field(default_factory=list)
    queries: int = 0

    def next_url(self):
        return self.url() if callable(self.url) else self.url


def percentile(values, percent):
    ordered = sorted(values)
    rank = (len(ordered) - 1) * percent / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def consume(response):
    """Read a streamed response to the end, so its time counts."""
    if getattr(response, "streaming", False):
        for _chunk in response.streaming_content:
            pass
    return response


def rss_mib():
    """This process's resident memory (the figure the operating system charges it), in MiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Publisher:
    """Publishes a revision of one listed community after another, as an editor would (the index is
    built and shared when the change commits), and stands in for a worker that held the old index."""

    def __init__(self):
        from directory.models import ForumPage

        self.forums = list(ForumPage.objects.listed().filter(status="active").order_by("pk")[:200])
        self.number = 0
        self.seconds = []

    def publish(self):
        from directory.listing import facet_index

        held = dict(facet_index._indexes)  # what a web worker held before this change
        forum = self.forums[self.number % len(self.forums)].get_latest_revision_as_object()
        self.number += 1
        forum.summary = f"{forum.summary.rstrip('.')}."  # a real edit: the revision differs
        started = time.perf_counter()
        forum.save_revision().publish()
        self.seconds.append(time.perf_counter() - started)
        facet_index._indexes.update(held)  # the timed listing then finds the new index in the cache


def first_time_queries(seed=2026):
    """Searches nobody has made since content last changed: words of community titles, one each."""
    from directory.models import ForumPage

    titles = ForumPage.objects.listed().order_by("?").values_list("title", flat=True)[:2000]
    words = sorted({word.lower() for title in titles for word in title.split() if len(word) >= 4 and word.isalpha()})
    rng = random.Random(seed)
    rng.shuffle(words)
    pairs = {" ".join(rng.sample(words, 2)) for _pair in range(5000)} if len(words) > 1 else set()
    pool = iter(words + sorted(pairs, key=lambda pair: rng.random()))
    return lambda: "/directory/?" + urlencode({"q": next(pool)})


def first_time_with(word, seed):
    """First-time searches of ``word`` and one word of a community title (each pair once), then two."""
    from directory.models import ForumPage

    titles = ForumPage.objects.listed().order_by("?").values_list("title", flat=True)[:2000]
    words = sorted({part.lower() for title in titles for part in title.split() if len(part) >= 4 and part.isalpha()})
    words = [other for other in words if other != word]
    rng = random.Random(seed)
    rng.shuffle(words)
    # Then two other words: the generated titles have too few distinct words for 100 samples of one.
    pairs = sorted(itertools.combinations(words, 2), key=lambda pair: rng.random())
    pool = itertools.chain((f"{word} {other}" for other in words), (f"{word} {a} {b}" for a, b in pairs))
    return lambda: "/directory/?" + urlencode({"q": next(pool)})


def public_scenarios(samples, forum_url, skipped):
    from directory.listing import facet_index

    publisher = Publisher()

    def new_worker():
        facet_index.forget_indexes()

    def nothing_shared():
        facet_index.forget_indexes()
        facet_index.shared_store().clear()

    few = max(3, samples // 10)
    scenarios = [
        Scenario("listing", "/directory/", samples),
        Scenario("listing, after a publish", "/directory/", samples, before=publisher.publish),
        Scenario("listing, new worker", "/directory/", samples, before=new_worker),
        Scenario("listing, index built here", "/directory/", few, before=nothing_shared),
        Scenario("search, repeated", f"/directory/?q={QUERY}", samples),
        Scenario("search, first time", first_time_queries(), samples),
        Scenario("faceted search", f"/directory/?{FACETED}", samples),
        Scenario("any-word search, first time", first_time_with(ANY_WORD, 17), samples),
        Scenario("synonym search, first time", first_time_with(SYNONYM, 18), samples),
        Scenario("forum page", forum_url, samples),
        Scenario("openreferral services", "/openreferral/services", few),
        Scenario("stock search", f"/bench/stock-search/?q={QUERY}", few),
        Scenario("raw full-text", f"/bench/raw-search/?q={QUERY}", few),
        Scenario("csv export", "/directory/export.csv", 3),
    ]
    return [scenario for scenario in scenarios if scenario.name not in skipped], publisher


def run_round_robin(client, scenarios, log):
    """Warm every scenario up, count its queries, then take one sample of each in turn."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for scenario in scenarios:
        for _warm in range(2):
            if scenario.before:
                scenario.before()
            response = consume(client.get(scenario.next_url()))
            assert response.status_code == 200, (scenario.name, response.status_code)
        if scenario.before:
            scenario.before()
        with CaptureQueriesContext(connection) as queries:
            consume(client.get(scenario.next_url()))
        scenario.queries = len(queries)
    for round_number in range(max(scenario.samples for scenario in scenarios)):
        for scenario in scenarios:
            if len(scenario.timings) >= scenario.samples:
                continue
            if scenario.before:
                scenario.before()
            url = scenario.next_url()
            started = time.perf_counter()
            consume(client.get(url))
            scenario.timings.append((time.perf_counter() - started) * 1000)
        if round_number % 20 == 19:
            log(f"round {round_number + 1}")
    return {
        scenario.name: {
            "url": scenario.url if isinstance(scenario.url, str) else "(a new search each time)",
            "p50": statistics.median(scenario.timings),
            "p95": percentile(scenario.timings, 95),
            "samples": len(scenario.timings),
            "queries": scenario.queries,
        }
        for scenario in scenarios
    }


def memory_over_publishes(client, publishes, log):
    """Resident memory of this process as publishes come: it builds each index, then copies it as a worker would."""
    publisher = Publisher()
    consume(client.get("/directory/"))
    consume(client.get("/cy/directory/"))
    marks = {"before": rss_mib()}
    for number in range(1, publishes + 1):
        publisher.publish()
        consume(client.get("/directory/"))
        consume(client.get("/cy/directory/"))
        if number in (1, 20, publishes) or number % 50 == 0:
            marks[f"after {number}"] = rss_mib()
            log(f"{number} publishes: {marks[f'after {number}']:.0f} MiB")
    return {
        "rss_mib": marks,
        "publish_p50_ms": statistics.median(publisher.seconds) * 1000,
        "publish_p95_ms": percentile(publisher.seconds, 95) * 1000,
    }
