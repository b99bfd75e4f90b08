"""The cross-government progress figures behind /progress/ and its CSV download.

Per public body: plan status and review dates, and how many listed communities it has
identified, engaged with and is active in. Totals across government, engagements by status,
listed communities by topic, and the coverage view: topics with at least
``DIRECTORY_COVERAGE_MIN_COMMUNITIES`` listed communities where no public body has an active or
planned engagement ("where government is not yet listening"). A fixed number of queries,
however many departments, engagements and topics there are.

Only public bodies and communities anyone may see are counted, in the active language.
"""

import csv
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag
from wagtail.models import Locale

from core.spreadsheets import LineBuffer, csv_cell
from directory.models import DepartmentPageTag, Engagement, EngagementStatus, PlanStatus, topic_label
from directory.models.public import PublicScope, welsh_is_active

# Communities a body has taken part in (now or before), and where it is taking part now.
ENGAGED_STATUSES = (EngagementStatus.ACTIVE, EngagementStatus.PAUSED, EngagementStatus.ENDED)
# A topic is covered when some body is taking part, or is about to, in one of its communities.
LISTENING_STATUSES = (EngagementStatus.ACTIVE, EngagementStatus.PLANNED)
PUBLISHED_PLAN_STATUSES = (PlanStatus.PUBLISHED, PlanStatus.UNDER_REVIEW)

# Chart geometry, in SVG user units; the chart scales to its container.
CHART_WIDTH = 640
CHART_LABEL_WIDTH = 220
CHART_VALUE_WIDTH = 60
CHART_BAR_HEIGHT = 28
CHART_GAP = 12
CHART_TOPICS = 12


def coverage_threshold():
    """How many listed communities make a topic's lack of engagement worth showing."""
    return getattr(settings, "DIRECTORY_COVERAGE_MIN_COMMUNITIES", 3)


def engagement_counts(listed_forums, prefix=""):
    """Distinct communities among ``listed_forums`` identified, engaged with and active, as ``Count``s."""
    listed = Q(**{f"{prefix}forum__in": listed_forums})
    return {
        "identified": Count(f"{prefix}forum", filter=listed, distinct=True),
        "engaged": Count(
            f"{prefix}forum", filter=listed & Q(**{f"{prefix}status__in": ENGAGED_STATUSES}), distinct=True
        ),
        "active": Count(
            f"{prefix}forum", filter=listed & Q(**{f"{prefix}status": EngagementStatus.ACTIVE}), distinct=True
        ),
    }


@dataclass
class Bar:
    """One bar of a horizontal bar chart, with its position worked out for the SVG."""

    label: str
    value: int
    index: int
    largest: int
    lang: str = ""  # "en" for an English label on the Welsh site

    @property
    def y(self):
        return self.index * (CHART_BAR_HEIGHT + CHART_GAP)

    @property
    def text_y(self):
        return self.y + CHART_BAR_HEIGHT * 2 // 3

    @property
    def width(self):
        room = CHART_WIDTH - CHART_LABEL_WIDTH - CHART_VALUE_WIDTH
        return round(room * self.value / self.largest) if self.largest else 0

    @property
    def value_x(self):
        return CHART_LABEL_WIDTH + self.width + 8


@dataclass
class BarChart:
    """A bar chart drawn as SVG on the server, with the same figures as a table for everyone."""

    title: str
    rows: list  # (label, value)
    langs: list = field(default_factory=list)  # each row's label's language when it is not the page's, or ""

    @property
    def bars(self):
        largest = max((value for _label, value in self.rows), default=0)
        langs = self.langs or [""] * len(self.rows)
        return [
            Bar(str(label), value, index, largest, lang)
            for index, ((label, value), lang) in enumerate(zip(self.rows, langs, strict=True))
        ]

    @property
    def height(self):
        return max(len(self.rows), 1) * (CHART_BAR_HEIGHT + CHART_GAP)

    @property
    def description(self):
        return "; ".join(f"{label}: {value}" for label, value in self.rows)

    width = CHART_WIDTH
    label_width = CHART_LABEL_WIDTH
    bar_height = CHART_BAR_HEIGHT


@dataclass
class TopicCoverage:
    """A topic, how many listed communities discuss it, in how many a body is listening, and who is responsible."""

    tag_id: int
    name: str
    slug: str
    communities: int
    listening: int
    responsible: list = field(default_factory=list)
    name_cy: str = ""  # the topic's Welsh name, "" when it has none

    @property
    def label(self):
        return topic_label(self)

    @property
    def lang(self):
        """ "en" when the Welsh site shows this topic's English name."""
        return "en" if welsh_is_active() and not self.name_cy else ""


@dataclass
class Progress:
    departments: list
    totals: dict
    engagements_by_status: list  # (status, label, count)
    topics: list
    gaps: list
    gap_threshold: int

    @property
    def status_chart(self):
        return BarChart(
            _("Engagements by status"), [(label, count) for _status, label, count in self.engagements_by_status]
        )

    @property
    def topic_chart(self):
        shown = self.topics[:CHART_TOPICS]
        return BarChart(
            _("Listed communities by topic"),
            [(capfirst(topic.label), topic.communities) for topic in shown],
            [topic.lang for topic in shown],
        )


