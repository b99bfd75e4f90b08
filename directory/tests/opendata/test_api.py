"""The Wagtail API v2 at /api/v2/: community and department fields, only live public pages (never
drafts, delisted or protected entries, never private fields), the topic filter, JSON errors for
bad parameters, and a listing whose query count does not grow."""

import pytest

from directory.tests.factories import DepartmentPageFactory, EngagementFactory
from directory.tests.opendata.helpers import build_directory, get_json, many_forums

PAGES = "/api/v2/pages/"


@pytest.fixture
def directory(directory_index, departments_index):
    return build_directory(directory_index, departments_index)


def titles(body):
    return sorted(item["title"] for item in body["items"])


def test_forum_listing_has_only_published_communities(client, directory):
    """API users see the listed communities with their public fields, and nothing private."""
    body = get_json(client, PAGES, type="directory.ForumPage", fields="*")
    assert titles(body) == ["Money Forum", "Netmums"]
    netmums = next(item for item in body["items"] if item["title"] == "Netmums")
    assert netmums["website"] == "https://www.netmums.com/"
    assert netmums["members"] == 2_000_000
    assert netmums["welcomed_modes"] == ["expert_answers"]
    assert netmums["engagement_preference"] == "welcomes"
    for private in ("contact_name", "contact_email", "editor_notes"):
        assert private not in netmums


@pytest.mark.parametrize("hidden", ["draft", "delisted", "protected"])
def test_hidden_communities_have_no_detail(client, directory, hidden):
    """Asking for a draft, delisted or protected entry by id gives a 404."""
    get_json(client, f"{PAGES}{getattr(directory, hidden).pk}/", status=404)


def test_forum_detail_has_its_public_fields(client, directory):
    """A community's detail carries its topics, audiences and regions."""
    body = get_json(client, f"{PAGES}{directory.netmums.pk}/")
    assert body["meta"]["type"] == "directory.ForumPage"
    assert body["summary"] == directory.netmums.summary
    assert body["topics"] and body["audiences"] and body["regions"]


def test_department_detail_has_its_plan_and_engagements(client, directory):
    """A department's detail has its plan fields and engagements."""
    body = get_json(client, f"{PAGES}{directory.department.pk}/")
    assert body["acronym"] == directory.department.acronym
    assert body["plan_status"] == "published"
    assert {engagement["mode"] for engagement in body["engagements"]} == {"expert_answers"}


def test_filter_by_type_and_topic(client, directory):
    """?type and ?topic narrow the pages the way the directory's topic filter does."""
    assert titles(get_json(client, PAGES, type="directory.ForumPage", topic="money")) == ["Money Forum"]
    assert titles(get_json(client, PAGES, type="directory.ForumPage", topic="parenting")) == ["Netmums"]
    assert titles(get_json(client, PAGES, topic="parenting,pregnancy")) == ["Netmums"]
    assert titles(get_json(client, PAGES, type="directory.DepartmentPage")) == ["Department for Education"]
    assert titles(get_json(client, PAGES, topic="no-such-topic")) == []


@pytest.mark.parametrize(
    "params",
    [{"type": "no.Such"}, {"limit": "-1"}, {"offset": "abc"}, {"limit": str(10**9)}, {"secret": "1"}, {"order": "x"}],
)
def test_bad_parameters_get_a_json_400(client, directory, params):
    """Bad parameters are answered with a JSON message, never a server error."""
    body = get_json(client, PAGES, status=400, **params)
    assert body["message"]


def test_open_to_other_websites(client, directory):
    """Other sites may call the API (CORS), are told the licence, and may cache the answer."""
    response = client.get(PAGES, HTTP_ORIGIN="https://example.com")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert 'rel="license"' in response["Link"]
    assert "public" in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]


# The pages anyone may see are worked out once per request (Wagtail's own code asks three times):
# Wagtail's restriction test, the site's languages and the private pages in every language
# (core.privacy), then the count, the page of results and what their fields show.
@pytest.mark.parametrize(
    ("page_type", "fields", "queries"),
    [("directory.ForumPage", "", 9), ("directory.ForumPage", "*", 9), ("directory.DepartmentPage", "*", 8)],
)
def test_listing_query_count_does_not_grow(
    client, directory_index, departments_index, django_assert_num_queries, page_type, fields, queries
):
    """Listing 20 or 100 communities or departments, with all their fields, costs the same number of queries."""
    for count in (20, 80):
        for forum in many_forums(directory_index, count):
            department = DepartmentPageFactory(parent=departments_index)
            EngagementFactory(department=department, forum=forum)
        params = {"type": page_type, "limit": 100, "fields": fields}
        client.get(PAGES, params)  # caches the site's root paths again
        with django_assert_num_queries(queries):
            response = client.get(PAGES, params)
        assert response.status_code == 200


def test_vocabularies_come_with_their_slugs_and_names(client, directory):
    """Audiences, regions and the community type carry slug and names, so a client can show them.

    If this fails, API users get bare ids that nothing in the API resolves.
    """
    directory.parents.name_cy = "Rhieni a gofalwyr"
    directory.parents.save()
    body = get_json(client, f"{PAGES}{directory.netmums.pk}/")
    assert body["audiences"] == [
        {"id": directory.parents.pk, "slug": "parents", "name": directory.parents.name, "name_cy": "Rhieni a gofalwyr"}
    ]
    assert [region["slug"] for region in body["regions"]] == ["wales"]
    assert body["community_type"]["slug"] == "forum" and body["community_type"]["name"]
    money = get_json(client, f"{PAGES}{directory.money.pk}/")
    assert money["community_type"] is None and money["audiences"] == []
    listing = get_json(client, PAGES, type="directory.ForumPage", fields="audiences,community_type")
    assert {item["title"]: item["audiences"] for item in listing["items"]}["Netmums"][0]["slug"] == "parents"
    # Filtering by a vocabulary still takes its id.
    assert titles(get_json(client, PAGES, type="directory.ForumPage", audiences=directory.parents.pk)) == ["Netmums"]


def test_unknown_locale_is_a_bad_request(client, directory):
    """``locale=xx`` is a JSON 400 naming the languages there are, as the docs say, not a 404."""
    body = get_json(client, PAGES, status=400, locale="xx")
    assert "locale" in body["message"] and "cy" in body["message"]
    assert titles(get_json(client, PAGES, type="directory.ForumPage", locale="en")) == ["Money Forum", "Netmums"]


def test_html_url_uses_the_public_base_url(client, directory, settings):
    """The API's page addresses use the configured public address, as the feeds and exports do."""
    settings.PUBLIC_BASE_URL = "https://directory.example.gov.uk"
    body = get_json(client, f"{PAGES}{directory.netmums.pk}/")
    assert body["meta"]["html_url"] == f"https://directory.example.gov.uk/directory/{directory.netmums.slug}/"
