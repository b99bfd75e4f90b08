"""The directory listing's rules: search ranking, facets and their counts, what is never listed,
junk query parameters, and a query count that does not grow with the number of communities."""

import pytest
from django.http import QueryDict
from wagtail.models import Locale, PageViewRestriction

from directory.listing import (
    PAGE_SIZE,
    DirectoryFilters,
    breadcrumbs_for,
    home_page_highlights,
    listed_forums,
    search_directory,
    term_rows,
)
from directory.models import EngagementPreference, EngagementStatus, ForumPage, ForumStatus
from directory.tests.factories import (
    AudienceFactory,
    CommunityTypeFactory,
    DepartmentPageFactory,
    EngagementFactory,
    ForumPageFactory,
    RegionFactory,
)

LONG_DESCRIPTION = (
    "Members swap tips on budgets, energy bills, broadband deals, savings accounts and mortgages. "
    "Threads cover everything from supermarket vouchers to pensions, and a busy board on parenting "
    "costs such as childcare and school uniforms. Volunteers keep the boards friendly and on topic."
)


def search(querystring="", locale=None):
    return search_directory(DirectoryFilters.from_querydict(QueryDict(querystring)), locale=locale)


def titles(results):
    return [forum.title for forum in results.forums]


def facet(results, name):
    return {option.value: option.count for option in next(f for f in results.facets if f.name == name).options}


@pytest.fixture
def vocab(db):
    """The seeded vocabularies (factories get them by slug)."""
    return {
        "parents": AudienceFactory(slug="parents"),
        "students": AudienceFactory(slug="students"),
        "wales": RegionFactory(slug="wales"),
        "scotland": RegionFactory(slug="scotland"),
        "forum": CommunityTypeFactory(slug="forum"),
        "blog": CommunityTypeFactory(slug="blog"),
    }


@pytest.fixture
def netmums_and_friends(directory_index, departments_index, vocab):
    """Netmums is about parenting; two other communities only mention parenting in passing."""
    netmums = ForumPageFactory(
        parent=directory_index,
        title="Netmums",
        summary="Where parents share advice on pregnancy, babies, toddlers and family life.",
        description="A large UK forum for mums and dads.",
        community_type=vocab["forum"],
        topics=["parenting", "pregnancy"],
        audiences=[vocab["parents"]],
        regions=[vocab["wales"], vocab["scotland"]],
        members=2_000_000,
    )
    moneysaving = ForumPageFactory(
        parent=directory_index,
        title="MoneySavingExpert Forum",
        summary="Money tips from people who have been there.",
        description=LONG_DESCRIPTION,
        community_type=vocab["forum"],
        topics=["money", "benefits"],
        audiences=[vocab["parents"], vocab["students"]],
        regions=[vocab["scotland"]],
        members=1_500_000,
        engagement_preference=EngagementPreference.BY_ARRANGEMENT,
    )
    student_room = ForumPageFactory(
        parent=directory_index,
        title="The Student Room",
        summary="Students help each other with exams, universities and student finance.",
        description=(
            "Boards for every subject and university, applications and clearing, student finance, "
            "accommodation, mental health and a small board for students who are parenting while they study."
        ),
        community_type=vocab["blog"],
        topics=["education", "student-finance"],
        audiences=[vocab["students"]],
        regions=[vocab["wales"]],
        members=3_000_000,
        engagement_preference=EngagementPreference.DOES_NOT_WELCOME,
    )
    education = DepartmentPageFactory(parent=departments_index, title="Department for Education", slug="dfe")
    EngagementFactory(department=education, forum=student_room)
    EngagementFactory(department=education, forum=netmums, status=EngagementStatus.ENDED)
    return {"netmums": netmums, "moneysaving": moneysaving, "student_room": student_room, "dfe": education}


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
def test_facet_counts_cover_the_whole_result_set(netmums_and_friends):
    """Wrong counts next to the checkboxes would send people to empty or different lists."""
    results = search()
    assert results.total == 3
    assert facet(results, "topic") == {
        "parenting": 1,
        "pregnancy": 1,
        "money": 1,
        "benefits": 1,
        "education": 1,
        "student-finance": 1,
    }
    assert facet(results, "audience") == {"parents": 2, "students": 2}
    assert facet(results, "region") == {"scotland": 2, "wales": 2}
    assert facet(results, "type") == {"blog": 1, "forum": 2}
    assert facet(results, "preference") == {
        EngagementPreference.WELCOMES: 1,
        EngagementPreference.BY_ARRANGEMENT: 1,
        EngagementPreference.DOES_NOT_WELCOME: 1,
    }
    # DfE's engagement with Netmums has ended, so it counts only The Student Room.
    assert facet(results, "department") == {"dfe": 1}


