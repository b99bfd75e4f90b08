"""``manage.py import_forums FILE.csv``: bulk import of communities in the open-data export format.

Bad rows are listed with their row number and reasons; good rows are kept. The command exits
with status 1 when any row failed, so a script can tell. See docs/open-data.md for the columns.
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from directory.importer import ImportFileError, import_forums, read_forum_rows, unknown_columns


class Command(BaseCommand):
    help = (
        "Import communities from a CSV (or JSON) file in the /directory/export format. Entries are "
        "matched on their web address, so running it twice changes nothing. New and changed entries "
        "go to the editors' moderation queue unless --publish is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file (or the JSON export) to import.")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish new and changed entries at once instead of sending them to moderation.",
        )

    def handle(self, *args, file, publish, verbosity=1, **options):
        try:
            rows = read_forum_rows(file)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        for column in unknown_columns(rows):
            self.stderr.write(self.style.WARNING(f"Column “{column}” is not part of the format; it is ignored."))
        progress = tqdm(rows, desc="Importing", unit="row", disable=verbosity < 1, file=sys.stderr)
        try:
            report = import_forums(progress, publish=publish)
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        finally:
            progress.close()
        for error in report.errors:
            self.stderr.write(self.style.ERROR(str(error)))
        where = "published" if publish else "sent to moderation"
        self.stdout.write(
            f"{len(rows)} rows read: {len(report.created)} created, {len(report.updated)} updated "
            f"({where}), {len(report.unchanged)} unchanged, {len(report.errors)} failed."
        )
        if report.errors:
            raise CommandError(f"{len(report.errors)} rows could not be imported; the other rows were kept.")
