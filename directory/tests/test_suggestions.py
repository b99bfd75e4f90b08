"""Suggested edits and problem reports (directory/suggestions.py): kept until an editor decides."""

import re

import pytest
from django.core import mail
from django.utils import translation
from wagtail.models import PageLogEntry, WorkflowState

from directory.models import EditSuggestion, ForumPage, ProblemReport
from directory.suggestions import (
    NothingChanged,
    accept_suggestion,
    decline_suggestion,
    describe_suggestion,
    resolve_problem_report,
    submit_problem_report,
    submit_suggestion,
)
from directory.tests.factories import ForumPageFactory
from directory.tests.nomination_helpers import approve

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


@pytest.fixture
def forum(directory_index):
    page = ForumPageFactory(parent=directory_index, title="Money Talk", summary="Money help.", members=100)
    page.save_revision().publish()
    return ForumPage.objects.get(pk=page.pk)


def test_two_suggestions_on_one_entry_both_survive_and_neither_changes_it(forum):
    """Suggestions wait side by side; the live entry is untouched.

    If this fails, one reader's suggestion silently replaces another's, or suggestions go live unchecked.
    """
    first = submit_suggestion(forum, {"summary": "Money and debt help."}, "Their site says so.")
    second = submit_suggestion(forum, {"members": 2000, "summary": "Money help."}, "Bigger now.")
    assert EditSuggestion.objects.filter(forum=forum, status=EditSuggestion.Status.PENDING).count() == 2
    assert first.proposed == {"summary": "Money and debt help."}
    assert second.proposed == {"members": 2000}, "unchanged values are not kept as proposals"
    forum.refresh_from_db()
    assert forum.summary == "Money help." and forum.members == 100


def test_a_suggestion_that_changes_nothing_is_refused(forum):
    """Sending the form back unchanged is not a suggestion.

    If this fails, editors wade through empty suggestions.
    """
    with pytest.raises(NothingChanged):
        submit_suggestion(forum, {"summary": "Money help."}, "No reason")


def test_accepting_makes_a_credited_revision_that_goes_through_the_workflow(
    forum, editor, django_capture_on_commit_callbacks
):
    """Accepting a suggestion creates a revision in moderation, credited in the page history; approval publishes.

    If this fails, accepted suggestions bypass moderation or their origin is lost.
    """
    suggestion = submit_suggestion(
        forum, {"summary": "Money and debt help."}, "See their about page.", suggester_email="reader@example.net"
    )
    with django_capture_on_commit_callbacks(execute=True):
        revision = accept_suggestion(suggestion, editor)
    suggestion.refresh_from_db()
    assert suggestion.status == EditSuggestion.Status.ACCEPTED and suggestion.revision == revision
    assert suggestion.decided_by == editor
    log = PageLogEntry.objects.get(page=forum, action="directory.suggestion.accept")
    assert log.revision_id == revision.pk and log.data["suggestion_id"] == suggestion.pk
    assert f"#{suggestion.pk}" in log.message
    live = ForumPage.objects.get(pk=forum.pk)
    assert live.summary == "Money help."
    assert live.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert mail.outbox[-1].to == ["reader@example.net"]
    approve(live, editor)
    live.refresh_from_db()
    assert live.summary == "Money and debt help."


def test_accepting_two_suggestions_keeps_both_changes(forum, editor):
    """Two accepted suggestions on one entry both end up in the revision the editors approve.

    If this fails, accepting the second suggestion throws the first away.
    """
    first = submit_suggestion(forum, {"summary": "Money and debt help."}, "One")
    second = submit_suggestion(forum, {"members": 2500}, "Two")
    accept_suggestion(first, editor)
    accept_suggestion(second, editor)
    live = ForumPage.objects.get(pk=forum.pk)
    approve(live, editor)
    live.refresh_from_db()
    assert live.summary == "Money and debt help." and live.members == 2500


def test_declining_keeps_the_suggestion_with_the_reason(forum, editor, django_capture_on_commit_callbacks):
    """A declined suggestion stays on record with the editor's reason, and the suggester hears why.

    If this fails, readers never learn why their change was not made.
    """
    suggestion = submit_suggestion(
        forum, {"summary": "Best forum ever!!!"}, "Trust me", suggester_email="r@example.net"
    )
    with django_capture_on_commit_callbacks(execute=True):
        decline_suggestion(suggestion, editor, "Not neutral wording.")
    suggestion.refresh_from_db()
    assert suggestion.status == EditSuggestion.Status.DECLINED and suggestion.decision_reason == "Not neutral wording."
    assert "Not neutral wording." in mail.outbox[-1].body
    forum.refresh_from_db()
    assert forum.summary == "Money help."


