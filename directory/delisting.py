"""Delisting: taking a community out of every public list while keeping its page and history.

A delisted entry leaves the listing, search, feeds, exports, the APIs (Wagtail and Open
Referral), the sitemap and the progress figures, because each of them reads
``ForumPage.objects.listed()``. Its page stays at the same address and says why it was
delisted, so links to it still explain what happened; its history stays too. Editors usually
delist in the page editor (status "Delisted" and a reason); these functions do the same for
code, as a published revision with an entry in the page's history.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from directory.models import ForumStatus


@transaction.atomic
def delist_forum(forum, reason, user=None):
    """Delist ``forum`` (and its translations that are not aliases) with a public ``reason``."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"status_reason": _("Say why the community is delisted; the reason is shown publicly.")})
    for page in live_translations(forum):
        publish_status(page, ForumStatus.DELISTED, reason, user)


@transaction.atomic
def relist_forum(forum, user=None):
    """Put a delisted ``forum`` back in the directory as active, without a status reason."""
    for page in live_translations(forum):
        publish_status(page, ForumStatus.ACTIVE, "", user)


def live_translations(forum):
    """The live pages of ``forum`` in every language, itself included, except aliases (they follow their source)."""
    return forum.get_translations(inclusive=True).live().filter(alias_of__isnull=True).specific()


def publish_status(page, status, reason, user=None):
    """Publish a revision of the live ``page`` with a new status and reason, recorded in its history.

    Only the status changes (``clean=False``: an older entry's other fields must not block it).
    """
    page.status, page.status_reason = status, reason
    page.save_revision(user=user, log_action=True, clean=False).publish(user=user)
