"""What an editor needs to decide on an entry in one screen, on a moderation record and in the page editor.

The entry's links (edit, preview, live), the visible Approve / Request changes buttons when a
review is waiting for this editor, the nominator's message, the suitability answers as the draft
has them, and possible duplicates.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from directory.duplicates import possible_duplicates
from directory.models import Nomination
from directory.nominations import ACTIVE_STATUSES

# The entry's answers to the nomination form's suitability questions, as the draft has them, in an
# order of their own; a test holds them to the public fields (directory.models.public_fields).
SUITABILITY_FIELDS = [
    "website",
    "community_type",
    "operator_name",
    "operator_kind",
    "is_moderated",
    "house_rules_url",
    "engagement_preference",
    "welcomes_expert_answers",
    "welcomes_hosted_qa",
    "welcomes_moderator_referral",
    "welcomes_official_posts",
    "members",
    "monthly_visitors",
    "posts",
    "volunteer_moderators",
    "figures_as_of",
    "figures_source",
    "cost",
    "registration",
    "how_to_join",
    "contact_route",
    "minimum_age",
    "activity",
    "activity_checked",
]


def answer(page, name):
    """A field's value in words: choices by label, yes/no, "—" for nothing."""
    field = page._meta.get_field(name)
    value = getattr(page, name)
    if field.choices and value:
        return getattr(page, f"get_{name}_display")()
    if isinstance(value, bool):
        return pgettext_lazy("a yes/no value", "Yes") if value else pgettext_lazy("a yes/no value", "No")
    if value is None or value == "":
        return "—"
    return value


def workflow_buttons(page, user):
    """Approve / Request changes for the review in progress, if this editor may decide it."""
    task_state = page.current_workflow_task_state
    if task_state is None:
        return []
    available = {name for name, _label, _modal in task_state.task.specific.get_actions(page, user)}
    labels = [("approve", _("Approve"), "button"), ("reject", _("Request changes"), "button button-secondary")]
    return [
        {
            "label": label,
            "classes": classes,
            "url": reverse("wagtailadmin_pages:workflow_action", args=[page.pk, name, task_state.pk]),
        }
        for name, label, classes in labels
        if name in available
    ]


def review_context(forum, user, nominations=()):
    """The template context of ``directory/admin/includes/review.html`` for one entry."""
    draft = forum.get_latest_revision_as_object()
    return {
        "forum": forum,
        "edit_url": reverse("wagtailadmin_pages:edit", args=[forum.pk]),
        "preview_url": reverse("wagtailadmin_pages:view_draft", args=[forum.pk]),
        "live_url": forum.url if forum.live else "",
        "in_moderation": forum.workflow_in_progress,
        "workflow_buttons": workflow_buttons(forum, user),
        "nominations": [
            {
                "nomination": nomination,
                "url": reverse(
                    "claims:inspect" if nomination.kind == Nomination.Kind.CLAIM else "nominations:inspect",
                    args=[nomination.pk],
                ),
            }
            for nomination in nominations
        ],
        "answers": [(draft._meta.get_field(name).verbose_name, answer(draft, name)) for name in SUITABILITY_FIELDS],
        "duplicates": [
            {
                "page": page,
                "reason": _("Same web address") if reason == "address" else _("Similar name"),
                "edit_url": reverse("wagtailadmin_pages:edit", args=[page.pk]),
                "state": _("Live") if page.live else _("Draft"),
            }
            for page, reason in possible_duplicates(draft)
        ],
    }


def waiting_nominations(forum):
    """Nominations and claims about this entry that wait for an editor."""
    return list(Nomination.objects.filter(forum=forum, status__in=ACTIVE_STATUSES).order_by("submitted_at"))
