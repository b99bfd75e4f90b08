"""The workflow's task, DirectoryModerationTask (directory/models/workflow.py), and the migration that
put it in "Directory moderation" (directory/migrations/0011_moderation_task_in_workflow.py)."""

from importlib import import_module

import pytest
from django.apps import apps
from wagtail.forms import TaskStateCommentForm
from wagtail.models import GroupApprovalTask, Task, TaskState, Workflow, WorkflowPage

from directory import nominations
from directory.models import (
    DecisionAlreadyTaken,
    DirectoryModerationTask,
    ForumPage,
    Nomination,
    RequestChangesForm,
)
from directory.tests.nomination_helpers import SAMPLE_CONTACT, approve, request_changes, sample_details

MIGRATION = import_module("directory.migrations.0011_moderation_task_in_workflow")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_rate_limits")]


def moderation_task():
    return Workflow.objects.get(name="Directory moderation").tasks.get()


@pytest.fixture
def nomination(site_tree):
    nomination, _token = nominations.submit_nomination(sample_details(), SAMPLE_CONTACT)
    return nomination


def test_the_directory_workflow_runs_the_directory_task_for_the_editors(site_tree):
    """The migrations leave "Directory moderation" with one task, ours, decided by "Directory editors".

    If this fails, a review is not protected against two decisions, or changes can be requested
    without saying what to change.
    """
    task = moderation_task().specific
    assert type(task) is DirectoryModerationTask and task.name == "Editor approval" and task.active
    assert list(task.groups.values_list("name", flat=True)) == ["Directory editors"]
    assert WorkflowPage.objects.get(page=site_tree["directory"]).workflow.name == "Directory moderation"


def test_the_task_asks_for_a_comment_only_to_request_changes():
    task = DirectoryModerationTask(name="Check")
    assert task.get_form_for_action("reject") is RequestChangesForm
    assert task.get_form_for_action("approve") is TaskStateCommentForm
    assert not RequestChangesForm({"comment": "  "}).is_valid()


def test_a_review_is_decided_once(nomination, editor, admin_user):
    """A second decision on a review already decided is refused, and the first stands.

    If this fails, an entry can be published and its operator told to change it.
    """
    task_state = nomination.forum.current_workflow_task_state
    approve(nomination.forum, admin_user)
    with pytest.raises(DecisionAlreadyTaken):
        task_state.task.specific.on_action(task_state, editor, "reject", comment="Too late.")
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_APPROVED


def test_reviews_in_progress_carry_on_across_the_migration_both_ways(nomination, editor, admin_user):
    """Backwards the task is Wagtail's group approval again, forwards ours again: the same task, its
    groups, its place in the workflow and the review waiting on it; then the review is decided once.

    If this fails, upgrading a site with entries waiting for review strands them or loses a rule.
    """
    task_id = moderation_task().pk
    task_state = nomination.forum.current_workflow_task_state
    MIGRATION.use_group_approval_task(apps, None)
    task = Task.objects.get(pk=task_id)
    assert type(task.specific) is GroupApprovalTask and not DirectoryModerationTask.objects.exists()
    assert list(task.specific.groups.values_list("name", flat=True)) == ["Directory editors"]

    MIGRATION.use_directory_task(apps, None)
    task = moderation_task()
    assert task.pk == task_id and type(task.specific) is DirectoryModerationTask
    assert list(task.specific.groups.values_list("name", flat=True)) == ["Directory editors"]
    forum = ForumPage.objects.get(pk=nomination.forum_id)
    assert forum.current_workflow_task_state == task_state and forum.current_workflow_task.pk == task_id

    request_changes(forum, editor, "Add your house rules.")
    decided = TaskState.objects.get(pk=task_state.pk)
    with pytest.raises(DecisionAlreadyTaken):
        decided.task.specific.on_action(decided, admin_user, "approve")
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.CHANGES_REQUESTED


def test_the_migration_leaves_other_workflows_tasks_alone(site_tree):
    """Only the directory workflow's task becomes ours; a group approval elsewhere stays Wagtail's."""
    other = GroupApprovalTask.objects.create(name="Legal review")
    MIGRATION.use_directory_task(apps, None)
    assert type(Task.objects.get(pk=other.pk).specific) is GroupApprovalTask
