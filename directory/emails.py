"""The emails the directory sends: rendered from templates, kept as ``OutboundEmail`` records, sent by a task.

Nothing here talks to the mail server directly. ``queue_email`` stores the email first and asks
the task queue to send it once the surrounding transaction has committed, so a failing mail
server never loses a nomination and editors can see every failure in the admin.
"""

import re

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from core import public_urls
from directory.models import OutboundEmail

# An operator's private link, and an email alert's signed confirm / manage / unsubscribe links.
PRIVATE_LINK = re.compile(r"(/listing/|/alerts/(?:confirm|manage|unsubscribe)/)[A-Za-z0-9_:-]{20,}")
# Line breaks of every kind (what str.splitlines() splits on) and other control characters: in
# an email header they are refused (header injection) or break the header.
HEADER_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
SUBJECT_MAX_LENGTH = 200


def single_line_subject(subject):
    """``subject`` safe for an email header: every run of line breaks or control characters
    becomes one space. Titles stored before single-line fields were enforced may hold them."""
    return " ".join(HEADER_BREAKS.sub(" ", str(subject)).split())[:SUBJECT_MAX_LENGTH]


def redact_private_links(text):
    """The text with every private-link token replaced, for what we keep after an email is sent."""
    return PRIVATE_LINK.sub(r"\1[private link]", text)


def public_url(path):
    """An absolute address on the public site for ``path`` (emails cannot use relative links)."""
    return public_urls.public_url(path)


def render_email_body(template_name, context, language=None):
    """The plain-text body of ``directory/emails/<template_name>.txt``, translated into ``language``."""
    with translation.override(language or translation.get_language()):
        return render_to_string(f"directory/emails/{template_name}.txt", context).strip() + "\n"


def queue_email(to, subject, body, nomination=None, alert=None, headers=None):
    """Store an email and send it in the background after the current transaction commits.

    Returns the ``OutboundEmail``; it exists (status "queued") before any attempt to send it.
    ``alert``: the email alert it belongs to (deleted with it); ``headers``: extra headers.
    """
    from directory.tasks import send_outbound_email

    email = OutboundEmail.objects.create(
        to=to,
        subject=single_line_subject(subject),
        body=body,
        nomination=nomination,
        alert=alert,
        headers=headers or {},
    )
    # robust: a queue that refuses one email must not stop the others queued in this transaction.
    transaction.on_commit(lambda: send_outbound_email.enqueue(email.pk), robust=True)
    return email


def site_language():
    """The language the visitor is using the site in (``en`` or ``cy``): their emails are written in it."""
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def email_language(nomination=None, language=None):
    """An email's language: the one asked for, else the one the person used on the site, else the active one."""
    return language or getattr(nomination, "language", None) or translation.get_language()


def queue_templated_email(to, subject, template_name, context, nomination=None, language=None, subject_params=None):
    """Render ``template_name`` and queue it in the person's language (see ``email_language``).

    The subject (``% subject_params``) is translated in the same language, so pass it lazy
    (``gettext_lazy``) with its parameters rather than already formatted.
    """
    language = email_language(nomination, language)
    with translation.override(language):
        subject = str(subject) % subject_params if subject_params else str(subject)
    return queue_email(to, subject, render_email_body(template_name, context, language), nomination=nomination)


def retry_failed_email(email):
    """Give a failed email a fresh set of attempts (an editor's "try again")."""
    from directory.tasks import send_outbound_email

    email.status = OutboundEmail.Status.QUEUED
    email.attempts = 0
    email.save(update_fields=["status", "attempts"])
    transaction.on_commit(lambda: send_outbound_email.enqueue(email.pk), robust=True)
    return email


def entry_url(forum, language=None):
    """The public address of a community's entry (absolute), for emails: in ``language`` when it is live in it.

    A Welsh nominator is sent the /cy/ address of their entry; where there is no live Welsh copy
    (the Welsh site not set up), the entry's own address.
    """
    page = forum
    if language and forum.locale.language_code != language:
        page = forum.get_translations().live().filter(locale__language_code=language).first() or forum
    return public_url(page.url or "/")
