"""``manage.py import_forums``: drafts into moderation or published, bad rows reported with their
numbers while good rows are kept, and the same file imported twice changes nothing."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from taggit.models import Tag
from wagtail.models import WorkflowState

from directory.importer import import_forums, read_forum_rows
from directory.models import ForumPage, ForumStatus
from directory.opendata.exports import EXPORT_COLUMNS
from directory.tests.factories import ForumPageFactory
from directory.translation import ensure_welsh_tree

GOOD = {
    "name": "Carers Chat",
    "website": "https://carers.example.org/",
    "summary": "Carers help each other.",
    "topics": "Caring; Money",
    "audiences": "carers",
    "regions": "wales; uk",
    "community_type": "forum",
    "members": "1,200",
    "is_moderated": "yes",
    "engagement_preference": "welcomes",
    "welcomes_hosted_qa": "true",
    "last_verified": "2024-03-31",
}


def write_csv(path, rows, columns=None):
    columns = columns or list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", encoding="utf-8", newline="") as csv_file:
        writer = csv.DictWriter(csv_file, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def run_import(path, *args):
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("import_forums", str(path), *args, verbosity=0, stdout=stdout, stderr=stderr)
    except CommandError as error:
        return stdout.getvalue(), stderr.getvalue(), error
    return stdout.getvalue(), stderr.getvalue(), None


@pytest.fixture
def csv_path(tmp_path):
    return tmp_path / "forums.csv"


def test_new_entries_go_to_moderation_as_drafts(directory_index, csv_path):
    """Imported entries wait for an editor: not live, in the moderation workflow."""
    out, _err, error = run_import(write_csv(csv_path, [GOOD]))
    assert error is None
    assert "1 created" in out
    forum = ForumPage.objects.get(website_key="carers.example.org")
    assert not forum.live
    assert WorkflowState.objects.filter(object_id=str(forum.pk), status=WorkflowState.STATUS_IN_PROGRESS).exists()
    assert sorted(tag.name for tag in forum.topics.all()) == ["Caring", "Money"]
    assert sorted(region.slug for region in forum.regions.all()) == ["uk", "wales"]
    assert forum.members == 1200 and forum.is_moderated and forum.welcomes_hosted_qa
    assert forum.community_type.slug == "forum"
    assert str(forum.last_verified) == "2024-03-31"


def test_publish_makes_entries_live(directory_index, csv_path):
    """With --publish an editor's trusted file goes live at once."""
    run_import(write_csv(csv_path, [GOOD]), "--publish")
    forum = ForumPage.objects.get(website_key="carers.example.org")
    assert forum.live and forum.first_published_at is not None
    assert forum in ForumPage.objects.listed()


def test_bad_rows_are_reported_with_numbers_and_good_rows_kept(directory_index, csv_path):
    """Each bad row is named with its spreadsheet row number and every reason; the others are imported."""
    rows = [
        GOOD,
        {**GOOD, "name": "No Address", "website": "not a web address"},
        {**GOOD, "name": "Bad Figures", "website": "https://bad.example/", "members": "lots", "last_verified": "31/3"},
        {**GOOD, "name": "Unknown Audience", "website": "https://aud.example/", "audiences": "martians"},
        {**GOOD, "name": "", "website": "https://noname.example/"},
        {**GOOD, "name": "Same Again", "website": "http://www.CARERS.example.org"},
        {**GOOD, "name": "Future", "website": "https://future.example/", "last_verified": "2999-01-01"},
        {**GOOD, "name": "Second Good", "website": "https://second.example/"},
    ]
    out, err, error = run_import(write_csv(csv_path, rows))
    assert "2 created" in out and "6 failed" in out
    assert error is not None and "6 rows could not be imported" in str(error)
    assert "Row 3: website:" in err
    assert "Row 4: members: “lots” is not a whole number; last_verified: “31/3” is not a date" in err
    assert "Row 5: audiences: unknown “martians”" in err
    assert "Row 6: name:" in err
    assert "Row 7: website: the same web address as row 2" in err
    assert "Row 8: last_verified: The last verified date cannot be in the future." in err
    assert set(ForumPage.objects.values_list("title", flat=True)) == {"Carers Chat", "Second Good"}


def test_importing_twice_changes_nothing(directory_index, csv_path):
    """Running the same import again creates no duplicates and no new revisions."""
    path = write_csv(csv_path, [GOOD])
    run_import(path)
    forum = ForumPage.objects.get(website_key="carers.example.org")
    revisions = forum.revisions.count()
    out, _err, error = run_import(path)
    assert error is None and "1 unchanged" in out
    assert ForumPage.objects.count() == 1
    assert forum.revisions.count() == revisions


