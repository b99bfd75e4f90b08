"""The editors' moderation queues in the Wagtail admin.

- A dashboard panel with counts: new nominations, claims, suggested edits, open problem
  reports and emails that could not be sent.
- A "Moderation" menu with a listing per queue. Each record's page has the editor's actions:
  decline a nomination; approve or decline a claim; accept or decline a suggested edit;
  resolve or dismiss a problem report; try a failed email again. Every action calls the
  business rules in ``directory.nominations`` / ``directory.suggestions``, which email people.
- Nominations themselves are approved in Wagtail's own workflow ("Awaiting your review").
- Only members of "Directory editors" and superusers see any of it.
- Log actions for the page history: a suggestion accepted, an entry confirmed accurate.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import HeaderButton
from wagtail.log_actions import LogFormatter
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from directory.admin.review import review_context, waiting_nominations
from directory.emails import redact_private_links, retry_failed_email
from directory.journeys.forms import DecisionReasonForm, ResolutionForm
from directory.models import EditSuggestion, Nomination, OutboundEmail, ProblemReport
from directory.nominations import AlreadyDecided, approve_claim, decline_nomination
from directory.site_tree import EDITORS_GROUP
from directory.suggestions import accept_suggestion, decline_suggestion, describe_suggestion, resolve_problem_report

MODERATE = "moderate"


def is_directory_editor(user):
    """Active superusers and members of "Directory editors" (checked once per request)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_is_directory_editor"):
        user._is_directory_editor = user.groups.filter(name=EDITORS_GROUP).exists()
    return user._is_directory_editor


class DirectoryEditorsPolicy(BasePermissionPolicy):
    """Editors may view the moderation records and act on them; nobody adds or edits them by hand."""

    allowed_actions = {"view", MODERATE}

    def user_has_permission(self, user, action):
        return action in self.allowed_actions and is_directory_editor(user)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if not self.allowed_actions.intersection(actions):
            return users.none()
        return users.filter(Q(is_superuser=True) | Q(groups__name=EDITORS_GROUP)).distinct()


for model in (Nomination, EditSuggestion, ProblemReport, OutboundEmail):
    register_permission_policy(model, DirectoryEditorsPolicy(model))


# Decisions: a small form, then a business rule


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


# Listings and record pages


class ModerationInspectView(generic.InspectView):
    """A record's page: the decision buttons in the header and, for a record about an entry, the review panel."""

    template_name = "directory/admin/moderation_inspect.html"
    decisions = []
    url_namespace = None
    index_label = None

    @cached_property
    def header_buttons(self):
        buttons = []
        for priority, (name, label, view_class) in enumerate(self.decisions, start=1):
            instance = view_class(model=self.model)
            if instance.can_act(self.object):
                url = reverse(f"{self.url_namespace}:{name}", args=[self.object.pk])
                buttons.append(HeaderButton(label, url=url, priority=priority))
        if getattr(self.object, "forum_id", None):
            # Approving and requesting changes happen in Wagtail's workflow, on the entry itself.
            url = reverse("wagtailadmin_pages:edit", args=[self.object.forum_id])
            buttons.append(HeaderButton(_("Open the entry"), url=url, priority=0))
        return buttons

    @cached_property
    def header_more_buttons(self):
        return []

    def get_breadcrumbs_items(self):
        items = super().get_breadcrumbs_items()
        if self.index_label and len(items) > len(self.breadcrumbs_items):
            items[len(self.breadcrumbs_items)] = {**items[len(self.breadcrumbs_items)], "label": self.index_label}
        return items

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        return "—" if value is None or value == "" else value

    def get_sent_quickly_display_value(self):
        if self.object.sent_quickly:
            return _("Yes: sent within seconds of the form opening, as robots do (and people using autofill)")
        return _("No")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        forum = getattr(self.object, "forum", None)
        if forum is not None:
            nominations = [self.object] if isinstance(self.object, Nomination) else waiting_nominations(forum)
            context["review"] = review_context(forum, self.request.user, nominations)
        return context


# Flags a record whose public form came back within seconds (kept, for editors to check: SpamGuardMixin).
SENT_QUICKLY = Column(
    "sent_quickly", label=_("Check"), accessor=lambda record: _("Sent quickly") if record.sent_quickly else ""
)