def test_editors_read_a_suggestion_as_current_and_proposed_values(forum):
    """The admin shows each suggested change as "now" and "proposed" in words, not ids.

    If this fails, editors cannot judge a suggestion without decoding it.
    """
    suggestion = submit_suggestion(
        forum, {"members": 2500, "welcomed_modes": ["hosted_qa"], "topics": ["debt"]}, "Update"
    )
    rows = {row.label: (row.old, row.new) for row in describe_suggestion(suggestion)}
    assert rows["Registered members"] == ("100", "2,500")
    assert rows["Ways of taking part welcomed"][1] == "Hosted question-and-answer sessions"
    assert rows["Topics"] == ("", "debt")


def test_problem_reports_wait_in_the_queue_until_resolved(forum):
    """A report is open until an editor resolves or dismisses it with a note.

    If this fails, problem reports disappear or can never be closed.
    """
    report = submit_problem_report(forum, ProblemReport.Kind.BROKEN_LINK, "It says 404", "reader@example.net")
    assert report.status == ProblemReport.Status.OPEN
    resolve_problem_report(report, "Fixed the address.")
    report.refresh_from_db()
    assert report.status == ProblemReport.Status.RESOLVED and report.resolved_at is not None
    dismissed = resolve_problem_report(submit_problem_report(forum, "other"), "Spam", dismiss=True)
    assert dismissed.status == ProblemReport.Status.DISMISSED


REFERENCE = re.compile(r"PSD-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}")


def test_suggestions_and_reports_get_distinct_references(forum):
    """Each suggestion and report has its own short reference in the directory's format (random
    letters and digits that cannot be misread).

    If this fails, people have nothing to quote, or two things share one."""
    received = [submit_suggestion(forum, {"members": 200 + number}, "Grown.") for number in range(3)]
    received += [submit_problem_report(forum, ProblemReport.Kind.OTHER) for _number in range(3)]
    references = [item.reference for item in received]
    assert all(REFERENCE.fullmatch(reference) for reference in references)
    assert len(set(references)) == len(references)


def test_a_suggestion_with_an_email_is_acknowledged_with_its_reference(forum, django_capture_on_commit_callbacks):
    """Someone who left their address hears at once that we have their suggestion, and its reference.

    If this fails, people wonder whether their suggestion arrived and cannot quote it."""
    with django_capture_on_commit_callbacks(execute=True):
        suggestion = submit_suggestion(
            forum, {"members": 300}, "Grown.", suggester_name="Ria", suggester_email="ria@example.net"
        )
    [message] = mail.outbox
    assert message.to == ["ria@example.net"]
    assert suggestion.reference in message.subject and suggestion.reference in message.body
    assert "Dear Ria," in message.body
    assert f"http://testserver{forum.url}" in message.body


def test_nothing_is_sent_without_an_email(forum, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit_suggestion(forum, {"members": 300}, "Grown.")
        submit_problem_report(forum, ProblemReport.Kind.OTHER, "Odd.")
    assert mail.outbox == []


def test_a_report_is_acknowledged_in_the_reporters_language(forum, django_capture_on_commit_callbacks):
    """A report sent from the Welsh site is acknowledged in Welsh, quoting its reference.

    If this fails, a Welsh speaker is answered in English, or not at all."""
    with translation.override("cy"), django_capture_on_commit_callbacks(execute=True):
        report = submit_problem_report(forum, ProblemReport.Kind.CLOSED, "Gone.", "darllenydd@example.net")
    assert report.language == "cy"
    [message] = mail.outbox
    assert report.reference in message.subject and report.reference in message.body
    assert "Diolch" in message.body


def test_an_email_is_only_queued_once_the_suggestion_is_kept(forum, django_capture_on_commit_callbacks):
    """The acknowledgement waits for the transaction that keeps the suggestion to commit.

    If this fails, someone could be thanked for a suggestion that was never stored."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit_suggestion(forum, {"members": 300}, "Grown.", suggester_email="ria@example.net")
    assert mail.outbox == [] and callbacks
