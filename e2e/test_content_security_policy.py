"""The Content-Security-Policy in a real browser: public pages and the admin load without a single
blocked script, style or image, so the strict policy costs visitors nothing (core/security.py)."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import EDITOR_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Records every violation the page reports; Playwright runs this before the page's own scripts,
# outside the page's policy.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`);
});
"""


def watch_for_violations(page):
    """Collect what the policy blocks: Chromium says "Refused to …" in the console, and the page
    fires securitypolicyviolation events."""
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.add_init_script(RECORD_VIOLATIONS)
    return blocked


def violations_on(page, blocked):
    return blocked + page.evaluate("window.__cspViolations || []")


def test_public_pages_load_with_nothing_blocked(page, directory_content):
    """If a public page needed something the policy blocks, visitors would silently lose its
    styling or behaviour (the menu, the filters) and nobody would notice in the server logs."""
    blocked = watch_for_violations(page)
    pages = {
        "/": None,
        "/directory/": None,
        "/directory/parents-together/": "Parents Together",
        "/nominate/": None,
    }

    for path, heading in pages.items():
        response = page.goto(path)
        assert response.status == 200, path
        assert "'unsafe-inline'" not in response.headers["content-security-policy"], path
        if heading:
            expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        # GOV.UK Frontend's scripts ran: they mark the body once they start.
        expect(page.locator("body.js-enabled")).to_have_count(1)
        assert violations_on(page, blocked) == [], f"{path}: {violations_on(page, blocked)}"

    # The community page carries JSON-LD; it is data, not script, so the policy leaves it alone.
    page.goto("/directory/parents-together/")
    assert page.locator('script[type="application/ld+json"]').count() == 1
    assert violations_on(page, blocked) == []


def test_the_admin_works_under_its_policy(page, directory_content, editor):
    """Editors could not sign in or edit a page if the admin's policy blocked Wagtail's own
    inline scripts and styles."""
    blocked = watch_for_violations(page)

    page.goto("/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    forum = directory_content["forums"]["parents"]
    page.goto(f"/admin/pages/{forum.pk}/edit/")
    expect(page.get_by_role("textbox", name="Title")).to_have_value("Parents Together")

    assert violations_on(page, blocked) == []
