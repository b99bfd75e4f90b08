"""Both editor groups may send a page for translation (wagtail-localize's "Translate" action).

Without the permission an editor's "Translate" answered "Sorry, you do not have permission";
the translation still waits for the editors' workflow before it is public.
"""

from django.db import migrations

GROUPS = ["Directory editors", "Department editors"]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    submit = Permission.objects.filter(content_type__app_label="wagtail_localize", codename="submit_translation")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*submit)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    submit = Permission.objects.filter(content_type__app_label="wagtail_localize", codename="submit_translation")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*submit)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0006_private_link_revoked"),
        ("wagtail_localize", "0006_create_submit_translation_permission"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