def department_progress(listed, public):
    """Public bodies by name, each annotated with communities ``identified``, ``engaged`` and ``active``.

    ``listed`` is the communities anyone may see, in any language (engagements may be recorded
    against a community's page in another language); ``public`` the ``PublicScope``.
    """
    return list(
        public.departments()
        .annotate(**engagement_counts(listed, "engagements__"))
        .defer_streamfields()
        .order_by(Lower("title"))
    )


def government_totals(departments, listed):
    """Figures across all the listed bodies: communities counted once each, and engagements by status."""
    by_status = {f"status_{status}": Count("pk", filter=Q(status=status)) for status in EngagementStatus.values}
    figures = Engagement.objects.filter(
        department__in=[department.pk for department in departments], forum__in=listed
    ).aggregate(**engagement_counts(listed), **by_status)
    today = timezone.localdate()
    totals = {
        "departments": len(departments),
        "plans_published": sum(department.plan_status in PUBLISHED_PLAN_STATUSES for department in departments),
        "plans_overdue": sum(bool(d.plan_next_review and d.plan_next_review < today) for d in departments),
        "identified": figures["identified"],
        "engaged": figures["engaged"],
        "active": figures["active"],
    }
    engagements_by_status = [(status, label, figures[f"status_{status}"]) for status, label in EngagementStatus.choices]
    return totals, engagements_by_status


def topic_coverage(public):
    """Topics of listed communities, most communities first, with how many have a body listening."""
    forums = public.forums()
    # Bodies listening are live and public, in any language (a restriction covers every copy).
    listening_keys = Engagement.objects.filter(
        status__in=LISTENING_STATUSES, department__in=public.departments_in_every_language()
    ).values("forum__translation_key")
    items = "directory_forumpagetag_items__content_object"
    in_directory = Q(**{f"{items}__in": forums})
    topics = (
        Tag.objects.annotate(
            communities=Count(items, filter=in_directory, distinct=True),
            listening=Count(
                items, filter=in_directory & Q(**{f"{items}__translation_key__in": listening_keys}), distinct=True
            ),
        )
        .filter(communities__gt=0)
        .order_by("-communities", Lower("name"))
        .annotate(name_cy=Coalesce(F("welsh_name__name_cy"), Value("")))
        .values("pk", "name", "name_cy", "slug", "communities", "listening")
    )
    return [
        TopicCoverage(
            tag_id=topic["pk"],
            name=topic["name"],
            slug=topic["slug"],
            communities=topic["communities"],
            listening=topic["listening"],
            name_cy=topic["name_cy"],
        )
        for topic in topics
    ]


def progress_figures(locale=None):
    """Everything /progress/ shows, in the active language by default."""
    public = PublicScope(locale or Locale.get_active())  # the private pages read once for every figure
    listed = public.forums_in_every_language()
    departments = department_progress(listed, public)
    totals, engagements_by_status = government_totals(departments, listed)
    topics = topic_coverage(public)
    threshold = coverage_threshold()
    gaps = [topic for topic in topics if topic.communities >= threshold and topic.listening == 0]
    if gaps:
        by_id = {department.pk: department for department in departments}
        gap_by_tag = {topic.tag_id: topic for topic in gaps}
        responsible = DepartmentPageTag.objects.filter(
            tag_id__in=list(gap_by_tag), content_object_id__in=list(by_id)
        ).values_list("tag_id", "content_object_id")
        for tag_id, department_id in responsible:
            gap_by_tag[tag_id].responsible.append(by_id[department_id])
        for topic in gaps:
            topic.responsible.sort(key=lambda department: department.title.lower())
    return Progress(
        departments=departments,
        totals=totals,
        engagements_by_status=engagements_by_status,
        topics=topics,
        gaps=gaps,
        gap_threshold=threshold,
    )


CSV_HEADINGS = (
    _("Public body"),
    _("Acronym"),
    _("Plan status"),
    _("Plan last reviewed"),
    _("Next review due"),
    _("Communities identified"),
    _("Communities engaged"),
    _("Communities active"),
)


def progress_csv_lines(progress):
    """The per-body table as CSV lines, with a totals row last."""
    writer = csv.writer(LineBuffer())
    yield writer.writerow([str(heading) for heading in CSV_HEADINGS])
    for department in progress.departments:
        row = [
            department.title,
            department.acronym,
            department.get_plan_status_display(),
            department.plan_last_reviewed,
            department.plan_next_review,
            department.identified,
            department.engaged,
            department.active,
        ]
        yield writer.writerow([csv_cell(value) for value in row])
    totals = progress.totals
    total_row = [_("All public bodies"), "", "", "", "", totals["identified"], totals["engaged"], totals["active"]]
    yield writer.writerow([csv_cell(value) for value in total_row])
