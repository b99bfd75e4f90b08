"""An index for the directory's default order (name, A to Z), so a page of the listing is read in order.

Without it, every listing page sorts all communities by lower-cased title first: a quarter of a
second at 100,000 communities. The index is on Wagtail's page table, where the title lives.
"""

from django.db import migrations

INDEX = "directory_page_lower_title_id"


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_person_language"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            f'CREATE INDEX IF NOT EXISTS {INDEX} ON "wagtailcore_page" (LOWER("title"), "id")',
            f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
