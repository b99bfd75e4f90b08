"""The review cycle: every listed community is confirmed as accurate at a regular interval.

An entry's cycle starts on the day it was last verified (or first published, if nobody has
verified it yet) and its review falls due ``review_interval_months()`` later. From
``DIRECTORY_REVIEW_REMINDER_DAYS`` before that day the operator is reminded ("due soon"); after
it they are reminded once more ("overdue") and the public page says "not verified since …";
``DIRECTORY_REVIEW_GRACE_DAYS`` after it the entry is marked inactive (never deleted) for an
editor to decide. Each reminder stage is sent once per cycle (``ReviewReminder``); confirming
the entry starts a new cycle.

The cycle applies to entries in the default language; translations follow their source.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Locale, Site

from directory.delisting import live_translations, publish_status
from directory.emails import entry_url, queue_templated_email
from directory.models import ForumPage, ForumStatus, ReviewReminder
from directory.models.forums import add_months
from directory.private_links import current_operator_nomination, operator_link, rotate_operator_token

logger = logging.getLogger(__name__)

Stage = ReviewReminder.Stage

# The log action recorded in a page's history when the review cycle marks it inactive.
MARKED_INACTIVE_ACTION = "directory.review_overdue_inactive"


def review_interval_months(request=None):
    """Months between reviews: the site's "review interval" setting, else DIRECTORY_REVIEW_INTERVAL_MONTHS.

    The setting is the default site's. Given a request for the default site, it is read from the
    settings Wagtail already loaded for that request (no query). The site setting is looked up by
    app label so the directory does not depend on the ``home`` app.
    """
    default = getattr(settings, "DIRECTORY_REVIEW_INTERVAL_MONTHS", 12)
    try:
        site_settings = apps.get_model("home", "SiteSettings")
    except LookupError:
        return default
    if request is not None:
        site = Site.find_for_request(request)
        if site is not None and site.is_default_site:
            return site_settings.for_request(request).review_interval_months or default
    months = (
        site_settings.objects.filter(site__is_default_site=True)
        .values_list("review_interval_months", flat=True)
        .first()
    )
    return months or default


def reminder_days():
    return getattr(settings, "DIRECTORY_REVIEW_REMINDER_DAYS", 30)


def grace_days():
    return getattr(settings, "DIRECTORY_REVIEW_GRACE_DAYS", 90)


def review_cycle_start(forum):
    """The day the entry's current review cycle began: last verified, else first published; None if neither."""
    if forum.last_verified:
        return forum.last_verified
    if forum.first_published_at:
        return timezone.localdate(forum.first_published_at)
    return None


def review_due_date(forum, interval_months=None):
    """The day the entry should next be confirmed as accurate, or None for a page never published."""
    start = review_cycle_start(forum)
    if start is None:
        return None
    return add_months(start, interval_months or review_interval_months())


def review_stage(forum, today=None, interval_months=None):
    """``Stage.DUE_SOON`` from the reminder window to the due day, ``Stage.OVERDUE`` after it, else None."""
    due = review_due_date(forum, interval_months)
    if due is None:
        return None
    today = today or timezone.localdate()
    if today > due:
        return Stage.OVERDUE
    if today >= due - datetime.timedelta(days=reminder_days()):
        return Stage.DUE_SOON
    return None


def is_due_for_review(forum, today=None, interval_months=None):
    """True from ``DIRECTORY_REVIEW_REMINDER_DAYS`` before the due day onwards, until the entry is confirmed."""
    return review_stage(forum, today, interval_months) is not None


def is_overdue(forum, today=None, interval_months=None):
    return review_stage(forum, today, interval_months) == Stage.OVERDUE


def latest_cycle_start_due_by(day, interval_months):
    """The latest cycle start whose review falls due on or before ``day``.

    Review dates never go down as the start date goes up, so "due by ``day``" is exactly
    "cycle started on or before this date", which the database can filter on.
    """
    start = add_months(day, -interval_months)
    while add_months(start + datetime.timedelta(days=1), interval_months) <= day:
        start += datetime.timedelta(days=1)
    return start


def with_review_cycle_start(forums):
    """Annotate ``review_cycle_start`` (last verified, else the local date first published) on a forum queryset."""
    return forums.annotate(
        review_cycle_start=Coalesce(
            "last_verified", TruncDate("first_published_at", tzinfo=timezone.get_current_timezone())
        )
    )


def reviewed_forums():
    """Entries the review cycle looks after: listed, in the default language, active or inactive."""
    return with_review_cycle_start(
        ForumPage.objects.listed().filter(
            locale=Locale.get_default(), status__in=[ForumStatus.ACTIVE, ForumStatus.INACTIVE]
        )
    )


def forums_due_for_review(today=None, interval_months=None):
    """Entries whose review is due within the reminder window or overdue, earliest first (editors' report)."""
    today = today or timezone.localdate()
    interval_months = interval_months or review_interval_months()
    window_end = today + datetime.timedelta(days=reminder_days())
    return (
        reviewed_forums()
        .filter(review_cycle_start__lte=latest_cycle_start_due_by(window_end, interval_months))
        .order_by("review_cycle_start", "title")
    )


