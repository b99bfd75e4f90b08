"""Admin hooks of the core app: the two-step verification pages and their account-settings link."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from core import two_factor


@hooks.register("register_admin_urls")
def two_factor_urls():
    return [
        path("two-factor/", two_factor.verify, name="two_factor_verify"),
        path("two-factor/setup/", two_factor.setup, name="two_factor_setup"),
        path("two-factor/remove/", two_factor.remove, name="two_factor_remove"),
    ]


@hooks.register("register_account_menu_item")
def two_factor_account_link(request):
    return {
        "url": reverse("two_factor_setup"),
        "label": _("Two-step verification"),
        "help_text": _("Ask for a code from an authenticator app as well as your password when you sign in."),
    }
