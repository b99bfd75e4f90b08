"""The public alert pages (directory/journeys/alerts.py): the link on listings and department pages,
the form's errors, the flood limits, confirming, one-click unsubscribe and managing; and what editors see."""

import pytest
from django.core import mail

from directory.models import AlertSubscription, OutboundEmail
from directory.tests.factories import DepartmentPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


def link_in(body, kind):
    return next(word for word in body.split() if f"/alerts/{kind}/" in word).replace("http://testserver", "")


def subscribe(client, capture, email="reader@example.org", query="?topic=money", **extra):
    with capture(execute=True):
        return client.post(f"/alerts/new/{query}", {"email": email, "frequency": "daily"}, **extra)


def test_listings_and_department_pages_offer_alerts_for_their_search(client, directory_index, departments_index):
    """Readers find "Get emails about new communities like these" where they browse, carrying their search."""
    text = client.get("/directory/?topic=money&q=debt").content.decode()
    assert 'href="/alerts/new/?q=debt&amp;topic=money"' in text
    DepartmentPageFactory(parent=departments_index, slug="hmrc", title="HMRC")
    assert 'href="/alerts/new/?department=hmrc"' in client.get("/departments/hmrc/").content.decode()


def test_the_form_describes_the_search_and_keeps_what_was_typed(client, site_tree):
    """A mistyped address gets the GOV.UK error summary and message, and the address is not lost."""
    page = client.get("/alerts/new/?topic=money&q=debt").content.decode()
    assert "debt" in page and "money" in page and 'name="email"' in page
    response = client.post("/alerts/new/?topic=money", {"email": "not-an-address", "frequency": ""})
    text = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in text and 'href="#id_email"' in text
    assert "Enter an email address in the correct format" in text
    assert "Select how often you want emails" in text
    assert 'value="not-an-address"' in text
    assert not AlertSubscription.objects.exists()


def test_subscribe_confirm_and_unsubscribe_in_one_click(client, site_tree, django_capture_on_commit_callbacks):
    """The whole journey over HTTP: ask, confirm with a button, then the mail client's one-click unsubscribe."""
    response = subscribe(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == "/alerts/sent/"
    assert "Check your email" in client.get("/alerts/sent/").content.decode()
    confirm = link_in(mail.outbox[-1].body, "confirm")
    assert client.get(confirm).status_code == 200
    assert AlertSubscription.objects.get().confirmed_at is None, "visiting the link (a mail scanner) confirms nothing"
    assert "Your email alert is on" in client.post(confirm).content.decode()
    assert AlertSubscription.objects.get().confirmed_at is not None
    unsubscribe = mail.outbox[-1].extra_headers["List-Unsubscribe"].strip("<>").replace("http://testserver", "")
    mail_client = type(client)(enforce_csrf_checks=True)  # no cookies, no CSRF token: RFC 8058
    response = mail_client.post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not AlertSubscription.objects.exists()
    assert not OutboundEmail.objects.filter(to="reader@example.org").exists()
    assert client.get(confirm).status_code == 404


def test_bad_links_get_a_page_saying_so(client, site_tree):
    """A forged or mangled link is a friendly 404, never an error."""
    for kind in ("confirm", "manage", "unsubscribe"):
        response = client.get(f"/alerts/{kind}/forged:value:sig/")
        assert response.status_code == 404 and "This link does not work" in response.content.decode()
    assert client.post("/alerts/unsubscribe/forged:value:sig/").status_code == 200


def test_manage_changes_frequency_and_stops_every_alert(client, site_tree, django_capture_on_commit_callbacks):
    """The manage link in every email changes how often, or deletes all of the address's alerts."""
    from directory import alerts

    subscribe(client, django_capture_on_commit_callbacks)
    subscribe(client, django_capture_on_commit_callbacks, query="?q=debt")
    for alert in AlertSubscription.objects.all():
        alerts.confirm_alert(alert)
    manage = alerts.alert_link("manage", AlertSubscription.objects.first()).replace("http://testserver", "")
    response = client.post(manage, {"action": "frequency", "frequency": "weekly"})
    assert "Your alert has been changed." in response.content.decode()
    assert AlertSubscription.objects.filter(frequency="weekly").count() == 1
    assert response["Cache-Control"] == "private, no-store"
    client.post(manage, {"action": "stop_all"})
    assert not AlertSubscription.objects.exists()


def test_a_flood_of_requests_sends_at_most_the_limit(client, site_tree, settings, django_capture_on_commit_callbacks):
    """A thousand requests from one network, or for one address from many, send only a handful of emails."""
    settings.ALERT_RATE_LIMIT = "5/h"
    settings.ALERT_ADDRESS_RATE_LIMIT = "3/h"
    statuses = set()
    for number in range(500):
        response = subscribe(client, django_capture_on_commit_callbacks, email=f"victim{number}@example.org")
        statuses.add(response.status_code)
    assert statuses == {302, 429}
    assert len(mail.outbox) == 5
    mail.outbox.clear()
    for number in range(500):
        address = f"10.{number // 250}.{number % 250}.1"
        subscribe(client, django_capture_on_commit_callbacks, query=f"?q=words{number}", REMOTE_ADDR=address)
    assert len(mail.outbox) == 3, "one address gets at most its limit of confirmation emails"


def test_editors_see_counts_not_addresses(client, site_tree, editor, django_capture_on_commit_callbacks):
    """The admin shows how many alerts there are; a subscriber's address is never shown to editors."""
    subscribe(client, django_capture_on_commit_callbacks, email="secret-reader@example.org")
    client.force_login(editor)
    dashboard = client.get("/admin/").content.decode()
    assert "Email alerts" in dashboard and "Waiting for confirmation" in dashboard
    emails = client.get("/admin/outbound_emails/").content.decode()
    assert "Confirm your email alert" in emails and "secret-reader" not in emails
    found = client.get("/admin/outbound_emails/?q=secret-reader").content.decode()
    assert "Confirm your email alert" not in found, "searching by a subscriber's address finds nothing"
    email = OutboundEmail.objects.get()
    assert "secret-reader" not in client.get(f"/admin/outbound_emails/inspect/{email.pk}/").content.decode()
