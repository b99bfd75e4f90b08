"""What the public sends in, kept apart from the live pages until an editor decides.

Nominations (a new community, or a claim on an existing one), suggested edits, problem reports
and the emails we send about them. Contact details here are private.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def person_language_field():
    """The language someone filled a public form in; emails to them are written in it."""
    return models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language the form was filled in; emails to this person are written in it."),
    )


def sent_quickly_field():
    """Whether the form came back faster than a person usually fills it in (kept, flagged for editors)."""
    return models.BooleanField(
        _("sent quickly"),
        default=False,
        help_text=_(
            "Sent within a few seconds of the form opening, as robots do (and people using autofill): "
            "check it with care."
        ),
    )


class Nomination(models.Model):
    """An operator's request to list a community (or to claim an existing entry).

    The operator's private link carries a random token; only its SHA-256 hash is stored. The link
    stops working (``token_revoked_at``) when the entry's ownership passes to someone else.
    """

    class Kind(models.TextChoices):
        NEW = "new", _("New community")
        CLAIM = "claim", _("Claim of an existing entry")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an editor")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REMOVAL_REQUESTED = "removal_requested", _("Removal requested")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEW)
    forum = models.ForeignKey(
        "directory.ForumPage",
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="nominations",
    )
    # A member's (or user's) suggestion rather than the operator's nomination: no operator
    # declaration, the person is not the entry's contact and gets no private link.
    from_member = models.BooleanField(
        _("member's suggestion"),
        default=False,
        help_text=_("Suggested by someone who uses the community, not by whoever runs it."),
    )
    contact_name = models.CharField(_("contact name"), max_length=200)
    contact_email = models.EmailField(_("contact email"))
    message = models.TextField(_("message"), blank=True, max_length=2000)
    language = person_language_field()
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_created_at = models.DateTimeField(auto_now_add=True)
    # Set when someone else became the entry's contact: the link then answers "no longer works".
    token_revoked_at = models.DateTimeField(_("private link stopped"), null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    sent_quickly = sent_quickly_field()
    editor_comment = models.TextField(_("editor's comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        indexes = [models.Index(fields=["status", "-submitted_at"])]

    def __str__(self):
        return self.reference


class EditSuggestion(models.Model):
    """Anyone's proposed change to a live entry; becomes a revision only if an editor accepts it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an editor")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    # Quoted to the person on the thanks page and in the acknowledgement (``new_reference``).
    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True, editable=False)
    forum = models.ForeignKey(
        "directory.ForumPage", verbose_name=_("community"), on_delete=models.CASCADE, related_name="suggestions"
    )
    proposed = models.JSONField(_("proposed values"), default=dict)
    reason = models.TextField(_("reason"), max_length=2000)
    suggester_name = models.CharField(_("name"), max_length=200, blank=True)
    suggester_email = models.EmailField(_("email"), blank=True)
    language = person_language_field()
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    sent_quickly = sent_quickly_field()
    decision_reason = models.TextField(_("reason for decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("suggested edit")
        verbose_name_plural = _("suggested edits")
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self):
        return f"{self.forum} ({self.get_status_display()})"


class ProblemReport(models.Model):
    """Anyone's report that an entry is wrong, broken, closed or should not be listed."""

    class Kind(models.TextChoices):
        BROKEN_LINK = "broken_link", _("The link does not work")
        CLOSED = "closed", _("The community has closed")
        WRONG_DETAILS = "wrong_details", _("Some details are wrong")
        SHOULD_NOT_BE_LISTED = "should_not_be_listed", _("It should not be listed")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True, editable=False)
    forum = models.ForeignKey(
        "directory.ForumPage", verbose_name=_("community"), on_delete=models.CASCADE, related_name="problem_reports"
    )
    kind = models.CharField(_("problem"), max_length=30, choices=Kind.choices)
    details = models.TextField(_("details"), max_length=2000, blank=True)
    reporter_email = models.EmailField(_("email"), blank=True)
    language = person_language_field()
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    sent_quickly = sent_quickly_field()
    resolution_note = models.TextField(_("resolution"), blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("problem report")
        verbose_name_plural = _("problem reports")
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self):
        return f"{self.forum}: {self.get_kind_display()}"


class OutboundEmail(models.Model):
    """An email we owe someone; kept so a failing mail server loses nothing and editors see failures."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    nomination = models.ForeignKey(Nomination, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails")
    # An alert's emails go with the alert: unsubscribing leaves no copy of the address behind.
    alert = models.ForeignKey(
        "directory.AlertSubscription", null=True, blank=True, on_delete=models.CASCADE, related_name="emails"
    )
    # Extra headers (an alert's List-Unsubscribe), sent as they are.
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self):
        return f"{self.subject} ({self.get_status_display()})"


class SpentFormToken(models.Model):
    """The random part of a public form's signed "started" token, once a submission has used it.

    Each token is good for one submission: a robot cannot fetch one form and post it a thousand
    times. Rows older than ``PUBLIC_FORM_MAX_AGE_SECONDS`` are deleted (their tokens have expired).
    """

    nonce = models.CharField(max_length=32, unique=True)
    spent_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return self.nonce
