"""The editors' moderation queues in the Wagtail admin: a "Moderation" menu with a listing per queue.

Nominations, claims, suggested edits, problem reports and emails sent. Each record's page has
the editor's decisions (``directory.admin.decisions``) as header buttons and, for a record about
an entry, the review panel. Nominations themselves are approved in Wagtail's own workflow
("Awaiting your review"). Only members of "Directory editors" and superusers see any of it
(``directory.admin.access``).
"""

from django.db.models import Q
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import HeaderButton

from directory.admin.decisions import (
    AcceptSuggestionView,
    ApproveClaimView,
    ApproveVerifiedClaimView,
    DeclineNominationView,
    DeclineSuggestionView,
    DismissReportView,
    ResolveReportView,
    RetryEmailView,
)
from directory.admin.review import review_context, waiting_nominations
from directory.emails import redact_private_links
from directory.models import EditSuggestion, Nomination, OutboundEmail, ProblemReport
from directory.suggestions import describe_suggestion


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
# A member's suggestion has no operator behind it yet: editors check it as a user's word.
FROM_MEMBER = Column(
    "from_member", label=_("From"), accessor=lambda record: _("Member's suggestion") if record.from_member else ""
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
    list_display = [
        "reference",
        "forum",
        Column("status", accessor="get_status_display"),
        FROM_MEMBER,
        SENT_QUICKLY,
        "submitted_at",
    ]
    list_filter = ["status", "from_member"]
    search_fields = ["reference", "contact_name", "contact_email", "forum__title"]
    inspect_view_fields = [
        "reference",
        "forum",
        "status",
        "from_member",
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
    decisions = [
        ("approve_verified", _("Check the website and approve"), ApproveVerifiedClaimView),
        ("approve", _("Approve claim"), ApproveClaimView),
        ("decline", _("Decline"), DeclineNominationView),
    ]


class SuggestionInspectView(ModerationInspectView):
    def get_proposed_display_value(self):
        """Each suggested change in words: detail, what it says now, what is proposed."""
        return format_html_join(
            "",
            "<p>{}: {} → {}</p>",
            ((change.label, change.old or "—", change.new or "—") for change in describe_suggestion(self.object)),
        )


def recipient(email):
    """Who an email went to, for editors: an alert subscriber's address stays private."""
    return _("An alert subscriber") if email.alert_id else email.to


class OutboundEmailIndexView(generic.IndexView):
    def search_queryset(self, queryset):
        """By subject, or by address for every email but an alert subscriber's (their address stays private)."""
        if not self.is_searching:
            return queryset
        words = self.search_query
        return queryset.filter(Q(subject__icontains=words) | Q(to__icontains=words, alert__isnull=True))


class OutboundEmailInspectView(ModerationInspectView):
    def get_to_display_value(self):
        return recipient(self.object)

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
        "reference",
        "forum",
        Column("status", accessor="get_status_display"),
        "suggester_name",
        SENT_QUICKLY,
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["reference", "forum__title", "reason", "suggester_name"]
    inspect_view_fields = [
        "reference",
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
        "reference",
        "forum",
        Column("kind", accessor="get_kind_display"),
        Column("status", accessor="get_status_display"),
        SENT_QUICKLY,
        "created_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["reference", "forum__title", "details"]
    inspect_view_fields = [
        "reference",
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
        Column("to", label=_("to"), accessor=recipient),
        Column("status", accessor="get_status_display"),
        "attempts",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status"]
    search_fields = ["subject", "to"]
    index_view_class = OutboundEmailIndexView
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
