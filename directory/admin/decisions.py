"""An editor's decision on one moderation record: a small confirmation form, then a business rule.

Decline a nomination; approve a claim; accept or decline a suggested edit; resolve or dismiss a
problem report; try a failed email again. Each calls ``directory.nominations`` /
``directory.suggestions`` / ``directory.emails``, which email people. The queues in
``directory.admin.moderation`` mount these views and show their buttons.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.views import generic

from directory.admin.access import is_directory_editor
from directory.admin.forms import DecisionReasonForm, ResolutionForm
from directory.emails import retry_failed_email
from directory.models import EditSuggestion, Nomination, OutboundEmail, ProblemReport
from directory.nominations import AlreadyDecided, approve_claim, decline_nomination
from directory.suggestions import accept_suggestion, decline_suggestion, resolve_problem_report
from directory.verification import claim_is_verified


class DecisionView(generic.base.WagtailAdminTemplateMixin, FormView):
    """Confirm an action on one record (with a reason or note when the action needs one)."""

    template_name = "directory/admin/decision.html"
    form_class = forms.Form
    model = None
    index_url_name = None
    inspect_url_name = None
    action_label = ""
    description = ""
    success_message = ""
    button_classes = "button"

    def dispatch(self, request, *args, **kwargs):
        if not is_directory_editor(request.user):
            raise PermissionDenied
        self.object = get_object_or_404(self.model, pk=kwargs["pk"])
        if not self.can_act(self.object):
            messages.warning(request, _("This has already been decided."))
            return HttpResponseRedirect(self.inspect_url)
        return super().dispatch(request, *args, **kwargs)

    def can_act(self, record):
        return True

    @cached_property
    def inspect_url(self):
        return reverse(self.inspect_url_name, args=[self.object.pk])

    def get_page_title(self):
        return self.action_label

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse(self.index_url_name), "label": self.model._meta.verbose_name_plural.capitalize()},
            {"url": self.inspect_url, "label": str(self.object)},
            {"url": "", "label": self.action_label},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            description=self.description,
            action_label=self.action_label,
            cancel_url=self.inspect_url,
            button_classes=self.button_classes,
        )
        return context

    def form_valid(self, form):
        try:
            self.act(self.object, self.request.user, form.cleaned_data)
        except AlreadyDecided:
            # Another editor decided between this page loading and the button being pressed.
            messages.warning(self.request, _("This has already been decided."))
            return HttpResponseRedirect(self.inspect_url)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(reverse(self.index_url_name))

    def act(self, record, user, cleaned_data):
        raise NotImplementedError


class DeclineNominationView(DecisionView):
    form_class = DecisionReasonForm
    action_label = _("Decline")
    description = _("The person is emailed your reason. A new community's unpublished draft is deleted.")
    success_message = _("Declined; the person has been emailed.")
    button_classes = "button no"

    def can_act(self, record):
        return record.status in (Nomination.Status.PENDING, Nomination.Status.CHANGES_REQUESTED)

    def act(self, record, user, cleaned_data):
        decline_nomination(record, user, cleaned_data["reason"])


class ApproveClaimView(DecisionView):
    action_label = _("Approve claim")
    description = _(
        "The claimant becomes the entry's private contact and is emailed a private link to keep it up to date."
    )
    success_message = _("Claim approved; the claimant has been emailed their private link.")

    def can_act(self, record):
        return record.status == Nomination.Status.PENDING and record.forum is not None

    def act(self, record, user, cleaned_data):
        approve_claim(record, user)


class ApproveVerifiedClaimView(ApproveClaimView):
    """One decision for a claimant who proved they run the website: checked, then approved at once."""

    action_label = _("Check the website and approve")
    description = _(
        "We look for the claimant's own token on the community's website (its home page or "
        "/.well-known/ file). If it is there, the claim is approved at once, as “Approve claim” does. "
        "If not, nothing changes and you can check the claim as usual."
    )

    def form_valid(self, form):
        if not claim_is_verified(self.object):
            messages.warning(self.request, _("The claimant's token is not on the website. Check the claim as usual."))
            return HttpResponseRedirect(self.inspect_url)
        return super().form_valid(form)


class AcceptSuggestionView(DecisionView):
    action_label = _("Accept")
    description = _(
        "The suggested values become a new revision of the entry, which goes through moderation like any "
        "other change. The page history names this suggestion."
    )
    success_message = _("Suggestion accepted; the change is waiting for approval in the workflow.")

    def can_act(self, record):
        return record.status == EditSuggestion.Status.PENDING

    def act(self, record, user, cleaned_data):
        accept_suggestion(record, user)


class DeclineSuggestionView(DecisionView):
    form_class = DecisionReasonForm
    action_label = _("Decline")
    description = _("The suggestion is kept with your reason; the suggester is emailed if they gave an address.")
    success_message = _("Suggestion declined.")
    button_classes = "button no"

    def can_act(self, record):
        return record.status == EditSuggestion.Status.PENDING

    def act(self, record, user, cleaned_data):
        decline_suggestion(record, user, cleaned_data["reason"])


class ResolveReportView(DecisionView):
    form_class = ResolutionForm
    action_label = _("Mark as resolved")
    description = _("Fix the entry first (edit the page), then record what you did.")
    success_message = _("Report resolved.")
    dismiss = False

    def can_act(self, record):
        return record.status == ProblemReport.Status.OPEN

    def act(self, record, user, cleaned_data):
        resolve_problem_report(record, cleaned_data["note"], dismiss=self.dismiss)


class DismissReportView(ResolveReportView):
    action_label = _("Dismiss")
    description = _("Nothing needs changing. Record why, for the next editor.")
    success_message = _("Report dismissed.")
    button_classes = "button no"
    dismiss = True


class RetryEmailView(DecisionView):
    action_label = _("Try again")
    description = _("The email is sent again, with a fresh set of attempts.")
    success_message = _("The email will be sent again.")

    def can_act(self, record):
        return record.status == OutboundEmail.Status.FAILED

    def act(self, record, user, cleaned_data):
        retry_failed_email(record)
