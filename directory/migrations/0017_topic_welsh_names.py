"""Topics' Welsh names (``TopicName``), and the "Directory editors" group's permission to keep them."""

import django.db.models.deletion
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

EDITORS = "Directory editors"


def grant_editors(apps, schema_editor):
    # The model's permissions are made after all migrations run; make them now to grant them.
    app_config = apps.get_app_config("directory")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name=EDITORS).first()
    if editors is not None:
        editors.permissions.add(
            *Permission.objects.filter(content_type__app_label="directory", content_type__model="topicname")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0016_alerts_verified_operators"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.CreateModel(
            name="TopicName",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "name_cy",
                    models.CharField(help_text="The topic's name in Welsh.", max_length=100, verbose_name="Welsh name"),
                ),
                (
                    "tag",
                    models.OneToOneField(
                        help_text="The topic as communities and public bodies are tagged with it, in English.",
                        limit_choices_to=models.Q(
                            ("directory_forumpagetag_items__isnull", False),
                            ("directory_departmentpagetag_items__isnull", False),
                            _connector="OR",
                        ),
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="welsh_name",
                        to="taggit.tag",
                        verbose_name="topic",
                    ),
                ),
            ],
            options={
                "verbose_name": "topic name in Welsh",
                "verbose_name_plural": "topic names in Welsh",
                "ordering": ["tag__name"],
            },
        ),
        migrations.RunPython(grant_editors, migrations.RunPython.noop),
    ]