def test_existing_entry_is_updated_through_moderation(directory_index, csv_path):
    """A row for a live entry (address written differently) proposes a change; the live page stays as it was."""
    live = ForumPageFactory(parent=directory_index, title="Carers Chat", website="http://www.carers.example.org")
    out, _err, _error = run_import(write_csv(csv_path, [{**GOOD, "summary": "A new summary."}]))
    assert "1 updated" in out
    live.refresh_from_db()
    assert live.summary != "A new summary." and live.has_unpublished_changes
    assert live.get_latest_revision_as_object().summary == "A new summary."
    assert ForumPage.objects.count() == 1
    run_import(csv_path, "--publish")
    live.refresh_from_db()
    assert live.summary == "A new summary."


def test_missing_columns_leave_fields_alone(directory_index, csv_path):
    """A file with only some columns changes only those fields of an existing entry."""
    live = ForumPageFactory(parent=directory_index, website="https://carers.example.org/", members=50, topics=["Care"])
    row = {"name": live.title, "website": live.website, "summary": "Shorter."}
    run_import(write_csv(csv_path, [row]), "--publish")
    live.refresh_from_db()
    assert live.summary == "Shorter." and live.members == 50
    assert [tag.name for tag in live.topics.all()] == ["Care"]


def test_file_problems_stop_the_import_clearly(directory_index, tmp_path):
    """A file without the required columns, or not a CSV at all, is refused with a clear message."""
    _out, _err, error = run_import(write_csv(tmp_path / "x.csv", [{"title": "A", "url": "https://a.example/"}]))
    assert "no column for: name, website, summary" in str(error)
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    _out, _err, error = run_import(tmp_path / "bad.json")
    assert "Cannot read" in str(error)
    _out, _err, error = run_import(tmp_path / "missing.csv")
    assert "Cannot read" in str(error)


def test_json_export_can_be_imported(directory_index, tmp_path):
    """The JSON export is accepted too, with typed values."""
    entry = {
        **dict.fromkeys(EXPORT_COLUMNS),
        **GOOD,
        "topics": ["Caring"],
        "audiences": [],
        "regions": ["uk"],
        "members": 5,
        "is_moderated": True,
        "status": "inactive",
        "status_reason": "Quiet for now.",
    }
    path = tmp_path / "export.json"
    path.write_text(json.dumps({"licence": {}, "forums": [entry]}), encoding="utf-8")
    report = import_forums(read_forum_rows(path), publish=True)
    assert report.created == [1], report.errors
    forum = ForumPage.objects.get(website_key="carers.example.org")
    assert forum.status == ForumStatus.INACTIVE and forum.members == 5


def test_spreadsheet_formula_guard_is_removed(directory_index, csv_path):
    """A cell the export protected with a leading ' is imported as it was before export."""
    run_import(write_csv(csv_path, [{**GOOD, "summary": "'=SUM(1)"}]), "--publish")
    assert ForumPage.objects.get(website_key="carers.example.org").summary == "=SUM(1)"


def test_private_columns_are_not_imported(directory_index, csv_path):
    """Columns that are not part of the format (such as a contact email) are ignored with a warning."""
    _out, err, _error = run_import(write_csv(csv_path, [{**GOOD, "contact_email": "x@private.example"}]))
    assert "contact_email" in err and "ignored" in err
    assert ForumPage.objects.get(website_key="carers.example.org").contact_email == ""


def test_published_entries_have_dates_in_every_language(directory_index, csv_path):
    """A community imported with --publish has its publication date on the Welsh site too.

    If this fails, Welsh feeds sort new communities last and the Welsh exports leave the date empty.
    """
    ensure_welsh_tree()
    run_import(write_csv(csv_path, [GOOD]), "--publish")
    forum = ForumPage.objects.get(website_key="carers.example.org", locale__language_code="en")
    welsh = ForumPage.objects.get(alias_of=forum)
    assert welsh.live
    assert welsh.first_published_at == forum.first_published_at
    assert welsh.last_published_at == forum.last_published_at


def test_topics_are_matched_whatever_their_case(directory_index, csv_path):
    """ "Parenting" in a file joins the existing "parenting" topic, in English and Welsh alike.

    If this fails, the directory shows two topics that look the same, one with an address ending "_1".
    """
    ForumPageFactory(parent=directory_index, topics=["parenting", "Iechyd meddwl"])
    rows = [
        {**GOOD, "topics": "Parenting; IECHYD MEDDWL"},
        {**GOOD, "website": "https://two.example.org/", "topics": "PARENTING"},
    ]
    run_import(write_csv(csv_path, rows), "--publish")
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Iechyd meddwl", "parenting"]
    forum = ForumPage.objects.get(website_key="carers.example.org")
    assert sorted(tag.slug for tag in forum.topics.all()) == ["iechyd-meddwl", "parenting"]
