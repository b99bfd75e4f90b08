"""Tests for the editors' upkeep reports (``directory/admin/reports.py``): pages, CSV and XLSX exports."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directory.models import EditSuggestion, ForumStatus, LinkCheck, LinkStatus, Nomination, ProblemReport
from directory.models.forums import add_months
from directory.private_links import hash_token, new_reference, new_token
from directory.tests.factories import DepartmentPageFactory, ForumPageFactory

REPORT_URLS = {
    "due": "directory_report_due_for_review",
    "broken": "directory_report_broken_links",
    "problems": "directory_report_problem_reports",
    "pending": "directory_report_pending_suggestions_and_claims",
    "plans": "directory_report_overdue_plans",
}


@pytest.fixture
def upkeep(directory_index, departments_index):
    """One thing that belongs in each report, and one that does not."""
    today = timezone.localdate()
    due_soon = ForumPageFactory(
        parent=directory_index,
        title="Due Soon Forum",
        last_verified=add_months(today, -12) + datetime.timedelta(days=10),
    )
    ForumPageFactory(parent=directory_index, title="Fresh Forum", last_verified=today)
    overdue = ForumPageFactory(parent=directory_index, title="Overdue Forum", last_verified=add_months(today, -14))
    broken = ForumPageFactory(
        parent=directory_index, title="Broken Forum", link_status=LinkStatus.BROKEN, link_failures=4
    )
    LinkCheck.objects.create(forum=broken, url=broken.website, outcome=LinkCheck.Outcome.CLIENT_ERROR, status_code=404)
    ForumPageFactory(parent=directory_index, title="Working Forum", link_status=LinkStatus.OK)
    ProblemReport.objects.create(
        forum=overdue,
        kind=ProblemReport.Kind.CLOSED,
        details="It shut down.",
        reporter_email="reporter@private.example",
    )
    ProblemReport.objects.create(
        forum=overdue, kind=ProblemReport.Kind.OTHER, details="Already fixed", status=ProblemReport.Status.RESOLVED
    )
    EditSuggestion.objects.create(
        forum=due_soon, proposed={"summary": "New"}, reason="The summary is old", suggester_email="s@private.example"
    )
    EditSuggestion.objects.create(
        forum=due_soon, proposed={}, reason="Declined one", status=EditSuggestion.Status.DECLINED
    )
    Nomination.objects.create(
        reference=new_reference(),
        kind=Nomination.Kind.CLAIM,
        forum=broken,
        contact_name="Claire Claimant",
        contact_email="claire@private.example",
        token_hash=hash_token(new_token()),
    )
    DepartmentPageFactory(
        parent=departments_index, title="Late Department", plan_next_review=today - datetime.timedelta(days=5)
    )
    DepartmentPageFactory(
        parent=departments_index, title="Punctual Department", plan_next_review=today + datetime.timedelta(days=5)
    )
    return {"due_soon": due_soon, "overdue": overdue, "broken": broken}


EXPECTED = {
    "due": (["Overdue Forum", "Due Soon Forum"], ["Fresh Forum", "Working Forum"]),
    "broken": (["Broken Forum"], ["Working Forum"]),
    "problems": (["Overdue Forum"], ["Already fixed"]),
    "pending": (["The summary is old", "Broken Forum"], ["Declined one"]),
    "plans": (["Late Department"], ["Punctual Department"]),
}
PRIVATE = ["reporter@private.example", "s@private.example", "claire@private.example", "Claire Claimant", "@private"]


def csv_rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def xlsx_rows(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


@pytest.mark.parametrize("report", list(REPORT_URLS))
def test_report_lists_what_needs_an_editor(report, upkeep, admin_client):
    """An editor would miss work waiting for them, or be sent after work already done."""
    response = admin_client.get(reverse(REPORT_URLS[report]))
    html = response.content.decode()

    assert response.status_code == 200
    included, excluded = EXPECTED[report]
    for text in included:
        assert text in html
    for text in excluded:
        assert text not in html
    for private in PRIVATE:
        assert private not in html


@pytest.mark.parametrize("report", list(REPORT_URLS))
def test_report_exports_as_csv(report, upkeep, admin_client):
    """The spreadsheet an editor downloads would differ from the report, or leak contact details."""
    response = admin_client.get(reverse(REPORT_URLS[report]), {"export": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    text = "\n".join(",".join(row) for row in rows)
    included, excluded = EXPECTED[report]
    assert len(rows) == 1 + len(included)
    for expected in included:
        assert expected in text
    for other in excluded + PRIVATE:
        assert other not in text


@pytest.mark.parametrize("report", list(REPORT_URLS))
def test_report_exports_as_xlsx(report, upkeep, admin_client):
    """Editors who work in Excel would get a broken file or different rows."""
    response = admin_client.get(reverse(REPORT_URLS[report]), {"export": "xlsx"})

    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    rows = xlsx_rows(response)
    text = "\n".join(",".join(str(cell) for cell in row if cell is not None) for row in rows)
    included, excluded = EXPECTED[report]
    assert len(rows) == 1 + len(included)
    for expected in included:
        assert expected in text
    for other in excluded + PRIVATE:
        assert other not in text


def test_due_for_review_export_has_dates_and_stage(upkeep, admin_client):
    """Editors would not see when each review was due or which entries are already overdue."""
    rows = csv_rows(admin_client.get(reverse(REPORT_URLS["due"]), {"export": "csv"}))
    header, *entries = rows
    by_title = {row[0]: dict(zip(header, row, strict=True)) for row in entries}

    overdue = upkeep["overdue"]
    assert header[:6] == ["Community", "Web address", "Last verified", "Review due", "Stage", "Status"]
    assert by_title["Overdue Forum"]["Review due"] == add_months(overdue.last_verified, 12).isoformat()
    assert by_title["Overdue Forum"]["Stage"] == "Review overdue"
    assert by_title["Due Soon Forum"]["Stage"] == "Review due soon"
    assert by_title["Due Soon Forum"]["Status"] == "Active"


def test_broken_links_export_says_what_failed(upkeep, admin_client):
    """Editors would have to check each broken link by hand to learn what is wrong."""
    header, row = csv_rows(admin_client.get(reverse(REPORT_URLS["broken"]), {"export": "csv"}))
    record = dict(zip(header, row, strict=True))

    assert record["Last check"] == "Not found or refused (4xx)"
    assert record["HTTP status"] == "404"
    assert record["Failures in a row"] == "4"


def test_delisted_entries_are_not_due_for_review(upkeep, admin_client):
    """Editors would be asked to review entries nobody can see any more."""
    overdue = upkeep["overdue"]
    overdue.status, overdue.status_reason = ForumStatus.DELISTED, "Spam"
    overdue.save_revision().publish()

    html = admin_client.get(reverse(REPORT_URLS["due"])).content.decode()
    assert "Overdue Forum" not in html


def test_directory_editors_see_the_reports(upkeep, editor, client):
    """Editors who are not superusers would be locked out of their own reports."""
    client.force_login(editor)

    assert client.get(reverse(REPORT_URLS["due"])).status_code == 200
    assert reverse(REPORT_URLS["due"]) in client.get(reverse("wagtailadmin_home")).content.decode()


def test_other_admin_users_cannot_see_the_reports(upkeep, django_user_model, client):
    """Anyone with an admin login would read the editors' queues."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(username="someone", password="pw")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)

    for name in REPORT_URLS.values():
        assert client.get(reverse(name)).status_code in (302, 403)
        assert client.get(reverse(name), {"export": "csv"}).status_code in (302, 403)


