"""Email alerts (directory/alerts.py): double opt-in with an expiring link, only newly listed matching
communities in the subscriber's language, one-click unsubscribe headers, unsubscribing deletes the
address, limits per address, a failing mail server loses nothing."""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Locale, PageViewRestriction

from directory import alerts
from directory.models import AlertSubscription, ForumStatus, OutboundEmail
from directory.tests.factories import ForumPageFactory
from directory.tests.nomination_helpers import BrokenEmailBackend  # noqa: F401 (the backend named below)
from directory.translation import ensure_welsh_tree

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]

BROKEN = "directory.tests.nomination_helpers.BrokenEmailBackend"
Frequency = AlertSubscription.Frequency


def link_in(body, kind):
    return next(word for word in body.split() if f"/alerts/{kind}/" in word)


def signed_part(link):
    return link.rstrip("/").rsplit("/", 1)[1]


def ask(capture, email="reader@example.org", search=None, frequency=Frequency.DAILY, language="en"):
    """Ask for an alert and send what it queued; the alert and its confirmation email."""
    with capture(execute=True):
        alert = alerts.request_alert(email, search if search is not None else {"topic": ["money"]}, frequency, language)
    return alert, (mail.outbox[-1] if mail.outbox else None)


def confirmed(capture, **kwargs):
    alert, message = ask(capture, **kwargs)
    confirm_link = link_in(message.body, "confirm")
    alerts.confirm_alert(alerts.alert_for_link("confirm", signed_part(confirm_link)))
    alert.refresh_from_db()
    mail.outbox.clear()
    return alert


def listed_forum(directory_index, published_at, topics=("money",), **kwargs):
    forum = ForumPageFactory(parent=directory_index, topics=list(topics), **kwargs)
    forum.first_published_at = published_at
    forum.save()
    return forum


def test_asking_stores_the_request_and_sends_only_the_confirmation(django_capture_on_commit_callbacks):
    """Nothing but the confirmation email goes to an address before its owner confirms."""
    alert, message = ask(django_capture_on_commit_callbacks)
    assert alert.confirmed_at is None and alert.query == {"topic": ["money"]}
    assert len(mail.outbox) == 1 and message.to == ["reader@example.org"]
    assert "/alerts/confirm/" in message.body and "7 days" in message.body
    assert alert.token_hash not in message.body.replace(link_in(message.body, "confirm"), "")
    assert alerts.send_due_alerts(Frequency.DAILY, timezone.now() + datetime.timedelta(days=2)) == 0


def test_the_confirmation_link_expires_after_seven_days(django_capture_on_commit_callbacks):
    """A link found in an old inbox must not switch emails on."""
    _alert, message = ask(django_capture_on_commit_callbacks)
    signed = signed_part(link_in(message.body, "confirm"))
    assert alerts.alert_for_link("confirm", signed) is not None
    assert alerts.alert_for_link("manage", signed) is None, "a link of one kind opens no other"
    assert alerts.alert_for_link("confirm", signed[:-2] + "xx") is None
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        assert alerts.alert_for_link("confirm", signed) is None


def test_unconfirmed_requests_are_deleted_after_seven_days(django_capture_on_commit_callbacks):
    """An address nobody confirmed is not kept: the request and its emails go after a week."""
    pending, _ = ask(django_capture_on_commit_callbacks, email="pending@example.org")
    kept = confirmed(django_capture_on_commit_callbacks, email="kept@example.org")
    assert alerts.delete_expired_requests(timezone.now() + datetime.timedelta(days=6)) == 0
    assert alerts.delete_expired_requests(timezone.now() + datetime.timedelta(days=7, minutes=1)) == 1
    assert list(AlertSubscription.objects.all()) == [kept]
    assert not OutboundEmail.objects.filter(to="pending@example.org").exists()


