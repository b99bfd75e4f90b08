"""Two-step verification for the admin: an authenticator-app code (TOTP, django-otp) after the password.

- An editor who has set up an authenticator app is asked for a code after every sign-in before
  any admin page opens; a stolen password alone no longer opens their account.
- With ``DIRECTORY_REQUIRE_2FA`` on, an editor without one is sent to set one up first.
- Editors set it up, or turn it off, from "Two-step verification" in their account settings.
- Codes are throttled by django-otp (each wrong code doubles the wait), so six digits cannot be
  guessed by trying them all.

``TwoFactorMiddleware`` sits after django-otp's ``OTPMiddleware`` (which gives
``request.user.is_verified()``). The views are registered under /admin/ in ``home/wagtail_hooks.py``.
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

# Admin pages an editor who still owes a code may open: signing in and out, password resets,
# the two-step pages themselves and the translations their scripts load.
OPEN_VIEWS = (
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "two_factor_verify",
    "two_factor_setup",
)
OPEN_PREFIXES = ("/admin/password_reset/",)
DEVICE_NAME = "Authenticator app"


def two_factor_required():
    return getattr(settings, "DIRECTORY_REQUIRE_2FA", False)


def owes_a_code(request):
    """Whether this request is an admin request from an editor who has not yet given a code (or
    must set up an app first). Returns the view to send them to, or None."""
    path = request.path_info
    if not path.startswith("/admin/") or path.startswith(OPEN_PREFIXES):
        return None
    if path in {reverse(name) for name in OPEN_VIEWS}:
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_verified():
        return None
    if user_has_device(user, confirmed=True):
        return "two_factor_verify"
    if two_factor_required():
        return "two_factor_setup"
    return None


class TwoFactorMiddleware:
    """Send a signed-in editor who owes a code to the code page, and back where they were after."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = owes_a_code(request)
        if view:
            return HttpResponseRedirect(f"{reverse(view)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("The 6-digit code the app shows now."),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def __init__(self, *args, devices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.devices = list(devices)
        self.device = None

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        for device in self.devices:
            if device.verify_token(code):
                self.device = device
                return code
        throttled = any(not device.verify_is_allowed()[0] for device in self.devices)
        if throttled:
            raise forms.ValidationError(_("Too many wrong codes. Wait a minute, then enter the newest code."))
        raise forms.ValidationError(_("That code is not right. Enter the code the app shows now."))


def next_url(request, default="wagtailadmin_home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(default)


def verify(request):
    """Ask for the current code after the password; on success the session counts as verified."""
    devices = list(devices_for_user(request.user, confirmed=True))
    if not devices:
        return redirect(next_url(request))
    form = CodeForm(request.POST or None, devices=devices)
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        return redirect(next_url(request))
    context = {"form": form, "next": next_url(request), "page_title": _("Enter your code"), "header_icon": "key"}
    return TemplateResponse(request, "core/two_factor/verify.html", context)


def setup(request):
    """Set up an authenticator app: show its key (and QR code), confirm with a first code."""
    if user_has_device(request.user, confirmed=True):
        context = {"page_title": _("Two-step verification"), "header_icon": "key", "required": two_factor_required()}
        return TemplateResponse(request, "core/two_factor/enabled.html", context)

    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=DEVICE_NAME, confirmed=False)
    form = CodeForm(request.POST or None, devices=[device])
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        messages.success(request, _("Two-step verification is on. You will be asked for a code each time you sign in."))
        return redirect(next_url(request))

    import segno  # only this page draws QR codes

    key = device.config_url.split("secret=", 1)[1].split("&", 1)[0]
    context = {
        "form": form,
        "next": next_url(request),
        "key_groups": [key[index : index + 4] for index in range(0, len(key), 4)],
        "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
        "page_title": _("Set up two-step verification"),
        "header_icon": "key",
        "required": two_factor_required(),
    }
    return TemplateResponse(request, "core/two_factor/setup.html", context)


@require_POST
def remove(request):
    """Turn two-step verification off for the signed-in editor (not allowed when it is required)."""
    if two_factor_required():
        messages.error(request, _("Two-step verification is required for every editor on this site."))
    else:
        TOTPDevice.objects.filter(user=request.user).delete()
        messages.success(request, _("Two-step verification is off."))
    return redirect("two_factor_setup")
