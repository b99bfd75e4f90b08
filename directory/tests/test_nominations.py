"""The rules of a nomination (directory/nominations.py): drafts, tokens, updates, claims, removal."""

import datetime
import hashlib

import pytest
from django.core import mail
from django.http import Http404
from django.utils import timezone
from wagtail.models import Revision, WorkflowState

from directory import nominations, private_links
from directory.models import ForumPage, Nomination, OutboundEmail, ProblemReport
from directory.tests.factories import ForumPageFactory
from directory.tests.nomination_helpers import (
    SAMPLE_CONTACT,
    approve,
    request_changes,
    sample_details,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


def test_a_nomination_is_a_draft_in_moderation_with_a_hashed_token(site_tree, django_capture_on_commit_callbacks):
    """Submitting creates a draft entry, a revision, a workflow and a record holding only the token's hash.

    If this fails, nominations go live unchecked, or a database leak hands out private links.
    """
    with django_capture_on_commit_callbacks(execute=True):
        nomination, token = nominations.submit_nomination(sample_details(), SAMPLE_CONTACT)
    forum = nomination.forum
    assert not forum.live and forum.get_parent().specific == site_tree["directory"]
    assert Revision.objects.filter(object_id=str(forum.pk)).count() == 1
    assert forum.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert forum.current_workflow_state.requested_by is None
    assert nomination.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Nomination.objects.values_list().get(pk=nomination.pk))
    assert nomination.reference.startswith("PSD-") and nomination.status == Nomination.Status.PENDING
    assert forum.figures_source == "self_reported" and forum.figures_as_of == timezone.localdate()
    assert forum.last_verified == timezone.localdate()
    assert mail.outbox[-1].to == ["casey@private.example"]
    assert private_links.operator_link(token) in mail.outbox[-1].body


def test_a_failure_part_way_leaves_nothing(site_tree, monkeypatch):
    """If any step of a nomination fails, no half-made draft, record or email is left behind.

    If this fails, editors find orphan drafts and operators get receipts for nothing.
    """

    def broken(page, user=None):
        raise RuntimeError("workflow unavailable")

    monkeypatch.setattr(nominations, "send_for_moderation", broken)
    with pytest.raises(RuntimeError):
        nominations.submit_nomination(sample_details(), SAMPLE_CONTACT)
    assert ForumPage.objects.count() == 0 and Nomination.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


def test_duplicates_are_found_however_the_address_is_written(site_tree, directory_index):
    """``https://www.x.org/`` and ``http://X.org`` are the same community, live or waiting.

    If this fails, the same community is listed twice.
    """
    existing = ForumPageFactory(parent=directory_index, website="https://www.carers-corner.example.org/")
    assert nominations.find_existing_entry("http://Carers-Corner.example.org") == existing
    assert nominations.find_existing_entry("https://elsewhere.example.org") is None
    with pytest.raises(nominations.DuplicateEntry):
        nominations.submit_nomination(sample_details(), SAMPLE_CONTACT)


def test_wrong_malformed_and_rotated_tokens_are_404(site_tree):
    """Only the current token opens the private page; anything else is a plain 404.

    If this fails, private pages could be guessed or an old leaked link keeps working.
    """
    nomination, token = nominations.submit_nomination(sample_details(), SAMPLE_CONTACT)
    assert private_links.nomination_for_token(token) == nomination
    for wrong in ("", "short", token[:-1] + ("A" if token[-1] != "A" else "B"), "../../etc/passwd", "x" * 500):
        with pytest.raises(Http404):
            private_links.nomination_for_token(wrong)
    new_token = private_links.rotate_operator_token(nomination)
    assert new_token != token
    with pytest.raises(Http404):
        private_links.nomination_for_token(token)
    assert private_links.nomination_for_token(new_token) == nomination


def test_confirming_still_accurate_sets_the_date_and_survives_the_next_publish(site_tree, editor):
    """ "Still accurate" sets last verified today without waiting for moderation, and a later approval keeps it.

    If this fails, confirmations vanish the next time the entry is edited.
    """
    nomination, _token = nominations.submit_nomination(sample_details(), SAMPLE_CONTACT)
    forum = nomination.forum
    approve(forum, editor)
    ForumPage.objects.filter(pk=forum.pk).update(last_verified=timezone.localdate().replace(year=2020))
    forum.refresh_from_db()
    nomination.refresh_from_db()
    nominations.confirm_still_accurate(nomination)
    forum.refresh_from_db()
    assert forum.last_verified == timezone.localdate()

    nominations.submit_operator_update(nomination, {"summary": "A new summary."})
    approve(ForumPage.objects.get(pk=forum.pk), editor)
    forum.refresh_from_db()
    assert forum.summary == "A new summary." and forum.last_verified == timezone.localdate()


