"""The bulk exports: stable columns, only published entries and public fields, the same filters as
/directory/, the licence, streaming with a query count that does not grow, and a CSV that imports
back into an empty directory as the same public data."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.http import StreamingHttpResponse
from frictionless import Resource, Schema, validate

from directory.models import ForumPage
from directory.opendata.exports import EXPORT_COLUMNS, LIST_COLUMNS
from directory.tests.factories import AudienceFactory, ForumPageFactory, RegionFactory
from directory.tests.opendata.helpers import assert_nothing_hidden, build_directory, many_forums
from directory.translation import ensure_welsh_tree


@pytest.fixture
def directory(directory_index, departments_index):
    return build_directory(directory_index, departments_index)


def download(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode()
    assert_nothing_hidden(body)
    return response, body


def csv_rows(client, path="/directory/export.csv", **params):
    _response, body = download(client, path, **params)
    return list(csv.DictReader(io.StringIO(body)))


def test_csv_has_the_documented_columns_and_only_published_entries(client, directory):
    """A spreadsheet user gets one row per published community under the documented headings."""
    response, body = download(client, "/directory/export.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="peer-support-directory.csv"' in response["Content-Disposition"]
    assert next(csv.reader(io.StringIO(body))) == list(EXPORT_COLUMNS)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [row["name"] for row in rows] == ["Money Forum", "Netmums"]
    netmums = rows[1]
    assert netmums["id"] == str(directory.netmums.translation_key)
    assert netmums["topics"] == "Parenting; Pregnancy"
    assert netmums["audiences"] == "parents"
    assert netmums["community_type"] == "forum"
    assert netmums["members"] == "2000000"
    assert netmums["is_moderated"] == "true"
    assert netmums["welcomes_hosted_qa"] == "false"
    assert netmums["last_verified"] == directory.netmums.last_verified.isoformat()
    assert netmums["directory_url"] == "http://testserver" + directory.netmums.url
    before_you_join = {name: netmums[name] for name in EXPORT_COLUMNS[-7:]}
    assert before_you_join == {
        "cost": "free",
        "registration": "to_post",
        "how_to_join": "contact_first",
        "contact_route": "Use the form on the home page.",
        "minimum_age": "16",
        "activity": "over_1000",
        "activity_checked": "2026-11-20",
    }, "the 'Before you join' answers are the last columns, as docs/open-data.md lists them"


def test_json_states_the_licence_and_lists_communities(client, directory):
    """A developer gets the Open Government Licence statement and typed values."""
    response, body = download(client, "/directory/export.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = json.loads(body)
    assert document["licence"]["name"] == "Open Government Licence v3.0"
    assert document["licence"]["url"] in response["Link"]
    assert document["columns"] == list(EXPORT_COLUMNS)
    netmums = document["forums"][1]
    assert list(netmums) == list(EXPORT_COLUMNS)
    assert netmums["topics"] == ["Parenting", "Pregnancy"]
    assert netmums["members"] == 2_000_000 and netmums["is_moderated"] is True
    assert netmums["minimum_age"] == 16 and netmums["activity_checked"] == "2026-11-20"
    # An empty text field is null in JSON, an empty cell in the CSV.
    money = document["forums"][0]
    assert money["house_rules_url"] is None and money["figures_source"] is None
    assert csv_rows(client)[0]["house_rules_url"] == ""


def test_addresses_use_the_public_base_url(client, directory, settings):
    """With a public address configured, every row's directory_url and the JSON's source use it."""
    settings.PUBLIC_BASE_URL = "https://directory.example.gov.uk"
    _response, body = download(client, "/directory/export.json")
    document = json.loads(body)
    assert document["source"] == "https://directory.example.gov.uk/directory/export.json"
    assert {forum["directory_url"].split("/directory/")[0] for forum in document["forums"]} == {
        "https://directory.example.gov.uk"
    }


def test_exports_honour_the_directory_filters(client, directory):
    """The download link on a filtered listing gives exactly what the listing shows."""
    assert [row["name"] for row in csv_rows(client, topic="money")] == ["Money Forum"]
    assert [row["name"] for row in csv_rows(client, audience="parents", region="wales")] == ["Netmums"]
    assert [row["name"] for row in csv_rows(client, q="pregnancy")] == ["Netmums"]
    assert [row["name"] for row in csv_rows(client, department="dfe")] == ["Netmums"]
    _response, body = download(client, "/directory/export.json", topic="money")
    assert [forum["name"] for forum in json.loads(body)["forums"]] == ["Money Forum"]


def test_the_listing_offers_its_own_results_for_download(client, directory):
    """Someone who has filtered the directory could only download everything, not what they see."""
    listing = client.get(f"{directory.netmums.get_parent().url}?topic=money")
    html = listing.content.decode()
    assert 'href="/directory/export.csv?topic=money"' in html
    assert 'href="/directory/export.json?topic=money"' in html
    assert "Open Government Licence v3.0" in html
    assert [row["name"] for row in csv_rows(client, topic="money")] == ["Money Forum"]


def test_junk_filters_never_break_the_export(client, directory):
    """Odd query strings give a (possibly empty) file, never an error."""
    for params in ({"topic": "<script>"}, {"q": '"* OR'}, {"sort": "nonsense", "page": "-4"}, {"audience": "x" * 500}):
        assert [row["name"] for row in csv_rows(client, **params)] in (["Money Forum", "Netmums"], [])


def test_spreadsheet_formulas_are_neutralised(client, directory_index):
    """A summary starting with "=" cannot run as a formula when the CSV is opened in a spreadsheet."""
    ForumPageFactory(parent=directory_index, title="Formula", summary="=HYPERLINK(1)", website="https://f.example/")
    (row,) = csv_rows(client)
    assert row["summary"] == "'=HYPERLINK(1)"


def test_open_to_other_websites(client, directory):
    """Other sites can fetch the exports (CORS) and are told the licence."""
    for url in ("/directory/export.csv", "/directory/export.json"):
        response = client.get(url, HTTP_ORIGIN="https://example.com")
        assert response["Access-Control-Allow-Origin"] == "*"
        assert 'rel="license"' in response["Link"]


def test_export_query_count_does_not_grow(client, directory_index, django_assert_num_queries):
    """An export reads 20 or 100 communities in the same number of queries (no query per row)."""
    for count in (20, 80):
        many_forums(directory_index, count)
        b"".join(client.get("/directory/export.csv").streaming_content)  # caches the site's root paths again
        # Page-privacy check, locale, communities, their topics, audiences and regions, the directory's address.
        with django_assert_num_queries(5):
            response = client.get("/directory/export.csv")
            rows = b"".join(response.streaming_content).decode().splitlines()
        assert len(rows) > count


def test_every_row_keeps_its_own_terms_across_chunks(client, directory_index, monkeypatch):
    """Communities are read a few at a time: a row must never show another community's topics or places."""
    monkeypatch.setattr("directory.opendata.exports.EXPORT_CHUNK_SIZE", 3)
    for number in range(8):
        audience = AudienceFactory(slug=f"audience-{number}")
        ForumPageFactory(
            parent=directory_index,
            title=f"Community {number}",
            topics=[f"Topic {number}", "Shared"],
            audiences=[audience],
            regions=[RegionFactory(slug=f"region-{number}")],
        )
    rows = csv_rows(client)
    assert [row["name"] for row in rows] == [f"Community {number}" for number in range(8)]
    for number, row in enumerate(rows):
        assert row["topics"] == f"Shared; Topic {number}"
        assert (row["audiences"], row["regions"]) == (f"audience-{number}", f"region-{number}")


