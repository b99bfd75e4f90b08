"""Make the "Directory moderation" workflow's task a DirectoryModerationTask.

The workflow's group approval task becomes the subclass in place: a row in the subclass's table
for the same task, and the task's content type. The task keeps its id, name, groups and place in
the workflow, the workflow keeps its pages, and reviews in progress (task states pointing at the
task) carry on under the subclass's rules. Backwards, every DirectoryModerationTask becomes a
plain group approval task again, the same way.
"""

from django.db import migrations

WORKFLOW = "Directory moderation"


def content_types(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    plain, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    ours, _ = ContentType.objects.get_or_create(app_label="directory", model="directorymoderationtask")
    return plain, ours


def use_directory_task(apps, schema_editor):
    Task = apps.get_model("wagtailcore", "Task")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    DirectoryModerationTask = apps.get_model("directory", "DirectoryModerationTask")
    plain, ours = content_types(apps)
    in_workflow = WorkflowTask.objects.filter(workflow__name=WORKFLOW).values_list("task_id", flat=True)
    for task_id in Task.objects.filter(pk__in=in_workflow, content_type=plain).values_list("pk", flat=True):
        # raw: only the subclass's own row; the task and group approval rows are already there.
        DirectoryModerationTask(groupapprovaltask_ptr_id=task_id).save_base(raw=True)
        Task.objects.filter(pk=task_id).update(content_type=ours)


def use_group_approval_task(apps, schema_editor):
    Task = apps.get_model("wagtailcore", "Task")
    DirectoryModerationTask = apps.get_model("directory", "DirectoryModerationTask")
    plain, _ours = content_types(apps)
    for task in DirectoryModerationTask.objects.all():
        task_id = task.pk
        task.delete(keep_parents=True)
        Task.objects.filter(pk=task_id).update(content_type=plain)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0010_directory_moderation_task"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(use_directory_task, use_group_approval_task)]
