"""Create a local superuser once and print its login (development only)."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

CREDENTIALS_FILE = Path(settings.BASE_DIR) / ".local-admin"


class Command(BaseCommand):
    help = "Create the local admin account on first run and print its login every run."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("ensure_local_admin is for local development only (DEBUG is off).")
        user_model = get_user_model()
        if CREDENTIALS_FILE.exists() and user_model.objects.filter(username="admin").exists():
            username, password = CREDENTIALS_FILE.read_text().strip().split(":", 1)
        else:
            username, password = "admin", secrets.token_urlsafe(12)
            user, _created = user_model.objects.get_or_create(username=username, defaults={"email": "admin@localhost"})
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
            CREDENTIALS_FILE.write_text(f"{username}:{password}\n")
            CREDENTIALS_FILE.chmod(0o600)
        self.stdout.write(
            self.style.SUCCESS(f"Local admin: http://127.0.0.1:8000/admin/  username: {username}  password: {password}")
        )
