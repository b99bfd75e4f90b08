"""The bulk benchmark data set: a valid Wagtail page tree that the site lists, searches and serves."""

import pytest
from django.core.management import call_command
from django.db import connection
from wagtail.models import Page

from devdata.bench_data import SLUG_PREFIX, generate
from directory.listing.filters import DirectoryFilters
from directory.listing.results import search_directory
from directory.models import ForumIndexPage, ForumPage, Nomination

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(site_tree):
    return generate(50, nominations=5, departments=3, log=lambda message: None)


def test_bulk_pages_form_a_valid_tree(generated):
    """Without this, treebeard would find broken paths or wrong child counts and the admin explorer would break."""
    assert Page.find_problems() == ([], [], [], [], [])
    directory = ForumIndexPage.objects.get()
    assert directory.numchild == directory.get_children().count() == 55
    for forum in ForumPage.objects.filter(slug__startswith=SLUG_PREFIX)[:5]:
        assert forum.get_parent().specific == directory
        assert forum.url_path == f"{directory.url_path}{forum.slug}/"


def test_generated_communities_render_and_are_listed_and_found(client, generated):
    """Benchmarks would measure error pages, or an empty listing, if the bulk rows lacked anything a page needs."""
    forum = ForumPage.objects.listed().filter(slug__startswith=SLUG_PREFIX).order_by("path").first()
    assert client.get(forum.url).status_code == 200
    listing = client.get("/directory/").context["listing"]
    assert listing.total == ForumPage.objects.listed().count() > 40
    topic = forum.topics.first()
    word = topic.name.split()[0]
    found = search_directory(DirectoryFilters(q=word))
    assert found.total > 0
    assert forum.pk in set(ForumPage.objects.live().search(word).get_queryset().values_list("pk", flat=True))
    assert client.get("/directory/", {"q": word}).context["listing"].total == found.total


def test_drafts_and_nominations_stay_out_of_public_view(client, generated):
    """Pending nominations must wait for an editor: their draft entries are not public."""
    pending = Nomination.objects.filter(status=Nomination.Status.PENDING).select_related("forum")
    assert pending.count() == 5
    draft = pending.first().forum
    assert not draft.live
    assert client.get(draft.url_path.removeprefix("/home")).status_code == 404
    assert not ForumPage.objects.listed().filter(pk=draft.pk).exists()


def test_same_seed_gives_the_same_data(site_tree):
    """Benchmarks are only comparable between runs if the generated directory is the same each time."""
    call_command("generate_bench_data", forums=10, departments=2, stdout=open("/dev/null", "w"))
    first = list(ForumPage.objects.order_by("path").values_list("title", "summary", "members"))
    ForumPage.objects.filter(slug__startswith=SLUG_PREFIX).delete()
    Page.fix_tree(fix_paths=True)
    call_command("generate_bench_data", forums=10, departments=2, stdout=open("/dev/null", "w"))
    second = list(ForumPage.objects.order_by("path").values_list("title", "summary", "members"))
    assert first == second


def test_sqlite_benchmark_data_leaves_planner_statistics(generated):
    """Without statistics SQLite's planner walks every page for a query that needs two, and a
    community page measured on SQLite would be slow for a reason no deployment should have."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL gathers its statistics with VACUUM ANALYZE, outside the test's transaction")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'wagtailcore_page'")
        assert cursor.fetchone()[0] > 0
