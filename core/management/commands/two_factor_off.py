"""Turn two-step verification off for an editor who has lost their authenticator app."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = (
        "Remove an editor's authenticator app, so their next sign-in needs only the password "
        "(and, with DIRECTORY_REQUIRE_2FA on, sends them to set up a new app)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account with the username {username!r}.")
        removed, _details = TOTPDevice.objects.filter(user=user).delete()
        self.stdout.write(f"Two-step verification is off for {username} ({removed} app(s) removed).")
