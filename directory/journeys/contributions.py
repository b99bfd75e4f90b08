"""Contributions from anyone on a listed entry: suggest an edit, report a problem, read the history.

Served at /directory/<slug>/suggest/, /report/ and /history/ by ``ForumPage`` routes, only for
live, listed entries. Nothing sent here changes the entry; editors decide.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from core.protection import private_page, public_form, refuse_as_spam
from directory.forum_details import details_from_form, details_from_forum
from directory.history import public_history
from directory.journeys.forms import ProblemReportForm, SuggestionForm, initial_from_details
from directory.models import ForumPage, ForumStatus
from directory.suggestions import NothingChanged, submit_problem_report, submit_suggestion


def entry_for_contributions(page, *, delisted_too=False):
    """The original entry behind ``page`` (an alias in another language points at it); 404 unless listed.

    ``delisted_too`` admits a delisted entry, whose public record (its history) stays readable.
    """
    if not page.live or (page.status == ForumStatus.DELISTED and not delisted_too):
        raise Http404
    if page.alias_of_id:
        originals = ForumPage.objects.live().public() if delisted_too else ForumPage.objects.listed()
        original = originals.filter(pk=page.alias_of_id).first()
        if original is None:
            raise Http404
        return original
    return page


def render_thanks(request, page, heading, received, email):
    """The confirmation: the reference of what was ``received`` and, if they gave one, where we emailed."""
    context = {"page": page, "heading": heading, "reference": received.reference, "email": email}
    return TemplateResponse(request, "directory/contribution_thanks.html", context)


@private_page
@public_form("contribute", "CONTRIBUTION_RATE_LIMIT")
def suggest_edit(request, page):
    """A form prefilled with the entry's details plus a reason; kept for the editors."""
    forum = entry_for_contributions(page)
    if request.method == "POST":
        form = SuggestionForm(request.POST)
        if form.is_spam():
            return refuse_as_spam(request)
        if form.is_valid() and form.accept_start():
            try:
                suggestion = submit_suggestion(
                    forum,
                    details_from_form(form.cleaned_data),
                    form.cleaned_data["reason"],
                    suggester_name=form.cleaned_data["suggester_name"],
                    suggester_email=form.cleaned_data["suggester_email"],
                    sent_quickly=form.sent_quickly,
                )
            except NothingChanged:
                form.add_error(
                    None, ValidationError(_("You have not changed anything yet. Change at least one detail."))
                )
            else:
                return render_thanks(
                    request, page, _("Thank you for your suggestion"), suggestion, suggestion.suggester_email
                )
    else:
        form = SuggestionForm(initial=initial_from_details(details_from_forum(forum)))
    return TemplateResponse(request, "directory/forum_suggest.html", {"page": page, "forum": forum, "form": form})


@private_page
@public_form("contribute", "CONTRIBUTION_RATE_LIMIT")
def report_problem(request, page):
    """Report a broken link, a closed community, wrong details, or an entry that should not be listed."""
    forum = entry_for_contributions(page)
    form = ProblemReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_spam():
            return refuse_as_spam(request)
        if form.is_valid() and form.accept_start():
            report = submit_problem_report(
                forum,
                form.cleaned_data["kind"],
                form.cleaned_data["details"],
                form.cleaned_data["reporter_email"],
                sent_quickly=form.sent_quickly,
            )
            return render_thanks(request, page, _("Thank you for telling us"), report, report.reporter_email)
    return TemplateResponse(request, "directory/forum_report.html", {"page": page, "forum": forum, "form": form})


def change_history(request, page):
    """The public list of published changes: when, and which public fields changed from what to what.

    A delisted entry keeps its history readable: the record of what it said is part of why it went.
    """
    forum = entry_for_contributions(page, delisted_too=True)
    return TemplateResponse(
        request, "directory/forum_history.html", {"page": page, "forum": forum, "history": public_history(forum)}
    )
