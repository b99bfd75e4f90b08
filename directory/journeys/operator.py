"""The operator's private page at /listing/<token>/: status, history, corrections, removal.

The token in the address is the only key; a wrong one is a plain 404, and one stopped because
someone else now manages the entry is a 410 "This link no longer works" that says nothing about
the entry. A page shows only the link holder's own contact details. Every response is private:
not cached, not indexed, and no referrer leaks the address to other sites.
"""

from functools import wraps

from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.protection import private_page, public_form
from directory.badges import badge_snippet, has_badge
from directory.forum_details import details_from_form, details_from_forum
from directory.history import public_history
from directory.journeys.forms import (
    OperatorUpdateForm,
    RemovalRequestForm,
    duplicate_entry_message,
    initial_from_details,
)
from directory.nominations import (
    confirm_still_accurate,
    find_existing_entry,
    request_removal,
    submit_operator_update,
)
from directory.private_links import LinkRevoked, nomination_for_token
from directory.verification import check_verification
from directory.verification_tokens import token_instructions, verification_token

CAN_CHANGE = ("pending", "changes_requested", "approved")


def listing_url(token, name="operator_listing"):
    return reverse(name, args=[token])


def can_change(nomination):
    return nomination.forum is not None and nomination.status in CAN_CHANGE


def can_confirm(nomination):
    """Only a published entry can be confirmed still accurate: a draft has nothing readers see yet."""
    return can_change(nomination) and nomination.forum.live


def stopped_links_gone(view):
    """A stopped private link (``LinkRevoked``) answers 410 "This link no longer works", on every page."""

    @wraps(view)
    def wrapped(request, token, *args, **kwargs):
        try:
            return view(request, token, *args, **kwargs)
        except LinkRevoked:
            return TemplateResponse(request, "directory/operator_link_revoked.html", {}, status=410)

    return wrapped


@private_page
@require_http_methods(["GET", "POST"])
@public_form("operator", "CONTRIBUTION_RATE_LIMIT")
@stopped_links_gone
def listing(request, token):
    """The operator's page: where the entry stands; "still accurate" is a one-button form."""
    nomination = nomination_for_token(token)
    forum = nomination.forum
    if request.method == "POST" and request.POST.get("action") == "confirm" and can_confirm(nomination):
        confirm_still_accurate(nomination)
        return HttpResponseRedirect(listing_url(token) + "?confirmed=1")
    if request.method == "POST" and request.POST.get("action") == "verify" and can_change(nomination):
        found = check_verification(forum).found
        return HttpResponseRedirect(listing_url(token) + ("?verified=1" if found else "?verified=0"))
    context = {
        "nomination": nomination,
        "forum": forum,
        "draft": forum.get_latest_revision_as_object() if forum is not None else None,
        "history": public_history(forum) if forum is not None and forum.live else [],
        "token": token,
        "can_change": can_change(nomination),
        "can_confirm": can_confirm(nomination),
        "confirmed": request.GET.get("confirmed") == "1",
        "updated": request.GET.get("updated") == "1",
        "badge_snippets": badge_snippets(forum),
        "verification": verification_context(forum) if can_change(nomination) else None,
        "verified": request.GET.get("verified"),
    }
    return TemplateResponse(request, "directory/operator_listing.html", context)


def verification_context(forum):
    """What the operator places on their website to be shown as verified, and where."""
    return token_instructions(verification_token(forum), forum.website)


def badge_snippets(forum):
    """The badge's HTML in English and in Welsh, for a listed entry's operator to copy; none otherwise."""
    if not has_badge(forum):
        return []
    return [(_("Badge in English"), badge_snippet(forum, "en")), (_("Badge in Welsh"), badge_snippet(forum, "cy"))]


@private_page
@require_http_methods(["GET", "POST"])
@public_form("operator", "CONTRIBUTION_RATE_LIMIT")
@stopped_links_gone
def update(request, token):
    """The operator corrects their entry; the change waits for an editor, the live entry stays as it is."""
    nomination = nomination_for_token(token)
    if not can_change(nomination):
        return HttpResponseRedirect(listing_url(token))
    draft = nomination.forum.get_latest_revision_as_object()
    if request.method == "POST":
        form = OperatorUpdateForm(request.POST)
        if form.is_valid():
            existing = find_existing_entry(form.cleaned_data["website"], exclude=nomination.forum)
            if existing is not None:
                form.add_error("website", ValidationError(duplicate_entry_message(existing)))
            else:
                contact = {name: form.cleaned_data[name] for name in ("contact_name", "contact_email")}
                submit_operator_update(nomination, details_from_form(form.cleaned_data), contact)
                return HttpResponseRedirect(listing_url(token) + "?updated=1")
    else:
        initial = initial_from_details(details_from_forum(draft))
        # The holder's own details, never the entry's (which an editor may have given someone else).
        initial.update(contact_name=nomination.contact_name, contact_email=nomination.contact_email)
        form = OperatorUpdateForm(initial=initial)
    context = {"nomination": nomination, "forum": nomination.forum, "form": form, "token": token}
    return TemplateResponse(request, "directory/operator_update.html", context)


@private_page
@require_http_methods(["GET", "POST"])
@public_form("operator", "CONTRIBUTION_RATE_LIMIT")
@stopped_links_gone
def removal(request, token):
    """The operator asks for the entry to be removed (at once if never published, else by an editor)."""
    nomination = nomination_for_token(token)
    if not can_change(nomination):
        return HttpResponseRedirect(listing_url(token))
    form = RemovalRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        request_removal(nomination, form.cleaned_data["reason"])
        return HttpResponseRedirect(listing_url(token))
    context = {"nomination": nomination, "forum": nomination.forum, "form": form, "token": token}
    return TemplateResponse(request, "directory/operator_removal.html", context)
