"""What public pages show beyond their models: breadcrumbs, schema.org JSON-LD, and the metadata
(description, canonical address, Open Graph and Twitter card) that search engines and link
previews read. Absolute addresses are on the public host (``core.public_urls``)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language

from directory.forum_details import community_languages

DESCRIPTION_LENGTH = 300  # characters: longer descriptions are cut in previews anyway
OPEN_GRAPH_LOCALES = {"en": "en_GB", "cy": "cy_GB"}


def json_for_script(data):
    """``data`` as JSON safe to place inside a ``<script>`` element (as Django's json_script does)."""
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder).translate(_json_script_escapes))


def forum_structured_data(forum, page_url, breadcrumbs=()):
    """schema.org JSON-LD for a community page: the community as a WebSite, and its breadcrumbs.

    Only public fields go in: never the operator's contact details or editors' notes.
    """
    community = {
        "@type": "WebSite",
        "name": forum.title,
        "url": forum.website,
        "description": forum.summary,
        "mainEntityOfPage": page_url,
        "keywords": ", ".join(tag.name for tag in forum.topics.all()),
    }
    # BCP 47 codes ("en", "cy") of the languages the free-text field names that have one.
    codes = list(dict.fromkeys(code for _name, code in community_languages(forum.languages) if code))
    if codes:
        community["inLanguage"] = codes
    audiences = list(forum.audiences.all())
    if audiences:
        community["audience"] = [{"@type": "Audience", "audienceType": audience.name} for audience in audiences]
    if forum.operator_name:
        community["publisher"] = {"@type": "Organization", "name": forum.operator_name}
    if forum.last_published_at:
        community["dateModified"] = forum.last_published_at  # when the entry last changed
    graph = [community]
    if breadcrumbs:
        graph.append(
            {
                "@type": "BreadcrumbList",
                "itemListElement": [
                    {"@type": "ListItem", "position": position, "name": crumb["title"], "item": crumb["url"]}
                    for position, crumb in enumerate(breadcrumbs, start=1)
                ],
            }
        )
    return json_for_script({"@context": "https://schema.org", "@graph": graph})


def _routed_ancestors(page):
    """The page's ancestors below the tree root, top first, if routing left each one's parent on it; else None.

    Wagtail's ``Page.route`` (and ``core.routing.SpecificChildRouting``) keep the parent page on each page it
    passes through as ``_cached_parent_obj``, treebeard's own cache for ``get_parent``.
    """
    ancestors = []
    while page.depth > 2:
        page = page.__dict__.get("_cached_parent_obj")
        if page is None:
            return None
        ancestors.append(page)
    return ancestors[::-1]


def breadcrumbs_for(page, request=None):
    """The page's ancestors below the tree root as ``{url, title}``, for the breadcrumbs component.

    A page reached through the site's routing knows its ancestors already (no query); any
    other page (a preview, say) reads them in one query.
    """
    ancestors = _routed_ancestors(page)
    if ancestors is None:
        ancestors = page.get_ancestors().filter(depth__gt=1)
    return [{"url": ancestor.get_url(request), "title": ancestor.title} for ancestor in ancestors]


def page_metadata(page, url, description):
    """What a page's ``<head>`` says about it (``directory/includes/page_metadata.html``).

    ``url`` is the page's absolute, canonical address; ``description`` its plain-text summary.
    """
    return {
        "title": page.seo_title or page.title,
        "description": Truncator(" ".join((page.search_description or description or "").split())).chars(
            DESCRIPTION_LENGTH
        ),
        "url": url,
        "locale": OPEN_GRAPH_LOCALES.get(get_language(), "en_GB"),
    }
