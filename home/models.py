"""The home page and the site-wide settings editors can change in the Wagtail admin."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page

from core.privacy import TranslatedPrivacy
from core.routing import SpecificChildRouting
from directory.models.public import localised


class HomePage(TranslatedPrivacy, SpecificChildRouting, Page):
    """The front door: what the directory is, a search box, topics, figures and latest entries."""

    intro = RichTextField(
        blank=True,
        features=["bold", "italic", "link", "ol", "ul"],
        help_text=_("A short welcome shown under the page heading."),
    )

    content_panels = Page.content_panels + [FieldPanel("intro")]

    max_count_per_parent = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        """Figures, popular topics and the latest communities (rules in directory.listing.results)."""
        from directory.listing.results import home_page_highlights

        context = super().get_context(request, *args, **kwargs)
        context["highlights"] = home_page_highlights()
        return context


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    """Name and public contact details of the service, shown in the header and footer."""

    site_name = models.CharField(
        _("service name"),
        max_length=100,
        default="Peer Support Directory",
        help_text=_("Shown in the header and in page titles."),
    )
    site_name_cy = models.CharField(
        _("service name in Welsh"),
        max_length=100,
        blank=True,
        default="Cyfeiriadur Cymorth gan Gymheiriaid",
        help_text=_("Shown instead on the Welsh site; the English name is used if empty."),
    )
    contact_email = models.EmailField(
        _("contact email"),
        blank=True,
        default="directory@example.org",
        help_text=_("A public address people can write to about the directory."),
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("review interval (months)"),
        default=12,
        help_text=_("How often each entry should be confirmed as still accurate."),
    )

    panels = [
        FieldPanel("site_name"),
        FieldPanel("site_name_cy"),
        FieldPanel("contact_email"),
        FieldPanel("review_interval_months"),
    ]

    class Meta:
        verbose_name = _("site settings")

    @property
    def localized_site_name(self):
        """The service name in the active language."""
        return localised(self.site_name, self.site_name_cy)