@pytest.mark.django_db
def test_facet_counts_follow_the_text_search(netmums_and_friends):
    """Counts that ignored the search box would promise results that are not there."""
    results = search("q=student")
    assert titles(results) == ["The Student Room"]
    assert facet(results, "audience") == {"students": 1}
    assert facet(results, "type") == {"blog": 1}


@pytest.mark.django_db
def test_facets_combine_with_and_across_and_or_within(netmums_and_friends):
    """Ticking "Parents" and "Scotland" must narrow the list, and two topics must widen it."""
    assert sorted(titles(search("audience=parents"))) == ["MoneySavingExpert Forum", "Netmums"]
    assert titles(search("audience=parents&region=wales")) == ["Netmums"]
    assert titles(search("audience=parents&region=wales&type=blog")) == []
    assert sorted(titles(search("topic=money&topic=education"))) == ["MoneySavingExpert Forum", "The Student Room"]
    assert titles(search("department=dfe")) == ["The Student Room"]
    assert titles(search("preference=does_not_welcome")) == ["The Student Room"]


@pytest.mark.django_db
def test_each_facet_is_counted_with_the_other_facets_applied(netmums_and_friends):
    """With Wales ticked, the audience counts must be for Wales, while the region counts stay open."""
    results = search("region=wales")
    assert facet(results, "audience") == {"parents": 1, "students": 1}
    assert facet(results, "region") == {"scotland": 2, "wales": 2}
    audience = next(f for f in results.facets if f.name == "region")
    assert [option.value for option in audience.options if option.selected] == ["wales"]


@pytest.mark.django_db
def test_facets_combine_with_text_search(netmums_and_friends):
    """Searching and ticking a box must give the intersection, not either one."""
    assert sorted(titles(search("q=parenting&audience=students"))) == ["MoneySavingExpert Forum", "The Student Room"]
    assert titles(search("q=parenting&type=blog")) == ["The Student Room"]
    assert titles(search("q=parenting&type=blog&region=scotland")) == []


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


JUNK_QUERYSTRINGS = [
    "page=0",
    "page=-3",
    "page=abc",
    "page=99999999999999999999",
    "sort=evil",
    "topic=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "preference=nonsense",
    "department=no-such-department",
    "q=%22unbalanced",
    "q=AND%20OR%20NOT%20(",
    "q=NEAR(a%20b)%20*%20^",
    "q=%00%01%02",
    "q=" + "parenting%20" * 2000,
    "topic=" + "a" * 10_000,
    "&".join(["topic=parenting"] * 500),
]


@pytest.mark.django_db
def test_junk_parameters_never_fail(netmums_and_friends):
    """A mistyped or malicious URL must show a listing, never an error page."""
    for querystring in JUNK_QUERYSTRINGS:
        results = search(querystring)
        assert results.page.number >= 1
        assert results.total <= 3


@pytest.mark.django_db
def test_directory_page_answers_junk_with_a_listing(client, netmums_and_friends):
    """The same junk in the address bar must give the listing page, never a server error."""
    for querystring in JUNK_QUERYSTRINGS:
        response = client.get("/directory/?" + querystring)
        assert response.status_code == 200, querystring
        assert "<script>alert(1)" not in response.content.decode()


def test_filters_read_junk_safely():
    """The filters must clip and drop junk so nothing downstream sees it."""
    filters = DirectoryFilters.from_querydict(
        QueryDict("q=" + "x" * 10_000 + "&topic=%3Cb%3E&topic=ok&topic=ok&page=-1&sort=evil&preference=welcomes")
    )
    assert len(filters.q) == 200
    assert filters.topic == ("ok",)
    assert filters.page == 1
    assert filters.sort == ""
    assert filters.preference == ("welcomes",)
    assert DirectoryFilters.from_querydict({"topic": ["a", "b"], "page": "2"}).topic == ("a", "b")
    assert DirectoryFilters.from_querydict({}).is_empty
    assert not DirectoryFilters.from_querydict({"region": "wales"}).is_empty


def test_querystring_round_trips():
    """Bookmarked and shared links must reproduce the same listing."""
    filters = DirectoryFilters.from_querydict(QueryDict("q=money%20tips&topic=a&topic=b&region=wales&sort=name&page=3"))
    assert filters.querystring() == "q=money+tips&topic=a&topic=b&region=wales&sort=name"
    assert filters.querystring(page=2).endswith("&page=2")
    assert filters.without("topic", "a") == "q=money+tips&topic=b&region=wales&sort=name"
    assert DirectoryFilters.from_querydict(QueryDict(filters.querystring(page=3))) == filters


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
    assert titles(last) == [f"Community {number:02d}" for number in range(PAGE_SIZE, PAGE_SIZE + 5)]


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
        )
        EngagementFactory(department=department, forum=forum)


