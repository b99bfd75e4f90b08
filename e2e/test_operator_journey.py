"""After approval, the operator keeps their entry up to date through the private link in their
email; anyone can suggest an edit to an entry or report a problem with it. Nothing anyone sends
changes the public entry until an editor approves it."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NEW_SUMMARY = "Plot holders across Sheffield share growing tips, seed swaps and waiting-list news."


def test_operator_updates_their_entry_through_the_private_link(page, approved_nomination, quick_forms, axe):
    """The operator can correct their entry and confirm it is still accurate without an account;
    their correction waits for an editor while the published entry stays as it was."""
    from directory.models import ForumPage

    forum = approved_nomination["forum"]
    page.goto(f"/listing/{approved_nomination['token']}/")
    expect(page.get_by_role("heading", level=1, name="Allotment Growers Forum")).to_be_visible()
    expect(page.get_by_text(approved_nomination["nomination"].reference)).to_be_visible()
    expect(page.get_by_role("link", name="Published – see the entry")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Update the details").click()
    expect(page.get_by_role("heading", level=1, name="Update your entry")).to_be_visible()
    summary = page.get_by_label("Summary")
    expect(summary).to_have_value("Plot holders share tips on growing food and running allotment sites.")
    summary.fill("")
    page.get_by_role("button", name="Send to the editors").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: Update your entry"))
    expect(page.get_by_label("Web address")).to_have_value("https://allotment-growers.example.org/")
    axe(page)

    page.get_by_label("Summary").fill(NEW_SUMMARY)
    page.get_by_role("button", name="Send to the editors").click()
    expect(page.get_by_text("An editor will check your changes before they are published.")).to_be_visible()
    expect(page.get_by_text("Changes are waiting for an editor.")).to_be_visible()

    forum = ForumPage.objects.get(pk=forum.pk)
    assert forum.has_unpublished_changes
    assert forum.get_latest_revision_as_object().summary == NEW_SUMMARY
    page.goto(forum.url)
    expect(page.get_by_text(NEW_SUMMARY)).to_have_count(0)

    page.goto(f"/listing/{approved_nomination['token']}/")
    page.get_by_role("button", name="Confirm the entry is still accurate").click()
    expect(page.get_by_text("The entry now shows it was checked today.")).to_be_visible()
    axe(page)


def test_someone_suggests_an_edit_to_an_entry(page, directory_content, quick_forms):
    """A reader who spots an out-of-date detail can propose a correction from the entry itself; it
    is kept for the editors and the entry does not change by itself."""
    from directory.models import EditSuggestion

    page.goto("/directory/parents-together/")
    page.get_by_role("link", name="Suggest an edit").click()
    expect(page.get_by_role("heading", level=1, name="Suggest a change")).to_be_visible()
    page.get_by_role("button", name="Send suggestion").click()
    expect(
        page.locator(".govuk-error-summary").get_by_role("link", name="Say why the entry should change")
    ).to_be_visible()

    page.get_by_label("Registered members").fill("15,000")
    page.get_by_label("Why should it change?").fill("Their About page says 15,000 members now.")
    page.get_by_role("button", name="Send suggestion").click()
    expect(page.get_by_role("heading", level=1, name="Thank you for your suggestion")).to_be_visible()

    suggestion = EditSuggestion.objects.get()
    assert suggestion.forum.title == "Parents Together"
    page.get_by_role("link", name="Back to Parents Together").click()
    expect(page.get_by_text("15,000")).to_have_count(0)


def test_someone_reports_a_problem_with_an_entry(page, directory_content, quick_forms):
    """A reader can tell the editors a link is broken; leaving out what the problem is gets a clear
    message rather than a lost report."""
    from directory.models import ProblemReport

    page.goto("/directory/sheffield-forum/")
    page.get_by_role("link", name="Report a problem").click()
    expect(page.get_by_role("heading", level=1, name="Report a problem")).to_be_visible()
    page.get_by_label("Tell us more").fill("The address gives a server error.")
    page.get_by_role("button", name="Send report").click()
    expect(page.locator(".govuk-error-summary").get_by_role("link", name="Select what the problem is")).to_be_visible()
    expect(page.get_by_label("Tell us more")).to_have_value("The address gives a server error.")

    page.get_by_role("radio", name="The link does not work").check()
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", level=1, name="Thank you for telling us")).to_be_visible()

    report = ProblemReport.objects.get()
    assert report.forum.title == "Sheffield Forum"
    assert report.kind == ProblemReport.Kind.BROKEN_LINK
