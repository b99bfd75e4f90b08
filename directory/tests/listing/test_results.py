"""The directory listing's results: search ranking, what is never listed, sorts and pages, the home
page's highlights, the Welsh site, and a query count that does not grow with the number of communities."""

import pytest
from taggit.models import Tag
from wagtail.models import Locale, PageViewRestriction

from directory.listing.results import PAGE_SIZE, home_page_highlights
from directory.listing.text_search import backend_kind
from directory.models import ForumStatus, TopicName
from directory.models.public import listed_forums
from directory.tests.factories import (
    AudienceFactory,
    CommunityTypeFactory,
    DepartmentPageFactory,
    EngagementFactory,
    ForumPageFactory,
    RegionFactory,
)
from directory.tests.listing.helpers import facet, search, titles


@pytest.mark.django_db
def test_search_for_parenting_ranks_netmums_first(netmums_and_friends):
    """A parent searching "parenting" would otherwise have to dig past forums that mention it in passing."""
    results = search("q=parenting")
    assert results.total == 3
    assert titles(results)[0] == "Netmums"
    assert results.sort == "relevance"


@pytest.mark.django_db
def test_search_matches_topics_and_summary_words(netmums_and_friends):
    """Without indexing topics and summaries, obvious searches would find nothing."""
    assert titles(search("q=pregnancy")) == ["Netmums"]
    assert titles(search("q=exams")) == ["The Student Room"]
    assert search("q=zebra").total == 0


@pytest.mark.django_db
def test_drafts_delisted_and_private_entries_are_never_listed_or_found(directory_index, netmums_and_friends):
    """A nomination nobody has approved, or a community an editor delisted, must not appear in public."""
    ForumPageFactory(parent=directory_index, title="Draft parenting board", topics=["parenting"], live=False)
    ForumPageFactory(
        parent=directory_index,
        title="Delisted parenting board",
        topics=["parenting"],
        status=ForumStatus.DELISTED,
        status_reason="Closed to new members.",
    )
    private = ForumPageFactory(parent=directory_index, title="Private parenting board", topics=["parenting"])
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="x")
    for querystring in ["", "q=parenting", "topic=parenting", "q=board"]:
        shown = titles(search(querystring))
        assert "Draft parenting board" not in shown
        assert "Delisted parenting board" not in shown
        assert "Private parenting board" not in shown
    assert facet(search(), "topic")["parenting"] == 1
    assert listed_forums().count() == 3


@pytest.mark.django_db
def test_sorts(netmums_and_friends):
    """Each sort option must order the list as its label says."""
    assert titles(search("sort=name")) == ["MoneySavingExpert Forum", "Netmums", "The Student Room"]
    assert titles(search("sort=largest")) == ["The Student Room", "Netmums", "MoneySavingExpert Forum"]
    assert titles(search("sort=newest")) == ["The Student Room", "MoneySavingExpert Forum", "Netmums"]
    assert titles(search("q=parenting&sort=name")) == ["MoneySavingExpert Forum", "Netmums", "The Student Room"]
    # Without a search, "relevance" means nothing: the list falls back to name order.
    assert search("sort=relevance").sort == "name"


@pytest.mark.django_db
def test_pages_of_twenty(directory_index):
    """Long lists must be split into pages, and a page past the end shows the last one."""
    for number in range(PAGE_SIZE + 5):
        ForumPageFactory(parent=directory_index, title=f"Community {number:02d}")
    first = search()
    assert first.total == PAGE_SIZE + 5
    assert len(first.forums) == PAGE_SIZE
    last = search("page=9")
    assert last.page.number == 2
    assert last.missing_page == 9
    assert titles(last) == [f"Community {number:02d}" for number in range(PAGE_SIZE, PAGE_SIZE + 5)]
    assert search("page=2").missing_page == 0


@pytest.mark.django_db
def test_a_page_past_the_last_says_so_with_a_404(client, directory_index):
    """Someone following an old link to ?page=9 must be told there is no such page and see the
    last one, not page 1 as if nothing were wrong; search engines get a 404 and drop it."""
    for number in range(PAGE_SIZE + 5):
        ForumPageFactory(parent=directory_index, title=f"Community {number:02d}")
    response = client.get("/directory/?page=9")
    assert response.status_code == 404
    html = response.content.decode()
    assert "There is no page 9: these results fit on 2 pages. You are seeing page 2, the last." in html
    assert f"Community {PAGE_SIZE + 4:02d}" in html
    assert client.get("/directory/?page=2").status_code == 200