# Queries for one listing page, whatever the number of communities: Wagtail's routing and site
# (site, locale, the home page, the directory with its own fields in one query
# (core.routing.SpecificChildRouting), the alias check, view restrictions, site settings: 7; the
# breadcrumbs come from the routing), the public content version (directory.facet_index), the
# page of communities, and one for its topics, audiences and regions.
LISTING_QUERIES = 10
# A search not made since public content last changed also asks the search index, once.
TEXT_MATCH_QUERIES = 1
# The first listing after public content changes also builds the facet index: the page view
# restrictions, the communities, their links with the vocabularies, and nothing more at any size.
INDEX_BUILD_QUERIES = 3
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
    searched = TEXT_MATCH_QUERIES if "q=" in querystring else 0
    with django_assert_num_queries(LISTING_QUERIES + INDEX_BUILD_QUERIES + searched):
        response = client.get("/directory/" + querystring)  # content changed: the index is rebuilt
    listing = response.context["listing"]
    assert listing.total == 100 // share
    assert len(listing.forums) == PAGE_SIZE
    second_page = "/directory/" + (f"{querystring}&" if querystring else "?") + "page=2"
    with django_assert_num_queries(LISTING_QUERIES):  # another page of the same search: kept
        assert client.get(second_page).context["listing"].total == 100 // share


# A community page: Wagtail's routing and site (site, locale, the home page, then the directory and
# the community in one query each (core.routing.SpecificChildRouting), the alias check, view
# restrictions: 7; the breadcrumbs come from the routing), one query for its topics, audiences,
# regions and type, one for the engagements by public bodies, and the site settings (which the
# review notice reads too).
FORUM_PAGE_QUERIES = 10


@pytest.mark.django_db
def test_forum_page_query_count_does_not_grow_with_its_topics_or_engagements(
    client, directory_index, departments_index, django_assert_num_queries
):
    """A community page must cost the same however many topics, audiences and engagements it has."""
    add_forums(directory_index, departments_index, 1)
    forum = ForumPageFactory(parent=directory_index, topics=["money"])
    client.get(forum.url)
    with django_assert_num_queries(FORUM_PAGE_QUERIES):
        assert client.get(forum.url).status_code == 200
    forum.topics.add("debt", "benefits", "housing")
    forum.audiences.set([AudienceFactory(slug="parents"), AudienceFactory(slug="carers")])
    forum.community_type = CommunityTypeFactory(slug="forum")
    forum.save_revision().publish()
    for number in range(3):
        EngagementFactory(department=DepartmentPageFactory(parent=departments_index, slug=f"d-{number}"), forum=forum)
    with django_assert_num_queries(FORUM_PAGE_QUERIES):
        response = client.get(forum.url)
    assert b"Department 0" in response.content or b"d-0" in response.content
    assert b"housing" in response.content


@pytest.mark.django_db
def test_each_community_gets_its_own_terms_when_the_query_is_reused(directory_index):
    """The terms query is compiled once per number of communities: a page must never show another's topics."""
    kinds = [CommunityTypeFactory(slug=slug) for slug in ("forum", "group")]
    forums = [
        ForumPageFactory(
            parent=directory_index,
            topics=[f"topic {number}"],
            audiences=[AudienceFactory(slug=f"audience-{number}")],
            regions=[RegionFactory(slug=f"region-{number}")],
            community_type=kinds[number % 2],
        )
        for number in range(4)
    ]

    def terms(chosen, with_type=False):
        rows = term_rows([forum.pk for forum in chosen], with_type)
        return {part: sorted((row["t_forum"], row["t_slug"]) for row in found) for part, found in rows.items()}

    for chosen in ([forums[0]], [forums[1]], forums[:2], forums[2:], [forums[3], forums[0]]):
        expected = {
            "topics": sorted((forum.pk, forum.topics.get().slug) for forum in chosen),
            "audiences": sorted((forum.pk, forum.audiences.get().slug) for forum in chosen),
            "regions": sorted((forum.pk, forum.regions.get().slug) for forum in chosen),
        }
        assert terms(chosen) == expected
        assert terms(chosen, with_type=True) == {
            **expected,
            "type": sorted((forum.pk, forum.community_type.slug) for forum in chosen),
        }


@pytest.mark.django_db
def test_breadcrumbs_are_the_same_from_routing_and_from_the_tree(client, directory_index, django_assert_num_queries):
    """A community page reached through the site and one loaded on its own (a preview) must offer the same way back."""
    forum = ForumPageFactory(parent=directory_index, slug="money-forum")
    routed = client.get("/directory/money-forum/").context["breadcrumbs"]
    fresh = ForumPage.objects.get(pk=forum.pk)
    with django_assert_num_queries(1):  # not routed: its ancestors are read in one query
        loaded = breadcrumbs_for(fresh)
    home = directory_index.get_parent()
    expected = [{"url": "/", "title": home.title}, {"url": "/directory/", "title": directory_index.title}]
    assert routed == loaded == expected


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
