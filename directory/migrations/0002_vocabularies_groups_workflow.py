"""Seed the vocabularies, the editor groups and the "Directory moderation" workflow."""

from django.db import migrations

AUDIENCES = [
    ("Parents and carers", "Rhieni a gofalwyr", "parents"),
    ("Students", "Myfyrwyr", "students"),
    ("Young people", "Pobl ifanc", "young-people"),
    ("Older people", "Pobl hŷn", "older-people"),
    ("Veterans and service families", "Cyn-filwyr a theuluoedd y lluoedd", "veterans"),
    ("Disabled people", "Pobl anabl", "disabled-people"),
    ("Carers", "Gofalwyr", "carers"),
    ("Consumers", "Defnyddwyr", "consumers"),
    ("Public-sector professionals", "Gweithwyr proffesiynol y sector cyhoeddus", "professionals"),
    ("Residents", "Trigolion", "residents"),
    ("Small businesses", "Busnesau bach", "small-businesses"),
    ("Smallholders and hobby farmers", "Tyddynwyr", "smallholders"),
]
REGIONS = [
    ("United Kingdom", "Y Deyrnas Unedig", "uk"),
    ("England", "Lloegr", "england"),
    ("Wales", "Cymru", "wales"),
    ("Scotland", "Yr Alban", "scotland"),
    ("Northern Ireland", "Gogledd Iwerddon", "northern-ireland"),
    ("London", "Llundain", "london"),
    ("North of England", "Gogledd Lloegr", "north-england"),
    ("Yorkshire and the Humber", "Swydd Efrog a'r Humber", "yorkshire"),
    ("Sheffield", "Sheffield", "sheffield"),
    ("Cardiff", "Caerdydd", "cardiff"),
]
COMMUNITY_TYPES = [
    ("Discussion forum", "Fforwm trafod", "forum"),
    ("Blog with comments", "Blog gyda sylwadau", "blog"),
    ("Webchat", "Sgwrs ar-lein", "webchat"),
    ("Community of practice", "Cymuned ymarfer", "community-of-practice"),
    ("Social media group", "Grŵp cyfryngau cymdeithasol", "social-media-group"),
    ("Mailing list", "Rhestr bostio", "mailing-list"),
    ("Question-and-answer site", "Safle holi ac ateb", "question-and-answer"),
]

EDITORS = "Directory editors"
DEPARTMENT_EDITORS = "Department editors"
WORKFLOW = "Directory moderation"


def seed(apps, schema_editor):
    for model_name, rows in (
        ("Audience", AUDIENCES),
        ("Region", REGIONS),
        ("CommunityType", COMMUNITY_TYPES),
    ):
        model = apps.get_model("directory", model_name)
        for name, name_cy, slug in rows:
            model.objects.update_or_create(slug=slug, defaults={"name": name, "name_cy": name_cy})

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    department_editors, _ = Group.objects.get_or_create(name=DEPARTMENT_EDITORS)
    admin_access = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
    editors.permissions.add(*admin_access)
    department_editors.permissions.add(*admin_access)
    snippet_perms = Permission.objects.filter(
        content_type__app_label="directory",
        content_type__model__in=["audience", "region", "communitytype"],
    )
    editors.permissions.add(*snippet_perms)

    ContentType = apps.get_model("contenttypes", "ContentType")
    Task = apps.get_model("wagtailcore", "Task")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    if not Workflow.objects.filter(name=WORKFLOW).exists():
        task_ct, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
        task = GroupApprovalTask.objects.create(name="Editor approval", content_type=task_ct, active=True)
        task.groups.add(editors)
        workflow = Workflow.objects.create(name=WORKFLOW, active=True)
        WorkflowTask.objects.create(workflow=workflow, task=Task.objects.get(pk=task.pk), sort_order=0)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("wagtailcore", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
