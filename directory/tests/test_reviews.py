"""Tests for ``directory/reviews.py``, ``manage.py send_review_reminders`` and the public "not verified since" notice.

Time is frozen with time-machine; the entry was verified on 15 March 2024, so with the default
12-month interval its review falls due on 15 March 2025.
"""

import datetime
import io
import re
import zoneinfo

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from wagtail.models import PageLogEntry, Site

from directory import reviews
from directory.models import ForumPage, ForumStatus, Nomination, OutboundEmail, ReviewReminder
from directory.nominations import confirm_still_accurate
from directory.private_links import hash_token, new_reference, new_token, nomination_for_token
from directory.tests.factories import ForumPageFactory

Stage = ReviewReminder.Stage
LONDON = zoneinfo.ZoneInfo("Europe/London")
VERIFIED = datetime.date(2024, 3, 15)
DUE = datetime.date(2025, 3, 15)
ENTRY_CONTACT = "entry@private.example"


def on(day, offset=0):
    """Travel to mid-morning in London on ``day`` + ``offset`` days, with the clock stopped."""
    moment = datetime.datetime.combine(day + datetime.timedelta(days=offset), datetime.time(10), tzinfo=LONDON)
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def forum(directory_index):
    with on(VERIFIED):
        return ForumPageFactory(
            parent=directory_index,
            title="Parents Online",
            last_verified=VERIFIED,
            contact_email="entry@private.example",
        )


@pytest.fixture
def operator(forum):
    """The approved nomination that listed the forum: its contact is the operator."""
    return Nomination.objects.create(
        reference=new_reference(),
        forum=forum,
        status=Nomination.Status.APPROVED,
        contact_name="Olive Operator",
        contact_email="olive@private.example",
        token_hash=hash_token(new_token()),
    )


def reminded(stage):
    return [forum.title for forum in reviews.forums_needing_reminder(stage)]


@pytest.mark.parametrize(
    "offset, stage",
    [(-31, None), (-30, Stage.DUE_SOON), (-29, Stage.DUE_SOON), (0, Stage.DUE_SOON), (1, Stage.OVERDUE)],
    ids=["31 days before", "30 days before", "29 days before", "due day", "day after"],
)
def test_review_stage_at_the_boundaries(forum, offset, stage):
    """Operators would be reminded a day early or late, or an entry due today would be called overdue."""
    with on(DUE, offset):
        assert reviews.review_stage(forum) == stage
        assert reviews.is_due_for_review(forum) is (stage is not None)
        assert reminded(Stage.DUE_SOON) == (["Parents Online"] if stage == Stage.DUE_SOON else [])
        assert reminded(Stage.OVERDUE) == (["Parents Online"] if stage == Stage.OVERDUE else [])


def test_due_date_follows_the_interval_setting(forum, settings):
    """A site that reviews every six months would still wait a year."""
    assert reviews.review_due_date(forum) == DUE
    site_settings = apps.get_model("home", "SiteSettings")
    site_settings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True), defaults={"review_interval_months": 6}
    )

    assert reviews.review_interval_months() == 6
    assert reviews.review_due_date(forum) == datetime.date(2024, 9, 15)


def test_never_verified_entries_count_from_publication(directory_index):
    """An entry nobody ever verified would never be reviewed."""
    with on(VERIFIED):
        never = ForumPageFactory(parent=directory_index, last_verified=None, live=False)
        never.save_revision().publish()
    never.refresh_from_db()

    assert reviews.review_due_date(never) == DUE
    with on(DUE, -30):
        assert reminded(Stage.DUE_SOON) == [never.title]


def test_reminder_goes_to_the_operator_with_a_private_link(forum, operator, django_capture_on_commit_callbacks):
    """Operators would not hear that their entry needs checking, or could not act on the email."""
    with on(DUE, -30), django_capture_on_commit_callbacks(execute=True):
        run = reviews.send_review_reminders()

    assert run.sent == [(forum, Stage.DUE_SOON)]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["olive@private.example"]
    assert "Parents Online" in message.subject
    assert "15 March 2025" in message.body
    token = re.search(r"/listing/([A-Za-z0-9_-]+)/", message.body).group(1)
    assert nomination_for_token(token) == operator
    assert ReviewReminder.objects.get().due_date == DUE
    assert OutboundEmail.objects.get().nomination == operator


def test_each_stage_is_sent_once(forum, operator):
    """Operators would get the same reminder every day until they act."""
    for offset in (-30, -29, -10, 0):
        with on(DUE, offset):
            reviews.send_review_reminders()
    assert list(ReviewReminder.objects.values_list("stage", flat=True)) == [Stage.DUE_SOON]

    for offset in (1, 2, 30):
        with on(DUE, offset):
            reviews.send_review_reminders()
    assert sorted(ReviewReminder.objects.values_list("stage", flat=True)) == [Stage.DUE_SOON, Stage.OVERDUE]
    assert OutboundEmail.objects.count() == 2
    overdue_email = OutboundEmail.objects.get(subject__startswith="Review overdue")
    assert "13 June 2025" in overdue_email.body  # the last day before it is marked inactive (due + 90 days)


