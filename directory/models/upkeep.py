"""Keeping entries true over time: link-check results and review reminders sent."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkCheck(models.Model):
    """One check of a community's web address; the history shows links failing over days."""

    class Outcome(models.TextChoices):
        OK = "ok", _("Working")
        REDIRECTED = "redirected", _("Redirected")
        CLIENT_ERROR = "client_error", _("Not found or refused (4xx)")
        SERVER_ERROR = "server_error", _("Server error (5xx)")
        TIMEOUT = "timeout", _("Timed out")
        CONNECTION_ERROR = "connection_error", _("Could not connect")

    forum = models.ForeignKey(
        "directory.ForumPage", on_delete=models.CASCADE, related_name="link_checks", verbose_name=_("community")
    )
    url = models.URLField(_("address checked"), max_length=500)
    checked_at = models.DateTimeField(_("checked"), auto_now_add=True, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    final_url = models.URLField(_("final address"), max_length=500, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    elapsed_ms = models.PositiveIntegerField(_("time taken (ms)"), null=True, blank=True)

    class Meta:
        ordering = ["-checked_at"]
        verbose_name = _("link check")
        verbose_name_plural = _("link checks")

    def __str__(self):
        return f"{self.url}: {self.get_outcome_display()}"

    @property
    def is_failure(self):
        return self.outcome not in (self.Outcome.OK, self.Outcome.REDIRECTED)


class ReviewReminder(models.Model):
    """A review reminder sent to an operator; one per stage per review cycle, never twice."""

    class Stage(models.TextChoices):
        DUE_SOON = "due_soon", _("Review due soon")
        OVERDUE = "overdue", _("Review overdue")

    forum = models.ForeignKey(
        "directory.ForumPage", on_delete=models.CASCADE, related_name="review_reminders", verbose_name=_("community")
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    due_date = models.DateField(_("review due"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("review reminder")
        verbose_name_plural = _("review reminders")
        constraints = [
            models.UniqueConstraint(fields=["forum", "stage", "due_date"], name="one_reminder_per_stage_per_cycle")
        ]

    def __str__(self):
        return f"{self.forum}: {self.get_stage_display()}"


class PublicContentChange(models.Model):
    """A row per change to what the public sees: the directory's in-process indexes key on the latest.

    Written by ``directory.caching.public_content_changed`` inside the transaction that makes the
    change, so other processes see it exactly when they see the change (no lock is taken: each
    change is a new row). ``token`` is random so a restored backup never matches an index built
    from different rows under the same id. ``page_id`` names the page a publish, unpublish, move,
    edit or deletion changed (empty for any other change): the facet index of the next version is
    derived from the previous one when only communities' texts changed (``listing.facet_patch``).
    """

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now_add=True)
    page_id = models.PositiveBigIntegerField(null=True, blank=True)  # no key: a deleted page's row stays

    class Meta:
        verbose_name = _("public content change")
