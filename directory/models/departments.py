"""Public bodies: their profiles, engagement plans and the communities they engage with."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.privacy import PrivacyPageManager, TranslatedPrivacy
from core.routing import PageViews, SpecificChildRouting

from .choices import DepartmentKind, EngagementMode, EngagementStatus, PlanStatus
from .forums import http_url_validator
from .public_fields import TOPIC_NAMES, RelatedTextFields, text_field


class DepartmentIndexPage(TranslatedPrivacy, PageViews, SpecificChildRouting, Page):
    """Lists the public bodies and the state of their engagement plans."""

    page_urls = "directory.pages.DEPARTMENT_INDEX_URLS"

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["directory.DepartmentPage"]
    max_count_per_parent = 1
    template = "directory/department_index_page.html"

    class Meta:
        verbose_name = _("departments index")


class DepartmentPageTag(TaggedItemBase):
    """A topic a public body is responsible for."""

    content_object = ParentalKey("directory.DepartmentPage", on_delete=models.CASCADE, related_name="tagged_items")


class CommitmentsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, help_text=_("Optional heading for the list."))
    items = blocks.ListBlock(blocks.CharBlock(label=_("commitment")), help_text=_("One commitment per item."))

    class Meta:
        icon = "list-ul"
        label = _("Commitments")
        template = "directory/blocks/commitments.html"


class ReviewScheduleBlock(blocks.StructBlock):
    frequency = blocks.CharBlock(help_text=_("How often the plan is reviewed, e.g. every six months."))
    next_review = blocks.DateBlock(required=False, help_text=_("When the next review is due."))
    notes = blocks.TextBlock(required=False)

    class Meta:
        icon = "date"
        label = _("Review schedule")
        template = "directory/blocks/review_schedule.html"


class EngagementPlanBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(form_classname="title", icon="title", template="directory/blocks/heading.html")
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"])
    commitments = CommitmentsBlock()
    review_schedule = ReviewScheduleBlock()


class DepartmentPage(TranslatedPrivacy, PageViews, Page):
    """A public body: its remit, its published engagement plan and its engagements."""

    page_urls = "directory.pages.DEPARTMENT_URLS"

    acronym = models.CharField(_("acronym"), max_length=20, blank=True, help_text=_("e.g. DfE, DWP."))
    kind = models.CharField(
        _("kind of body"),
        max_length=20,
        choices=DepartmentKind.choices,
        default=DepartmentKind.MINISTERIAL,
        help_text=_("Ministerial department, agency, local authority, NHS body…"),
    )
    website = models.URLField(
        _("website"),
        max_length=500,
        blank=True,
        validators=[http_url_validator],
        help_text=_("The body's own website."),
    )
    remit = models.TextField(_("remit"), blank=True, max_length=2000, help_text=_("What the body is responsible for."))
    topics = ClusterTaggableManager(
        verbose_name=_("topics"),
        through=DepartmentPageTag,
        blank=True,
        help_text=_("Topics the body is responsible for; used to find communities nobody engages with."),
    )
    engagement_plan = StreamField(
        EngagementPlanBlock(),
        blank=True,
        verbose_name=_("engagement plan"),
        help_text=_("The published plan: headings, paragraphs, commitments and review schedule."),
    )
    plan_status = models.CharField(
        _("plan status"),
        max_length=20,
        choices=PlanStatus.choices,
        default=PlanStatus.NOT_STARTED,
        help_text=_("Where the engagement plan is in its life."),
    )
    plan_published = models.DateField(_("plan published"), null=True, blank=True, help_text=_("First published."))
    plan_last_reviewed = models.DateField(_("plan last reviewed"), null=True, blank=True)
    plan_next_review = models.DateField(
        _("next review due"), null=True, blank=True, help_text=_("When the plan is next due for review.")
    )
    team_contact = models.CharField(
        _("team contact"),
        max_length=200,
        blank=True,
        help_text=_("A public team mailbox or web form. Never a person's own address."),
    )

    # public() and private() cover every language's copy (core.privacy).
    objects = PrivacyPageManager()

    search_fields = Page.search_fields + [
        index.SearchField("acronym", boost=3),
        index.SearchField("remit"),
        index.SearchField("engagement_plan"),
        RelatedTextFields("topics", [text_field(index.SearchField, name, boost=2) for name in TOPIC_NAMES]),
        index.FilterField("plan_status"),
    ]

    api_fields = [
        APIField("acronym"),
        APIField("kind"),
        APIField("website"),
        APIField("remit"),
        APIField("topics"),
        APIField("engagement_plan"),
        APIField("plan_status"),
        APIField("plan_published"),
        APIField("plan_last_reviewed"),
        APIField("plan_next_review"),
        APIField("team_contact"),
        APIField("engagements"),
    ]

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("acronym"), FieldPanel("kind")]),
        FieldPanel("website"),
        FieldPanel("remit"),
        FieldPanel("topics"),
        FieldPanel("team_contact"),
    ]
    plan_panels = [
        MultiFieldPanel(
            [
                FieldPanel("plan_status"),
                FieldRowPanel(
                    [
                        FieldPanel("plan_published"),
                        # Help text on the panel, not the field, so no migration is needed.
                        FieldPanel("plan_last_reviewed", help_text=_("When the plan was last reviewed.")),
                    ]
                ),
                FieldPanel("plan_next_review"),
            ],
            heading=_("Plan status and dates"),
        ),
        FieldPanel("engagement_plan"),
    ]
    engagement_panels = [InlinePanel("engagements", heading=_("Engagements"), label=_("Engagement"))]

    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("About")),
            ObjectList(plan_panels, heading=_("Engagement plan")),
            ObjectList(engagement_panels, heading=_("Engagements")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
        ]
    )

    parent_page_types = ["directory.DepartmentIndexPage"]
    subpage_types = []
    template = "directory/department_page.html"

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def clean(self):
        super().clean()
        today = timezone.localdate()
        errors = {}
        if self.plan_published and self.plan_published > today:
            errors["plan_published"] = _("The publication date cannot be in the future.")
        if self.plan_last_reviewed and self.plan_last_reviewed > today:
            errors["plan_last_reviewed"] = _("The last review date cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    @property
    def plan_is_overdue(self):
        return bool(self.plan_next_review and self.plan_next_review < timezone.localdate())


class Engagement(Orderable):
    """How one public body takes part in one community."""

    department = ParentalKey(DepartmentPage, on_delete=models.CASCADE, related_name="engagements")
    forum = models.ForeignKey(
        "directory.ForumPage",
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        related_name="engagements",
        help_text=_("The community the body engages with."),
    )
    mode = models.CharField(
        _("how"), max_length=20, choices=EngagementMode.choices, help_text=_("The way the body takes part.")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EngagementStatus.choices,
        default=EngagementStatus.IDENTIFIED,
        help_text=_("Identified, planned, active, paused or ended."),
    )
    started = models.DateField(_("since"), null=True, blank=True, help_text=_("When the engagement began."))
    team = models.CharField(
        _("team or role"),
        max_length=200,
        blank=True,
        help_text=_("The team or role that takes part. Never a person's name."),
    )
    frequency = models.CharField(_("how often"), max_length=100, blank=True, help_text=_("e.g. weekly, monthly."))
    outcome = models.TextField(_("outcome"), blank=True, max_length=2000, help_text=_("What has come of it so far."))
    measured_outcome = models.CharField(
        _("measured outcome"),
        max_length=200,
        blank=True,
        help_text=_("Optional figure, e.g. “calls about student finance down 12%”."),
    )

    panels = [
        FieldPanel("forum"),
        FieldRowPanel([FieldPanel("mode"), FieldPanel("status")]),
        FieldRowPanel([FieldPanel("started"), FieldPanel("frequency")]),
        FieldPanel("team"),
        FieldPanel("outcome"),
        FieldPanel("measured_outcome"),
    ]
    api_fields = [
        APIField("forum_id"),
        APIField("mode"),
        APIField("status"),
        APIField("started"),
        APIField("team"),
        APIField("frequency"),
        APIField("outcome"),
        APIField("measured_outcome"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")

    def __str__(self):
        return f"{self.department} – {self.forum}"
