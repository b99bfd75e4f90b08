"""What a nomination does: from an operator's form to a draft entry waiting for an editor.

A nomination creates the community's page as a draft under the directory, saves a revision,
records a ``Nomination`` (private contact details and the hash of a secret-link token) and starts
the "Directory moderation" workflow, all in one transaction. The operator gets a receipt email
with their private link ``/listing/<token>/``, where they can see the status, correct the entry,
confirm it is still accurate or ask for removal. Claims let the operator of an already listed
community ask for that link; an editor decides. Views, admin and commands all call these functions.
"""

import math

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import Locale, Page, Revision, TaskState, Workflow, WorkflowState

from directory.caching import public_content_changed
from directory.emails import email_language, entry_url, queue_templated_email, site_language
from directory.forum_details import FIGURE_FIELDS, apply_forum_details
from directory.models import FigureSource, ForumIndexPage, ForumPage, Nomination, ProblemReport, normalise_website
from directory.private_links import (
    ACTIVE_STATUSES,
    hash_token,
    new_reference,
    new_token,
    operator_link,
    revoke_other_links,
    rotate_operator_token,
)
from directory.site_tree import MODERATION_WORKFLOW
from directory.translation import create_translation_aliases
from directory.verification_tokens import claim_token, token_instructions


class DuplicateEntry(Exception):
    """The community is already in the directory (listed or waiting for an editor)."""

    def __init__(self, forum):
        super().__init__(forum.title)
        self.forum = forum


class AlreadyDecided(Exception):
    """Another editor decided on this nomination first (their decision stands)."""


# Finding existing entries


def find_existing_entry(url, exclude=None):
    """The community already in the directory with this web address (live or waiting), or None.

    Addresses are compared by their normalised key, so ``https://www.example.org/`` and
    ``http://example.org`` are the same community. Live entries are preferred to drafts.
    """
    key = normalise_website(url)
    if not key:
        return None
    entries = ForumPage.objects.filter(website_key=key, alias_of__isnull=True)
    if exclude is not None:
        entries = entries.exclude(pk=exclude.pk)
    return entries.order_by("-live", "pk").first()


def is_listed(forum):
    """Whether anyone may see the entry: live, public and not delisted (``ForumQuerySet.listed``).

    Only a listed entry may be named to someone whose address matches it; a draft, a delisted or
    a password-protected entry is only said to exist.
    """
    return ForumPage.objects.listed().filter(pk=forum.pk).exists()


def directory_index_for(locale=None):
    """The directory page new entries go under: the one in ``locale`` if it has its own, else the default."""
    indexes = ForumIndexPage.objects.filter(alias_of__isnull=True)
    if locale is not None:
        index = indexes.filter(locale=locale).first()
        if index is not None:
            return index
    return indexes.filter(locale=Locale.get_default()).first() or indexes.first()


def unique_slug(index, title):
    """A slug for a new entry under ``index`` that no sibling uses yet."""
    base = slugify(title)[:70].strip("-") or "community"
    taken = set(index.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


# Moderation


def moderation_workflow(page):
    """The workflow that moderates ``page``: the one attached to its section, or "Directory moderation"."""
    return page.get_workflow() or Workflow.objects.filter(name=MODERATION_WORKFLOW, active=True).first()


def send_for_moderation(page, user=None):
    """Put the page's latest revision in front of the editors, restarting any review under way.

    A review waiting on the operator ("changes requested") resumes; a review in progress starts
    again so the editors see the newest revision. Returns the workflow state.
    """
    state = page.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user=user)
        return state
    if state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS:
        state.cancel(user=user)
    workflow = moderation_workflow(page)
    if workflow is None:
        return None
    return workflow.start(page, user)


def delete_unpublished_entry(forum, user=None):
    """Remove a draft entry that was never published, with its review and its aliases in other languages."""
    state = forum.current_workflow_state
    if state is not None:
        state.cancel(user=user)
    for alias in ForumPage.objects.filter(alias_of_id=forum.pk):
        alias.delete()
    forum.delete()


def create_nomination(kind, forum, contact, token, sent_quickly=False, from_member=False):
    """The nomination record: private contact details and the hash of the operator's token."""
    return Nomination.objects.create(
        reference=new_reference(),
        kind=kind,
        from_member=from_member,
        forum=forum,
        contact_name=contact["contact_name"],
        contact_email=contact["contact_email"],
        message=contact.get("message", ""),
        language=site_language(),
        token_hash=hash_token(token),
        sent_quickly=sent_quickly,
    )


def record_status(nomination, status, editor_comment=None):
    """Save a nomination's new status (and the editor's comment, when given)."""
    nomination.status = status
    fields = ["status", "updated_at"]
    if editor_comment is not None:
        nomination.editor_comment = editor_comment
        fields.append("editor_comment")
    nomination.save(update_fields=fields)
    return nomination


REVIEW_TIME_SAMPLE = 20  # the latest decisions the typical review time is taken from
REVIEW_TIME_MINIMUM_SAMPLE = 3  # fewer decisions than this say nothing about a typical time


