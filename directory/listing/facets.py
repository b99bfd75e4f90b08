"""The facets a visitor filters the directory by: their names, labels and options with counts.

Facets combine with AND across facets and OR within one: ``?topic=a&topic=b&region=c`` finds
communities about a *or* b that are *also* in region c. Each facet's counts are taken with the
other facets applied, so they say how many results ticking that box would give.
"""

from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from directory.models import EngagementPreference
from directory.models.public import welsh_is_active

FACETS = ("topic", "audience", "region", "type", "preference", "department")
FACET_LABELS = {
    "topic": _("Topic"),
    "audience": _("Audience"),
    "region": _("Region"),
    "type": _("Type of community"),
    "preference": _("Public servants"),
    "department": _("Department engaging"),
}
TOPIC_OPTIONS_SHOWN = 20  # the most used; the others are folded under "Show more topics"


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool = False
    known: bool = True  # False for a chosen value no listed community has (shown so it can be unticked)
    lang: str = ""  # "en" when the label is English on the Welsh site (no Welsh name yet): marked lang="en"


@dataclass
class Facet:
    """One group of checkboxes: its query parameter, label and options with result counts."""

    name: str
    label: str
    options: list
    shown: int = 0  # how many options are shown before the rest are folded away (0: all shown)

    @property
    def selected_count(self):
        return sum(1 for option in self.options if option.selected)

    @property
    def first_options(self):
        return self.options[: self.shown] if self.shown else self.options

    @property
    def more_options(self):
        return self.options[self.shown :] if self.shown else []


@dataclass
class SelectedFilter:
    """A facet value the visitor chose, with the query string that removes it."""

    facet_label: str
    label: str
    remove_querystring: str
    lang: str = ""  # as the option's


def _label(term, welsh):
    """A term's label in the language (Welsh or not), and "en" when that is its English label on the Welsh site."""
    if welsh and term.label_cy:
        return term.label_cy, ""
    return term.label, "en" if welsh else ""


def _option(term, counts, selected, welsh, label=None):
    shown, lang = _label(term, welsh)
    return FacetOption(term.slug, label or shown, counts.get(term.slug, 0), term.slug in selected, lang=lang)


def _vocabulary_options(terms, counts, selected, welsh):
    return [
        _option(term, counts, selected, welsh)
        for term in sorted(terms.values(), key=lambda term: _label(term, welsh)[0].casefold())
        if counts.get(term.slug) or term.slug in selected
    ]


def _topic_options(terms, counts, selected, welsh):
    """Every topic in use, chosen ones first, then the most used; labels in the language, with a capital."""
    labels = {slug: _label(terms[slug], welsh)[0] for slug in counts.keys() | set(selected) if slug in terms}
    used = sorted(
        (slug for slug, count in counts.items() if count and slug not in selected and slug in terms),
        key=lambda slug: (-counts[slug], labels[slug].casefold()),
    )
    chosen = sorted(
        (slug for slug in selected if slug in terms),
        key=lambda slug: (-counts.get(slug, 0), labels[slug].casefold()),
    )
    options = [_option(terms[slug], counts, selected, welsh, capfirst(labels[slug])) for slug in chosen + used]
    # A chosen topic no community in the directory has: still shown, so it can be unticked.
    options += [FacetOption(slug, slug, 0, True, known=False) for slug in selected if slug not in terms]
    return options


def _preference_options(counts, selected):
    return [
        FacetOption(value, label, counts.get(value, 0), value in selected)
        for value, label in EngagementPreference.choices
        if counts.get(value) or value in selected
    ]


def _department_options(terms, counts, selected, welsh):
    # A department's Welsh label is its title when its Welsh page is translated (not an alias).
    return [
        _option(term, counts, selected, welsh)
        for term in sorted(terms.values(), key=lambda term: term.label.lower())
        if counts.get(term.slug) or term.slug in selected
    ]


def facets_from_counts(filters, index, counts):
    """The six ``Facet``s, in the active language, from ``{facet: {slug: count}}``.

    ``index.terms`` gives each facet's values (``{facet: {slug: Term}}``).
    """
    facets = []
    welsh = welsh_is_active()
    for name in FACETS:
        selected = getattr(filters, name)
        if name == "topic":
            options = _topic_options(index.terms[name], counts[name], selected, welsh)
        elif name == "preference":
            options = _preference_options(counts[name], selected)
        elif name == "department":
            options = _department_options(index.terms[name], counts[name], selected, welsh)
        else:
            options = _vocabulary_options(index.terms[name], counts[name], selected, welsh)
        shown = TOPIC_OPTIONS_SHOWN if name == "topic" else 0
        facets.append(Facet(name, FACET_LABELS[name], options, shown=max(shown, len(selected)) if shown else 0))
    return facets


def selected_filters(filters, facets):
    """Each facet value chosen in ``filters``, labelled as its facet offers it, with a link removing it."""
    selected = []
    for facet in facets:
        options = {option.value: option for option in facet.options}
        for value in getattr(filters, facet.name):
            option = options.get(value)
            label, lang = (option.label, option.lang) if option else (value, "")
            selected.append(SelectedFilter(facet.label, label, filters.without(facet.name, value), lang))
    return selected
