"""Tell the editors when the public sends something to review: a nomination, an operator's update,
a claim, a suggested edit.

One email per editor per record, in the language of the editor's admin, queued like every other
email (``directory.emails``) so a mail-server failure loses nothing and shows in the admin.
Recipients: active members of "Directory editors" and active superusers, once each.
Wagtail's own "submitted for review" emails are left out for workflows the public started
(``directory.moderation``), so nobody gets two emails about one nomination.
"""

from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.models import WorkflowState
from wagtail.users.models import UserProfile

from directory.emails import public_url, queue_templated_email
from directory.models import EditSuggestion, Nomination
from directory.site_tree import EDITORS_GROUP


def editors_to_alert():
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return users.filter(Q(is_superuser=True) | Q(groups__name=EDITORS_GROUP)).distinct().order_by("pk")


def admin_language(user):
    """The editor's admin language if the site has it, else the site's default."""
    language = (UserProfile.get_for_user(user).get_preferred_language() or "").split("-")[0].lower()
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def alert_editors(subject, record_url, context, subject_params, still_waiting=None):
    """Queue the email to each editor (after the commit), unless the record was decided meanwhile."""
    if still_waiting is not None and not still_waiting():
        return
    for user in editors_to_alert():
        queue_templated_email(
            user.email,
            subject,
            "editors_new_record",
            {**context, "editor": user, "record_url": public_url(record_url)},
            language=admin_language(user),
            subject_params=subject_params,
        )


def on_claim_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw or instance.kind != Nomination.Kind.CLAIM or instance.forum_id is None:
        return
    context = {"kind": "claim", "title": instance.forum.title, "message": instance.message}
    url = reverse("claims:inspect", args=[instance.pk])
    subject = _("New claim to check: %(title)s")
    waiting = Nomination.objects.filter(pk=instance.pk, status=Nomination.Status.PENDING).exists
    alert = partial(alert_editors, subject, url, context, {"title": instance.forum.title}, waiting)
    transaction.on_commit(alert, robust=True)


def on_review_started_by_the_public(sender, instance, user=None, **kwargs):
    """A nomination, or an operator's update through their private link, started a review."""
    if instance.requested_by_id is not None:
        return  # an editor sent it: Wagtail's own notification tells the other editors
    forum = instance.content_object.specific
    nomination = Nomination.objects.filter(forum_id=forum.pk, kind=Nomination.Kind.NEW).order_by("-updated_at").first()
    is_update = forum.first_published_at is not None
    context = {
        "kind": "update" if is_update else "nomination",
        "title": forum.title,
        "message": "" if is_update or nomination is None else nomination.message,
    }
    if nomination is not None:
        url = reverse("nominations:inspect", args=[nomination.pk])
    else:
        url = reverse("wagtailadmin_pages:edit", args=[forum.pk])
    subject = _("Changes to review: %(title)s") if is_update else _("New nomination to review: %(title)s")
    waiting = WorkflowState.objects.filter(pk=instance.pk, status=WorkflowState.STATUS_IN_PROGRESS).exists
    alert = partial(alert_editors, subject, url, context, {"title": forum.title}, waiting)
    transaction.on_commit(alert, robust=True)


def on_suggestion_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    context = {"kind": "suggestion", "title": instance.forum.title, "message": instance.reason}
    url = reverse("suggestions:inspect", args=[instance.pk])
    subject = _("New suggested edit: %(title)s")
    waiting = EditSuggestion.objects.filter(pk=instance.pk, status=EditSuggestion.Status.PENDING).exists
    alert = partial(alert_editors, subject, url, context, {"title": instance.forum.title}, waiting)
    transaction.on_commit(alert, robust=True)


def connect_editor_alerts():
    from wagtail.signals import workflow_submitted

    post_save.connect(on_claim_saved, sender=Nomination, dispatch_uid="directory.alert_editors_claim")
    workflow_submitted.connect(
        on_review_started_by_the_public, sender=WorkflowState, dispatch_uid="directory.alert_editors_review"
    )
    post_save.connect(on_suggestion_saved, sender=EditSuggestion, dispatch_uid="directory.alert_editors_suggestion")
