"""Wiki-style contributions from anyone: suggested edits and problem reports.

Nothing sent here changes a live entry. A suggestion is kept as an ``EditSuggestion`` until an
editor accepts it (it becomes a revision of the entry that goes through the same moderation
workflow, credited to the suggestion in the page history) or declines it with a reason. Any
number of suggestions on the same entry are kept side by side.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from directory.emails import entry_url, queue_templated_email, site_language
from directory.forum_details import apply_forum_details, changed_details, details_from_forum
from directory.history import FieldChange, display, field_label
from directory.models import Audience, CommunityType, EditSuggestion, EngagementMode, ProblemReport, Region
from directory.nominations import send_for_moderation
from directory.private_links import new_reference


class NothingChanged(Exception):
    """The suggestion proposes the values the entry already has."""


@transaction.atomic
def submit_suggestion(forum, proposed, reason, suggester_name="", suggester_email="", sent_quickly=False):
    """Keep a suggested edit for the editors, with a reference, and acknowledge it when an email was given.

    ``proposed`` holds only the public details to change. Raises ``NothingChanged`` if every
    proposed value is the entry's current value. ``sent_quickly`` flags a form sent back faster
    than people usually manage (see ``SpamGuardMixin``).
    """
    changes = changed_details(forum, proposed)
    if not changes:
        raise NothingChanged
    suggestion = EditSuggestion.objects.create(
        reference=new_reference(),
        forum=forum,
        proposed=changes,
        reason=reason,
        suggester_name=suggester_name,
        suggester_email=suggester_email,
        language=site_language(),
        sent_quickly=sent_quickly,
    )
    if suggestion.suggester_email:
        acknowledge(
            suggestion,
            suggestion.suggester_email,
            _("Your suggestion %(reference)s: %(title)s"),
            "suggestion_received",
            {"suggestion": suggestion},
        )
    return suggestion


def acknowledge(received, to, subject, template_name, context):
    """Tell whoever sent a suggestion or report, in their language, that we have it and under which
    reference (queued: sent once the transaction that kept it commits)."""
    forum = received.forum
    queue_templated_email(
        to,
        subject,
        template_name,
        {**context, "forum": forum, "reference": received.reference, "entry_url": entry_url(forum, received.language)},
        language=received.language,
        subject_params={"reference": received.reference, "title": forum.title},
    )


@transaction.atomic
def accept_suggestion(suggestion, editor):
    """Turn a suggestion into a revision of the entry and send it through moderation.

    The revision starts from the entry's latest revision, so other changes waiting for review
    are kept; the page history names the suggestion that produced it.
    """
    forum = suggestion.forum
    draft = forum.get_latest_revision_as_object()
    apply_forum_details(draft, suggestion.proposed)
    revision = draft.save_revision(user=editor, log_action=True)
    log(
        instance=forum,
        action="directory.suggestion.accept",
        user=editor,
        revision=revision,
        data={"suggestion_id": suggestion.pk, "fields": sorted(suggestion.proposed)},
    )
    send_for_moderation(forum, user=editor)
    record_decision(
        suggestion,
        editor,
        EditSuggestion.Status.ACCEPTED,
        _("Your suggested edit to %(title)s was accepted"),
        "suggestion_accepted",
        revision=revision,
    )
    return revision


@transaction.atomic
def decline_suggestion(suggestion, editor, reason):
    """Decline a suggestion with a reason (emailed to the suggester if they gave an address)."""
    return record_decision(
        suggestion,
        editor,
        EditSuggestion.Status.DECLINED,
        _("Your suggested edit to %(title)s"),
        "suggestion_declined",
        decision_reason=reason,
    )


def record_decision(suggestion, editor, status, subject, template_name, **changes):
    """Save the editor's decision on a suggestion and tell the suggester, if they left an address."""
    suggestion.status = status
    suggestion.decided_by = editor
    suggestion.decided_at = timezone.now()
    for name, value in changes.items():
        setattr(suggestion, name, value)
    suggestion.save(update_fields=["status", "decided_by", "decided_at", *changes])
    if suggestion.suggester_email:
        queue_templated_email(
            suggestion.suggester_email,
            subject,
            template_name,
            {"suggestion": suggestion, "forum": suggestion.forum, "reason": suggestion.decision_reason},
            language=suggestion.language,
            subject_params={"title": suggestion.forum.title},
        )
    return suggestion


@transaction.atomic
def submit_problem_report(forum, kind, details="", reporter_email="", sent_quickly=False):
    """Put a problem with an entry (broken link, closed, wrong details…) in the editors' queue, with a
    reference, and acknowledge it when the reporter gave an email."""
    report = ProblemReport.objects.create(
        reference=new_reference(),
        forum=forum,
        kind=kind,
        details=details,
        reporter_email=reporter_email,
        language=site_language(),
        sent_quickly=sent_quickly,
    )
    if report.reporter_email:
        acknowledge(
            report,
            report.reporter_email,
            _("Your report %(reference)s: %(title)s"),
            "report_received",
            {"report": report},
        )
    return report


def resolve_problem_report(report, note="", dismiss=False):
    """Close a problem report as resolved (or dismissed), with an optional note for the record."""
    report.status = ProblemReport.Status.DISMISSED if dismiss else ProblemReport.Status.RESOLVED
    report.resolution_note = note
    report.resolved_at = timezone.now()
    report.save(update_fields=["status", "resolution_note", "resolved_at"])
    return report


def describe_suggestion(suggestion):
    """The suggested changes as rows an editor can read: detail, current value, proposed value."""
    current = details_from_forum(suggestion.forum)
    proposed = suggestion.proposed
    wanted = {name: set() for name in ("community_type", "audiences", "regions")}
    for values in (current, proposed):
        for name, ids in wanted.items():
            value = values.get(name)
            ids.update(value if isinstance(value, list) else [value] if value is not None else [])
    names = {
        "community_type": {
            item.pk: item.display_name for item in CommunityType.objects.filter(pk__in=wanted["community_type"])
        },
        "audiences": {item.pk: item.display_name for item in Audience.objects.filter(pk__in=wanted["audiences"])},
        "regions": {item.pk: item.display_name for item in Region.objects.filter(pk__in=wanted["regions"])},
    }

    def shown(name, value):
        if name == "topics":
            return ", ".join(value or [])
        if name == "welcomed_modes":
            return ", ".join(str(EngagementMode(mode).label) for mode in value or [] if mode in EngagementMode.values)
        return display(name, value, names)

    def label(name):
        return str(_("Ways of taking part welcomed")) if name == "welcomed_modes" else field_label(name)

    return [
        FieldChange(label(name), shown(name, current.get(name)), shown(name, value))
        for name, value in proposed.items()
        if name in current
    ]
