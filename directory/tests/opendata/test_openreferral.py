"""The Open Referral (HSDS 3.0) API: every response validates against the HSDS 3.0 schemas,
nothing unpublished or private leaks, ids are stable, bad parameters get a JSON 400, and list
endpoints cost the same number of queries for 20 or 100 communities."""

import gzip
import json
import uuid
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from directory.opendata.openreferral.identifiers import (
    OPEN_DATA_NAMESPACE,
    organization_id,
    service_at_location_id,
    taxonomy_id,
    taxonomy_term_id,
)
from directory.opendata.openreferral.taxonomies import TAXONOMIES
from directory.tests.factories import ForumPageFactory
from directory.tests.opendata.helpers import build_directory, get_json, many_forums

# The HSDS 3.0 schemas, kept with the tests (see data/hsds-3.0/README.md): the compiled ones gzipped.
HSDS_DIR = Path(__file__).parent / "data" / "hsds-3.0"
PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}


@cache
def hsds_registry():
    resources = []
    for path in sorted(HSDS_DIR.glob("*.json")) + sorted(HSDS_DIR.glob("compiled/*.json.gz")):
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        name = str(path.relative_to(HSDS_DIR)).removesuffix(".gz")
        resources.append((name, Resource.from_contents(json.loads(raw), DRAFT202012)))
    assert len(resources) >= 12, f"the HSDS 3.0 schemas are missing from {HSDS_DIR}"
    return Registry().with_resources(resources)


