"""``manage.py send_alerts``: email daily and weekly subscribers whose turn it is; delete unconfirmed requests."""

from django.core.management.base import BaseCommand

from directory.alerts import Frequency, send_alerts

SCHEDULED = (Frequency.DAILY, Frequency.WEEKLY)  # "immediately" is sent on publish, by the task worker


class Command(BaseCommand):
    help = (
        "Email each confirmed daily or weekly subscriber whose turn has come about the communities "
        "listed since their last email, then delete requests nobody confirmed in time. Run it daily: "
        "a weekly subscriber's turn comes once a week."
    )

    def handle(self, *args, **options):
        # The task the worker runs for "immediately", run here in turn for each scheduled frequency.
        runs = {frequency: send_alerts.call(frequency) for frequency in SCHEDULED}
        expired = sum(run["expired"] for run in runs.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote to {runs[Frequency.DAILY]['written']} daily and {runs[Frequency.WEEKLY]['written']} weekly "
                f"subscribers; deleted {expired} requests nobody confirmed."
            )
        )
