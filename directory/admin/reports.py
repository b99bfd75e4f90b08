"""Editors' upkeep reports in the Wagtail admin "Reports" menu, each exportable as CSV and XLSX.

- Due for review: listed entries whose review falls due within the reminder window, or is overdue.
- Broken links: entries whose link has failed repeatedly over days (``directory.linkcheck``).
- Problem reports: open reports from the public.
- Pending suggestions and claims: suggested edits and claims waiting for an editor.
- Departments with overdue plans: public bodies whose engagement plan is past its review date.

Only directory editors and superusers see them. No private contact detail is shown or exported.
Every admin spreadsheet export (these and Wagtail's own reports) writes text that would run as a
formula with a ' in front (``directory.upstream``, at start-up).
Acting on a row happens elsewhere: the page editor, or the moderation screens it links to.
Also registers the log action written when the review cycle marks an entry inactive.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.log_actions import LogFormatter

from directory import reviews
from directory.admin.access import is_directory_editor
from directory.models import (
    DepartmentPage,
    EditSuggestion,
    ForumPage,
    LinkCheck,
    LinkStatus,
    Nomination,
    ProblemReport,
    ReviewReminder,
)

PAGE_EDIT_URL = "wagtailadmin_pages:edit"


def spreadsheet_columns(*columns):
    """``list_export`` and ``export_headings`` from (dotted accessor, heading) pairs, in order."""
    return [accessor for accessor, _heading in columns], dict(columns)


class DirectoryReportView(ReportView):
    """A report for directory editors, exported as ``<slug>-<date>.csv`` / ``.xlsx``."""

    slug = ""
    paginate_by = 50

    def dispatch(self, request, *args, **kwargs):
        if not is_directory_editor(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filename(self):
        return f"{self.slug}-{timezone.localdate():%Y-%m-%d}"

    def get_queryset(self):
        self.queryset = self.report_rows()
        return super().get_queryset()

    def report_rows(self):
        raise NotImplementedError


class DueForReviewReport(DirectoryReportView):
    slug = "due-for-review"
    page_title = _("Due for review")
    header_icon = "date"
    columns = [
        TitleColumn("title", label=_("Community"), url_name=PAGE_EDIT_URL),
        Column("last_verified", label=_("Last verified"), accessor="verified_display"),
        Column("review_due", label=_("Review due")),
        Column("review_stage", label=_("Stage"), accessor="review_stage_label"),
        Column("status", label=_("Status"), accessor="get_status_display"),
        Column("last_reminder_sent", label=_("Last reminder sent")),
    ]
    list_export, export_headings = spreadsheet_columns(
        ("title", _("Community")),
        ("website", _("Web address")),
        ("verified_display", _("Last verified")),
        ("review_due", _("Review due")),
        ("review_stage_label", _("Stage")),
        ("status_label", _("Status")),
        ("last_reminder_sent", _("Last reminder sent")),
        ("full_url", _("Page")),
    )

    def report_rows(self):
        last_reminder = ReviewReminder.objects.filter(forum=OuterRef("pk")).order_by("-sent_at").values("sent_at")[:1]
        return reviews.forums_due_for_review().annotate(last_reminder_sent=Subquery(last_reminder))

    def decorate_paginated_queryset(self, object_list):
        today, interval = timezone.localdate(), reviews.review_interval_months()
        for forum in object_list:
            forum.review_due = reviews.review_due_date(forum, interval)
            stage = reviews.review_stage(forum, today, interval)
            forum.review_stage_label = stage.label if stage else ""
            forum.status_label = forum.get_status_display()
            forum.verified_display = forum.last_verified or _("Never (listed %(date)s)") % {
                "date": forum.review_cycle_start
            }
        return object_list


LATEST_CHECK = LinkCheck.objects.filter(forum=OuterRef("pk")).order_by("-checked_at")


class BrokenLinksReport(DirectoryReportView):
    slug = "broken-links"
    page_title = _("Broken links")
    header_icon = "warning"
    columns = [
        TitleColumn("title", label=_("Community"), url_name=PAGE_EDIT_URL),
        Column("website", label=_("Web address")),
        Column("last_outcome", label=_("Last check"), accessor="last_outcome_label"),
        Column("last_status_code", label=_("HTTP status")),
        Column("link_failures", label=_("Failures in a row")),
        Column("link_checked_at", label=_("Last checked")),
    ]
    list_export, export_headings = spreadsheet_columns(
        ("title", _("Community")),
        ("website", _("Web address")),
        ("last_outcome_label", _("Last check")),
        ("last_status_code", _("HTTP status")),
        ("last_error", _("Error")),
        ("link_failures", _("Failures in a row")),
        ("link_checked_at", _("Last checked")),
        ("full_url", _("Page")),
    )

    def report_rows(self):
        return (
            ForumPage.objects.listed()
            .filter(link_status=LinkStatus.BROKEN)
            .annotate(
                last_outcome=Subquery(LATEST_CHECK.values("outcome")[:1]),
                last_status_code=Subquery(LATEST_CHECK.values("status_code")[:1]),
                last_error=Subquery(LATEST_CHECK.values("error")[:1]),
            )
            .order_by("-link_failures", "title")
        )

    def decorate_paginated_queryset(self, object_list):
        outcomes = dict(LinkCheck.Outcome.choices)
        for forum in object_list:
            forum.last_outcome_label = outcomes.get(forum.last_outcome, "")
        return object_list


class ProblemReportsReport(DirectoryReportView):
    slug = "problem-reports"
    page_title = _("Problem reports")
    header_icon = "warning"
    columns = [
        TitleColumn(
            "forum", label=_("Community"), accessor="forum.title", url_name="problem_reports:inspect", id_accessor="pk"
        ),
        Column("reference", label=_("Reference")),
        Column("kind", label=_("Problem"), accessor="get_kind_display"),
        Column("details", label=_("Details"), accessor="short_details"),
        Column("created_at", label=_("Received")),
    ]
    list_export, export_headings = spreadsheet_columns(
        ("reference", _("Reference")),
        ("forum.title", _("Community")),
        ("get_kind_display", _("Problem")),
        ("details", _("Details")),
        ("created_at", _("Received")),
        ("forum.full_url", _("Page")),
    )

    def report_rows(self):
        return (
            ProblemReport.objects.filter(status=ProblemReport.Status.OPEN)
            .select_related("forum")
            .order_by("created_at")
        )

    def decorate_paginated_queryset(self, object_list):
        for report in object_list:
            report.short_details = Truncator(report.details).chars(120)
        return object_list


@dataclass
class PendingItem:
    """A suggested edit or a claim waiting for an editor, as one row of the report."""

    kind: str
    community: str
    received: datetime.datetime
    summary: str
    admin_url: str
    pk: int
    reference: str = ""


class PendingSuggestionsAndClaimsReport(DirectoryReportView):
    slug = "pending-suggestions-and-claims"
    page_title = _("Pending suggestions and claims")
    header_icon = "tasks"
    columns = [
        TitleColumn("community", label=_("Community"), get_url=lambda item: item.admin_url),
        Column("reference", label=_("Reference")),
        Column("kind", label=_("Kind")),
        Column("summary", label=_("Summary")),
        Column("received", label=_("Received")),
    ]
    list_export, export_headings = spreadsheet_columns(
        ("reference", _("Reference")),
        ("kind", _("Kind")),
        ("community", _("Community")),
        ("summary", _("Summary")),
        ("received", _("Received")),
    )

    def report_rows(self):
        """Both queues in one list, the longest-waiting first (two queries)."""
        suggestions = EditSuggestion.objects.filter(status=EditSuggestion.Status.PENDING).select_related("forum")
        claims = Nomination.objects.filter(kind=Nomination.Kind.CLAIM, status=Nomination.Status.PENDING).select_related(
            "forum"
        )
        items = [
            PendingItem(
                kind=str(_("Suggested edit")),
                community=suggestion.forum.title,
                received=suggestion.created_at,
                summary=Truncator(suggestion.reason).chars(120),
                admin_url=reverse("suggestions:inspect", args=[suggestion.pk]),
                pk=suggestion.pk,
                reference=suggestion.reference or "",
            )
            for suggestion in suggestions
        ] + [
            PendingItem(
                kind=str(_("Claim")),
                community=claim.forum.title if claim.forum else "",
                received=claim.submitted_at,
                summary=_("Reference %(reference)s") % {"reference": claim.reference},
                admin_url=reverse("claims:inspect", args=[claim.pk]),
                pk=claim.pk,
                reference=claim.reference,
            )
            for claim in claims
        ]
        return sorted(items, key=lambda item: item.received)

    def get_queryset(self):
        # A list, not a queryset: nothing to order, filter or search in the database.
        return self.report_rows()


class OverduePlansReport(DirectoryReportView):
    slug = "overdue-plans"
    page_title = _("Departments with overdue plans")
    header_icon = "date"
    columns = [
        TitleColumn("title", label=_("Public body"), url_name=PAGE_EDIT_URL),
        Column("acronym", label=_("Acronym")),
        Column("plan_status", label=_("Plan status"), accessor="get_plan_status_display"),
        Column("plan_last_reviewed", label=_("Last reviewed")),
        Column("plan_next_review", label=_("Review was due")),
        Column("days_overdue", label=_("Days overdue")),
    ]
    list_export, export_headings = spreadsheet_columns(
        ("title", _("Public body")),
        ("acronym", _("Acronym")),
        ("get_plan_status_display", _("Plan status")),
        ("plan_last_reviewed", _("Last reviewed")),
        ("plan_next_review", _("Review was due")),
        ("days_overdue", _("Days overdue")),
        ("full_url", _("Page")),
    )

    def report_rows(self):
        return (
            DepartmentPage.objects.live()
            .filter(plan_next_review__lt=timezone.localdate())
            .defer_streamfields()
            .order_by("plan_next_review", "title")
        )

    def decorate_paginated_queryset(self, object_list):
        today = timezone.localdate()
        for department in object_list:
            department.days_overdue = (today - department.plan_next_review).days
        return object_list


REPORTS = [
    (DueForReviewReport, _("Due for review"), "date"),
    (BrokenLinksReport, _("Broken links"), "warning"),
    (ProblemReportsReport, _("Problem reports"), "warning"),
    (PendingSuggestionsAndClaimsReport, _("Pending suggestions and claims"), "tasks"),
    (OverduePlansReport, _("Departments with overdue plans"), "date"),
]


def url_name(report):
    return f"directory_report_{report.slug.replace('-', '_')}"


for report_class, _label, _icon in REPORTS:
    report_class.index_url_name = url_name(report_class)
    report_class.index_results_url_name = url_name(report_class) + "_results"
    report_class.export_filename = report_class.slug


@hooks.register("register_admin_urls")
def register_report_urls():
    urls = []
    for report, _label, _icon in REPORTS:
        urls += [
            path(f"reports/directory/{report.slug}/", report.as_view(), name=url_name(report)),
            path(
                f"reports/directory/{report.slug}/results/",
                report.as_view(results_only=True),
                name=url_name(report) + "_results",
            ),
        ]
    return urls


class EditorsReportMenuItem(MenuItem):
    def is_shown(self, request):
        return is_directory_editor(request.user)


def report_menu_item(report, label, icon, order):
    def menu_item():
        return EditorsReportMenuItem(label, reverse(url_name(report)), name=report.slug, icon_name=icon, order=order)

    return menu_item


for position, (report_class, label, icon) in enumerate(REPORTS):
    hooks.register("register_reports_menu_item", report_menu_item(report_class, label, icon, 1300 + position * 10))


@hooks.register("register_log_actions")
def register_upkeep_log_actions(actions):
    @actions.register_action(reviews.MARKED_INACTIVE_ACTION)
    class MarkedInactive(LogFormatter):
        label = _("Mark inactive: review overdue")

        def format_message(self, log_entry):
            return log_entry.data.get("comment") or _("Marked inactive: review overdue")
