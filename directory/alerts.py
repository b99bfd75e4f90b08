"""Email alerts about newly listed communities, without an account (docs/open-data.md, privacy notice).

- ``request_alert`` keeps the address and the saved search unconfirmed and emails a signed link
  that expires after ``ALERT_CONFIRM_DAYS`` days; nothing else is sent before it is confirmed, and
  unconfirmed requests are deleted by ``delete_expired_requests``. An address may hold at most
  ``ALERT_MAX_PER_ADDRESS`` alerts; beyond that nothing is sent, and the answer is the same, so
  the form never tells anyone which addresses are subscribed.
- ``send_due_alerts`` writes to each confirmed subscriber whose turn it is (immediately, daily,
  weekly) about the communities that became listed since their last email, matching their search
  in their language. The emails go through ``directory.emails`` (kept, retried, shown to editors)
  with one-click unsubscribe headers (RFC 8058).
- Every link carries the hash of the alert's random secret, signed with the site's key: a link
  cannot be made up, is found by that hash, and stops working when the alert is asked for again.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from taggit.models import Tag
from wagtail.models import Locale

from directory.emails import public_url, queue_email, render_email_body, single_line_subject
from directory.listing.engine import forums_matching_text
from directory.listing.facets import FACET_LABELS, FACETS
from directory.listing.filters import DirectoryFilters
from directory.models import AlertSubscription, Audience, CommunityType, ForumPage, ForumPageTag, Region
from directory.models.public import listed_forums, public_departments

Frequency = AlertSubscription.Frequency
LINK_SALTS = {
    "confirm": "directory.alerts.confirm",
    "manage": "directory.alerts.manage",
    "unsubscribe": "directory.alerts.unsubscribe",
}
# How long after its last email a subscriber's turn comes round; an hour's slack so a daily run
# a few minutes early does not skip a day.
INTERVALS = {Frequency.DAILY: datetime.timedelta(days=1), Frequency.WEEKLY: datetime.timedelta(days=7)}
SLACK = datetime.timedelta(hours=1)
FORUMS_PER_EMAIL = 50
NAMED_BY = {"audience": Audience, "region": Region, "type": CommunityType}


def confirm_days():
    return getattr(settings, "ALERT_CONFIRM_DAYS", 7)


def max_alerts_per_address():
    return getattr(settings, "ALERT_MAX_PER_ADDRESS", 10)


def address_digest(email):
    """The address as counted: SHA-256 of it trimmed and in lower case."""
    return hashlib.sha256(email.strip().casefold().encode()).hexdigest()


def hash_secret(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


# --- The saved search ---------------------------------------------------------------------------


def saved_search(querydict):
    """The directory's text and facets in ``querydict`` as kept with an alert (no sort, no page)."""
    filters = DirectoryFilters.from_querydict(querydict)
    search = {name: list(getattr(filters, name)) for name in FACETS if getattr(filters, name)}
    if filters.q:
        search["q"] = filters.q
    return search


def search_querystring(search):
    """The saved search as the directory's query string, to link to the same listing."""
    return DirectoryFilters.from_querydict(search).querystring()


def describe_search(search):
    """``[(label, text)]`` saying in words what an alert is about, in the active language."""
    lines = []
    if search.get("q"):
        lines.append((_("Words"), search["q"]))
    for name in FACETS:
        slugs = search.get(name) or []
        if slugs:
            lines.append((FACET_LABELS[name], ", ".join(names_of(name, slugs))))
    return lines


def names_of(facet, slugs):
    """The names of a facet's values, in the order given, as the public may see them.

    A topic is named only when a listed community in this language has it, a department only when
    it is public (as the listing's own filters say); any other slug is shown as it was asked for.
    """
    if facet == "topic":
        in_use = ForumPageTag.objects.filter(content_object__in=listed_forums()).values("tag_id")
        names = dict(Tag.objects.filter(slug__in=slugs, pk__in=in_use).values_list("slug", "name"))
    elif facet == "department":
        names = dict(public_departments().filter(slug__in=slugs).values_list("slug", "title"))
    elif facet in NAMED_BY:
        names = {term.slug: str(term) for term in NAMED_BY[facet].objects.filter(slug__in=slugs)}
    else:
        names = {value: str(label) for value, label in ForumPage._meta.get_field("engagement_preference").choices}
    return [names.get(slug, slug) for slug in slugs]


