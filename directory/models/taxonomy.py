"""Editable vocabularies used as facets: audiences, regions and community types.

Each has an English and a Welsh name so the facets read naturally on both sites. They are
seeded by a data migration and edited as snippets.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from .public import localised


class Vocabulary(index.Indexed, models.Model):
    """A term in one of the directory's controlled lists."""

    name = models.CharField(_("name"), max_length=100, unique=True, help_text=_("The name in English."))
    name_cy = models.CharField(
        _("Welsh name"), max_length=100, blank=True, help_text=_("The name in Welsh; English is used if empty.")
    )
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, help_text=_("Used in web addresses and filters; lower case.")
    )
    description = models.CharField(
        _("description"), max_length=255, blank=True, help_text=_("Optional: what this term covers.")
    )

    panels = [FieldPanel("name"), FieldPanel("name_cy"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        """The name in the active language."""
        return localised(self.name, self.name_cy)


class Audience(Vocabulary):
    """Who a community serves: parents, students, veterans, older people…"""

    class Meta(Vocabulary.Meta):
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")


class Region(Vocabulary):
    """Where a community's members are: UK-wide, a nation, a region or a city."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class CommunityType(Vocabulary):
    """What kind of place it is: discussion forum, blog, webchat, community of practice…"""

    class Meta(Vocabulary.Meta):
        verbose_name = _("community type")
        verbose_name_plural = _("community types")
