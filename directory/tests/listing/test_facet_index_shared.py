"""The facet index is built once per change, by the process that made it, and copied by the others.

Two reader processes (as two gunicorn workers) and this test's process (the editor publishing)
share a PostgreSQL database and Redis. If these fail, visitors wait a second for a rebuild in
every worker after each publish, or a worker serves counts from before a change.
"""

import json
import subprocess
import sys

import pytest
from django.db import connection
from wagtail.models import PageViewRestriction

from core.tests.processes import clean_environment
from directory.caching import current_content_version
from directory.listing import facet_index
from directory.models import ForumPage
from directory.models.public import PublicScope
from directory.tests.factories import ForumPageFactory

REDIS = "redis://127.0.0.1:6379/13"

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="other processes cannot reach the test run's in-memory SQLite database",
)


class Reader:
    def __init__(self, database_url):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "directory.tests.listing.index_reader"],
            env=clean_environment(
                DJANGO_SETTINGS_MODULE="settings.dev", DATABASE_URL=database_url, REDIS_URL=REDIS, DEBUG="false"
            ),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def counts(self):
        self.process.stdin.write("counts\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, self.process.stderr.read()
        return json.loads(line)

    def stop(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture
def shared_through_redis(settings):
    """This process shares its indexes through the same Redis as the readers."""
    from settings.base import redis_cache

    settings.CACHES = {**settings.CACHES, "shared-index": redis_cache(REDIS)}  # as the readers' default cache
    settings.FACET_INDEX_CACHE = "shared-index"
    facet_index.shared_store().clear()
    yield
    facet_index.shared_store().clear()


@needs_postgres
@pytest.mark.django_db(
    transaction=True, serialized_rollback=True
)  # as every test that commits: later ones reload the data
def test_readers_copy_each_new_index_and_never_serve_an_old_one(site_tree, shared_through_redis):
    db = connection.settings_dict
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    database_url = f"postgres://{db['USER'] or 'postgres'}@{host}/{db['NAME']}"
    directory = site_tree["directory"]
    alpha = ForumPageFactory(parent=directory, title="Alpha", topics=["parenting"])
    beta = ForumPageFactory(parent=directory, title="Beta", topics=["parenting", "money"])
    readers = [Reader(database_url), Reader(database_url)]
    try:
        for reader in readers:
            seen = reader.counts()
            assert seen["ids"] == [alpha.pk, beta.pk] and seen["topics"] == {"parenting": 2, "money": 1}

        def everyone_sees(ids, topics):
            for reader in readers:
                seen = reader.counts()
                assert seen["version"] == list(current_content_version()), "a worker holds an older index"
                assert seen["ids"] == ids, "a worker lists communities from before the change"
                assert {slug: count for slug, count in seen["topics"].items() if count} == topics
            return seen

        builds = [reader.counts()["builds"] for reader in readers]

        gamma = ForumPageFactory(parent=directory, title="Gamma", topics=["money"], live=False)
        gamma.save_revision().publish()  # published: the publisher builds, the readers copy
        everyone_sees([alpha.pk, beta.pk, gamma.pk], {"parenting": 2, "money": 2})

        gamma = ForumPage.objects.get(pk=gamma.pk)
        gamma.topics.add("parenting")
        gamma.save_revision().publish()  # a topic edit: the index is derived from the previous one, not built
        everyone_sees([alpha.pk, beta.pk, gamma.pk], {"parenting": 3, "money": 2})

        ForumPage.objects.get(pk=beta.pk).unpublish()
        everyone_sees([alpha.pk, gamma.pk], {"parenting": 2, "money": 1})

        gamma = ForumPage.objects.get(pk=gamma.pk)
        gamma.move(directory, pos="first-child")  # a move changes addresses: a new version, the same communities
        everyone_sees([alpha.pk, gamma.pk], {"parenting": 2, "money": 1})
        ForumPage.objects.get(pk=gamma.pk).delete()
        everyone_sees([alpha.pk], {"parenting": 1})

        restriction = PageViewRestriction.objects.create(page=directory, restriction_type=PageViewRestriction.LOGIN)
        everyone_sees([], {})
        restriction.delete()
        everyone_sees([alpha.pk], {"parenting": 1})

        ForumPage.objects.get(pk=alpha.pk).delete()
        everyone_sees([], {})

        assert [reader.counts()["builds"] for reader in readers] == builds, (
            "a worker rebuilt an index the publishing process had already shared"
        )
    finally:
        for reader in readers:
            reader.stop()


@pytest.mark.django_db
def test_a_new_worker_copies_the_shared_index_instead_of_building(directory_index, monkeypatch):
    """A worker's first listing after it starts must not rebuild what another worker has built."""
    ForumPageFactory(parent=directory_index, title="Alpha", topics=["parenting"])
    public = PublicScope()
    built = facet_index.facet_index(public, public.language)
    facet_index.forget_indexes()  # a new worker: nothing held in memory
    monkeypatch.setattr(facet_index, "build", lambda *args: pytest.fail("the new worker rebuilt the index"))
    copied = facet_index.facet_index(public, public.language)
    assert copied is not built and list(copied.ids) == list(built.ids)
    assert copied.counts("topic", copied.everything) == built.counts("topic", built.everything)


@pytest.mark.django_db
def test_while_another_process_builds_a_worker_answers_from_the_version_it_holds(directory_index, monkeypatch):
    """Visitors are not kept waiting while the publisher builds; the new index is used once it is shared."""
    ForumPageFactory(parent=directory_index, title="Alpha")
    public = PublicScope()
    held = facet_index.facet_index(public, public.language)
    ForumPageFactory(parent=directory_index, title="Beta")  # a change another process is building
    key = facet_index.shared_key(public.language, current_content_version())
    facet_index.shared_store().add(f"{key}:building", 1)
    monkeypatch.setattr(facet_index, "build", lambda *args: pytest.fail("built while another process was building"))
    assert facet_index.facet_index(public, public.language) is held
    facet_index.shared_store().delete(f"{key}:building")
    monkeypatch.undo()
    assert len(facet_index.facet_index(public, public.language).ids) == 2


@pytest.mark.django_db
def test_a_new_worker_answers_from_the_newest_shared_index_while_the_next_is_built(directory_index, monkeypatch):
    """A worker started just after a publish (gunicorn replaces workers every thousand requests or
    so) must not keep its first visitors waiting seconds for the build another process is making."""
    ForumPageFactory(parent=directory_index, title="Alpha")
    public = PublicScope()
    facet_index.facet_index(public, public.language)  # built and shared
    ForumPageFactory(parent=directory_index, title="Beta")  # a change another process is building
    key = facet_index.shared_key(public.language, current_content_version())
    facet_index.shared_store().add(f"{key}:building", 1)
    facet_index.forget_indexes()  # a new worker
    monkeypatch.setattr(facet_index, "build", lambda *args: pytest.fail("built while another process was building"))
    monkeypatch.setattr(facet_index.time, "sleep", lambda seconds: pytest.fail("waited for the other build"))
    for _request in range(2):
        assert len(facet_index.facet_index(public, public.language).ids) == 1
    facet_index.shared_store().delete(f"{key}:building")
    monkeypatch.undo()
    assert len(facet_index.facet_index(public, public.language).ids) == 2, "the new index was not taken up"


@pytest.mark.django_db
def test_with_the_shared_cache_down_each_worker_builds_its_own_without_waiting(directory_index, settings, monkeypatch):
    """A Redis outage must not leave visitors waiting for a build nobody is making."""
    from settings.base import redis_cache

    settings.CACHES = {**settings.CACHES, "unreachable": redis_cache("redis://127.0.0.1:1/0")}
    settings.FACET_INDEX_CACHE = "unreachable"
    ForumPageFactory(parent=directory_index, title="Alpha")
    monkeypatch.setattr(facet_index.time, "sleep", lambda seconds: pytest.fail("waited for another process"))
    public = PublicScope()
    assert len(facet_index.facet_index(public, public.language).ids) == 1


@pytest.mark.django_db
def test_a_publish_queues_the_build_and_listings_answer_from_the_held_index_meanwhile(
    directory_index, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The editor's publish returns without building; visitors see the change once the worker has built it.

    If this fails, every publish keeps the editor waiting seconds for the indexes (or visitors wait
    for a build of their own), or pages rendered from the old index stay cached after the build.
    """
    from core.page_cache import current_generation

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ForumPageFactory(parent=directory_index, title="Alpha")
    public = PublicScope()
    held = facet_index.facet_index(public, public.language)
    # No listing may build while the queued build is claimed.
    monkeypatch.setattr(facet_index, "build", lambda *args: pytest.fail("a listing built the index being built"))

    beta = ForumPageFactory(parent=directory_index, title="Beta", live=False)
    with django_capture_on_commit_callbacks(execute=True):
        beta.save_revision().publish()
    queued = [
        result for result in facet_index.build_indexes.get_backend().results if result.task.name == "build_indexes"
    ]
    assert len(queued) == 1, "the publish did not queue the build"
    assert facet_index.facet_index(public, public.language) is held, "the old index is not served meanwhile"

    monkeypatch.undo()
    generation = current_generation()
    assert "en" in facet_index.build_indexes.call(*queued[0].args, **queued[0].kwargs)
    assert current_generation() != generation, "pages rendered from the old index are still served from the cache"
    monkeypatch.setattr(facet_index, "build", lambda *args: pytest.fail("a listing rebuilt the shared index"))
    assert len(facet_index.facet_index(public, public.language).ids) == 2
