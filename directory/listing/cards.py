"""The listing's result cards: what each card says, worked out in Python once per card.

The template engine resolving a card's dozen fields, loops and labels was most of the cost of
rendering a listing (docs/benchmarks.md, "Result cards, facet labels, workers evenly loaded").
Here each card's texts are made once, escaped where they are joined into markup; the listing's
template only places them.
"""

from typing import TypedDict

from django.template.defaultfilters import floatformat
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext

from directory.models import EngagementPreference
from directory.models.public import welsh_is_active

# The engagement preference as a GOV.UK tag's colour: green welcomes, red does not, yellow by arrangement.
PREFERENCE_COLOURS = {EngagementPreference.WELCOMES: "green", EngagementPreference.DOES_NOT_WELCOME: "red"}


class ResultCard(TypedDict):
    forum: object  # the ForumPage (title, summary, verification date)
    url: str
    lang: str  # "en" for an English entry shown on the Welsh site (WCAG 3.1.2), else ""
    preference_colour: str
    preference_label: str
    details: list  # [{"label": "Type:", "value": safe markup}], in the order the card shows them


def result_cards(forums, request):
    """A ``ResultCard`` for each of ``forums`` (their ``terms`` prefetched), in order."""
    welsh = welsh_is_active()
    labels = {
        "type": gettext("Type:"),
        "topics": gettext("Topics:"),
        "audiences": gettext("For:"),
        "regions": gettext("Where:"),
        "joining": gettext("Joining:"),
        "members": gettext("Members:"),
    }
    return [
        ResultCard(
            forum=forum,
            url=forum.get_url(request),
            lang="en" if forum.alias_of_id else "",
            preference_colour=PREFERENCE_COLOURS.get(forum.engagement_preference, "yellow"),
            preference_label=_preference_label(forum),
            details=_details(forum, labels, welsh),
        )
        for forum in forums
    ]


def _preference_label(forum):
    if forum.engagement_preference == EngagementPreference.BY_ARRANGEMENT:
        # "By arrangement" alone reads as if joining needed arranging, so the tag says whom it is about.
        return gettext("Public servants: by arrangement with the moderators")
    return forum.get_engagement_preference_display()


def _name(term, welsh):
    """A term's name in the language (``display_name``, ``topic_label``), the language read once for the page."""
    return term.name_cy if welsh and term.name_cy else term.name


def _names(terms, welsh):
    return conditional_escape(", ".join(_name(term, welsh) for term in terms))


def _topic(tag, welsh):
    """A topic's name with a capital, marked lang="en" on the Welsh site when it has no Welsh name."""
    name = capfirst(_name(tag, welsh))
    if welsh and not tag.name_cy:
        return format_html('<span lang="en">{}</span>', name)
    return format_html("<span>{}</span>", name)


def _details(forum, labels, welsh):
    rows = []

    def add(key, value):
        if value:
            rows.append({"label": labels[key], "value": value})

    terms = forum.terms
    if forum.community_type_id:
        add("type", conditional_escape(_name(forum.community_type, welsh)))
    add("topics", mark_safe(", ".join(_topic(tag, welsh) for tag in terms["topics"])))
    add("audiences", _names(terms["audiences"], welsh))
    add("regions", _names(terms["regions"], welsh))
    add("joining", conditional_escape(" ".join(f"{tag}." for tag in forum.joining_tags)))
    if forum.members:
        add("members", conditional_escape(gettext("about %(members)s") % {"members": floatformat(forum.members, "0g")}))
    return rows
