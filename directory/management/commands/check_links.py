"""``manage.py check_links``: check every live community's web address, with a progress bar and a summary."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from directory.linkcheck import check_forum_links, forums_to_check, prune_link_checks
from directory.models import LinkCheck


class Command(BaseCommand):
    help = "Check every live community's web address concurrently and record the results."

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, help="How many addresses to check at once.")
        parser.add_argument("--timeout", type=float, help="Seconds allowed for each address.")
        parser.add_argument("--no-progress", action="store_true", help="Do not show the progress bar.")
        parser.add_argument("--keep-days", type=int, help="Delete checks older than this many days (default: a year).")

    def handle(self, *args, concurrency=None, timeout=None, no_progress=False, keep_days=None, **options):
        if concurrency is not None and concurrency < 1:
            raise CommandError("--concurrency must be at least 1.")
        if timeout is not None and timeout <= 0:
            raise CommandError("--timeout must be more than 0 seconds.")
        if keep_days is not None and keep_days < 1:
            raise CommandError("--keep-days must be at least 1.")
        forums = list(forums_to_check())
        addresses = len({forum.website for forum in forums})
        with tqdm(total=addresses, unit="link", disable=no_progress or None, file=self.stderr) as bar:
            run = check_forum_links(
                forums, concurrency=concurrency, timeout=timeout, on_result=lambda link_result: bar.update(1)
            )
        self.write_summary(run, addresses)
        pruned = prune_link_checks(keep_days)
        if pruned:
            self.stdout.write(f"Deleted {pruned} checks older than the history kept.")

    def write_summary(self, run, addresses):
        self.stdout.write(f"Checked {addresses} addresses for {len(run.forums)} live communities.\n")
        counts = run.outcome_counts
        self.write_table(
            ["Outcome", "Communities"],
            [[label, str(counts.get(value, 0))] for value, label in LinkCheck.Outcome.choices],
        )
        if run.failing:
            self.stdout.write("\nLinks that failed:\n")
            self.write_table(
                ["Community", "Address", "Outcome", "HTTP", "Failures in a row", "Link status"],
                [
                    [
                        forum.title,
                        link_result.url,
                        LinkCheck.Outcome(link_result.outcome).label,
                        str(link_result.status_code or "–"),
                        str(forum.link_failures),
                        forum.get_link_status_display(),
                    ]
                    for forum, link_result in run.failing
                ],
            )

    def write_table(self, headings, rows):
        """A plain-text table with columns as wide as their widest cell."""
        widths = [max(len(str(cell)) for cell in column) for column in zip(headings, *rows, strict=False)]
        line = "  ".join("-" * width for width in widths)
        for row in [headings, None, *rows]:
            if row is None:
                self.stdout.write(line)
                continue
            self.stdout.write(
                "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