def test_an_operator_update_is_a_revision_and_never_touches_the_live_entry(site_tree, editor):
    """The operator's correction waits in the workflow; the live page keeps its content until approval.

    If this fails, a private link is a way to publish without an editor.
    """
    nomination, _token = nominations.submit_nomination(sample_details(), SAMPLE_CONTACT)
    approve(nomination.forum, editor)
    nomination.refresh_from_db()
    revision = nominations.submit_operator_update(nomination, {"summary": "Changed by the operator."})
    live = ForumPage.objects.get(pk=nomination.forum_id)
    assert live.summary == "Carers support each other."
    assert live.latest_revision_id == revision.pk and live.has_unpublished_changes
    assert live.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.PENDING


def test_resubmitting_after_changes_requested_resumes_the_review(site_tree, editor):
    """After "request changes", the operator's correction puts the entry back in front of the editors.

    If this fails, corrected nominations never reach an editor again.
    """
    nomination, _token = nominations.submit_nomination(sample_details(), SAMPLE_CONTACT)
    request_changes(nomination.forum, editor, "Add the house rules.")
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.CHANGES_REQUESTED
    nominations.submit_operator_update(nomination, {"house_rules_url": "https://carers-corner.example.org/rules"})
    forum = ForumPage.objects.get(pk=nomination.forum_id)
    assert forum.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    approve(forum, editor)
    forum.refresh_from_db()
    assert forum.live and forum.house_rules_url == "https://carers-corner.example.org/rules"


def test_removal_of_an_unpublished_nomination_withdraws_it(site_tree):
    """An operator who changes their mind before approval withdraws the nomination; the draft goes.

    If this fails, editors spend time on nominations nobody wants.
    """
    nomination, _token = nominations.submit_nomination(sample_details(), SAMPLE_CONTACT)
    assert nominations.request_removal(nomination, "Changed my mind") is None
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.WITHDRAWN and nomination.forum is None
    assert ForumPage.objects.count() == 0
    assert nominations.find_existing_entry("https://carers-corner.example.org") is None


def test_removal_of_a_listed_entry_goes_to_the_editors(site_tree, editor):
    """Removing a live entry is an editor's decision: the request becomes a problem report.

    If this fails, operators' removal requests are lost, or entries disappear without an editor.
    """
    nomination, _token = nominations.submit_nomination(sample_details(), SAMPLE_CONTACT)
    approve(nomination.forum, editor)
    nomination.refresh_from_db()
    report = nominations.request_removal(nomination, "We are closing.")
    assert report.kind == ProblemReport.Kind.SHOULD_NOT_BE_LISTED and "We are closing." in report.details
    assert ForumPage.objects.get(pk=nomination.forum_id).live
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.REMOVAL_REQUESTED


def test_an_approved_claim_gets_a_working_link_and_becomes_the_contact(
    site_tree, directory_index, editor, django_capture_on_commit_callbacks, monkeypatch
):
    """An editor approves a claim: the claimant is emailed a private link that works and is now the contact.

    If this fails, the real operators of listed communities can never manage their entries, or a
    claimant gets in before an editor has checked them.
    """
    forum = ForumPageFactory(parent=directory_index)
    monkeypatch.setattr(nominations, "new_token", lambda: "K" * 43)
    claim = nominations.submit_claim(forum, {"contact_name": "Owner", "contact_email": "owner@example.org"})
    monkeypatch.undo()
    with pytest.raises(Http404):  # the claim's own token does not open anything before approval
        private_links.nomination_for_token("K" * 43)
    with django_capture_on_commit_callbacks(execute=True):
        token = nominations.approve_claim(claim, editor)
    assert private_links.nomination_for_token(token) == claim
    assert private_links.operator_link(token) in mail.outbox[-1].body
    forum.refresh_from_db()
    assert forum.contact_email == "owner@example.org" and not forum.has_unpublished_changes


def test_declining_a_nomination_deletes_the_draft_and_tells_the_person(
    site_tree, editor, django_capture_on_commit_callbacks
):
    """A declined nomination's draft goes (so the address can be nominated again) and the reason is emailed.

    If this fails, declined drafts block future nominations or people never learn why.
    """
    with django_capture_on_commit_callbacks(execute=True):
        nomination, _token = nominations.submit_nomination(sample_details(), SAMPLE_CONTACT)
        nominations.decline_nomination(nomination, editor, "Not a peer-support community.")
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.REJECTED and nomination.forum is None
    assert "Not a peer-support community." in mail.outbox[-1].body
    assert nominations.find_existing_entry("https://carers-corner.example.org") is None


@pytest.mark.django_db
def test_typical_review_time_is_the_median_of_recent_decisions(site_tree):
    """The thanks page promises how long review usually takes: it must come from the editors'
    real recent decisions (the median, so one slow case does not skew it), and say nothing when
    there are too few to tell."""
    assert nominations.typical_review_days() is None
    now = timezone.now()
    for number, days in enumerate([2, 3, 30]):
        nomination, _token = nominations.submit_nomination(
            sample_details(website=f"https://review-{number}.example.org/"), SAMPLE_CONTACT
        )
        Nomination.objects.filter(pk=nomination.pk).update(
            status=Nomination.Status.APPROVED, submitted_at=now - datetime.timedelta(days=days), updated_at=now
        )
    assert nominations.typical_review_days() == 3