class ModerationViewSet(ModelViewSet):
    """A read-only queue with decision views (``decisions``: url name, button label, view class)."""

    inspect_view_enabled = True
    copy_view_enabled = False
    decisions = []
    queryset_filter = {}
    inspect_view_class = ModerationInspectView
    list_per_page = 50
    # Records are made by the public forms and changed only by decisions; the policy refuses add/edit.
    form_fields = []

    def get_index_view_kwargs(self, **kwargs):
        queryset = self.model._default_manager.filter(**self.queryset_filter)
        if any(field.name == "forum" for field in self.model._meta.get_fields()):
            queryset = queryset.select_related("forum")  # the listings show the community: no query per row
        return super().get_index_view_kwargs(queryset=queryset, page_title=self.menu_label, **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            decisions=self.decisions, url_namespace=self.url_namespace, index_label=self.menu_label, **kwargs
        )

    def get_urlpatterns(self):
        urlpatterns = super().get_urlpatterns()
        for name, _label, view_class in self.decisions:
            view = view_class.as_view(
                model=self.model,
                index_url_name=self.get_url_name("index"),
                inspect_url_name=self.get_url_name("inspect"),
                header_icon=self.icon,
            )
            urlpatterns.append(path(f"{name}/<int:pk>/", view, name=name))
        return urlpatterns


class NominationViewSet(ModerationViewSet):
    model = Nomination
    name = "nominations"
    icon = "form"
    menu_label = _("Nominations")
    menu_order = 100
    queryset_filter = {"kind": Nomination.Kind.NEW}
    list_display = ["reference", "forum", Column("status", accessor="get_status_display"), SENT_QUICKLY, "submitted_at"]
    list_filter = ["status"]
    search_fields = ["reference", "contact_name", "contact_email", "forum__title"]
    inspect_view_fields = [
        "reference",
        "forum",
        "status",
        "sent_quickly",
        "contact_name",
        "contact_email",
        "message",
        "editor_comment",
        "submitted_at",
        "updated_at",
    ]
    decisions = [("decline", _("Decline"), DeclineNominationView)]


class ClaimViewSet(ModerationViewSet):
    model = Nomination
    name = "claims"
    icon = "key"
    menu_label = _("Claims")
    menu_order = 200
    queryset_filter = {"kind": Nomination.Kind.CLAIM}
    list_display = [
        "reference",
        "forum",
        "contact_name",
        Column("status", accessor="get_status_display"),
        SENT_QUICKLY,
        "submitted_at",
    ]
    list_filter = ["status"]
    search_fields = ["reference", "contact_name", "contact_email", "forum__title"]
    inspect_view_fields = [
        "reference",
        "forum",
        "status",
        "sent_quickly",
        "contact_name",
        "contact_email",
        "message",
        "editor_comment",
        "submitted_at",
    ]
    decisions = [("approve", _("Approve claim"), ApproveClaimView), ("decline", _("Decline"), DeclineNominationView)]


class SuggestionInspectView(ModerationInspectView):
    def get_proposed_display_value(self):
        """Each suggested change in words: detail, what it says now, what is proposed."""
        return format_html_join(
            "",
            "<p>{}: {} → {}</p>",
            ((change.label, change.old or "—", change.new or "—") for change in describe_suggestion(self.object)),
        )


class OutboundEmailInspectView(ModerationInspectView):
    def get_body_display_value(self):
        """The email as sent, without the private link (editors do not need the operator's key)."""
        return format_html("<pre>{}</pre>", redact_private_links(self.object.body))