@pytest.mark.django_db
def test_home_page_highlights(netmums_and_friends, directory_index):
    """The home page's figures and topic links must count only listed communities."""
    ForumPageFactory(parent=directory_index, title="Draft", topics=["parenting"], live=False)
    highlights = home_page_highlights()
    assert highlights.forum_count == 3
    assert highlights.department_count == 1
    assert {topic["slug"]: topic["count"] for topic in highlights.popular_topics}["parenting"] == 1
    assert [forum.title for forum in highlights.latest_forums][0] == "The Student Room"
    assert len(highlights.latest_forums) == 3


# --- The /directory/ page ----------------------------------------------------------------------


@pytest.mark.django_db
def test_directory_page_shows_results_and_facets(client, netmums_and_friends):
    """The listing page must show the communities, their counts and working filters without JavaScript."""
    response = client.get("/directory/?q=parenting&region=wales")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Netmums" in html and "The Student Room" in html
    assert "MoneySavingExpert Forum" not in html
    assert 'method="get"' in html
    assert 'name="region" type="checkbox" value="wales" checked' in html
    assert "Apply filters" in html
    assert "Clear filters" in html
    assert "2 communities match" in html


@pytest.mark.django_db
def test_filters_fold_away_with_their_count_and_show_as_removable_tags(client, netmums_and_friends):
    """On a phone the results must come first: the checkboxes sit folded in a "Filter" control that
    says how many are ticked, the search box has its own Search button, and each chosen filter is
    a tag above the results that removes it."""
    html = client.get("/directory/?q=parenting&region=wales&audience=parents").content.decode()
    panel = html[html.index('<details class="govuk-details app-filter"') : html.index("</details>")]
    assert "Filter (2 selected)" in panel
    assert 'name="region" type="checkbox" value="wales" checked' in html[html.index("app-filter") :]
    search_box = html[html.index('id="directory-q"') : html.index("app-filter")]
    assert '<button type="submit" class="govuk-button app-search__button"' in search_box
    assert ">Search</button>" in search_box
    tags = html[html.index('id="selected-filters"') : html.index("Clear filters")]
    assert '<a class="app-filter-tag" href="?q=parenting&amp;audience=parents">' in tags
    assert "Remove filter </span>" in tags and "Wales" in tags
    assert html.index('id="selected-filters"') < html.index('aria-labelledby="results-count"')
    assert "Filter (" not in client.get("/directory/").content.decode()


def add_forums(directory_index, departments_index, count, start=0):
    """``count`` communities that each have a type, topics, audiences, regions and an engagement."""
    department = DepartmentPageFactory(parent=departments_index, slug=f"department-for-{start}")
    audiences = [AudienceFactory(slug="parents"), AudienceFactory(slug="students")]
    regions = [RegionFactory(slug="wales"), RegionFactory(slug="scotland")]
    kind = CommunityTypeFactory(slug="forum")
    for number in range(start, start + count):
        forum = ForumPageFactory(
            parent=directory_index,
            title=f"Parenting board {number}",
            community_type=kind,
            topics=["parenting", f"topic-{number % 7}"],
            audiences=audiences,
            regions=regions[: 1 + number % 2],
            members=number * 100,
            cost="free",  # shown on the card and the page from the row itself: no query of its own
            registration="to_post",
            how_to_join="contact_first",
            contact_route="Use the form on the home page.",
            minimum_age=16,
            activity="10_to_100",
        )
        EngagementFactory(department=department, forum=forum)


# Queries for one listing page, whatever the number of communities: the public content version
# (home.routes: the route to the page and its view restrictions are held until content changes),
# the site settings, the public content version again (directory.listing.facet_index), the page of
# communities, and one for its topics, audiences and regions.
LISTING_QUERIES = 5
# The first request for an address after public content changes also routes it: the site, the
# locale, the home page, and the page with its own fields in one query for each level below
# (core.routing.SpecificChildRouting; the breadcrumbs come from the routing); then the alias check
# and view restrictions.
ROUTING_QUERIES = 6
# A search not made since public content last changed also asks the search index, once.
TEXT_MATCH_QUERIES = 1
# The first search after public content changes also reads the language's search synonyms (kept
# with the facet index until the next change, as they are public content editors change).
SYNONYM_QUERIES = 1
# The first listing after public content changes also builds the facet index: the page view
# restrictions, the communities, their links with the vocabularies, and nothing more at any size;
# on SQLite also the search index's entries of communities (so a search reads only the full-text table).
INDEX_BUILD_QUERIES = 3
SQLITE_ENTRIES_QUERIES = 1
LISTINGS = ["", "?q=parenting", "?q=parenting&region=scotland&audience=parents"]


