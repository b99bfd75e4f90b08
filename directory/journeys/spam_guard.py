"""Spam protection of the public forms: a honeypot field and a signed, single-use start token."""

import datetime
import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import SpentFormToken

START_SALT = "directory.forms.started"  # unchanged since the module moved: forms already out stay valid


def signed_start_time(started_at=None, nonce=None):
    """A new signed token for a form's hidden ``started`` field: when the form was served, and a
    random nonce that makes it good for one submission (``SpamGuardMixin.accept_start``)."""
    started_at = int(started_at if started_at is not None else time.time())
    return signing.dumps({"t": started_at, "n": nonce or secrets.token_hex(16)}, salt=START_SALT)


def read_start_token(signed_value):
    """``(started_at, nonce)`` from a ``started`` token, or None if it is missing, forged or of an old kind."""
    try:
        value = signing.loads(signed_value or "", salt=START_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("t"), int) or not isinstance(value.get("n"), str):
        return None
    return value["t"], value["n"]


def minimum_fill_seconds():
    return getattr(settings, "PUBLIC_FORM_MIN_SECONDS", 3)


def maximum_form_age():
    """Seconds a served form's token stays good for (then the person is asked to send it again)."""
    return getattr(settings, "PUBLIC_FORM_MAX_AGE_SECONDS", 6 * 3600)


def spend_start_nonce(nonce):
    """Record a token's nonce as used; False if a submission already used it.

    Old records go as new ones come: a token older than ``maximum_form_age`` is refused anyway.
    """
    cutoff = timezone.now() - datetime.timedelta(seconds=maximum_form_age())
    SpentFormToken.objects.filter(spent_at__lt=cutoff).delete()
    try:
        with transaction.atomic():
            SpentFormToken.objects.create(nonce=nonce)
    except IntegrityError:
        return False
    return True


SEND_AGAIN = _("Your answers have not been sent yet. Check them and send the form again.")


class SpamGuardMixin(forms.Form):
    """A honeypot field people never see, and a signed start token: robots fill forms fast and fully.

    A filled honeypot is refused (``is_spam``). A timed form's token must be genuine, younger than
    ``PUBLIC_FORM_MAX_AGE_SECONDS`` and not used by an earlier submission: otherwise the form is
    shown again with everything typed and a fresh token, and the person sends it again
    (``accept_start``). A form back within ``PUBLIC_FORM_MIN_SECONDS`` is accepted but flagged for
    the editors (``sent_quickly``): people with autofill are fast too.
    """

    started = forms.CharField(widget=forms.HiddenInput, required=False)
    nickname = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    # Later steps of a multi-step form can be quick (two radio buttons); only first steps are timed.
    check_fill_time = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started"].initial = signed_start_time()
        self.start = None
        if self.is_bound:
            name = self.add_prefix("started")
            self.start = read_start_token(self.data.get(name))
            if self.start is not None and time.time() - self.start[0] > maximum_form_age():
                self.start = None
            # Shown again (errors, or sent again), the form carries a fresh token for the same start.
            self.data = self.data.copy()
            self.data[name] = signed_start_time(self.start[0] if self.start else None)

    def is_spam(self):
        """True when the honeypot is filled: nothing is stored and the person is told so."""
        return bool(self.data.get(self.add_prefix("nickname")))

    @property
    def sent_quickly(self):
        """Whether the form came back within ``PUBLIC_FORM_MIN_SECONDS`` of being served."""
        if not self.check_fill_time or self.start is None:
            return False
        return time.time() - self.start[0] < minimum_fill_seconds()

    def accept_start(self):
        """Use up the form's token; False (and a message asking to send again) if it is missing,
        forged, expired or already used. Untimed forms (later steps) always pass."""
        if not self.check_fill_time:
            return True
        if self.start is None or not spend_start_nonce(self.start[1]):
            self.add_error(None, ValidationError(SEND_AGAIN, code="send_again"))
            return False
        return True