def report_queries(client):
    """Queries each report takes as a page and as each export, after one warm-up request."""
    counts = {}
    for name in REPORT_URLS.values():
        for query in ({}, {"export": "csv"}, {"export": "xlsx"}):
            client.get(reverse(name), query)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse(name), query)
                if query:
                    b"".join(response.streaming_content)
            counts[(name, query.get("export", "page"))] = len(queries)
    return counts


def add_upkeep_work(directory_index, departments_index, count):
    """``count`` rows for every report."""
    today = timezone.localdate()
    for _ in range(count):
        forum = ForumPageFactory(
            parent=directory_index, last_verified=add_months(today, -13), link_status=LinkStatus.BROKEN
        )
        ProblemReport.objects.create(forum=forum, kind=ProblemReport.Kind.OTHER)
        EditSuggestion.objects.create(forum=forum, proposed={}, reason="Out of date")
        DepartmentPageFactory(parent=departments_index, plan_next_review=today - datetime.timedelta(days=3))


def test_reports_do_not_query_per_row(directory_index, departments_index, admin_client):
    """A report or its export would slow down with every row (N+1), up to timing out on a large directory."""
    add_upkeep_work(directory_index, departments_index, 20)
    with_20 = report_queries(admin_client)
    add_upkeep_work(directory_index, departments_index, 80)
    with_100 = report_queries(admin_client)

    for report, queries in with_100.items():
        assert queries <= with_20[report], report
        assert queries <= 15, report


