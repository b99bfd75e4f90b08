"""An editor signs in to the Wagtail admin, finds a nominated community awaiting review on the
dashboard, approves it there, and the community appears in the public directory."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import EDITOR_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_editor_approves_a_nomination_from_the_dashboard(page, nomination, editor, axe, screenshot):
    """An editor can publish a nominated community from the dashboard, and citizens then find it:
    if this fails, nominations pile up where editors cannot act on them."""
    page.goto("/directory/")
    expect(page.get_by_role("link", name="Allotment Growers Forum")).to_have_count(0)

    page.goto("/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    awaiting = page.locator("#awaiting-review-section")
    expect(awaiting.get_by_role("heading", name="Awaiting your review")).to_be_visible()
    row = awaiting.get_by_role("row").filter(has_text="Allotment Growers Forum")
    screenshot(page, "admin-dashboard-awaiting-review")
    row.get_by_role("button", name="Actions").click()
    row.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator("#awaiting-review-section").get_by_text("Allotment Growers Forum")).to_have_count(0)

    forum = nomination["forum"]
    forum.refresh_from_db()
    assert forum.live

    page.goto("/directory/")
    entry = page.get_by_role("link", name="Allotment Growers Forum")
    expect(entry).to_be_visible()
    entry.click()
    expect(page.get_by_role("heading", level=1, name="Allotment Growers Forum")).to_be_visible()
    axe(page)