def test_addresses_are_the_pages_own(client, directory_index):
    """Each row links to the community's page exactly as the site does, odd characters and Welsh included."""
    ForumPageFactory(parent=directory_index, title="Caffi", slug="caffi-ŵyn-a-mêl", website="https://c.example/")
    ForumPageFactory(parent=directory_index, title="Plain", slug="plain", website="https://p.example/")
    ensure_welsh_tree()
    for prefix, language in (("", "en"), ("/cy", "cy")):
        rows = csv_rows(client, path=f"{prefix}/directory/export.csv")
        pages = {page.slug: page for page in ForumPage.objects.filter(locale__language_code=language)}
        assert len(rows) == 2
        for row in rows:
            assert row["directory_url"] == "http://testserver" + pages[row["slug"]].url
            assert client.get(row["directory_url"]).status_code == 200


def test_export_then_import_into_an_empty_directory_gives_the_same_data(client, directory, tmp_path):
    """Someone rebuilding the directory from our CSV gets the same public data, ids included."""
    _response, before = download(client, "/directory/export.csv")
    export_file = tmp_path / "directory.csv"
    export_file.write_text(before, encoding="utf-8")
    ForumPage.objects.all().delete()
    assert not ForumPage.objects.exists()

    call_command("import_forums", str(export_file), "--publish", verbosity=0, stdout=io.StringIO())

    _response, after = download(client, "/directory/export.csv")
    timestamps = {"first_published_at", "last_published_at"}

    def public_data(text):
        return [
            {key: value for key, value in row.items() if key not in timestamps}
            for row in csv.DictReader(io.StringIO(text))
        ]

    assert public_data(after) == public_data(before)


# The export's columns as a Table Schema (frictionless types); lists are "; "-joined text in the CSV.
COLUMN_TYPES = {
    "id": "string",
    "members": "integer",
    "monthly_visitors": "integer",
    "posts": "integer",
    "volunteer_moderators": "integer",
    "figures_as_of": "date",
    "last_verified": "date",
    "is_moderated": "boolean",
    "welcomes_expert_answers": "boolean",
    "welcomes_hosted_qa": "boolean",
    "welcomes_moderator_referral": "boolean",
    "welcomes_official_posts": "boolean",
    "first_published_at": "datetime",
    "last_published_at": "datetime",
    "minimum_age": "integer",
    "activity_checked": "date",
}


def table_schema(list_type):
    fields = []
    for column in EXPORT_COLUMNS:
        field = {"name": column, "type": list_type if column in LIST_COLUMNS else COLUMN_TYPES.get(column, "string")}
        if column == "id":
            field["format"] = "uuid"
        fields.append(field)
    return Schema.from_descriptor({"fields": fields, "primaryKey": ["id"]})


def assert_frictionless_valid(resource):
    report = validate(resource)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.mark.parametrize("prefix", ["", "/cy"])
def test_both_languages_exports_pass_frictionless_validation(client, directory, tmp_path, prefix):
    """The CSV and JSON of each language validate with frictionless against the documented column types.

    If this fails, data tools (frictionless, CKAN, spreadsheets) reject or misread the download.
    """
    ensure_welsh_tree()
    _response, body = download(client, f"{prefix}/directory/export.csv")
    path = tmp_path / "export.csv"
    path.write_text(body, encoding="utf-8")
    assert_frictionless_valid(Resource(path=path.name, basepath=str(tmp_path), schema=table_schema("string")))
    _response, body = download(client, f"{prefix}/directory/export.json")
    forums = json.loads(body)["forums"]
    assert len(forums) == 2 and all(forum["first_published_at"] for forum in forums)
    rows = [list(EXPORT_COLUMNS)] + [[forum[column] for column in EXPORT_COLUMNS] for forum in forums]
    assert_frictionless_valid(Resource(data=rows, schema=table_schema("array")))
