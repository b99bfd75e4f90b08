"""The directory itself: the index page and one page per online community."""

import calendar
import datetime
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelsearch import index as search_index
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, PageManager

from core.privacy import PrivacyQuerySet, TranslatedPrivacy
from core.routing import PageViews, SpecificChildRouting

from . import public_fields
from .choices import (
    Activity,
    Cost,
    EngagementMode,
    EngagementPreference,
    FigureSource,
    ForumStatus,
    JoinMethod,
    LinkStatus,
    OperatorKind,
    Registration,
)
from .public import listed
from .taxonomy import Audience, CommunityType, Region

http_url_validator = URLValidator(
    schemes=["http", "https"], message=_("Enter a web address starting with http:// or https://")
)


def add_months(date, months):
    """The same day ``months`` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    month_index = date.month - 1 + months
    year, month = date.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))


def normalise_website(url):
    """The key that identifies a community's website whatever way its address is written.

    Scheme, a leading ``www.``, a trailing slash, default ports, fragments and letter case
    are ignored, so ``HTTPS://www.Netmums.com/`` and ``http://netmums.com`` are the same.
    """
    url = (url or "").strip()
    if not url:
        return ""
    if "://" not in url:
        url = "http://" + url
    try:
        parts = urlsplit(url.lower())
        port = parts.port
    except ValueError:
        # e.g. a port above 65535 or an unclosed IPv6 bracket: the address is unusable, and
        # clean() and save() call this, so return a key rather than fail with a server error.
        return url.lower()
    host = parts.hostname or ""
    if host.startswith("www."):
        host = host[4:]
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    return urlunsplit(("", host, path, parts.query, "")).lstrip("/")


class ForumPageTag(TaggedItemBase):
    """The link between a community and one of its topics (a taggit tag)."""

    content_object = ParentalKey("directory.ForumPage", on_delete=models.CASCADE, related_name="tagged_items")


class ForumQuerySet(PrivacyQuerySet):
    def listed(self):
        """Communities anyone may see: live, public in every language, not delisted (directory.models.public)."""
        return listed(self)


ForumManager = PageManager.from_queryset(ForumQuerySet)


class ForumIndexPage(TranslatedPrivacy, PageViews, SpecificChildRouting, Page):
    """The directory: lists, searches and filters the communities below it."""

    page_urls = "directory.pages.FORUM_INDEX_URLS"

    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=["bold", "italic", "link", "ol", "ul"],
        help_text=_("Shown above the search box."),
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["directory.ForumPage"]
    max_count_per_parent = 1
    template = "directory/forum_index_page.html"

    class Meta:
        verbose_name = _("directory index")


# The result card's short words for the two facts people scan a list for.
CARD_COST_LABELS = {
    Cost.FREE: _("Free"),
    Cost.FREE_WITH_PAID_OPTIONS: _("Free, paid extras"),
    Cost.PAID: _("Paid"),
}
CARD_REGISTRATION_LABELS = {
    Registration.NOT_NEEDED: _("No registration"),
    Registration.TO_POST: _("Register to post"),
    Registration.TO_READ: _("Register to read"),
}
MAXIMUM_AGE = 120  # the oldest minimum age an entry may give


class ForumPage(TranslatedPrivacy, PageViews, Page):
    """One online peer-support community: what it is, who it serves, how it welcomes officials.

    "Before you join" answers what people ask first: what it costs, whether they must register
    to read or to post, how to join (and, where they must contact the community first, how), the
    minimum age, and how active it is. Each is optional: blank means not known, and is not shown.
    How active it is is kept as a band of posts a month (``Activity``) with the date someone
    checked it (``activity_checked``), not as a count or a "last active" date: a band stays true
    for months, and the date lets a reader (and editors) judge how old the answer is, where a
    "last active: yesterday" would be wrong the day after it was typed.
    """

    page_urls = "directory.pages.FORUM_URLS"  # the page, and its suggest / report / history journeys

    website = models.URLField(
        _("web address"),
        max_length=500,
        validators=[http_url_validator],
        help_text=_("The community's home page, starting with https:// or http://."),
    )
    website_key = models.CharField(
        max_length=500,
        db_index=True,
        editable=False,
        default="",
        help_text=_("The web address with scheme, www., trailing slash and case removed; finds duplicates."),
    )
    summary = models.CharField(
        _("summary"), max_length=300, help_text=_("One or two sentences: who it is for and what happens there.")
    )
    description = models.TextField(
        _("description"),
        blank=True,
        max_length=5000,
        help_text=_("Plain text. More about the community, its history and its members."),
    )
    community_type = models.ForeignKey(
        CommunityType,
        verbose_name=_("community type"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forums",
        help_text=_("Discussion forum, blog, webchat, community of practice…"),
    )
    topics = ClusterTaggableManager(
        verbose_name=_("topics"),
        through=ForumPageTag,
        blank=True,
        help_text=_("Subjects people discuss there, e.g. parenting, benefits, health."),
    )
    audiences = ParentalManyToManyField(
        Audience,
        verbose_name=_("audiences"),
        blank=True,
        related_name="forums",
        help_text=_("Who the community serves."),
    )
    regions = ParentalManyToManyField(
        Region,
        verbose_name=_("regions"),
        blank=True,
        related_name="forums",
        help_text=_("Where its members are."),
    )
    languages = models.CharField(
        _("languages"),
        max_length=200,
        blank=True,
        default="English",
        help_text=_("Languages used in the community, e.g. English, Welsh."),
    )
    operator_name = models.CharField(
        _("run by"),
        max_length=200,
        blank=True,
        help_text=_(
            "The organisation or group that runs it. Leave empty if its own members and volunteers run it: "
            "open data then lists the community as its own organisation."
        ),
    )
    operator_kind = models.CharField(
        _("kind of operator"),
        max_length=20,
        choices=OperatorKind.choices,
        blank=True,
        help_text=_("Company, charity, volunteers…"),
    )

    members = models.PositiveIntegerField(
        _("registered members"), null=True, blank=True, help_text=_("Approximate number of registered members.")
    )
    monthly_visitors = models.PositiveIntegerField(
        _("visitors a month"), null=True, blank=True, help_text=_("Approximate unique visitors a month.")
    )
    posts = models.PositiveBigIntegerField(
        _("posts"), null=True, blank=True, help_text=_("Approximate total number of posts.")
    )
    volunteer_moderators = models.PositiveIntegerField(
        _("volunteer moderators"), null=True, blank=True, help_text=_("How many volunteers moderate it.")
    )
    figures_as_of = models.DateField(
        _("figures as of"), null=True, blank=True, help_text=_("When the figures were true. Not in the future.")
    )
    figures_source = models.CharField(
        _("source of figures"),
        max_length=20,
        choices=FigureSource.choices,
        blank=True,
        help_text=_("Where the figures come from."),
    )

    is_moderated = models.BooleanField(
        _("moderated"), default=False, help_text=_("Tick if posts are moderated by the community's team.")
    )
    house_rules_url = models.URLField(
        _("house rules"),
        max_length=500,
        blank=True,
        validators=[http_url_validator],
        help_text=_("Link to the community's rules or code of conduct."),
    )
    engagement_preference = models.CharField(
        _("public servants"),
        max_length=20,
        choices=EngagementPreference.choices,
        default=EngagementPreference.BY_ARRANGEMENT,
        help_text=_("Whether the community welcomes public servants taking part."),
    )
    welcomes_expert_answers = models.BooleanField(
        EngagementMode.EXPERT_ANSWERS.label,
        default=False,
        help_text=_("Officials may answer questions in discussions."),
    )
    welcomes_hosted_qa = models.BooleanField(
        EngagementMode.HOSTED_QA.label, default=False, help_text=_("Officials may host a question-and-answer session.")
    )
    welcomes_moderator_referral = models.BooleanField(
        EngagementMode.MODERATOR_REFERRAL.label,
        default=False,
        help_text=_("Moderators may refer members to an official service."),
    )
    welcomes_official_posts = models.BooleanField(
        EngagementMode.OFFICIAL_POSTS.label, default=False, help_text=_("Officials may post information.")
    )

    cost = models.CharField(
        _("cost"), max_length=30, choices=Cost.choices, blank=True, help_text=_("Whether members pay to take part.")
    )
    registration = models.CharField(
        _("registration"),
        max_length=20,
        choices=Registration.choices,
        blank=True,
        help_text=_("Whether people must register to read, or only to post."),
    )
    how_to_join = models.CharField(
        _("how to join"), max_length=20, choices=JoinMethod.choices, blank=True, help_text=_("How new members join.")
    )
    contact_route = models.CharField(
        _("how to contact them first"),
        max_length=300,
        blank=True,
        help_text=_("Public. Only if people must contact it before joining, e.g. “Use the form on its home page”."),
    )
    minimum_age = models.PositiveSmallIntegerField(
        _("minimum age"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAXIMUM_AGE)],
        help_text=_("The youngest age the community accepts members, if it sets one."),
    )
    activity = models.CharField(
        _("how active"),
        max_length=20,
        choices=Activity.choices,
        blank=True,
        help_text=_("About how many posts a month."),
    )
    activity_checked = models.DateField(
        _("activity checked"),
        null=True,
        blank=True,
        help_text=_("When someone last checked how active it is. Not in the future."),
    )

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ForumStatus.choices,
        default=ForumStatus.ACTIVE,
        help_text=_("Delisted entries disappear from every public list but keep their history."),
    )
    status_reason = models.TextField(
        _("reason for status"),
        blank=True,
        max_length=1000,
        help_text=_("Shown publicly when the community is inactive, closed or delisted."),
    )
    last_verified = models.DateField(
        _("last verified"),
        null=True,
        blank=True,
        help_text=_("When the operator or an editor last confirmed the entry is accurate."),
    )
    link_status = models.CharField(
        _("link check"), max_length=20, choices=LinkStatus.choices, default=LinkStatus.UNCHECKED, editable=False
    )
    link_checked_at = models.DateTimeField(_("link last checked"), null=True, blank=True, editable=False)
    link_failures = models.PositiveSmallIntegerField(_("failed link checks in a row"), default=0, editable=False)
    # Set and cleared by the verification checks (directory.verification), never by a revision.
    operator_verified_at = models.DateTimeField(_("verified by the operator"), null=True, blank=True, editable=False)

    # Private: never rendered, exported, indexed or served.
    contact_name = models.CharField(
        _("contact name"), max_length=200, blank=True, help_text=_("Private. Who to contact about this entry.")
    )
    contact_email = models.EmailField(
        _("contact email"), blank=True, help_text=_("Private. Never shown to the public.")
    )
    editor_notes = models.TextField(_("editor notes"), blank=True, help_text=_("Private notes for editors."))

    objects = ForumManager()

    PRIVATE_FIELDS = public_fields.PRIVATE_FIELDS
    WELCOMED_MODE_FIELDS = {
        EngagementMode.EXPERT_ANSWERS: "welcomes_expert_answers",
        EngagementMode.HOSTED_QA: "welcomes_hosted_qa",
        EngagementMode.MODERATOR_REFERRAL: "welcomes_moderator_referral",
        EngagementMode.OFFICIAL_POSTS: "welcomes_official_posts",
    }

    # Declared once with every other public surface (directory.models.public_fields).
    search_fields = Page.search_fields + public_fields.search_fields()
    api_fields = public_fields.api_fields()

    content_panels = Page.content_panels + [
        FieldPanel("website"),
        FieldPanel("summary"),
        FieldPanel("description"),
        FieldPanel("community_type"),
        FieldRowPanel([FieldPanel("operator_name"), FieldPanel("operator_kind")], heading=_("Operator")),
        FieldPanel("languages"),
        MultiFieldPanel(
            [FieldPanel("status"), FieldPanel("status_reason"), FieldPanel("last_verified")],
            heading=_("Status and review"),
        ),
    ]
    audience_panels = [FieldPanel("topics"), FieldPanel("audiences"), FieldPanel("regions")]
    figure_panels = [
        FieldRowPanel([FieldPanel("members"), FieldPanel("monthly_visitors")]),
        FieldRowPanel([FieldPanel("posts"), FieldPanel("volunteer_moderators")]),
        FieldRowPanel([FieldPanel("figures_as_of"), FieldPanel("figures_source")]),
    ]
    engagement_panels = [
        FieldPanel("is_moderated"),
        FieldPanel("house_rules_url"),
        FieldPanel("engagement_preference"),
        MultiFieldPanel(
            [
                FieldPanel("welcomes_expert_answers"),
                FieldPanel("welcomes_hosted_qa"),
                FieldPanel("welcomes_moderator_referral"),
                FieldPanel("welcomes_official_posts"),
            ],
            heading=_("Ways of taking part it welcomes"),
        ),
    ]
    joining_panels = [
        FieldRowPanel([FieldPanel("cost"), FieldPanel("registration")]),
        FieldPanel("how_to_join"),
        FieldPanel("contact_route"),
        FieldPanel("minimum_age"),
        FieldRowPanel([FieldPanel("activity"), FieldPanel("activity_checked")]),
    ]
    private_panels = [FieldPanel("contact_name"), FieldPanel("contact_email"), FieldPanel("editor_notes")]
    # The editor's tabs, with the review panel, are assembled from these lists in directory.admin.panels.

    parent_page_types = ["directory.ForumIndexPage"]
    subpage_types = []
    template = "directory/forum_page.html"

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")

    def save(self, *args, **kwargs):
        self.website_key = normalise_website(self.website)
        result = super().save(*args, **kwargs)
        if kwargs.get("update_fields") is None:
            # Wagtail indexes the page as its row is saved, before modelcluster saves its topics,
            # audiences and regions: a Welsh alias, made in one save, was found by none of its
            # labels. Indexed again now they are saved (directory/upstream.py, entry 7).
            search_index.insert_or_update_object(self)
        return result

    def clean(self):
        super().clean()
        errors = {}
        self.website_key = normalise_website(self.website)
        duplicate = self.find_duplicate()
        if duplicate is not None:
            errors["website"] = _("“%(title)s” already has this web address.") % {"title": duplicate.title}
        if self.figures_as_of and self.figures_as_of > timezone.localdate():
            errors["figures_as_of"] = _("The date of the figures cannot be in the future.")
        if self.last_verified and self.last_verified > timezone.localdate():
            errors["last_verified"] = _("The last verified date cannot be in the future.")
        if self.activity_checked and self.activity_checked > timezone.localdate():
            errors["activity_checked"] = _("The date activity was checked cannot be in the future.")
        if self.contact_route.strip() and self.how_to_join != JoinMethod.CONTACT_FIRST:
            errors["contact_route"] = _(
                "Leave this empty unless people must contact the community first (under “how to join”)."
            )
        if self.status == ForumStatus.DELISTED and not self.status_reason.strip():
            errors["status_reason"] = _("Say why the community is delisted; the reason is shown publicly.")
        if errors:
            raise ValidationError(errors)

    def with_content_json(self, content):
        """A revision restores the content, not whether the operator's website proves it is theirs."""
        page = super().with_content_json(content)
        page.operator_verified_at = self.operator_verified_at
        return page

    def get_sitemap_urls(self, request=None):
        """A delisted community keeps its page but is not offered to search engines."""
        if self.status == ForumStatus.DELISTED:
            return []
        return super().get_sitemap_urls(request)

    def find_duplicate(self):
        """Another community in the same language with the same normalised web address, if any."""
        if not self.website_key:
            return None
        others = ForumPage.objects.filter(website_key=self.website_key)
        if self.locale_id:
            others = others.filter(locale_id=self.locale_id)
        if self.translation_key:
            others = others.exclude(translation_key=self.translation_key)
        return others.first()

    @property
    def joining_tags(self):
        """The one or two facts a result card shows about joining ("Free", "Register to post")."""
        tags = []
        if self.cost:
            tags.append(CARD_COST_LABELS[self.cost])
        if self.registration:
            tags.append(CARD_REGISTRATION_LABELS[self.registration])
        return tags

    @property
    def shows_contact_route(self):
        return self.how_to_join == JoinMethod.CONTACT_FIRST and bool(self.contact_route.strip())

    @property
    def has_joining_facts(self):
        return bool(self.cost or self.registration or self.how_to_join or self.minimum_age is not None or self.activity)

    @property
    def welcomed_modes(self):
        """The ways of taking part the community welcomes, as a list of codes."""
        return [mode for mode, field in self.WELCOMED_MODE_FIELDS.items() if getattr(self, field)]

    @property
    def welcomed_mode_labels(self):
        return [EngagementMode(mode).label for mode in self.welcomed_modes]

    @property
    def welcomes_public_servants(self):
        return self.engagement_preference != EngagementPreference.DOES_NOT_WELCOME

    def review_due_date(self, interval_months=12):
        """When the entry should next be confirmed as accurate, or None if never verified."""
        if not self.last_verified:
            return None
        return add_months(self.last_verified, interval_months)
