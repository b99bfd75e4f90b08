"""Editable vocabularies used as facets: audiences, regions and community types, and the topics' Welsh names.

Each has an English and a Welsh name so the facets read naturally on both sites. They are
seeded by a data migration and edited as snippets. Topics are free tags; their Welsh names are
snippets of their own (``TopicName``).
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


class TopicName(models.Model):
    """A topic's name in Welsh, kept by editors as a snippet.

    Topics are free taggit tags, typed by operators and editors in taggit's tag widget. The Welsh
    name is a row keyed by the tag rather than a field of a custom tag model: the pages' tag
    links, the tag widget and its autocomplete, and every existing topic stay exactly as they
    are (a custom tag model would move every topic to a new table and change the links' foreign
    keys), and a topic nobody has translated yet simply has no row and shows its English name,
    marked ``lang="en"`` on the Welsh site.
    """

    tag = models.OneToOneField(
        "taggit.Tag",
        on_delete=models.CASCADE,
        related_name="welsh_name",
        verbose_name=_("topic"),
        # Only tags that are topics (not, say, image tags) are offered.
        limit_choices_to=models.Q(directory_forumpagetag_items__isnull=False)
        | models.Q(directory_departmentpagetag_items__isnull=False),
        help_text=_("The topic as communities and public bodies are tagged with it, in English."),
    )
    name_cy = models.CharField(_("Welsh name"), max_length=100, help_text=_("The topic's name in Welsh."))

    panels = [FieldPanel("tag"), FieldPanel("name_cy")]

    class Meta:
        ordering = ["tag__name"]
        verbose_name = _("topic name in Welsh")
        verbose_name_plural = _("topic names in Welsh")

    def __str__(self):
        return f"{self.tag.name} – {self.name_cy}"


def topic_label(tag):
    """A topic's name in the active language: Welsh while Welsh is active and the topic has a Welsh name.

    ``tag.name_cy`` is set by whatever loaded the topics (``with_welsh_names``, the listings' SQL).
    """
    return localised(tag.name, getattr(tag, "name_cy", ""))


def with_welsh_names(tags):
    """``tags`` (a list of topics) with each one's Welsh name as ``name_cy`` ("" when none), in one query."""
    tags = list(tags)
    if not tags:
        return tags
    names = dict(TopicName.objects.filter(tag__in=[tag.pk for tag in tags]).values_list("tag_id", "name_cy"))
    for tag in tags:
        tag.name_cy = names.get(tag.pk, "")
    return tags
