"""Template tags for the directory's public pages; each area adds its own tags here.

Upkeep: ``{% status_notice page %}`` says why a community is inactive, closed or delisted, and
``{% verification_notice page %}`` says "not verified since …" when its review is overdue.

Topics: ``{{ topic|topic_name }}`` is a topic's name in the active language, with a capital, and
``{{ topic|topic_lang }}`` adds ``lang="en"`` where the Welsh site shows a topic's English name.
``{% languages_list page.languages %}``: the languages a community uses, named in the reader's language.

Directory: ``{% facet_checkboxes facet options offset %}`` is a facet's options as GOV.UK checkboxes.
"""

from django import template
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from directory import reviews
from directory.forum_details import language_names
from directory.models import ForumStatus, topic_label
from directory.models.public import welsh_is_active

register = template.Library()


@register.inclusion_tag("directory/includes/status_notice.html")
def status_notice(forum):
    """A notice for a community that is not active, with the editor's reason; nothing when active."""
    status = getattr(forum, "status", ForumStatus.ACTIVE)
    return {
        "status": status,
        "status_label": ForumStatus(status).label,
        "reason": getattr(forum, "status_reason", ""),
        "show": status != ForumStatus.ACTIVE,
    }


@register.inclusion_tag("directory/includes/verification_notice.html", takes_context=True)
def verification_notice(context, forum):
    """ "Not verified since …" when the community's review is overdue; nothing otherwise."""
    if getattr(forum, "status", None) not in (ForumStatus.ACTIVE, ForumStatus.INACTIVE):
        return {"show": False, "since": None}
    overdue = reviews.is_overdue(forum, interval_months=reviews.review_interval_months(context.get("request")))
    return {"show": overdue, "since": reviews.review_cycle_start(forum) if overdue else None}


@register.filter
def topic_name(tag):
    """The topic's name in the active language, starting with a capital."""
    return capfirst(topic_label(tag))


@register.filter
def topic_lang(tag):
    """`` lang="en"`` on the Welsh site for a topic with no Welsh name (WCAG 3.1.2), else nothing."""
    return mark_safe(' lang="en"') if welsh_is_active() and not getattr(tag, "name_cy", "") else ""


@register.inclusion_tag("directory/includes/languages_list.html")
def languages_list(text):
    """The free-text "languages" field with the languages we know named in the active language."""
    return {"languages": language_names(text)}


# One GOV.UK checkbox per option. Written out here rather than included once per option: the
# directory shows a hundred or more, and an include each was a large part of rendering a listing.
FACET_CHECKBOX = (
    '<div class="govuk-checkboxes__item">'
    '<input class="govuk-checkboxes__input" id="facet-{name}-{number}" name="{name}" type="checkbox"'
    ' value="{value}"{checked}>'
    '<label class="govuk-label govuk-checkboxes__label" for="facet-{name}-{number}"{lang}>'
    '{label} <span class="govuk-hint govuk-!-display-inline">({count})</span></label></div>'
)


@register.simple_tag
def facet_checkboxes(facet, options, offset=0):
    """The checkboxes of ``options`` of ``facet``, numbered from ``offset`` + 1 (ids unique across folded lists)."""
    name = escape(facet.name)
    return mark_safe(
        "\n".join(
            FACET_CHECKBOX.format(
                name=name,
                number=number,
                value=escape(option.value),
                checked=" checked" if option.selected else "",
                lang=f' lang="{escape(option.lang)}"' if option.lang else "",
                label=escape(option.label),
                count=localize(option.count),
            )
            for number, option in enumerate(options, start=offset + 1)
        )
    )
