"""Pages that frame the directory: the nomination form and the cross-government progress page."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from core.privacy import TranslatedPrivacy
from core.routing import PageViews


class NominationPage(TranslatedPrivacy, PageViews, Page):
    """The public form where an operator puts their community forward (no account needed)."""

    page_urls = "directory.pages.NOMINATION_URLS"  # the nomination and claim journeys

    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=["bold", "italic", "link", "ol", "ul"],
        help_text=_("What happens to a nomination and what the criteria are."),
    )
    thanks = RichTextField(
        _("thank-you text"),
        blank=True,
        features=["bold", "italic", "link", "ol", "ul"],
        help_text=_("Shown after a nomination is received."),
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("thanks")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count_per_parent = 1
    template = "directory/nomination_page.html"

    class Meta:
        verbose_name = _("nomination form")


class ProgressPage(TranslatedPrivacy, PageViews, Page):
    """The cross-government list: each department's plan and engagements, and coverage gaps."""

    page_urls = "directory.pages.PROGRESS_URLS"

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count_per_parent = 1
    template = "directory/progress_page.html"

    class Meta:
        verbose_name = _("progress page")
