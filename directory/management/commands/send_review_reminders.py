"""``manage.py send_review_reminders``: remind operators whose entries are due for review; retire overdue ones."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from directory.reviews import mark_overdue_inactive, send_review_reminders


class Command(BaseCommand):
    help = (
        "Email operators whose entries are due for review soon or overdue (once per stage), then mark "
        "entries overdue beyond the grace period inactive. Run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what would happen; send and change nothing.")
        parser.add_argument("--date", help="Act as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, dry_run=False, date=None, **options):
        today = None
        if date:
            try:
                today = datetime.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError("--date must be a date like 2025-03-31.") from error
        run = send_review_reminders(today=today, dry_run=dry_run)
        marked = mark_overdue_inactive(today=today, dry_run=dry_run)
        would = "Would send" if dry_run else "Sent"
        for forum, stage in run.sent:
            self.stdout.write(f"{would} “{stage.label}” to the operator of {forum.title}")
        for forum, stage in run.without_contact:
            self.stdout.write(self.style.WARNING(f"No operator contact for {forum.title} ({stage.label}): not sent"))
        for forum in marked:
            self.stdout.write(f"{'Would mark' if dry_run else 'Marked'} {forum.title} inactive: review overdue")
        counts = {"sent": len(run.sent), "marked": len(marked), "no_contact": len(run.without_contact)}
        if dry_run:
            summary = "Would send {sent} reminders and mark {marked} entries inactive; {no_contact} have no contact."
        else:
            summary = "Sent {sent} reminders and marked {marked} entries inactive; {no_contact} have no contact."
        self.stdout.write(self.style.SUCCESS(summary.format(**counts)))
