"""The public pages of email alerts: ask for one, confirm it, manage it, stop it (directory.alerts).

/alerts/new/?<the directory's query string> asks for an address and how often; the saved search
is the query string, so "Get emails about new communities like these" on any listing, topic or
department page simply links here with its own parameters. Posts are limited per client network
and per address; past the address's limit the answer is the same as ever and nothing is sent, so
the form never says whether an address is subscribed. The signed links in emails are the only
keys; a bad or expired one gets a page saying so, never an error. Every page is private.
"""

from django import forms
from django.conf import settings
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.password_reset import account_key  # the address typed, hashed
from core.protection import limit_usage, private_page, too_many_requests
from directory.alerts import (
    alert_for_link,
    change_frequency,
    confirm_alert,
    describe_search,
    request_alert,
    saved_search,
    search_querystring,
    stop_alert,
    stop_all_alerts,
)
from directory.emails import site_language
from directory.models import AlertSubscription


class AlertForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We use it only to send these emails. You can stop them with one click in any of them."),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )
    frequency = forms.ChoiceField(
        label=_("How often do you want emails?"),
        choices=AlertSubscription.Frequency.choices,
        initial=AlertSubscription.Frequency.DAILY,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how often you want emails")},
    )


class FrequencyForm(forms.Form):
    frequency = AlertForm.base_fields["frequency"]


def network_rate():
    return getattr(settings, "ALERT_RATE_LIMIT", "10/h")


def address_rate():
    return getattr(settings, "ALERT_ADDRESS_RATE_LIMIT", "3/h")


@private_page
@require_http_methods(["GET", "POST"])
def new_alert(request):
    """Ask for emails about new communities matching the search in the query string."""
    search = saved_search(request.GET)
    if request.method == "POST":
        usage = limit_usage(request, "alerts", network_rate())
        if usage and usage["should_limit"]:
            return too_many_requests(request, usage["time_left"])
        form = AlertForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"]
            usage = limit_usage(request, "alerts-address", address_rate(), account_key(email))
            if not (usage and usage["should_limit"]):
                request_alert(email, search, form.cleaned_data["frequency"], site_language())
            return HttpResponseRedirect(reverse("alert_sent"))
    else:
        form = AlertForm()
    context = {
        "form": form,
        "about": describe_search(search),
        "directory_query": search_querystring(search),
    }
    return TemplateResponse(request, "directory/alerts/new.html", context)


@private_page
def alert_sent(request):
    return TemplateResponse(request, "directory/alerts/sent.html", {})


def link_not_working(request):
    return TemplateResponse(request, "directory/alerts/link_not_working.html", {}, status=404)


@private_page
@require_http_methods(["GET", "POST"])
def confirm(request, signed):
    """The link in the confirmation email: a button (mail scanners follow links, people press buttons)."""
    alert = alert_for_link("confirm", signed)
    if alert is None:
        return link_not_working(request)
    if request.method == "POST":
        confirm_alert(alert)
        return TemplateResponse(request, "directory/alerts/confirmed.html", {"about": describe_search(alert.query)})
    context = {"alert": alert, "about": describe_search(alert.query)}
    return TemplateResponse(request, "directory/alerts/confirm.html", context)


@private_page
@require_http_methods(["GET", "POST"])
def manage(request, signed):
    """Change how often an alert writes, stop it, or stop every alert to the address."""
    alert = alert_for_link("manage", signed)
    if alert is None or alert.confirmed_at is None:
        return link_not_working(request)
    action = request.POST.get("action")
    if request.method == "POST" and action in ("stop", "stop_all"):
        (stop_all_alerts if action == "stop_all" else stop_alert)(alert)
        return TemplateResponse(request, "directory/alerts/stopped.html", {"all": action == "stop_all"})
    form = FrequencyForm(request.POST if request.method == "POST" else None, initial={"frequency": alert.frequency})
    saved = False
    if request.method == "POST" and form.is_valid():
        change_frequency(alert, form.cleaned_data["frequency"])
        saved = True
    context = {"alert": alert, "form": form, "saved": saved, "about": describe_search(alert.query)}
    return TemplateResponse(request, "directory/alerts/manage.html", context)


@csrf_exempt  # RFC 8058: mail clients post "List-Unsubscribe=One-Click" without cookies; the signed link is the key
@private_page
@require_http_methods(["GET", "POST"])
def unsubscribe(request, signed):
    """One-click unsubscribe: a post deletes the alert at once; a visit shows a button that does."""
    alert = alert_for_link("unsubscribe", signed)
    if request.method == "POST":
        if alert is not None:
            stop_alert(alert)
        return TemplateResponse(request, "directory/alerts/stopped.html", {"all": False})
    if alert is None:
        return link_not_working(request)
    return TemplateResponse(request, "directory/alerts/unsubscribe.html", {"about": describe_search(alert.query)})
