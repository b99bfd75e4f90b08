"""What public pages show beyond their models: breadcrumbs and schema.org JSON-LD."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe


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
        "inLanguage": forum.languages,
    }
    audiences = list(forum.audiences.all())
    if audiences:
        community["audience"] = [{"@type": "Audience", "audienceType": audience.name} for audience in audiences]
    if forum.operator_name:
        community["publisher"] = {"@type": "Organization", "name": forum.operator_name}
    if forum.last_verified:
        community["dateModified"] = forum.last_verified
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