@cache
def validator(schema_name):
    schema = hsds_registry().contents(schema_name)
    return Draft202012Validator(schema, registry=hsds_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid(instance, schema_name):
    errors = sorted(validator(schema_name).iter_errors(instance), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(error.path)}: {error.message}" for error in errors)


def assert_page_of(body, schema_name):
    """The HSDS Page envelope, with every item valid against ``schema_name``."""
    assert set(body) == PAGE_KEYS
    assert body["size"] == len(body["contents"])
    for item in body["contents"]:
        assert_valid(item, schema_name)


@pytest.fixture
def directory(directory_index, departments_index):
    return build_directory(directory_index, departments_index)


def test_root_names_the_version_and_links_the_openapi_document(client, directory):
    """A client discovering the API finds the HSDS version and the OpenAPI description it can fetch."""
    body = get_json(client, "/openreferral/")
    assert body["version"] == "3.0"
    assert body["profile"].startswith("https://")
    assert body["openapi_url"] == "http://testserver/openreferral/openapi.json"
    document = get_json(client, "/openreferral/openapi.json")
    assert document["openapi"].startswith("3.")
    assert document["servers"] == [{"url": "http://testserver/openreferral/"}]
    assert set(document["paths"]) == {
        "/",
        "/services",
        "/services/{id}",
        "/service_at_locations",
        "/service_at_locations/{id}",
        "/organizations",
        "/organizations/{id}",
        "/taxonomies",
        "/taxonomies/{id}",
        "/taxonomy_terms",
        "/taxonomy_terms/{id}",
    }


def test_services_list_validates_and_lists_only_published_entries(client, directory):
    """Consumers get valid HSDS services for the listed communities only: no drafts, delisted or protected ones."""
    body = get_json(client, "/openreferral/services")
    assert_page_of(body, "compiled/service_list.json")
    assert [service["name"] for service in body["contents"]] == ["Money Forum", "Netmums"]
    assert body["total_items"] == 2
    assert body["first_page"] and body["last_page"] and not body["empty"]


def test_service_detail_is_fully_nested_and_valid(client, directory):
    """A full service carries its organisation, a virtual location at its website, and attributes for its terms."""
    netmums = directory.netmums
    body = get_json(client, f"/openreferral/services/{netmums.translation_key}")
    assert_valid(body, "compiled/service.json")
    assert body["id"] == str(netmums.translation_key)
    assert body["url"] == "https://www.netmums.com/"
    assert body["assured_date"] == netmums.last_verified.isoformat()
    assert body["organization"]["id"] == organization_id("Netmums Ltd")
    (place,) = body["service_at_locations"]
    assert place["location"]["location_type"] == "virtual"
    assert place["location"]["url"] == "https://www.netmums.com/"
    terms = {(attribute["link_type"], attribute["taxonomy_term"]["name"]) for attribute in body["attributes"]}
    assert {("topic", "Parenting"), ("audience", "Parents and carers"), ("region", "Wales")} <= terms
    assert ("community_type", "Discussion forum") in terms
    assert ("engagement_mode", "Expert answers in discussions") in terms
    assert [language.get("code") for language in body["languages"]] == ["en", "cy"]


def test_before_you_join_is_published_in_the_hsds_fields(client, directory):
    """Cost, how to join (with the contact route), and the minimum age reach Open Referral in
    HSDS's own fields, so other directories show them.

    If this fails, people using Open Referral tools see nothing of what they ask before joining."""
    body = get_json(client, f"/openreferral/services/{directory.netmums.translation_key}")
    assert_valid(body, "compiled/service.json")
    assert body["fees_description"] == "Free"
    assert body["application_process"] == "Contact them first: Use the form on the home page."
    assert body["minimum_age"] == 16 and body["eligibility_description"] == "Members must be 16 or over."
    (cost,) = body["cost_options"]
    assert cost["option"] == "Free" and cost["amount"] == 0 and cost["service_id"] == body["id"]
    listed = get_json(client, "/openreferral/services")["contents"]
    assert {item["name"]: item.get("fees_description") for item in listed} == {"Money Forum": None, "Netmums": "Free"}


def test_empty_optional_fields_are_left_out(client, directory):
    """A community with no operator or figures has no empty strings or nulls in its record."""
    money = directory.money
    money.operator_name = ""
    money.description = ""
    money.save_revision().publish()
    body = get_json(client, f"/openreferral/services/{money.translation_key}")
    assert_valid(body, "compiled/service.json")
    # No operator named: the community is its own organization, so every service has one.
    assert body["organization_id"] == body["organization"]["id"] != organization_id("netmums ltd")
    assert body["organization"]["name"] == "Money Forum"

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        else:
            assert value not in (None, ""), body

    walk(body)


@pytest.mark.parametrize("hidden", ["draft", "delisted", "protected"])
def test_unpublished_services_are_not_found(client, directory, hidden):
    """Guessing the id of a draft, delisted or protected entry gives a 404, not its data."""
    page = getattr(directory, hidden)
    get_json(client, f"/openreferral/services/{page.translation_key}", status=404)


def test_organizations_group_operators_by_normalised_name(client, directory):
    """Two entries run by "Netmums Ltd" and "netmums   LTD" are one organisation with both services."""
    body = get_json(client, "/openreferral/organizations")
    assert_page_of(body, "compiled/organization_list.json")
    (organization,) = body["contents"]
    assert organization["id"] == organization_id("netmums ltd")
    detail = get_json(client, f"/openreferral/organizations/{organization['id']}")
    assert_valid(detail, "compiled/organization.json")
    assert sorted(service["name"] for service in detail["services"]) == ["Money Forum", "Netmums"]
    get_json(client, f"/openreferral/organizations/{uuid.uuid4()}", status=404)


def test_taxonomies_and_terms_validate_and_have_stable_ids(client, directory):
    """Taxonomy terms keep ids derived from kind and slug, so consumers can store them."""
    body = get_json(client, "/openreferral/taxonomies")
    assert_page_of(body, "taxonomy.json")
    assert body["total_items"] == len(TAXONOMIES)
    terms = get_json(client, "/openreferral/taxonomy_terms", per_page=100)
    assert_page_of(terms, "taxonomy_term.json")
    by_id = {term["id"]: term for term in terms["contents"]}
    parenting = by_id[taxonomy_term_id("topic", "parenting")]
    assert parenting["name"] == "Parenting"
    assert str(uuid.uuid5(OPEN_DATA_NAMESPACE, "taxonomy_term:topic:parenting")) == parenting["id"]
    assert_valid(get_json(client, f"/openreferral/taxonomy_terms/{parenting['id']}"), "taxonomy_term.json")
    assert_valid(get_json(client, f"/openreferral/taxonomies/{parenting['taxonomy_id']}"), "taxonomy.json")
    topics = get_json(client, "/openreferral/taxonomy_terms", taxonomy_id=parenting["taxonomy_id"])
    assert {term["name"] for term in topics["contents"]} == {"Parenting", "Pregnancy", "Money"}


def test_services_filter_by_term_organization_date_and_search(client, directory):
    """The HSDS filters narrow the list the way their names say."""

    def names(**params):
        return [service["name"] for service in get_json(client, "/openreferral/services", **params)["contents"]]

    assert names(taxonomy_term_id=taxonomy_term_id("topic", "pregnancy")) == ["Netmums"]
    assert names(taxonomy_term_id=taxonomy_term_id("audience", "parents")) == ["Netmums"]
    assert names(taxonomy_term_id=str(uuid.uuid4())) == []
    assert names(organization_id=organization_id("Netmums Ltd")) == ["Money Forum", "Netmums"]
    assert names(modified_after="2999-01-01") == []
    assert names(modified_after="2000-01-01T00:00:00Z") == ["Money Forum", "Netmums"]
    assert names(search="tips") == ["Money Forum"]


def test_services_are_in_the_directorys_name_order_and_current(client, directory_index):
    """Consumers get A to Z whatever the case, filtered or not, and a community as soon as it is published."""
    for title in ("banana club", "Apple forum", "cherry chat"):
        ForumPageFactory(parent=directory_index, title=title, topics=["Food"])
    food = taxonomy_term_id("topic", "food")

    def names(**params):
        return [service["name"] for service in get_json(client, "/openreferral/services", **params)["contents"]]

    assert names() == names(taxonomy_term_id=food) == ["Apple forum", "banana club", "cherry chat"]
    unpublished = ForumPageFactory(parent=directory_index, title="Date night", topics=["Food"], live=False)
    assert "Date night" not in names()
    unpublished.save_revision().publish()
    assert names() == names(taxonomy_term_id=food) == ["Apple forum", "banana club", "cherry chat", "Date night"]


def test_pages_of_services(client, directory_index):
    """per_page and page walk through the list without overlap, and a page past the end is empty."""
    many_forums(directory_index, 5)
    first = get_json(client, "/openreferral/services", per_page=2)
    third = get_json(client, "/openreferral/services", per_page=2, page=3)
    assert (first["total_items"], first["total_pages"], first["size"]) == (5, 3, 2)
    assert first["first_page"] and not first["last_page"]
    assert third["size"] == 1 and third["last_page"]
    beyond = get_json(client, "/openreferral/services", per_page=2, page=9)
    assert beyond["contents"] == [] and beyond["size"] == 0


PAGING_JUNK = [
    {"page": "0"},
    {"page": "-1"},
    {"page": "abc"},
    {"page": "1.5"},
    {"per_page": str(10**9)},
    {"per_page": "0"},
    {"per_page": "9" * 5000},
]
SERVICE_FILTER_JUNK = [
    {"taxonomy_term_id": "junk"},
    {"taxonomy_id": "12345"},
    {"organization_id": "'; DROP TABLE"},
    {"modified_after": "yesterday"},
    {"modified_after": "2024-13-45"},
]
BAD_REQUESTS = (
    [(endpoint, params) for endpoint in ("services", "organizations", "taxonomies") for params in PAGING_JUNK]
    + [("services", params) for params in SERVICE_FILTER_JUNK]
    + [("taxonomy_terms", {"taxonomy_id": "junk"}), ("taxonomy_terms", {"per_page": "-5"})]
)


@pytest.mark.parametrize(("endpoint", "params"), BAD_REQUESTS)
def test_bad_parameters_get_a_json_400(client, directory, endpoint, params):
    """A client sending a parameter we cannot understand is told which one, in JSON, never with a 500."""
    body = get_json(client, f"/openreferral/{endpoint}", status=400, **params)
    assert body["errors"] == [{"parameter": next(iter(params)), "message": body["errors"][0]["message"]}]
    assert body["message"]


def test_junk_in_path_or_search_is_harmless(client, directory):
    """Odd ids give a 404 and odd search text simply finds nothing."""
    get_json(client, "/openreferral/services/not-a-uuid", status=404)
    get_json(client, "/openreferral/taxonomy_terms/%00", status=404)
    body = get_json(client, "/openreferral/services", search='"* OR 1=1 --')
    assert body["total_items"] == 0


def test_open_to_other_websites(client, directory):
    """A web app on another origin may call the API (CORS), and the licence is stated."""
    response = client.get("/openreferral/services", HTTP_ORIGIN="https://example.com")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "open-government-licence" in response["Link"]


# Queries: the default locale, the page-privacy check, then (services) the content version and the
# page, or (organisations) one grouping query, or (taxonomy terms) the four vocabularies.
LIST_QUERIES = {
    "/openreferral/services": 3,
    "/openreferral/organizations": 3,
    "/openreferral/taxonomy_terms": 6,
}


def test_list_endpoints_query_count_does_not_grow(client, directory_index, django_assert_num_queries):
    """Lists cost the same number of queries for 20 or 100 communities (no query per row)."""
    for count in (20, 80):
        many_forums(directory_index, count)
        client.get("/openreferral/services")  # the first request after a change builds the facet index
        for url, queries in LIST_QUERIES.items():
            with django_assert_num_queries(queries):
                assert client.get(url, {"per_page": 100}).status_code == 200


def test_service_detail_query_count(client, directory, django_assert_num_queries):
    """A full service is read in a fixed number of queries: the entry and its three vocabularies."""
    with django_assert_num_queries(6):
        client.get(f"/openreferral/services/{directory.netmums.translation_key}")


def test_services_filter_by_taxonomy_and_text(client, directory):
    """``taxonomy_id`` keeps the services with any term of that taxonomy; ORUK's ``text`` searches as ``search``.

    If this fails, a client asking for services with an audience gets every service.
    """

    def names(**params):
        return [service["name"] for service in get_json(client, "/openreferral/services", **params)["contents"]]

    assert names(taxonomy_id=taxonomy_id("audience")) == ["Netmums"]
    assert names(taxonomy_id=taxonomy_id("region")) == ["Netmums"]
    assert names(taxonomy_id=taxonomy_id("topic")) == ["Money Forum", "Netmums"]
    assert names(taxonomy_id=taxonomy_id("engagement_preference")) == ["Money Forum", "Netmums"]
    assert names(taxonomy_id=str(uuid.uuid4())) == []
    assert names(text="tips") == names(search="tips") == ["Money Forum"]


def test_full_services_and_organizations(client, directory):
    """``full=true`` and ``full_service=true`` give fully nested, valid records."""
    body = get_json(client, "/openreferral/services", full="true")
    assert [service["name"] for service in body["contents"]] == ["Money Forum", "Netmums"]
    for service in body["contents"]:
        assert_valid(service, "compiled/service.json")
        assert "attributes" in service
    organization = get_json(client, f"/openreferral/organizations/{organization_id('Netmums Ltd')}", full_service="1")
    assert_valid(organization, "compiled/organization.json")
    assert {service["name"] for service in organization["services"]} == {"Money Forum", "Netmums"}
    assert all("attributes" in service for service in organization["services"])
    listed = get_json(client, "/openreferral/organizations", full_service="true")
    assert_page_of(listed, "compiled/organization.json")


def test_taxonomy_terms_have_no_parents(client, directory):
    """The directory's terms are flat: ``top_only`` keeps them all and ``parent_id`` finds none."""
    every = get_json(client, "/openreferral/taxonomy_terms", per_page=100)
    assert get_json(client, "/openreferral/taxonomy_terms", per_page=100, top_only="true") == every
    parent = every["contents"][0]["id"]
    children = get_json(client, "/openreferral/taxonomy_terms", parent_id=parent)
    assert children["contents"] == [] and children["empty"]


def test_service_at_locations_list_and_detail(client, directory):
    """Each listed community has one virtual service_at_location, its website, listed and found by id."""
    body = get_json(client, "/openreferral/service_at_locations")
    assert_page_of(body, "compiled/service_at_location_list.json")
    assert [item["service"]["name"] for item in body["contents"]] == ["Money Forum", "Netmums"]
    assert all(item["location"]["location_type"] == "virtual" for item in body["contents"])
    filtered = get_json(client, "/openreferral/service_at_locations", taxonomy_id=taxonomy_id("audience"))
    assert [item["service"]["name"] for item in filtered["contents"]] == ["Netmums"]
    detail = get_json(client, f"/openreferral/service_at_locations/{service_at_location_id(directory.netmums)}")
    assert_valid(detail, "compiled/service_at_location_list.json")
    assert_valid(detail["service"], "compiled/service.json")
    assert detail["location"]["url"] == "https://www.netmums.com/"
    get_json(client, f"/openreferral/service_at_locations/{service_at_location_id(directory.draft)}", status=404)
    get_json(client, f"/openreferral/service_at_locations/{uuid.uuid4()}", status=404)


@pytest.mark.parametrize(
    ("endpoint", "params"),
    [
        ("services", {"full": ""}),
        ("services", {"modified_after": ""}),
        ("services", {"page": ""}),
        ("services", {"taxonomy_id": " "}),
        ("services", {"minimal": "null"}),
        ("services", {"format": "ndjson"}),
        ("organizations", {"full_service": "yes please"}),
        ("taxonomy_terms", {"top_only": ""}),
        ("taxonomy_terms", {"parent_id": "junk"}),
        ("service_at_locations", {"per_page": "0"}),
        ("service_at_locations", {"page": "0"}),
    ],
)
def test_bad_booleans_and_formats_get_a_json_400(client, directory, endpoint, params):
    """An empty or unknown boolean, an empty number, id or date, or another format is a JSON 400 naming it."""
    body = get_json(client, f"/openreferral/{endpoint}", status=400, **params)
    assert body["errors"][0]["parameter"] == next(iter(params))


def test_unknown_addresses_and_methods_get_json_errors(client, directory):
    """An API client gets JSON for a wrong address (404) or a method it cannot use (405), never an HTML page."""
    for url in ("/openreferral/nothing-here", "/openreferral/services/x/y", "/openreferral/locations"):
        get_json(client, url, status=404)
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(f"/openreferral/services/{directory.netmums.translation_key}")
        assert response.status_code == 405, (method, response.status_code)
        assert response["Content-Type"].startswith("application/json")
        assert response["Allow"] == "GET, HEAD"
        assert response.json()["message"]
    assert client.post("/openreferral/unknown").status_code == 405


def test_a_community_that_names_no_operator_is_its_own_organization(client, directory):
    """HSDS consumers find an organization for every service: one that names no operator is its own.

    If this fails, services come without an organization and clients that require one drop them.
    """
    money = directory.money
    money.operator_name = " "
    money.save_revision().publish()
    service = get_json(client, f"/openreferral/services/{money.translation_key}")
    own_id = service["organization_id"]
    assert service["organization"]["name"] == "Money Forum"
    organizations = get_json(client, "/openreferral/organizations")
    assert {item["name"]: item["id"] for item in organizations["contents"]} == {
        "Money Forum": own_id,
        "Netmums Ltd": organization_id("Netmums Ltd"),
    }
    detail = get_json(client, f"/openreferral/organizations/{own_id}")
    assert_valid(detail, "compiled/organization.json")
    assert [item["name"] for item in detail["services"]] == ["Money Forum"]
    names = [item["name"] for item in get_json(client, "/openreferral/services", organization_id=own_id)["contents"]]
    assert names == ["Money Forum"]
    for item in get_json(client, "/openreferral/services")["contents"]:
        assert item["organization_id"]


def test_every_taxonomy_can_filter_services(client, directory):
    """``/services?taxonomy_id=`` works for every taxonomy the API lists, new ones included.

    If this fails, a taxonomy was added without saying which services it describes
    (``taxonomies.forums_in_taxonomy``), and filtering by it is a server error.
    """
    for taxonomy in TAXONOMIES:
        get_json(client, "/openreferral/services", taxonomy_id=taxonomy.id)
