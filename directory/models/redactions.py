"""Values editors have removed from the public change history (personal data corrected since)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RevisionRedaction(models.Model):
    """One field of one published revision, removed from the public history by an editor, and why.

    The history shows "Removed by an editor" wherever that value would appear: as the new value of
    the change that published it and the old value of the change that replaced it, and in every
    language's copy of the entry (see ``directory.history``). The revision itself is kept, for
    editors and for rollback; only the public history hides it.
    """

    revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.CASCADE, related_name="+", verbose_name=_("revision")
    )
    field_name = models.CharField(_("field"), max_length=100)
    reason = models.TextField(_("reason"), max_length=2000)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("removed by"),
    )
    created_at = models.DateTimeField(_("removed at"), default=timezone.now)

    class Meta:
        verbose_name = _("value removed from the public history")
        verbose_name_plural = _("values removed from the public history")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "field_name"], name="one_redaction_per_revision_field")
        ]

    def __str__(self):
        return f"{self.field_name} of revision {self.revision_id}"