def forums_needing_reminder(stage, today=None, interval_months=None):
    """Active entries at ``stage`` today that have not had that stage's reminder in their current cycle.

    Due soon: due within ``DIRECTORY_REVIEW_REMINDER_DAYS`` (the due day included). Overdue: past due.
    """
    today = today or timezone.localdate()
    interval_months = interval_months or review_interval_months()
    due_before_today = latest_cycle_start_due_by(today - datetime.timedelta(days=1), interval_months)
    if stage == Stage.OVERDUE:
        in_stage = Q(review_cycle_start__lte=due_before_today)
    else:
        window_end = today + datetime.timedelta(days=reminder_days())
        in_stage = Q(review_cycle_start__gt=due_before_today) & Q(
            review_cycle_start__lte=latest_cycle_start_due_by(window_end, interval_months)
        )
    forums = list(reviewed_forums().filter(in_stage, status=ForumStatus.ACTIVE).order_by("path"))
    already_sent = set(
        ReviewReminder.objects.filter(forum__in=[forum.pk for forum in forums], stage=stage).values_list(
            "forum_id", "due_date"
        )
    )
    return [forum for forum in forums if (forum.pk, review_due_date(forum, interval_months)) not in already_sent]


def reminder_subject(forum, stage, language=None):
    """The reminder's subject line, in ``language`` (the site's main language by default)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        if stage == Stage.OVERDUE:
            return _("Review overdue: is the entry for “%(title)s” still accurate?") % {"title": forum.title}
        return _("Please check the entry for “%(title)s” is still accurate") % {"title": forum.title}


@dataclass
class ReminderRun:
    """What one run of the review cycle did, for the command's summary and the logs."""

    sent: list = field(default_factory=list)  # (forum, stage)
    without_contact: list = field(default_factory=list)  # (forum, stage)


def send_reminder(forum, stage, due, nomination, interval_months):
    """Record the reminder and queue its email, once: False if this stage was already sent this cycle."""
    # In the language the operator used on the site; the site's main language without a nomination.
    language = nomination.language if nomination else settings.LANGUAGE_CODE
    context = {
        "forum": forum,
        "overdue": stage == Stage.OVERDUE,
        "due": due,
        "deadline": due + datetime.timedelta(days=grace_days()),
        "months": interval_months,
        "entry_url": entry_url(forum, language),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    try:
        with transaction.atomic():
            ReviewReminder.objects.create(forum=forum, stage=stage, due_date=due)
            # A new private link: only its hash is stored, so the old one cannot be resent.
            context["link"] = operator_link(rotate_operator_token(nomination), language) if nomination else None
            queue_templated_email(
                nomination.contact_email if nomination else forum.contact_email,
                reminder_subject(forum, stage, language),
                "review_reminder",
                context,
                nomination=nomination,
                language=language,
            )
    except IntegrityError:
        # Another run sent this stage's reminder at the same moment.
        return False
    return True


def send_review_reminders(today=None, dry_run=False):
    """Email the operator of every active entry that is due for review soon or overdue, once per stage.

    The operator is the contact of the entry's current nomination or approved claim (with their
    private link, which is renewed); without one, the entry's private contact email (no link);
    without either, the entry is reported in ``without_contact`` and tried again next run.
    """
    today = today or timezone.localdate()
    interval_months = review_interval_months()
    run = ReminderRun()
    for stage in (Stage.OVERDUE, Stage.DUE_SOON):
        for forum in forums_needing_reminder(stage, today, interval_months):
            nomination = current_operator_nomination(forum)
            if nomination is None and not forum.contact_email:
                run.without_contact.append((forum, stage))
                continue
            due = review_due_date(forum, interval_months)
            if dry_run or send_reminder(forum, stage, due, nomination, interval_months):
                run.sent.append((forum, stage))
    return run


def mark_overdue_inactive(today=None, dry_run=False):
    """Mark active entries overdue by more than the grace period inactive, as a published revision.

    The page, its history and its translations stay; an editor decides what happens next.
    Returns the entries marked.
    """
    today = today or timezone.localdate()
    interval_months = review_interval_months()
    cutoff = latest_cycle_start_due_by(today - datetime.timedelta(days=grace_days() + 1), interval_months)
    forums = list(reviewed_forums().filter(status=ForumStatus.ACTIVE, review_cycle_start__lte=cutoff).order_by("path"))
    if dry_run:
        return forums
    for forum in forums:
        since = review_cycle_start(forum)
        with translation.override(settings.LANGUAGE_CODE):
            reason = _("Not verified since %(date)s. Marked inactive until an editor has reviewed the entry.") % {
                "date": date_format(since, "j F Y")
            }
        for page in live_translations(forum).filter(status=ForumStatus.ACTIVE):
            mark_inactive(page, reason)
    return forums


def mark_inactive(page, reason):
    """Publish a revision of ``page`` with status inactive and ``reason``, and say why in its history."""
    with transaction.atomic():
        publish_status(page, ForumStatus.INACTIVE, reason)
        log(instance=page, action=MARKED_INACTIVE_ACTION, data={"comment": reason})
    logger.info("Marked %s inactive: review overdue", page.url_path)
