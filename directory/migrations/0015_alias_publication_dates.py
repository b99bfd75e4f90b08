"""Aliases published before ``directory.translation.date_published_alias`` existed get their source's
first publication date (Wagtail copied only the last one), so Welsh feeds and exports have it; the
"run by" field says what leaving it empty means for open data."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def date_aliases(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    source_date = Page.objects.filter(pk=OuterRef("alias_of_id")).values("first_published_at")[:1]
    undated = Page.objects.filter(alias_of__isnull=False, first_published_at__isnull=True, live=True)
    undated.update(first_published_at=Subquery(source_date))


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0013_search_stemming"),
    ]

    operations = [
        migrations.RunPython(date_aliases, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="forumpage",
            name="operator_name",
            field=models.CharField(
                blank=True,
                help_text=(
                    "The organisation or group that runs it. Leave empty if its own members and volunteers run it: "
                    "open data then lists the community as its own organisation."
                ),
                max_length=200,
                verbose_name="run by",
            ),
        ),
    ]
