"""Verified operators: proof that whoever manages an entry controls the community's website.

The operator is given a token (``directory.verification_tokens``) to place either in a
``<meta name="peer-support-directory-verification" content="…">`` tag on the website's home page
or in the file ``/.well-known/peer-support-directory-verification.txt``. ``check_verification``
("Check now" on the operator's page, and the scheduled link check through ``recheck_verified``)
looks for it with ``core.outbound.fetch_public``: the link checker's User-Agent and timeout, a
cap on what is read, and no private, loopback or link-local address, nor redirects to one.

Found: the entry (every language) is verified from that moment. Gone at a later check of a site
that answered: the verification lapses and the editors are told. A site that does not answer
keeps its state until it does (sites have bad days, as the link checker knows).
"""

from dataclasses import dataclass
from html.parser import HTMLParser

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.outbound import FetchFailed, RefusedAddress, fetch_public
from directory.caching import public_content_changed
from directory.editor_alerts import alert_editors
from directory.linkcheck import MAX_REDIRECTS, user_agent
from directory.models import ForumPage
from directory.verification_tokens import META_NAME, claim_token, verification_token, well_known_url

HOME_PAGE_MAX_BYTES = 512 * 1024  # the meta tag is in the <head>: the start of the page is enough
FILE_MAX_BYTES = 4 * 1024


class MetaTokens(HTMLParser):
    """The ``content`` of every verification meta tag in a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tokens = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta" and (attributes.get("name") or "").strip().lower() == META_NAME:
            self.tokens.add((attributes.get("content") or "").strip())


@dataclass
class VerificationCheck:
    found: bool
    answered: bool  # the site answered (the token's absence then means it was removed)
    error: str = ""


def fetch(url, max_bytes):
    timeout = getattr(settings, "DIRECTORY_LINK_CHECK_TIMEOUT", 15)
    return fetch_public(url, max_bytes=max_bytes, timeout=timeout, user_agent=user_agent(), max_redirects=MAX_REDIRECTS)


def token_on_site(website, token):
    """Look for ``token`` in the home page's meta tag, then in the well-known file."""
    answered, errors = False, []
    for url, max_bytes in ((website, HOME_PAGE_MAX_BYTES), (well_known_url(website), FILE_MAX_BYTES)):
        try:
            fetched = fetch(url, max_bytes)
        except RefusedAddress as error:
            return VerificationCheck(found=False, answered=False, error=str(error))
        except FetchFailed as error:
            errors.append(str(error))
            continue
        answered = answered or fetched.status_code < 500
        if fetched.status_code != 200:
            continue
        text = fetched.body.decode("utf-8", errors="replace")
        if url == website:
            parser = MetaTokens()
            parser.feed(text)
            found = token in parser.tokens
        else:
            found = token in (line.strip() for line in text.splitlines())
        if found:
            return VerificationCheck(found=True, answered=True)
    return VerificationCheck(found=False, answered=answered, error="; ".join(errors)[:300])


def copies(forum):
    return ForumPage.objects.filter(translation_key=forum.translation_key)


def check_verification(forum, now=None):
    """Check ``forum``'s website for its token and record the outcome; the ``VerificationCheck``."""
    check = token_on_site(forum.website, verification_token(forum))
    now = now or timezone.now()
    if check.found and forum.operator_verified_at is None:
        with transaction.atomic():
            copies(forum).update(operator_verified_at=now)
            public_content_changed()
        forum.operator_verified_at = now
    elif not check.found and check.answered and forum.operator_verified_at is not None:
        lapse(forum)
    return check


def lapse(forum):
    """The token is gone: the entry is no longer shown as verified, and the editors are told."""
    with transaction.atomic():
        copies(forum).update(operator_verified_at=None)
        public_content_changed()
        forum.operator_verified_at = None
        context = {"kind": "verification_lapsed", "title": forum.title, "message": ""}
        url = reverse("wagtailadmin_pages:edit", args=[forum.pk])
        subject = _("Verification lapsed: %(title)s")
        transaction.on_commit(lambda: alert_editors(subject, url, context, {"title": forum.title}), robust=True)


def recheck_verified(now=None):
    """The scheduled check: every verified entry (once per community, whatever its languages)."""
    checked = {}
    for forum in ForumPage.objects.live().filter(operator_verified_at__isnull=False).order_by("path"):
        if forum.translation_key not in checked:
            checked[forum.translation_key] = check_verification(forum, now)
    return checked


def claim_is_verified(claim):
    """Whether the claimant's own token is on the community's website: their claim can be approved at once."""
    return token_on_site(claim.forum.website, claim_token(claim)).found