@pytest.mark.django_db
@pytest.mark.parametrize("querystring", LISTINGS)
def test_listing_query_count_does_not_grow_with_the_directory(
    client, directory_index, departments_index, django_assert_num_queries, querystring
):
    """The directory must stay fast as it grows: the same queries for 20 entries and for 100."""
    add_forums(directory_index, departments_index, 20)
    client.get("/directory/" + querystring)  # the index for this content, and this search
    with django_assert_num_queries(LISTING_QUERIES):
        response = client.get("/directory/" + querystring)
    share = 2 if "region" in querystring else 1  # half the communities are in Scotland
    assert response.context["listing"].total == 20 // share
    add_forums(directory_index, departments_index, 80, start=20)
    searched = TEXT_MATCH_QUERIES + SYNONYM_QUERIES if "q=" in querystring else 0
    build = INDEX_BUILD_QUERIES + (SQLITE_ENTRIES_QUERIES if backend_kind() == "sqlite" else 0)
    with django_assert_num_queries(LISTING_QUERIES + ROUTING_QUERIES + build + searched):
        response = client.get("/directory/" + querystring)  # content changed: routed again, the index rebuilt
    listing = response.context["listing"]
    assert listing.total == 100 // share
    assert len(listing.forums) == PAGE_SIZE
    second_page = "/directory/" + (f"{querystring}&" if querystring else "?") + "page=2"
    with django_assert_num_queries(LISTING_QUERIES):  # another page of the same search: kept
        assert client.get(second_page).context["listing"].total == 100 // share


# A community page: the public content version (its route and view restrictions are held), one
# query for its topics, audiences, regions and type, one for the engagements by public bodies, one
# for the nomination page (the claim link), and the site settings (which the review notice reads
# too). After content changes, routing it again: the site, the locale, the home page, the directory
# and the community (one query each), the alias check and view restrictions.
FORUM_PAGE_QUERIES = 5
FORUM_ROUTING_QUERIES = 7


@pytest.mark.django_db
def test_forum_page_query_count_does_not_grow_with_its_topics_or_engagements(
    client, directory_index, departments_index, django_assert_num_queries
):
    """A community page must cost the same however many topics, audiences and engagements it has,
    and its "Before you join" answers cost nothing more."""
    add_forums(directory_index, departments_index, 1)
    forum = ForumPageFactory(parent=directory_index, topics=["money"], cost="paid", minimum_age=18)
    client.get(forum.url)
    with django_assert_num_queries(FORUM_PAGE_QUERIES):
        assert client.get(forum.url).status_code == 200
    forum.topics.add("debt", "benefits", "housing")
    forum.audiences.set([AudienceFactory(slug="parents"), AudienceFactory(slug="carers")])
    forum.community_type = CommunityTypeFactory(slug="forum")
    forum.save_revision().publish()
    for number in range(3):
        EngagementFactory(department=DepartmentPageFactory(parent=departments_index, slug=f"d-{number}"), forum=forum)
    with django_assert_num_queries(FORUM_PAGE_QUERIES + FORUM_ROUTING_QUERIES):
        response = client.get(forum.url)  # content changed: routed again
    with django_assert_num_queries(FORUM_PAGE_QUERIES):
        response = client.get(forum.url)
    assert b"Department 0" in response.content or b"d-0" in response.content
    assert b"housing" in response.content


def publish_in_welsh(page):
    """The Welsh copy of ``page`` (and of its missing parents), published."""
    welsh = page.copy_for_translation(Locale.objects.get(language_code="cy"), copy_parents=True)
    welsh.save_revision().publish()
    return welsh.specific_class.objects.get(pk=welsh.pk)


@pytest.mark.django_db
def test_welsh_site_lists_each_community_once_in_welsh(client, netmums_and_friends, directory_index):
    """On /cy/ each community must appear once, as its Welsh page, with the departments engaging."""
    publish_in_welsh(directory_index.get_parent().specific)
    publish_in_welsh(directory_index)
    welsh_student_room = publish_in_welsh(netmums_and_friends["student_room"])
    welsh_dfe = publish_in_welsh(netmums_and_friends["dfe"].get_parent().specific)
    welsh_dfe = publish_in_welsh(netmums_and_friends["dfe"])
    assert listed_forums(Locale.objects.get(language_code="en")).count() == 3

    response = client.get("/cy/directory/")
    assert response.status_code == 200
    assert [forum.pk for forum in response.context["listing"].forums] == [welsh_student_room.pk]
    assert facet(response.context["listing"], "department") == {welsh_dfe.slug: 1}

    html = client.get(welsh_student_room.url).content.decode()
    assert f'href="{welsh_dfe.url}"' in html

    html = client.get(welsh_dfe.url).content.decode()
    assert f'href="{welsh_student_room.url}"' in html