def test_without_a_nomination_the_entry_contact_gets_a_plain_reminder(forum):
    """Entries added by editors, with no operator link, would never be reviewed by anyone."""
    with on(DUE, -5):
        run = reviews.send_review_reminders()

    assert run.sent == [(forum, Stage.DUE_SOON)]
    email = OutboundEmail.objects.get()
    assert email.to == ENTRY_CONTACT
    assert "/listing/" not in email.body


def test_entries_without_any_contact_are_reported_not_recorded(forum):
    """The command would claim it reminded someone, and never try again once a contact is added."""
    ForumPage.objects.filter(pk=forum.pk).update(contact_email="")
    with on(DUE, -5):
        run = reviews.send_review_reminders()

    assert [(entry.pk, stage) for entry, stage in run.without_contact] == [(forum.pk, Stage.DUE_SOON)]
    assert not ReviewReminder.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_confirming_starts_a_new_cycle(forum, operator):
    """An operator who confirmed would keep being chased, or never be asked again."""
    with on(DUE, -30):
        reviews.send_review_reminders()
    with on(DUE, -20):
        confirm_still_accurate(operator)
        forum.refresh_from_db()
        assert forum.last_verified == DUE - datetime.timedelta(days=20)
        assert reviews.review_stage(forum) is None
        assert reminded(Stage.DUE_SOON) == [] and reminded(Stage.OVERDUE) == []

    next_due = datetime.date(2026, 2, 23)
    assert reviews.review_due_date(forum) == next_due
    with on(next_due, -30):
        run = reviews.send_review_reminders()
    assert run.sent == [(forum, Stage.DUE_SOON)]
    assert sorted(ReviewReminder.objects.values_list("due_date", flat=True)) == [DUE, next_due]


def test_only_listed_active_entries_in_the_main_language_are_reminded(directory_index, forum):
    """Operators of drafts, delisted or already inactive entries would be chased."""
    with on(VERIFIED):
        ForumPageFactory(parent=directory_index, title="Draft", live=False, last_verified=VERIFIED)
        ForumPageFactory(
            parent=directory_index,
            title="Delisted",
            status=ForumStatus.DELISTED,
            status_reason="Spam",
            last_verified=VERIFIED,
        )
        ForumPageFactory(parent=directory_index, title="Inactive", status=ForumStatus.INACTIVE, last_verified=VERIFIED)

    with on(DUE, 1):
        assert reminded(Stage.OVERDUE) == ["Parents Online"]


def test_marked_inactive_only_after_the_grace_period(forum, settings):
    """Entries would be retired while the operator still has time, or linger unverified for ever."""
    settings.DIRECTORY_REVIEW_GRACE_DAYS = 90
    with on(DUE, 90):
        assert reviews.mark_overdue_inactive() == []
    forum.refresh_from_db()
    assert forum.status == ForumStatus.ACTIVE

    with on(DUE, 91):
        assert [entry.pk for entry in reviews.mark_overdue_inactive()] == [forum.pk]
    forum.refresh_from_db()
    assert forum.status == ForumStatus.INACTIVE
    assert "15 March 2024" in forum.status_reason
    assert forum.live and not forum.has_unpublished_changes
    assert forum.live_revision.as_object().status == ForumStatus.INACTIVE
    assert PageLogEntry.objects.filter(page=forum, action=reviews.MARKED_INACTIVE_ACTION).count() == 1
    assert ForumPage.objects.listed().filter(pk=forum.pk).exists()  # kept public, for an editor to decide

    with on(DUE, 120):
        assert reviews.mark_overdue_inactive() == []
        assert reminded(Stage.OVERDUE) == []
    assert PageLogEntry.objects.filter(page=forum, action=reviews.MARKED_INACTIVE_ACTION).count() == 1


def test_command_sends_and_retires(forum, operator, settings):
    """A scheduled run would do nothing, or its output would not say what it did."""
    settings.DIRECTORY_REVIEW_GRACE_DAYS = 10
    out = io.StringIO()
    with on(DUE, 11):
        call_command("send_review_reminders", stdout=out)

    output = out.getvalue()
    assert "Review overdue" in output and "Parents Online" in output
    assert "Sent 1 reminders and marked 1 entries inactive; 0 have no contact." in output
    forum.refresh_from_db()
    assert forum.status == ForumStatus.INACTIVE


def test_command_dry_run_changes_nothing(forum, operator):
    """Trying the command out would email operators."""
    out = io.StringIO()
    call_command("send_review_reminders", "--dry-run", "--date", "2025-03-16", stdout=out)

    assert "Would send" in out.getvalue()
    assert not ReviewReminder.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_scheduled_task_runs_the_same_rules(forum, operator):
    """The nightly background task would not send what the command sends."""
    from directory.upkeep_tasks import send_review_reminders

    with on(DUE, -1):
        result = send_review_reminders.enqueue()
    assert result.return_value == {"sent": 1, "without_contact": 0, "marked_inactive": 0}
    assert ReviewReminder.objects.filter(forum=forum, stage=Stage.DUE_SOON).exists()


def test_public_page_says_not_verified_since_when_overdue(forum, client):
    """Readers would trust details nobody has confirmed for over a year."""
    with on(DUE, 0):
        assert "Not verified since" not in client.get(forum.url).content.decode()
    with on(DUE, 1):
        html = client.get(forum.url).content.decode()
    assert "Not verified since 15 March 2024" in html