class SuggestionViewSet(ModerationViewSet):
    model = EditSuggestion
    name = "suggestions"
    icon = "edit"
    menu_label = _("Suggested edits")
    menu_order = 300
    inspect_view_class = SuggestionInspectView
    list_display = [
        "forum",
        Column("status", accessor="get_status_display"),
        "suggester_name",
        SENT_QUICKLY,
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["forum__title", "reason", "suggester_name"]
    inspect_view_fields = [
        "forum",
        "status",
        "sent_quickly",
        "proposed",
        "reason",
        "suggester_name",
        "suggester_email",
        "decision_reason",
        "decided_by",
        "decided_at",
        "created_at",
    ]
    decisions = [("accept", _("Accept"), AcceptSuggestionView), ("decline", _("Decline"), DeclineSuggestionView)]


class ProblemReportViewSet(ModerationViewSet):
    model = ProblemReport
    name = "problem_reports"
    icon = "warning"
    menu_label = _("Problem reports")
    menu_order = 400
    list_display = [
        "forum",
        Column("kind", accessor="get_kind_display"),
        Column("status", accessor="get_status_display"),
        SENT_QUICKLY,
        "created_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["forum__title", "details"]
    inspect_view_fields = [
        "forum",
        "kind",
        "status",
        "sent_quickly",
        "details",
        "reporter_email",
        "resolution_note",
        "created_at",
        "resolved_at",
    ]
    decisions = [("resolve", _("Mark as resolved"), ResolveReportView), ("dismiss", _("Dismiss"), DismissReportView)]


class OutboundEmailViewSet(ModerationViewSet):
    model = OutboundEmail
    name = "outbound_emails"
    icon = "mail"
    menu_label = _("Emails sent")
    menu_order = 500
    inspect_view_class = OutboundEmailInspectView
    list_display = [
        "subject",
        "to",
        Column("status", accessor="get_status_display"),
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status"]
    search_fields = ["subject", "to"]
    inspect_view_fields = [
        "to",
        "subject",
        "status",
        "attempts",
        "last_error",
        "nomination",
        "created_at",
        "sent_at",
        "body",
    ]
    decisions = [("retry", _("Try again"), RetryEmailView)]


class ModerationViewSetGroup(ModelViewSetGroup):
    menu_label = _("Moderation")
    menu_icon = "tasks"
    menu_order = 105
    items = (NominationViewSet, ClaimViewSet, SuggestionViewSet, ProblemReportViewSet, OutboundEmailViewSet)


@hooks.register("register_admin_viewset")
def register_moderation_viewsets():
    return ModerationViewSetGroup()


# Dashboard


def moderation_counts():
    """What is waiting for the editors, in five queries."""
    nominations = Nomination.objects.aggregate(
        nominations=Count("pk", filter=Q(kind=Nomination.Kind.NEW, status=Nomination.Status.PENDING)),
        changes_requested=Count("pk", filter=Q(kind=Nomination.Kind.NEW, status=Nomination.Status.CHANGES_REQUESTED)),
        claims=Count("pk", filter=Q(kind=Nomination.Kind.CLAIM, status=Nomination.Status.PENDING)),
        removals=Count("pk", filter=Q(status=Nomination.Status.REMOVAL_REQUESTED)),
    )
    return {
        **nominations,
        "suggestions": EditSuggestion.objects.filter(status=EditSuggestion.Status.PENDING).count(),
        "problem_reports": ProblemReport.objects.filter(status=ProblemReport.Status.OPEN).count(),
        "failed_emails": OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).count(),
    }


class ModerationPanel(Component):
    """Dashboard counts of every moderation queue, each linking to its listing."""

    name = "directory_moderation"
    order = 50
    template_name = "directory/admin/moderation_panel.html"

    def get_context_data(self, parent_context):
        counts = moderation_counts()
        rows = [
            (_("New nominations waiting for review"), counts["nominations"], "nominations:index", "?status=pending"),
            (
                _("Nominations waiting for the operator's changes"),
                counts["changes_requested"],
                "nominations:index",
                "?status=changes_requested",
            ),
            (_("Claims to check"), counts["claims"], "claims:index", "?status=pending"),
            (_("Suggested edits"), counts["suggestions"], "suggestions:index", "?status=pending"),
            (_("Open problem reports"), counts["problem_reports"], "problem_reports:index", "?status=open"),
            (_("Emails that could not be sent"), counts["failed_emails"], "outbound_emails:index", "?status=failed"),
        ]
        return {
            "rows": [
                {"label": label, "count": count, "url": reverse(url) + query} for label, count, url, query in rows
            ],
            "removals": counts["removals"],
        }


@hooks.register("construct_homepage_panels")
def add_moderation_panel(request, panels):
    if is_directory_editor(request.user):
        panels.append(ModerationPanel())


# Log actions recorded by the business rules


@hooks.register("register_log_actions")
def register_moderation_log_actions(actions):
    @actions.register_action("directory.suggestion.accept")
    class SuggestionAccepted(LogFormatter):
        label = _("Accept suggested edit")

        def format_message(self, log_entry):
            return _("Accepted suggested edit #%(id)s (%(fields)s)") % {
                "id": log_entry.data.get("suggestion_id"),
                "fields": ", ".join(log_entry.data.get("fields", [])),
            }

    @actions.register_action("directory.forum.verified")
    class ForumVerified(LogFormatter):
        label = _("Confirm still accurate")

        def format_message(self, log_entry):
            return _("Confirmed still accurate on %(date)s") % {"date": log_entry.data.get("date", "")}
