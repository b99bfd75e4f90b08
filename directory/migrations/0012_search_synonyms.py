"""Search synonyms: groups of equivalent words per language, which "Directory editors" may edit.

The permissions of a model are made after migrations run; they are made here first so the
group can be given them in the same run.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

EDITORS = "Directory editors"
ACTIONS = ("add", "change", "delete", "view")


def synonym_permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_searchsynonyms" for action in ACTIONS]
    return Permission.objects.filter(content_type__app_label="directory", codename__in=codenames)


def grant(apps, schema_editor):
    app_config = apps.get_app_config("directory")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=EDITORS):
        group.permissions.add(*synonym_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=EDITORS):
        group.permissions.remove(*synonym_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0011_moderation_task_in_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchSynonyms",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "language",
                    models.CharField(
                        choices=[("en", "English"), ("cy", "Welsh")],
                        default="en",
                        help_text="The site whose searches use this group.",
                        max_length=7,
                        verbose_name="language",
                    ),
                ),
                (
                    "terms",
                    models.TextField(
                        help_text=(
                            "Separated by commas, for example: parents, mums, mothers, dads. Give each form people "
                            "type (mum, mums); a search for any of them finds the others."
                        ),
                        verbose_name="words and phrases",
                    ),
                ),
            ],
            options={
                "verbose_name": "synonym group",
                "verbose_name_plural": "search synonyms",
                "ordering": ["language", "terms"],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
