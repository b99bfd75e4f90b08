"""The search vocabulary editors keep: groups of words and phrases that mean the same to a searcher.

A search for any member of a group also finds communities described with the others ("mums" finds
"parents", "cyn-filwyr" finds "veterans"). Groups belong to one language (the site a visitor
searches); a Welsh group may hold English words, as most Welsh pages are English text. The
search expands queries with the groups when it runs (``directory.listing.query``), so a change
needs no reindex; saving one is a public content change (``directory.caching``), so the next
search uses it.
"""

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

WORD = re.compile(r"\w+")


def phrase_words(phrase):
    """A phrase as the words a search compares: lower case, punctuation dropped ("Ex-army" → ("ex", "army"))."""
    return tuple(WORD.findall(phrase.casefold()))


class SearchSynonyms(models.Model):
    """One group of equivalent words and phrases, for searches in one language."""

    language = models.CharField(
        _("language"),
        max_length=7,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The site whose searches use this group."),
    )
    terms = models.TextField(
        _("words and phrases"),
        help_text=_(
            "Separated by commas, for example: parents, mums, mothers, dads. "
            "Give each form people type (mum, mums); a search for any of them finds the others."
        ),
    )

    panels = [FieldPanel("language"), FieldPanel("terms")]

    class Meta:
        ordering = ["language", "terms"]
        verbose_name = _("synonym group")
        verbose_name_plural = _("search synonyms")

    def __str__(self):
        return ", ".join(self.phrases())

    def phrases(self):
        """The group's words and phrases, each once, as written (tidied of spaces)."""
        found = []
        for phrase in self.terms.replace("\n", ",").split(","):
            phrase = " ".join(phrase.split())
            if phrase_words(phrase) and phrase not in found:
                found.append(phrase)
        return found
