"""Email alerts about new communities: one row per address and saved search, nothing more.

Only the address, the saved query (the directory's own query-string parameters), how often to
write and in which language are kept. The secret in the alert's links is stored as its SHA-256
hash; the links themselves are signed (``directory.alerts``). A request nobody confirms is
deleted after a week; unsubscribing deletes the row, and with it the emails queued for it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .moderation import person_language_field


class AlertSubscription(models.Model):
    """Someone's request to be emailed about communities newly listed that match a search."""

    class Frequency(models.TextChoices):
        IMMEDIATELY = "immediately", _("As soon as a community is listed")
        DAILY = "daily", _("Once a day")
        WEEKLY = "weekly", _("Once a week")

    email = models.EmailField(_("email address"))
    # SHA-256 of the address as typed in lower case: counts per address without reading the addresses.
    email_digest = models.CharField(max_length=64, db_index=True)
    query = models.JSONField(_("saved search"), default=dict, blank=True)
    frequency = models.CharField(_("how often"), max_length=12, choices=Frequency.choices, default=Frequency.DAILY)
    language = person_language_field()
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("asked for"), auto_now_add=True, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # Communities listed after this moment are the next email's news.
    last_sent_at = models.DateTimeField(_("last email"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("email alert")
        verbose_name_plural = _("email alerts")
        indexes = [models.Index(fields=["frequency", "confirmed_at"])]

    def __str__(self):
        return f"{self.get_frequency_display()} ({self.pk})"
