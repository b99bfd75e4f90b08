"""An operator's private link (/listing/<token>/) and the nomination's reference.

Only a hash of the link's token is stored. A link stops working when someone else comes to manage
the entry: a claim approved, or the contact email changed by an editor.
"""

import hashlib
import hmac
import re
import secrets

from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation

from directory.emails import public_url
from directory.models import EditSuggestion, Nomination, ProblemReport

# Unambiguous characters for references read out over the phone: no 0/O, 1/I/L.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCED = (Nomination, EditSuggestion, ProblemReport)  # what the public sends in, each with a reference
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,100}")
# Nominations and claims waiting for an editor.
ACTIVE_STATUSES = (Nomination.Status.PENDING, Nomination.Status.CHANGES_REQUESTED)


class LinkRevoked(Exception):
    """A private link that once worked, stopped because someone else now manages the entry."""


def new_token():
    """A random secret for an operator's private link (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def hash_token(token):
    """What we store instead of the token: its SHA-256 hex digest."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_reference():
    """A short, unique, human-friendly reference such as ``PSD-7K3Q-9XWM``.

    Random (31⁸ possibilities), so it tells nothing of how many came before and cannot be
    guessed from another; unique across nominations, suggested edits and problem reports, so
    an editor searching for one finds exactly one thing.
    """
    while True:
        code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
        reference = f"PSD-{code[:4]}-{code[4:]}"
        if not any(model.objects.filter(reference=reference).exists() for model in REFERENCED):
            return reference


def operator_link(token, language=None):
    """The absolute address of the operator's private page for ``token``, in ``language`` (the active one)."""
    with translation.override(language or translation.get_language()):
        return public_url(reverse("operator_listing", args=[token]))


def nomination_for_token(token):
    """The nomination whose private link carries ``token``; a plain 404 for any wrong token.

    Only the hash is stored; the stored hash is compared in constant time. A claim's link works
    only once an editor has approved the claim. ``LinkRevoked`` for a link stopped when the
    entry's ownership changed (``revoke_other_links``).
    """
    if not TOKEN_PATTERN.fullmatch(token or ""):
        raise Http404
    digest = hash_token(token)
    nomination = Nomination.objects.select_related("forum").filter(token_hash=digest).first()
    if nomination is None or not hmac.compare_digest(nomination.token_hash, digest):
        raise Http404
    if nomination.kind == Nomination.Kind.CLAIM and nomination.status != Nomination.Status.APPROVED:
        raise Http404
    if nomination.from_member:  # a member suggested the entry: only its operator may manage it (by claiming)
        raise Http404
    if nomination.token_revoked_at is not None:
        raise LinkRevoked
    return nomination


def rotate_operator_token(nomination):
    """Give the nomination a new private link and return its token; the old link stops working."""
    token = new_token()
    nomination.token_hash = hash_token(token)
    nomination.token_created_at = timezone.now()
    nomination.token_revoked_at = None
    nomination.save(update_fields=["token_hash", "token_created_at", "token_revoked_at", "updated_at"])
    return token


def revoke_other_links(forum, keep=None):
    """Stop every private link to ``forum`` but ``keep``'s: someone else manages the entry now.

    The old links answer "this link no longer works" (never a page with the new contact's
    details). Returns how many links were stopped.
    """
    links = Nomination.objects.filter(forum=forum, token_revoked_at__isnull=True)
    if keep is not None:
        links = links.exclude(pk=keep.pk)
    return links.update(token_revoked_at=timezone.now(), updated_at=timezone.now())


def revoke_links_of_former_contacts(forum):
    """After a publish: stop the links of people who are no longer the entry's contact.

    An editor who changes the entry's contact email hands the entry to someone else; the old
    contact's link must not keep working. Claims still waiting for an editor, and members'
    suggestions, have no working link (a member is never the contact, and still hears the decision).
    """
    current = (forum.contact_email or "").strip().lower()
    links = Nomination.objects.filter(forum=forum, token_revoked_at__isnull=True, from_member=False).exclude(
        kind=Nomination.Kind.CLAIM, status__in=ACTIVE_STATUSES
    )
    former = [link.pk for link in links if link.contact_email.strip().lower() != current]
    if former:
        Nomination.objects.filter(pk__in=former).update(token_revoked_at=timezone.now(), updated_at=timezone.now())
    return len(former)


def current_operator_nomination(forum):
    """The operator's nomination for a community (the newest approved or active one with a working link), or None."""
    return (
        Nomination.objects.filter(forum=forum)
        .exclude(status__in=(Nomination.Status.REJECTED, Nomination.Status.WITHDRAWN))
        .exclude(kind=Nomination.Kind.CLAIM, status__in=ACTIVE_STATUSES)
        .filter(token_revoked_at__isnull=True, from_member=False)
        .order_by("-submitted_at")
        .first()
    )