# --- Links ----------------------------------------------------------------------------------------


def alert_link(kind, alert):
    """The absolute address of an alert's ``kind`` page (confirm, manage, unsubscribe), signed."""
    signed = signing.TimestampSigner(salt=LINK_SALTS[kind]).sign(alert.token_hash)
    with translation.override(alert.language):
        return public_url(reverse(f"alert_{kind}", args=[signed]))


def alert_for_link(kind, signed):
    """The alert a signed link is for; None for a forged, expired or spent link.

    A confirmation link expires with the request; the others last as long as the alert.
    """
    max_age = datetime.timedelta(days=confirm_days()) if kind == "confirm" else None
    try:
        token_hash = signing.TimestampSigner(salt=LINK_SALTS[kind]).unsign(signed or "", max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is one
        return None
    return AlertSubscription.objects.filter(token_hash=token_hash).first()


# --- Asking, confirming, stopping -----------------------------------------------------------------


def request_alert(email, search, frequency, language):
    """Keep an unconfirmed alert and email its confirmation link; the alert, or None when nothing was sent.

    Asking again for the same search sends a fresh link (the old one stops working); an address
    already holding the most alerts allowed gets nothing.
    """
    digest = address_digest(email)
    existing = AlertSubscription.objects.filter(email_digest=digest, query=search).first()
    if existing is not None and existing.confirmed_at is not None:
        return None  # already sending; its emails carry the manage link
    if existing is None and AlertSubscription.objects.filter(email_digest=digest).count() >= max_alerts_per_address():
        return None
    alert = existing or AlertSubscription(email=email.strip(), email_digest=digest, query=search)
    alert.frequency, alert.language, alert.token_hash = frequency, language, hash_secret(secrets.token_urlsafe(32))
    alert.save()
    alert.emails.filter(status="queued").delete()  # an earlier link not yet sent goes with its secret
    context = {
        "confirm_link": alert_link("confirm", alert),
        "about": describe_search_in(search, language),
        "frequency": alert.get_frequency_display,
        "days": confirm_days(),
    }
    subject = _("Confirm your email alert from the Peer Support Directory")
    queue_alert_email(alert, subject, "alert_confirm", context)
    return alert


def describe_search_in(search, language):
    with translation.override(language):
        return [(str(label), text) for label, text in describe_search(search)]


def confirm_alert(alert):
    """The subscriber clicked their link: from now on, newly listed communities are their news."""
    if alert.confirmed_at is None:
        alert.confirmed_at = alert.last_sent_at = timezone.now()
        alert.save(update_fields=["confirmed_at", "last_sent_at"])
    return alert


def stop_alert(alert):
    """Delete the alert, its address and every email kept for it."""
    alert.delete()


def stop_all_alerts(alert):
    """Delete every alert of this alert's address (and their emails)."""
    AlertSubscription.objects.filter(email_digest=alert.email_digest).delete()


def change_frequency(alert, frequency):
    alert.frequency = frequency
    alert.save(update_fields=["frequency"])


def delete_expired_requests(now=None):
    """Delete requests nobody confirmed within ``ALERT_CONFIRM_DAYS`` days; how many went."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=confirm_days())
    expired = AlertSubscription.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff)
    count = expired.count()
    expired.delete()
    return count


# --- Sending the news -----------------------------------------------------------------------------


def new_matches(alert, until):
    """The communities listed in the alert's language after its last email and by ``until``, matching its search."""
    locale = Locale.objects.filter(language_code=alert.language).first()
    if locale is None:
        return ForumPage.objects.none()
    forums = listed_forums(locale).filter(first_published_at__gt=alert.last_sent_at, first_published_at__lte=until)
    filters = DirectoryFilters.from_querydict(alert.query)
    if filters.terms:
        with translation.override(alert.language):
            forums = forums_matching_text(forums, filters.terms, locale)
    return filters.apply(forums).order_by("first_published_at", "pk")


def due_alerts(frequency, now):
    alerts = AlertSubscription.objects.filter(frequency=frequency, confirmed_at__isnull=False)
    if frequency in INTERVALS:
        alerts = alerts.filter(last_sent_at__lte=now - INTERVALS[frequency] + SLACK)
    return alerts


def send_due_alerts(frequency, now=None):
    """Email every confirmed subscriber of ``frequency`` whose turn it is and who has news; how many were written to."""
    now = now or timezone.now()
    written = 0
    for alert in due_alerts(frequency, now).iterator():
        forums = list(new_matches(alert, now)[: FORUMS_PER_EMAIL + 1])
        with transaction.atomic():
            if forums:
                send_news(alert, forums[:FORUMS_PER_EMAIL], more=len(forums) > FORUMS_PER_EMAIL)
                written += 1
            # Nothing new up to ``now``; past the most one email lists, the rest are the next email's news.
            alert.last_sent_at = (
                forums[FORUMS_PER_EMAIL - 1].first_published_at if len(forums) > FORUMS_PER_EMAIL else now
            )
            alert.save(update_fields=["last_sent_at"])
    return written


def send_news(alert, forums, more=False):
    language = alert.language
    with translation.override(language):
        entries = [(forum.title, forum.summary, public_url(forum.url or "/")) for forum in forums]
        directory = public_url(reverse("wagtail_serve", args=["directory/"])) + "?" + search_querystring(alert.query)
    context = {
        "forums": entries,
        "more": more,
        "directory_url": directory,
        "about": describe_search_in(alert.query, language),
        "manage_link": alert_link("manage", alert),
        "unsubscribe_link": alert_link("unsubscribe", alert),
    }
    subject = _("New communities in the Peer Support Directory")
    return queue_alert_email(alert, subject, "alert_news", context)


def queue_alert_email(alert, subject, template_name, context):
    """Queue an alert's email in its language, with the one-click unsubscribe headers (RFC 8058)."""
    with translation.override(alert.language):
        subject = single_line_subject(str(subject))
    headers = {
        "List-Unsubscribe": f"<{alert_link('unsubscribe', alert)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    body = render_email_body(template_name, context, alert.language)
    return queue_email(alert.email, subject, body, alert=alert, headers=headers)


def alert_counts():
    """What editors see of the alerts: counts only, never an address."""
    return AlertSubscription.objects.aggregate(
        confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
        waiting=Count("pk", filter=Q(confirmed_at__isnull=True)),
        immediately=Count("pk", filter=Q(confirmed_at__isnull=False, frequency=Frequency.IMMEDIATELY)),
        daily=Count("pk", filter=Q(confirmed_at__isnull=False, frequency=Frequency.DAILY)),
        weekly=Count("pk", filter=Q(confirmed_at__isnull=False, frequency=Frequency.WEEKLY)),
    )


# --- Tasks ------------------------------------------------------------------------------------------


@task()
def send_alerts(frequency):
    """Send one frequency's due alerts ("immediately" on publish; `manage.py send_alerts` the others, daily)."""
    written = send_due_alerts(frequency)
    expired = delete_expired_requests() if frequency != Frequency.IMMEDIATELY else 0
    return {"written": written, "expired": expired}


def on_forum_published(sender, instance, **kwargs):
    """A community went live: once committed, tell the "immediately" subscribers whose search it matches."""
    transaction.on_commit(lambda: send_alerts.enqueue(Frequency.IMMEDIATELY), robust=True)


def connect_alerts():
    from wagtail.signals import page_published

    page_published.connect(on_forum_published, sender=ForumPage, dispatch_uid="directory.alerts.published")
