"""Publish a revision of a generated community every few seconds, as an editor would, until stopped.

    DJANGO_SETTINGS_MODULE=settings.production DATABASE_URL=... REDIS_URL=... \\
        .venv/bin/python bench/publisher.py --every 5

bench/throughput.py runs it beside gunicorn, with the server's environment, so each publish
takes Wagtail's normal path (``save_revision().publish()``): the change is logged, and once it
commits this process queues the search index update and the facet index builds for the task
worker and moves the page cache's generation on, as the process of an editor's publish does. Each
publish changes the community's summary (shown in the listing). One JSON line a publish goes to
stdout: when, which page, how long it took (what the editor waits for), or the error.
"""

import argparse
import json
import os
import random
import signal
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARK = " · revision "


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--every", type=float, default=5.0, help="seconds between publishes (default 5)")
    parser.add_argument("--seed", type=int, default=22)
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    from django.db import close_old_connections
    from wagtail.models import Locale

    from devdata.bench_data import SLUG_PREFIX
    from directory.models import ForumPage

    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))

    english = Locale.get_default()
    # Only pages an editor could save: a generated slug over 63 characters makes a host name (and
    # so the web address and contact email built from it) that validation rightly refuses.
    ids = [
        pk
        for pk, slug in ForumPage.objects.filter(slug__startswith=SLUG_PREFIX, live=True, locale=english).values_list(
            "pk", "slug"
        )
        if len(slug) - len(SLUG_PREFIX) <= 63
    ]
    if not ids:
        raise SystemExit("publisher: no generated community to publish")
    rng = random.Random(args.seed)
    start, number = time.monotonic(), 0
    while not stopping:
        number += 1
        started = time.monotonic()
        record = {"at": time.time(), "number": number}
        try:
            close_old_connections()
            page = ForumPage.objects.get(pk=rng.choice(ids))
            page.summary = f"{page.summary.split(MARK)[0][:270]}{MARK}{number}"
            page.save_revision(log_action=True).publish()
            record["page"] = page.pk
        except Exception:  # reported, and the run goes on: a benchmark should say what failed
            record["error"] = traceback.format_exc(limit=3)
        record["seconds"] = round(time.monotonic() - started, 3)
        sys.stdout.write(json.dumps(record) + "\n")
        sys.stdout.flush()
        next_at = start + number * args.every
        while not stopping and time.monotonic() < next_at:
            time.sleep(0.05)
    return 0


if __name__ == "__main__":
    sys.exit(main())