def typical_review_days():
    """How many days editors usually take to decide on a nomination or claim: the median over
    the latest decisions (approved or declined), in whole days, at least 1; None with too few."""
    decided = Nomination.objects.filter(status__in=(Nomination.Status.APPROVED, Nomination.Status.REJECTED))
    times = decided.order_by("-updated_at").values_list("submitted_at", "updated_at")[:REVIEW_TIME_SAMPLE]
    days = sorted(max(1, math.ceil((updated - submitted).total_seconds() / 86400)) for submitted, updated in times)
    if len(days) < REVIEW_TIME_MINIMUM_SAMPLE:
        return None
    return days[len(days) // 2]


def receipt_context(nomination, token=None):
    context = {"nomination": nomination, "forum": nomination.forum}
    if token:
        context["operator_link"] = operator_link(token, nomination.language)
    return context


@transaction.atomic
def submit_nomination(details, contact, locale=None, sent_quickly=False, from_member=False):
    """Create a draft entry for a nominated community, start moderation and email a receipt.

    ``details`` are the community's public details (``directory.forum_details`` shape);
    ``contact`` has ``contact_name``, ``contact_email`` and an optional ``message``;
    ``sent_quickly`` flags a first step sent back faster than people usually manage.
    ``from_member``: suggested by a member or user, not by whoever runs it. They are not made
    the entry's contact and their receipt has no private link (``nomination_for_token`` refuses
    it too): only the operator may manage the entry, once they claim it.
    Returns ``(nomination, token)``; the token is only ever in the operator's email.
    Raises ``DuplicateEntry`` when the address is already in the directory.
    """
    existing = find_existing_entry(details["website"])
    if existing is not None:
        raise DuplicateEntry(existing)
    index = directory_index_for(locale)
    today = timezone.localdate()
    forum = ForumPage(
        title=details["title"],
        slug=unique_slug(index, details["title"]),
        live=False,
        has_unpublished_changes=True,
        locale_id=index.locale_id,
        # A member's word is not the operator's confirmation: the editors verify it when they can.
        last_verified=None if from_member else today,
        contact_name="" if from_member else contact["contact_name"],
        contact_email="" if from_member else contact["contact_email"],
    )
    apply_forum_details(forum, details)
    if any(details.get(name) is not None for name in FIGURE_FIELDS):
        forum.figures_as_of = today
        forum.figures_source = "" if from_member else FigureSource.SELF_REPORTED
    index.add_child(instance=forum)
    forum.save_revision(log_action=True)
    create_translation_aliases(forum)
    token = new_token()
    nomination = create_nomination(
        Nomination.Kind.NEW, forum, contact, token, sent_quickly=sent_quickly, from_member=from_member
    )
    send_for_moderation(forum)
    queue_templated_email(
        nomination.contact_email,
        _("Your nomination %(reference)s: %(title)s"),
        "nomination_received",
        receipt_context(nomination, None if from_member else token),
        nomination=nomination,
        subject_params={"reference": nomination.reference, "title": forum.title},
    )
    return nomination, token


@transaction.atomic
def submit_operator_update(nomination, details, contact=None):
    """Save the operator's corrections as a new revision and send it to the editors.

    The live entry is never changed here; editors approve the revision through the workflow.
    """
    forum = nomination.forum
    draft = forum.get_latest_revision_as_object()
    apply_forum_details(draft, details)
    if contact:
        draft.contact_name = contact.get("contact_name", draft.contact_name)
        draft.contact_email = contact.get("contact_email", draft.contact_email)
        # The link's holder changed their own details: their link follows them (see
        # ``revoke_links_of_former_contacts``) and our emails reach them at the new address.
        nomination.contact_name = draft.contact_name
        nomination.contact_email = draft.contact_email
        nomination.save(update_fields=["contact_name", "contact_email", "updated_at"])
    revision = draft.save_revision(log_action=True)
    send_for_moderation(forum)
    record_status(nomination, Nomination.Status.PENDING, editor_comment="")
    queue_templated_email(
        nomination.contact_email,
        _("We have your changes to %(title)s"),
        "operator_update_received",
        receipt_context(nomination),
        nomination=nomination,
        subject_params={"title": draft.title},
    )
    return revision


def mark_forum_verified(forum, day=None, user=None):
    """Record that a community's entry was confirmed accurate on ``day`` (today by default).

    This is a fact about the entry, not an edit, so it does not wait for moderation: the live
    row (and its aliases in other languages) and the stored copies of its live and latest
    revisions get the date, so a later publish does not put the old date back.
    """
    day = day or timezone.localdate()
    ForumPage.objects.filter(pk=forum.pk).update(last_verified=day)
    ForumPage.objects.filter(alias_of_id=forum.pk).update(last_verified=day)
    revision_ids = {forum.live_revision_id, forum.latest_revision_id} - {None}
    for revision in Revision.objects.filter(pk__in=revision_ids):
        revision.content["last_verified"] = day.isoformat()
        revision.save(update_fields=["content"])
    forum.last_verified = day
    public_content_changed()  # the rows were updated without a publish, which would have said so
    log(instance=forum, action="directory.forum.verified", user=user, data={"date": day.isoformat()})
    return day


def confirm_still_accurate(nomination):
    """The operator confirms their entry is still accurate: set its last verified date to today."""
    if nomination.forum is None:
        raise Http404
    return mark_forum_verified(nomination.forum)


@transaction.atomic
def request_removal(nomination, reason=""):
    """The operator asks for their entry to be removed.

    An entry never published is withdrawn at once (its draft deleted); a listed entry goes to
    the editors as a "should not be listed" report, since removal is an editor's decision.
    """
    forum = nomination.forum
    if forum is None or forum.first_published_at is None:
        if forum is not None:
            delete_unpublished_entry(forum)
        record_status(nomination, Nomination.Status.WITHDRAWN)
        report = None
    else:
        report = ProblemReport.objects.create(
            reference=new_reference(),
            forum=forum,
            kind=ProblemReport.Kind.SHOULD_NOT_BE_LISTED,
            details=str(_("The operator asked for removal (reference %(reference)s). Reason: %(reason)s"))
            % {"reference": nomination.reference, "reason": reason or "—"},
            reporter_email=nomination.contact_email,
            language=nomination.language,
        )
        record_status(nomination, Nomination.Status.REMOVAL_REQUESTED)
    queue_templated_email(
        nomination.contact_email,
        _("Your removal request %(reference)s"),
        "removal_requested",
        {"nomination": nomination, "forum": forum, "withdrawn": report is None},
        nomination=nomination,
        subject_params={"reference": nomination.reference},
    )
    return report


# Claims


@transaction.atomic
def submit_claim(forum, contact, sent_quickly=False):
    """Someone who runs a listed community asks for its private link; an editor decides.

    Returns the claim (a ``Nomination`` of kind "claim"). Its link only works after approval.
    """
    claim = create_nomination(Nomination.Kind.CLAIM, forum, contact, new_token(), sent_quickly=sent_quickly)
    queue_templated_email(
        claim.contact_email,
        _("Your claim %(reference)s: %(title)s"),
        "claim_received",
        {"nomination": claim, "forum": forum, "verification": token_instructions(claim_token(claim), forum.website)},
        nomination=claim,
        subject_params={"reference": claim.reference, "title": forum.title},
    )
    return claim


@transaction.atomic
def approve_claim(claim, editor):
    """Approve a claim: the claimant becomes the entry's contact and is emailed a private link.

    Every other private link to the entry stops working: the entry is the claimant's now.
    """
    token = rotate_operator_token(claim)
    forum = claim.forum
    revoke_other_links(forum, keep=claim)
    had_pending_changes = forum.has_unpublished_changes
    draft = forum.get_latest_revision_as_object()
    draft.contact_name = claim.contact_name
    draft.contact_email = claim.contact_email
    revision = draft.save_revision(user=editor, log_action=True)
    if forum.live and not had_pending_changes:
        # Only private contact details changed, and an editor approved them: publish straight away.
        revision.publish(user=editor)
    record_status(claim, Nomination.Status.APPROVED)
    queue_templated_email(
        claim.contact_email,
        _("Your claim %(reference)s was approved"),
        "claim_approved",
        {**receipt_context(claim, token), "entry_url": entry_url(forum, email_language(claim))},
        nomination=claim,
        subject_params={"reference": claim.reference},
    )
    return token


def lock_for_decision(nomination, open_statuses):
    """Lock the entry's review and the nomination until the transaction ends; the nomination, fresh.

    Two editors may decide at the same moment (one approves in the workflow, one declines here).
    Both paths lock the review's task first, then the nominations (see
    ``directory.models.DirectoryModerationTask.on_action``), so the second waits for the first and then sees its
    decision. Raises ``AlreadyDecided`` when the nomination is no longer open.
    """
    if nomination.forum_id:
        reviews = TaskState.objects.filter(
            workflow_state__base_content_type=ContentType.objects.get_for_model(Page),
            workflow_state__object_id=str(nomination.forum_id),
            status=TaskState.STATUS_IN_PROGRESS,
        )
        list(reviews.select_for_update(of=("self",)).values_list("pk", flat=True))
    fresh = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if fresh.status not in open_statuses:
        raise AlreadyDecided
    return fresh


@transaction.atomic
def decline_nomination(nomination, editor, reason):
    """Decline a nomination or claim with a reason sent to the person.

    A new community's draft that was never published is deleted, so the address can be
    nominated again later; the nomination record stays for the editors.
    """
    nomination = lock_for_decision(nomination, ACTIVE_STATUSES)
    forum = ForumPage.objects.filter(pk=nomination.forum_id).first()
    if nomination.kind == Nomination.Kind.NEW and forum is not None and forum.first_published_at is None:
        delete_unpublished_entry(forum, user=editor)
    record_status(nomination, Nomination.Status.REJECTED, editor_comment=reason)
    queue_templated_email(
        nomination.contact_email,
        _("Your request %(reference)s was declined"),
        "nomination_declined",
        {"nomination": nomination, "reason": reason},
        nomination=nomination,
        subject_params={"reference": nomination.reference},
    )
    return nomination
