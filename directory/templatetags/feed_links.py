"""``{% feed_links %}``: the ``<link rel="alternate">`` tags for the directory's feeds, for every page head.

Always the latest-entries feeds (Atom and RSS); on a department page its engagements feed;
on the directory listing filtered by topic, a feed per chosen topic. A template may pass
``feed_topics`` (a list of ``{slug, name}``) or ``feed_department`` in its context instead.
"""

from django import template

from directory.opendata.feeds import feeds_for_page

register = template.Library()


@register.inclusion_tag("directory/includes/feed_links.html", takes_context=True)
def feed_links(context):
    found = feeds_for_page(context.get("page"), context.get("listing"))
    return {
        "topics": context.get("feed_topics") or found["topics"],
        "department": context.get("feed_department") or found["department"],
    }
