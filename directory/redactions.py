"""Editors remove a value from an entry's public change history (personal data corrected since).

A value is one public field of one published revision. Once removed, the history shows
"Removed by an editor" wherever it would appear (``directory.history``), in every language; the
revision itself stays for editors. Each removal is recorded with who, when and why, twice: as a
``RevisionRedaction`` (what the history reads) and in the page's Wagtail log (what editors read).
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import PageLogEntry, Revision

from directory.caching import public_content_changed
from directory.history import HISTORY_FIELDS, field_label, raw_value, source_page
from directory.models import RevisionRedaction

REDACT_ACTION = "directory.history.redact"
REMOVED_LABEL = _("Removed by an editor")


class NotInHistory(Exception):
    """The revision or field is not one the entry's public history shows."""


def history_revision(forum, revision_id, field_name):
    """The published revision ``revision_id`` of ``forum``'s history, if ``field_name`` has a value in it.

    Raises ``NotInHistory`` for a field the history does not show, a revision of another page,
    one never published, or an empty value (nothing to remove).
    """
    if field_name not in HISTORY_FIELDS:
        raise NotInHistory
    published_at = (
        PageLogEntry.objects.filter(page_id=source_page(forum), action="wagtail.publish", revision_id=revision_id)
        .order_by("timestamp")
        .values_list("timestamp", flat=True)
        .first()
    )
    revision = Revision.objects.filter(pk=revision_id).first() if published_at else None
    if revision is None or raw_value(revision.content, field_name) in (None, "", []):
        raise NotInHistory
    revision.published_at = published_at
    return revision


@transaction.atomic
def redact_history_value(forum, revision, field_name, reason, user):
    """Remove ``field_name`` of ``revision`` (from ``history_revision``) from ``forum``'s public history.

    Removing a value already removed keeps the first record. Every cached page is forgotten, so
    the history shows the change at once.
    """
    redaction, created = RevisionRedaction.objects.get_or_create(
        revision=revision, field_name=field_name, defaults={"reason": reason, "user": user}
    )
    if created:
        log(
            instance=forum,
            action=REDACT_ACTION,
            user=user,
            revision=revision,
            data={
                "revision_id": revision.pk,
                "field": field_name,
                "label": field_label(field_name),
                "published_at": revision.published_at.isoformat(),
                "reason": reason,
            },
        )
        public_content_changed()
    return redaction
