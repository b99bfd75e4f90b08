"""``manage.py send_alerts``: email daily and weekly subscribers whose turn it is; delete unconfirmed requests."""

from django.core.management.base import BaseCommand

from directory.alerts import Frequency, delete_expired_requests, send_due_alerts

SCHEDULED = (Frequency.DAILY, Frequency.WEEKLY)  # "immediately" is sent on publish, by the task worker


class Command(BaseCommand):
    help = (
        "Email each confirmed daily or weekly subscriber whose turn has come about the communities "
        "listed since their last email, then delete requests nobody confirmed in time. Run it daily: "
        "a weekly subscriber's turn comes once a week."
    )

    def handle(self, *args, **options):
        written = {frequency: send_due_alerts(frequency) for frequency in SCHEDULED}
        expired = delete_expired_requests()
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote to {written[Frequency.DAILY]} daily and {written[Frequency.WEEKLY]} weekly subscribers; "
                f"deleted {expired} requests nobody confirmed."
            )
        )
