"""What people ask before joining, and a member's suggestion, in the browser.

A community's "Before you join" answers on a phone in English and Welsh (no sideways scrolling,
axe clean), the result card's cost and registration, and a member who uses a community suggesting
it from start to finish without the operator's declaration.
"""

import re

import pytest
from playwright.sync_api import expect

from e2e.conftest import MOBILE_WIDTH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WORDS = {
    "": {
        "heading": "Before you join",
        "facts": ["Free", "Anyone can read; register to post", "Contact them first", "16 or over"],
        "route": "How to contact them: Message the board's volunteers",
        "card": "Free. Register to post.",
    },
    "/cy": {
        "heading": "Cyn i chi ymuno",
        "facts": ["Am ddim", "Gall unrhyw un ddarllen; rhaid cofrestru i bostio", "Cysylltu â nhw yn gyntaf"],
        "route": "Sut i gysylltu â nhw: Message the board's volunteers",
        "card": "Am ddim. Cofrestru i bostio.",
    },
}


@pytest.mark.parametrize("prefix", ["", "/cy"], ids=["english", "welsh"])
def test_before_you_join_on_a_phone(open_page, welsh_content, check_public_page, prefix):
    """On a 375 px phone the community page answers what people ask before joining, in the reader's
    language, without sideways scrolling and with no axe violations; the result card gives the cost
    and registration."""
    words = WORDS[prefix]
    page = open_page(width=MOBILE_WIDTH)
    page.goto(f"{prefix}/directory/")
    card = page.locator('[aria-labelledby="results-count"] li').filter(has_text="Student Money Board")
    expect(card).to_contain_text(words["card"])

    page.goto(f"{prefix}/directory/student-money-board/")
    heading = page.get_by_role("heading", level=2, name=words["heading"])
    expect(heading).to_be_visible()
    facts = page.locator('dl[aria-labelledby="before-you-join"]')
    for fact in words["facts"]:
        expect(facts).to_contain_text(fact)
    expect(facts.locator("#contact-route")).to_contain_text(words["route"])
    check_public_page(page, f"before-you-join{prefix.replace('/', '-')}")


def test_a_member_suggests_a_community_they_use(open_page, directory_content, quick_forms, axe, screenshot):
    """Someone who only uses a community puts it forward: they say they are a member, are not asked
    to declare they run it, answer the "before people join" questions, and leave with a reference
    and no private link; editors see it is a member's suggestion."""
    from django.core import mail

    from directory.models import ForumPage, Nomination

    page = open_page(width=MOBILE_WIDTH)
    page.goto("/nominate/")
    page.get_by_label("Name of the community").fill("Canal Boaters Chat")
    page.get_by_label("Web address").fill("https://canal-boaters.example.org/")
    page.get_by_label("Summary").fill("Boaters share news of locks, moorings and repairs.")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1, name="Moderation and public servants")).to_be_visible()
    page.get_by_role("radio", name="Yes").check()
    page.get_by_role("radio", name="Welcomes public servants").check()
    page.get_by_role("group", name=re.compile("Does it cost anything")).get_by_role(
        "radio", name="Free", exact=True
    ).check()
    page.get_by_role("radio", name="Anyone can read; register to post").check()
    page.get_by_role("radio", name="Contact them first").check()
    page.get_by_label("Minimum age").fill("200")
    page.get_by_role("radio", name="10 to 100 posts a month").check()
    page.get_by_role("button", name="Continue").click()

    # Two mistakes, each named beside its field; the answers stay as given.
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter how people contact the community before joining")).to_be_visible()
    expect(summary.get_by_role("link", name="The minimum age must be 120 or less")).to_be_visible()
    expect(page.get_by_role("radio", name="10 to 100 posts a month")).to_be_checked()
    axe(page)
    page.get_by_label("How should people contact the community first?").fill("Ask on the public noticeboard.")
    page.get_by_label("Minimum age").fill("18")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1, name="Who runs it and how we contact you")).to_be_visible()
    page.get_by_role("radio", name="I am a member or I use it").check()
    page.get_by_label("Your name").fill("Morgan Member")
    page.get_by_label("Your email address").fill("morgan@example.net")
    axe(page)
    page.get_by_role("button", name="Continue to check your answers").click()

    expect(page.get_by_role("heading", level=1, name=re.compile("Check your answers"))).to_be_visible()
    expect(page.get_by_text("I am a member or I use it")).to_be_visible()
    page.get_by_role("button", name="Accept and send").click()

    expect(page.get_by_role("heading", level=1, name="Nomination received")).to_be_visible()
    expect(page.locator("#member-suggestion")).to_be_visible()
    axe(page)
    screenshot(page, "member-suggestion-thanks")
    nomination = Nomination.objects.get()
    expect(page.locator(".govuk-panel__body")).to_contain_text(nomination.reference)
    assert nomination.from_member
    forum = ForumPage.objects.get(title="Canal Boaters Chat")
    assert forum.contact_email == "" and forum.how_to_join == "contact_first" and forum.minimum_age == 18
    receipt = next(email for email in mail.outbox if "morgan@example.net" in email.to)
    assert nomination.reference in receipt.body and "/listing/" not in receipt.body