def test_asking_again_sends_a_fresh_link_and_the_old_one_stops(django_capture_on_commit_callbacks):
    """A second request for the same search replaces the first; no duplicate alert is made."""
    _alert, first = ask(django_capture_on_commit_callbacks)
    _alert, second = ask(django_capture_on_commit_callbacks, email="READER@example.org ")
    assert AlertSubscription.objects.count() == 1
    assert alerts.alert_for_link("confirm", signed_part(link_in(first.body, "confirm"))) is None
    assert alerts.alert_for_link("confirm", signed_part(link_in(second.body, "confirm"))) is not None


def test_an_address_holds_at_most_the_limit_of_alerts(settings, django_capture_on_commit_callbacks):
    """One address cannot be signed up to a flood of alerts (by its owner or anyone else)."""
    settings.ALERT_MAX_PER_ADDRESS = 3
    for number in range(5):
        ask(django_capture_on_commit_callbacks, search={"q": f"words {number}"})
    assert AlertSubscription.objects.count() == 3
    assert len(mail.outbox) == 3


def test_only_newly_listed_matching_communities_are_sent(directory_index, django_capture_on_commit_callbacks):
    """Subscribers hear about communities listed since their last email that match their search, and nothing
    unpublished, delisted or private."""
    alert = confirmed(django_capture_on_commit_callbacks)
    since = alert.last_sent_at
    later = since + datetime.timedelta(minutes=5)
    listed_forum(directory_index, since - datetime.timedelta(days=1), title="Old Money")
    listed_forum(directory_index, later, title="New Money")
    listed_forum(directory_index, later, topics=("health",), title="New Health")
    listed_forum(directory_index, later, title="Draft Money", live=False)
    listed_forum(directory_index, later, title="Gone Money", status=ForumStatus.DELISTED, status_reason="Closed.")
    private = listed_forum(directory_index, later, title="Private Money")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.PASSWORD, password="x")
    now = since + datetime.timedelta(days=1, minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.send_due_alerts(Frequency.DAILY, now) == 1
    (message,) = mail.outbox
    assert "New Money" in message.body
    assert not any(name in message.body for name in ("Old Money", "New Health", "Draft", "Gone", "Private"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.send_due_alerts(Frequency.DAILY, now + datetime.timedelta(days=1)) == 0
    assert mail.outbox == [], "the same community is never sent twice"


def test_daily_and_weekly_alerts_wait_their_turn(directory_index, django_capture_on_commit_callbacks):
    """A weekly subscriber gets one email a week however many daily runs there are."""
    alert = confirmed(django_capture_on_commit_callbacks, frequency=Frequency.WEEKLY)
    listed_forum(directory_index, alert.last_sent_at + datetime.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.send_due_alerts(Frequency.WEEKLY, alert.last_sent_at + datetime.timedelta(days=2)) == 0
        assert alerts.send_due_alerts(Frequency.DAILY, alert.last_sent_at + datetime.timedelta(days=2)) == 0
        assert alerts.send_due_alerts(Frequency.WEEKLY, alert.last_sent_at + datetime.timedelta(days=7)) == 1


def test_every_alert_email_has_one_click_unsubscribe_headers(directory_index, django_capture_on_commit_callbacks):
    """Mail clients show an "Unsubscribe" button (RFC 8058) that works without opening the site."""
    alert = confirmed(django_capture_on_commit_callbacks)
    listed_forum(directory_index, alert.last_sent_at + datetime.timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        alerts.send_due_alerts(Frequency.DAILY, alert.last_sent_at + datetime.timedelta(days=1))
    (message,) = mail.outbox
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http") and "/alerts/unsubscribe/" in header and header.endswith(">")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link_in(message.body, "manage")
    sent = OutboundEmail.objects.get(alert=alert, subject__startswith="New communities")
    assert "[private link]" in sent.headers["List-Unsubscribe"], "links are not kept once the email is sent"
    assert "/alerts/manage/[private link]" in sent.body


def test_a_welsh_subscriber_hears_in_welsh_about_welsh_pages(directory_index, django_capture_on_commit_callbacks):
    """Someone who asked on the Welsh site gets Welsh emails listing the Welsh copies."""
    ensure_welsh_tree()
    alert = confirmed(django_capture_on_commit_callbacks, language="cy")
    assert alert.language == "cy"
    forum = listed_forum(directory_index, alert.last_sent_at + datetime.timedelta(minutes=1), title="Money Talk")
    welsh = forum.copy_for_translation(Locale.objects.get(language_code="cy"), copy_parents=True)
    welsh.title, welsh.summary = "Sgwrs Arian", "Cymorth gyda arian."
    welsh.save_revision().publish()
    welsh.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        alerts.send_due_alerts(Frequency.DAILY, welsh.first_published_at + datetime.timedelta(days=1))
    message = mail.outbox[-1]
    assert "Sgwrs Arian" in message.body and "Money Talk" not in message.body
    assert "/cy/" in message.body
    assert message.subject == "Cymunedau newydd yn y Cyfeiriadur Cymorth gan Gymheiriaid"


def test_stopping_deletes_the_address_and_its_emails(directory_index, django_capture_on_commit_callbacks):
    """Unsubscribing leaves no copy of the address: the alert and every email kept for it go."""
    alert = confirmed(django_capture_on_commit_callbacks)
    other = confirmed(django_capture_on_commit_callbacks, search={"q": "debt"})
    assert OutboundEmail.objects.filter(to="reader@example.org").exists()
    alerts.stop_alert(alert)
    assert list(AlertSubscription.objects.all()) == [other]
    alerts.stop_all_alerts(other)
    assert not AlertSubscription.objects.exists()
    assert not OutboundEmail.objects.filter(to="reader@example.org").exists()


def test_a_community_published_reaches_immediate_subscribers(directory_index, django_capture_on_commit_callbacks):
    """Subscribers who chose "as soon as a community is listed" are written to by the publish itself."""
    confirmed(django_capture_on_commit_callbacks, frequency=Frequency.IMMEDIATELY)
    forum = ForumPageFactory(parent=directory_index, topics=["money"], live=False, title="Fresh Money")
    with django_capture_on_commit_callbacks(execute=True):
        forum.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        pass  # the alert task queues its email after its own commit
    assert any("Fresh Money" in message.body for message in mail.outbox)


def test_a_mail_server_outage_loses_no_alert_email(settings, directory_index, django_capture_on_commit_callbacks):
    """With the mail server down, the confirmation is kept, retried and shown to editors as failed."""
    settings.EMAIL_BACKEND = BROKEN
    settings.EMAIL_RETRY_DELAYS = ()
    alert, message = ask(django_capture_on_commit_callbacks)
    assert message is None
    email = OutboundEmail.objects.get(alert=alert)
    assert email.status == OutboundEmail.Status.FAILED and email.last_error
    assert AlertSubscription.objects.filter(pk=alert.pk).exists()


def test_the_daily_scheduled_run_sends_daily_and_weekly_alerts_in_turn(
    directory_index, django_capture_on_commit_callbacks
):
    """``manage.py send_alerts``, run daily by the scheduler, writes to each subscriber whose turn has come.

    If this fails, people who asked for a daily or weekly email about new communities never get one.
    """
    daily = confirmed(django_capture_on_commit_callbacks, email="daily@example.org")
    weekly = confirmed(django_capture_on_commit_callbacks, email="weekly@example.org", frequency=Frequency.WEEKLY)
    listed_forum(directory_index, max(daily.last_sent_at, weekly.last_sent_at) + datetime.timedelta(minutes=1))
    # Day 1: the daily subscriber's turn (the weekly one waits); day 7: the weekly one's, and the daily
    # one has had that community already.
    for days, expected in ((1, {"daily@example.org"}), (7, {"weekly@example.org"})):
        mail.outbox.clear()
        out = io.StringIO()
        with time_machine.travel(daily.last_sent_at + datetime.timedelta(days=days, minutes=5)):
            with django_capture_on_commit_callbacks(execute=True):
                call_command("send_alerts", stdout=out)
        assert {address for message in mail.outbox for address in message.to} == expected
    assert "Wrote to 0 daily and 1 weekly subscribers" in out.getvalue(), "the daily one had nothing new on day 7"