# Formula injection: text people typed must open in a spreadsheet as text, never run.

FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1"]


@pytest.fixture
def hostile_upkeep(directory_index, departments_index):
    """One row for every report whose every free-text cell starts like a spreadsheet formula."""
    today = timezone.localdate()
    forums = [
        ForumPageFactory(
            parent=directory_index,
            title=formula,
            last_verified=add_months(today, -14),
            link_status=LinkStatus.BROKEN,
            link_failures=3,
        )
        for formula in FORMULAS
    ]
    for forum, formula in zip(forums, FORMULAS, strict=True):
        LinkCheck.objects.create(
            forum=forum, url=forum.website, outcome=LinkCheck.Outcome.CLIENT_ERROR, status_code=404, error=formula
        )
        ProblemReport.objects.create(forum=forum, kind=ProblemReport.Kind.OTHER, details=formula)
        EditSuggestion.objects.create(forum=forum, proposed={"summary": "x"}, reason=formula)
        DepartmentPageFactory(
            parent=departments_index,
            title=formula,
            acronym=formula[:10],
            plan_next_review=today - datetime.timedelta(days=2),
        )
    return forums


def exported_cells(response, export_format):
    rows = csv_rows(response) if export_format == "csv" else xlsx_rows(response)
    return [cell for row in rows[1:] for cell in row if isinstance(cell, str)]


def assert_no_formula_cells(cells, where):
    from core.spreadsheets import FORMULA_PREFIXES

    assert cells, f"{where} exported nothing"
    running = [cell for cell in cells if cell.startswith(FORMULA_PREFIXES)]
    assert running == [], f"{where} exports cells a spreadsheet would run: {running}"
    assert any(cell.startswith("'") and cell[1:].startswith(FORMULA_PREFIXES) for cell in cells), where


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_every_admin_report_export_neutralises_formulas(hostile_upkeep, admin_client, export_format):
    """A nominated title like =HYPERLINK(…) or a report starting with + or @ opens in the editor's
    spreadsheet as text with a ' in front, in every report we define, as CSV and as XLSX.

    If this fails, opening an export runs a formula someone typed into a public form: it can send
    the sheet's contents to another site or start a program on the editor's computer.
    """
    from directory.admin import reports

    ours = {reports.url_name(report) for report, _label, _icon in reports.REPORTS}
    assert ours == set(REPORT_URLS.values()), "a new report needs rows in hostile_upkeep"
    for name in sorted(ours):
        response = admin_client.get(reverse(name), {"export": export_format})
        assert response.status_code == 200, name
        assert_no_formula_cells(exported_cells(response, export_format), name)


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
@pytest.mark.parametrize("report", ["workflow", "workflow_tasks", "site_history", "aging_pages"])
def test_wagtails_own_report_exports_neutralise_formulas(site_tree, admin_client, export_format, report):
    """A nomination titled like a formula, waiting in moderation, is text in Wagtail's own report exports too.

    If this fails, the workflow or site history export an editor downloads runs the nominator's formula.
    """
    from directory import nominations
    from directory.tests.nomination_helpers import SAMPLE_CONTACT, sample_details

    nominations.submit_nomination(sample_details(title='=HYPERLINK("http://evil.example","x")'), SAMPLE_CONTACT)
    forum = nominations.find_existing_entry("https://carers-corner.example.org")
    forum.save_revision().publish()  # aging pages lists live pages; the workflow keeps its review
    response = admin_client.get(reverse(f"wagtailadmin_reports:{report}"), {"export": export_format})
    assert response.status_code == 200
    assert_no_formula_cells(exported_cells(response, export_format), report)
