"""The admin's "forgot your password?" form, limited so it cannot flood an inbox.

Wagtail's password reset view sends an email for every request. This subclass counts requests
per visitor address (``PASSWORD_RESET_ADDRESS_RATE_LIMIT``) and per email address asked about
(``PASSWORD_RESET_ACCOUNT_RATE_LIMIT``), in the rate-limit cache. Past either limit no email is
sent and the form says, kindly, that a link is already on its way if the account exists, and
when to try again (HTTP 429). Counting is by the address typed, whether or not an account has
it, so the answers never tell an outsider which addresses belong to editors.
"""

import hashlib

from django.conf import settings
from django.utils.translation import ngettext
from wagtail.admin.views.account import PasswordResetView

from core.protection import limit_usage


def account_key(email):
    """django-ratelimit key for the email address asked about, however it was typed."""
    normalised = email.strip().casefold()

    def key(group, request):
        return hashlib.sha256(normalised.encode()).hexdigest()

    return key


class ThrottledPasswordResetView(PasswordResetView):
    def form_valid(self, form):
        email = form.cleaned_data["email"]
        usages = [
            limit_usage(self.request, "password-reset-address", settings.PASSWORD_RESET_ADDRESS_RATE_LIMIT),
            limit_usage(
                self.request, "password-reset-account", settings.PASSWORD_RESET_ACCOUNT_RATE_LIMIT, account_key(email)
            ),
        ]
        refused = [usage for usage in usages if usage and usage["should_limit"]]
        if not refused:
            return super().form_valid(form)
        retry_after = max(60, max(usage["time_left"] for usage in refused))
        minutes = max(1, retry_after // 60)
        form.add_error(
            None,
            ngettext(
                "You have asked for a new password several times recently. If an account uses this email "
                "address, a link to reset its password is already on its way: check your inbox and spam "
                "folder. You can ask again in %(minutes)s minute.",
                "You have asked for a new password several times recently. If an account uses this email "
                "address, a link to reset its password is already on its way: check your inbox and spam "
                "folder. You can ask again in %(minutes)s minutes.",
                minutes,
            )
            % {"minutes": minutes},
        )
        response = self.form_invalid(form)
        response.status_code = 429
        response["Retry-After"] = str(retry_after)
        response["Cache-Control"] = "private, no-store"
        return response
