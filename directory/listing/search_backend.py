"""Wagtail's database search backend; on PostgreSQL, new entries' title weights cost no scan of the index.

After writing a page's entry, modelsearch's PostgreSQL index weighs the titles of new entries by
the average title length over every entry, read afresh each time: a scan of the whole index table
on every publish, and again for its Welsh copy (docs/benchmarks.md). One page hardly moves that
average, so each process keeps it for ``AVERAGE_KEPT_SECONDS``; a full rebuild
(``update_index``) still works it out over the whole table, as before.
"""

import threading
import time

from django.db import connection
from django.db.models import Avg, F
from django.db.models.functions import Length
from modelsearch.backends.database import SearchBackend as database_search_backend
from modelsearch.backends.database.postgres.postgres import PostgresIndex, PostgresSearchBackend

AVERAGE_KEPT_SECONDS = 600


class KeptAverageIndex(PostgresIndex):
    _average = {}  # per database alias: (average title length, when it was read)
    _lock = threading.Lock()

    def _title_length_average(self):
        alias = self.write_connection.alias
        with self._lock:
            average, read_at = self._average.get(alias, (None, 0.0))
        if average is None or time.monotonic() - read_at > AVERAGE_KEPT_SECONDS:
            titled = self.entries.annotate(title_length=Length("title")).filter(title_length__gt=0)
            average = titled.aggregate(Avg("title_length"))["title_length__avg"]
            if average is not None:
                # A whole-number average would weigh titles of that length exactly 1.0, the mark of
                # a new entry: they would be rewritten at every update while the average is kept.
                average *= 1 + 1e-9
            with self._lock:
                self._average[alias] = (average, time.monotonic())
        return average

    def _refresh_title_norms(self, full=False):
        if full:  # a rebuild: every entry, and the average over them all
            with self._lock:
                self._average.clear()
            return super()._refresh_title_norms(full=True)
        average = self._title_length_average()
        if average is None:
            return
        # New entries only: modelsearch writes them with a weight of 1.0 (a partial index finds them).
        self.entries.filter(title_norm=1.0).annotate(title_length=Length("title")).filter(title_length__gt=0).update(
            title_norm=average / F("title_length")
        )


class KeptAveragePostgresSearchBackend(PostgresSearchBackend):
    index_class = KeptAverageIndex


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks for in a backend module
    """modelsearch's database backend for the default database, with the kept average on PostgreSQL."""
    if connection.vendor == "postgresql":
        return KeptAveragePostgresSearchBackend(params)
    return database_search_backend(params)
