"""An operator nominates their community with the keyboard only (Tab, typing, Space, arrow keys
and Enter; never a click), meets errors on bad input, fixes them, checks their answers and gets
the thank-you page with a reference. The same journey completes with JavaScript switched off.
"""

import re

import pytest
from playwright.sync_api import expect

from e2e.keyboard import choose_radio, press_enter, replace_text, tab_to, tick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def expect_errors(page, javascript, *messages):
    """The error summary lists each message as a link, each field shows its own message, and the
    page title starts with "Error:"; with JavaScript, focus moves to the summary."""
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link")).to_have_count(len(messages))
    for message in messages:
        expect(summary.get_by_role("link", name=message)).to_be_visible()
        expect(page.locator(".govuk-error-message").filter(has_text=message)).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error:"))
    if javascript:
        expect(summary).to_be_focused()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_operator_nominates_a_community_with_the_keyboard_only(
    open_page, directory_content, quick_forms, screenshot, javascript
):
    """Someone who cannot use a mouse, or whose browser runs no JavaScript, can put their community
    forward, recover from mistakes without retyping, and leave with a reference number."""
    from django.core import mail

    from directory.models import ForumPage, Nomination

    page = open_page(java_script_enabled=javascript)
    page.goto("/")
    tab_to(page, page.get_by_role("link", name="Nominate a community"))
    press_enter(page)

    # Step 1, with a web address that is not one and HTML in the summary.
    expect(page.get_by_role("heading", level=1, name="About the community")).to_be_visible()
    tab_to(page, page.get_by_label("Name of the community"))
    page.keyboard.type("Allotment Growers Forum")
    page.keyboard.press("Tab")
    page.keyboard.type("allotment growers")
    page.keyboard.press("Tab")
    page.keyboard.type("<b>Plot holders</b> share tips on growing food.")
    choose_radio(page, page.get_by_role("radio", name="Discussion forum"))
    tab_to(page, page.get_by_label("Topics"))
    page.keyboard.type("gardening, food growing")
    tick(page, page.get_by_role("checkbox", name="Residents"))
    tick(page, page.get_by_role("checkbox", name="Sheffield"))
    tab_to(page, page.get_by_role("button", name="Continue"))
    press_enter(page)

    website_error = "Enter a web address starting with http"
    summary_error = "Use plain text only"
    expect_errors(page, javascript, re.compile(website_error), re.compile(summary_error))
    website = page.get_by_label("Web address")
    expect(website).to_have_value("allotment growers")
    expect(page.get_by_label("Name of the community")).to_have_value("Allotment Growers Forum")
    expect(page.get_by_role("radio", name="Discussion forum")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Residents")).to_be_checked()

    if javascript:
        # The summary's links take the keyboard straight to the field.
        tab_to(page, page.locator(".govuk-error-summary").get_by_role("link", name=re.compile(website_error)))
        page.keyboard.press("Enter")
        expect(website).to_be_focused()
    else:
        tab_to(page, website)
    replace_text(page, "https://allotment-growers.example.org/")
    page.keyboard.press("Tab")
    replace_text(page, "Plot holders share tips on growing food and running allotment sites.")
    tab_to(page, page.get_by_role("button", name="Continue"))
    press_enter(page)

    # Step 2: moderation, a figure typed as people write it, openness to public servants.
    expect(page.get_by_role("heading", level=1, name="Moderation and public servants")).to_be_visible()
    choose_radio(page, page.get_by_role("radio", name="Yes"))
    tab_to(page, page.get_by_label("Registered members"))
    page.keyboard.type("3,500")
    choose_radio(page, page.get_by_role("radio", name="By arrangement with the moderators"))
    tick(page, page.get_by_role("checkbox", name="Hosted question-and-answer sessions"))
    tab_to(page, page.get_by_role("button", name="Continue"))
    press_enter(page)

    # Step 3, first without saying how they are connected and with an email address that is not one.
    expect(page.get_by_role("heading", level=1, name="Who runs it and how we contact you")).to_be_visible()
    tab_to(page, page.get_by_label("Who runs the community?"))
    page.keyboard.type("Sheffield Allotment Federation")
    choose_radio(page, page.get_by_role("radio", name="Volunteer group"))
    tab_to(page, page.get_by_label("Your name"))
    page.keyboard.type("Sam Grower")
    page.keyboard.press("Tab")
    page.keyboard.type("sam at allotments")
    tab_to(page, page.get_by_role("button", name="Continue to check your answers"))
    press_enter(page)

    email_error = "Enter an email address in the correct format"
    connection_error = "Select how you are connected to this community"
    expect_errors(page, javascript, connection_error, re.compile(email_error))
    expect(page.get_by_label("Your email address")).to_have_value("sam at allotments")
    choose_radio(page, page.get_by_role("radio", name="I run or moderate it"))
    tab_to(page, page.get_by_label("Your email address"))
    replace_text(page, "sam@allotments.example.org")
    tab_to(page, page.get_by_role("button", name="Continue to check your answers"))
    press_enter(page)

    # Running it, they must also make the operator's declaration.
    confirm_error = "Confirm that you run or moderate this community"
    expect_errors(page, javascript, confirm_error)
    expect(page.get_by_role("radio", name="I run or moderate it")).to_be_checked()
    tick(page, page.get_by_role("checkbox", name="I run or moderate this community"))
    tab_to(page, page.get_by_role("button", name="Continue to check your answers"))
    press_enter(page)

    # Check your answers, then send.
    check_heading = page.get_by_role("heading", level=1, name="Check your answers before sending your nomination")
    expect(check_heading).to_be_visible()
    expect(page.get_by_text("https://allotment-growers.example.org/")).to_be_visible()
    expect(page.get_by_text("3500", exact=True)).to_be_visible()
    tab_to(page, page.get_by_role("button", name="Accept and send"))
    press_enter(page)

    expect(page.get_by_role("heading", level=1, name="Nomination received")).to_be_visible()
    screenshot(page, "nominate-thanks-" + ("with-javascript" if javascript else "without-javascript"))
    nomination = Nomination.objects.get()
    expect(page.locator(".govuk-panel__body")).to_contain_text(nomination.reference)
    forum = ForumPage.objects.get(title="Allotment Growers Forum")
    assert nomination.forum_id == forum.pk
    assert not forum.live, "a nomination must wait for an editor"
    assert nomination.contact_email == "sam@allotments.example.org"

    # The receipt email carries the reference and the private link, which shows the entry waiting.
    receipt = next(email for email in mail.outbox if "sam@allotments.example.org" in email.to)
    assert nomination.reference in receipt.body
    private_path = re.search(r"https?://[^/\s]+(/listing/[^/\s]+/)", receipt.body).group(1)
    page.goto(private_path)
    expect(page.get_by_role("heading", level=1, name="Allotment Growers Forum")).to_be_visible()
    expect(page.get_by_text("Not published yet")).to_be_visible()