@pytest.mark.django_db
def test_no_results_page_helps(client, netmums_and_friends):
    """A search that finds nothing must say so and suggest what to try, keeping the filters removable."""
    html = client.get("/directory/?q=zebras&region=wales").content.decode()
    assert "0 communities match “zebras”" in html
    assert "There are no communities that match your search." in html
    assert "removing filters" in html
    assert 'href="?q=zebras"' in html  # removes the Wales filter, keeps the search


@pytest.mark.django_db
def test_result_card_says_the_arrangement_is_for_public_servants(client, netmums_and_friends):
    """A yellow "By arrangement with the moderators" tag alone reads as if joining needed
    arranging; the card must say it is about public servants taking part."""
    html = client.get("/directory/").content.decode()
    assert "Public servants: by arrangement with the moderators</strong>" in html
    assert ">By arrangement with the moderators</strong>" not in html


def welsh_directory(directory_index, *forums):
    """The Welsh home and directory pages and ``forums``' Welsh copies, published."""
    publish_in_welsh(directory_index.get_parent().specific)
    publish_in_welsh(directory_index)
    return [publish_in_welsh(forum) for forum in forums]


@pytest.mark.django_db
def test_welsh_site_names_topics_in_welsh_and_marks_the_rest_english(client, netmums_and_friends, directory_index):
    """A Welsh reader must see "Magu plant", not "Parenting", in the Topic filter, the chosen filter,
    the card and the community page, and a topic nobody has translated yet must be marked as English
    for their screen reader; the filter's address keeps the English slug in both languages."""
    (welsh_netmums,) = welsh_directory(directory_index, netmums_and_friends["netmums"])
    TopicName.objects.create(tag=Tag.objects.get(name="parenting"), name_cy="magu plant")

    response = client.get("/cy/directory/?topic=parenting")
    options = {option.value: option for option in response.context["listing"].facets[0].options}
    assert (options["parenting"].label, options["parenting"].lang) == ("Magu plant", "")
    assert (options["pregnancy"].label, options["pregnancy"].lang) == ("Pregnancy", "en")
    html = response.content.decode()
    assert '<span class="app-filter-tag__facet">Pwnc:</span> <span>Magu plant</span>' in html
    assert '<span>Magu plant</span>, <span lang="en">Pregnancy</span>' in html  # the card, in name order
    assert f'href="{welsh_netmums.url}"' in html

    page = client.get(welsh_netmums.url).content.decode()
    assert '?topic=parenting">Magu plant</a>' in page
    assert '?topic=pregnancy" lang="en">Pregnancy</a>' in page

    english = client.get("/directory/?topic=parenting").content.decode()
    assert "Magu plant" not in english and "Parenting" in english


@pytest.mark.django_db
def test_welsh_search_finds_a_community_by_its_topics_welsh_name(
    client, netmums_and_friends, directory_index, django_capture_on_commit_callbacks
):
    """Someone searching the Welsh site in Welsh ("magu plant") must find the parenting communities."""
    (welsh_netmums,) = welsh_directory(directory_index, netmums_and_friends["netmums"])
    with django_capture_on_commit_callbacks(execute=True):
        TopicName.objects.create(tag=Tag.objects.get(name="parenting"), name_cy="magu plant")
    assert [forum.pk for forum in client.get("/cy/directory/?q=magu").context["listing"].forums] == [welsh_netmums.pk]


@pytest.mark.django_db
def test_an_untranslated_community_is_marked_english_in_welsh_lists(client, netmums_and_friends, directory_index):
    """A community whose Welsh page is still a copy of the English one shows English on /cy/: its
    name and summary in the card and on the home page must be marked lang="en" (WCAG 3.1.2)."""
    welsh_directory(directory_index)
    netmums_and_friends["netmums"].copy_for_translation(Locale.objects.get(language_code="cy"), alias=True)
    for path in ("/cy/directory/", "/cy/"):
        html = client.get(path).content.decode()
        assert 'lang="en">Netmums</a>' in html, path
        assert 'lang="en">Where parents share advice' in html, path
