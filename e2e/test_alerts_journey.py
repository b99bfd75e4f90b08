"""Email alerts in a real browser: a reader asks for emails from a filtered listing, confirms from the
email, receives news of a community published later, and stops the emails from the email's link.
Every alert page passes axe-core in English and in Welsh."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def link_in(body, kind):
    return next(word for word in body.split() if f"/alerts/{kind}/" in word)


def path_of(link):
    return re.sub(r"^https?://[^/]+", "", link)


def test_subscribe_confirm_receive_and_unsubscribe(page, directory_content, axe):
    """A reader without an account gets emails about new money communities, then stops them in one step."""
    from directory.tests.factories import ForumPageFactory

    mail.outbox.clear()
    page.goto("/directory/?topic=money")
    page.get_by_role("link", name="Get emails about new communities like these").click()
    expect(page.get_by_role("heading", level=1, name="Get emails about new communities like these")).to_be_visible()
    axe(page)

    page.get_by_label("Email address").fill("reader@example")
    page.get_by_role("button", name="Get emails").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_label("Email address")).to_have_value("reader@example")
    axe(page)

    page.get_by_label("Email address").fill("reader@example.org")
    page.get_by_role("radio", name="As soon as a community is listed").check()
    page.get_by_role("button", name="Get emails").click()
    expect(page.get_by_role("heading", level=1, name="Check your email")).to_be_visible()
    axe(page)
    (confirmation,) = mail.outbox
    assert confirmation.to == ["reader@example.org"]

    page.goto(path_of(link_in(confirmation.body, "confirm")))
    expect(page.get_by_role("heading", level=1, name="Confirm your email alert")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Confirm and start the emails").click()
    expect(page.get_by_role("heading", level=1, name="Your email alert is on")).to_be_visible()
    axe(page)

    directory = directory_content["directory"]
    fresh = ForumPageFactory(parent=directory, title="Budget Buddies", topics=["money"], live=False)
    fresh.save_revision().publish()
    news = mail.outbox[-1]
    assert "Budget Buddies" in news.body and news.extra_headers["List-Unsubscribe-Post"]

    page.goto(path_of(link_in(news.body, "manage")))
    expect(page.get_by_role("heading", level=1, name="Your email alert")).to_be_visible()
    axe(page)
    page.goto(path_of(link_in(news.body, "unsubscribe")))
    expect(page.get_by_role("heading", level=1, name="Stop these emails")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Stop this alert").click()
    expect(page.get_by_role("heading", level=1, name="Your emails have stopped")).to_be_visible()
    axe(page)
    from directory.models import AlertSubscription

    assert not AlertSubscription.objects.exists()


def test_alert_pages_in_welsh(page, welsh_content, axe):
    """The Welsh alert pages are in Welsh and as accessible as the English ones; the emails are Welsh too."""
    from directory import alerts
    from directory.models import AlertSubscription

    mail.outbox.clear()
    page.goto("/cy/alerts/new/?topic=money")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cael negeseuon e-bost am gymunedau newydd fel y rhain")
    axe(page)
    page.get_by_role("button", name="Cael negeseuon e-bost").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page)
    page.get_by_label("Cyfeiriad e-bost").fill("darllenydd@example.org")
    page.get_by_role("button", name="Cael negeseuon e-bost").click()
    expect(page.get_by_role("heading", level=1, name="Gwiriwch eich e-bost")).to_be_visible()
    axe(page)
    (confirmation,) = mail.outbox
    assert confirmation.subject.startswith("Cadarnhewch")
    page.goto(path_of(link_in(confirmation.body, "confirm")))
    axe(page)
    page.get_by_role("button", name="Cadarnhau a dechrau'r negeseuon e-bost").click()
    expect(page.get_by_role("heading", level=1, name="Mae eich rhybudd e-bost ymlaen")).to_be_visible()
    axe(page)
    alert = AlertSubscription.objects.get()
    for kind in ("manage", "unsubscribe"):
        page.goto(path_of(alerts.alert_link(kind, alert)))
        expect(page.locator("html")).to_have_attribute("lang", "cy")
        axe(page)
    page.goto("/cy/alerts/manage/not-a-real-link/")
    expect(page.get_by_role("heading", level=1, name="Nid yw'r ddolen hon yn gweithio")).to_be_visible()
    axe(page)
