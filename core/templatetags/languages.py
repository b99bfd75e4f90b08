"""Template tags for the bilingual site: the same page in each language, and untranslated content.

Every public address exists in both languages: English at ``/…`` and Welsh at ``/cy/…``. The
language switcher and the ``hreflang`` alternates swap the prefix, with no database query;
when a page's Welsh copy has a different slug, ``home.views.serve_page`` redirects the
swapped address to it.
"""

from django import template
from django.conf import settings
from django.utils.encoding import escape_uri_path, iri_to_uri
from django.utils.translation import get_language, get_language_info
from wagtail.models import Locale

from core.public_urls import public_url

register = template.Library()


def default_language():
    return settings.LANGUAGE_CODE.split("-")[0]


def active_language():
    return (get_language() or settings.LANGUAGE_CODE).split("-")[0]


def path_without_language(path):
    """``path`` without its language prefix: ``/cy/directory/`` → ``/directory/``."""
    for code, _name in settings.LANGUAGES:
        prefix = f"/{code}/"
        if code != default_language() and (path.startswith(prefix) or path == prefix[:-1]):
            return "/" + path[len(prefix) :]
    return path


def on_site_path(path):
    """A decoded path (as in ``request.path``) as a link that always stays on this site.

    Escaped as in a URI (backslashes, spaces and control characters percent-encoded, so a browser
    cannot drop or reinterpret them), with one leading slash: ``//evil.example/`` or
    ``/\\evil.example/`` would be read as another site.
    """
    return "/" + escape_uri_path(path).lstrip("/")


def path_in_language(path, language):
    """The address of ``path`` in ``language`` (English has no prefix), always on this site."""
    neutral = on_site_path(path_without_language(path))
    return neutral if language == default_language() else f"/{language}{neutral}"


@register.simple_tag(takes_context=True)
def language_versions(context):
    """This page in each of the site's languages: code, name in that language, address, whether current.

    The query string is kept, so a filtered directory listing stays filtered in the other language.
    """
    request = context.get("request")
    if request is None:
        return []
    query = iri_to_uri(request.META.get("QUERY_STRING", ""))
    current = active_language()
    versions = []
    for code, _name in settings.LANGUAGES:
        url = path_in_language(request.path, code) + (f"?{query}" if query else "")
        versions.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "absolute_url": public_url(url, request),
                "current": code == current,
            }
        )
    return versions


@register.simple_tag(takes_context=True)
def untranslated_content_language(context):
    """The language of the page content shown when it is not yet in the active language, else ''.

    That is the case on the Welsh site for a page that is an alias of its English original, or
    an English page served at a Welsh address because it has no Welsh copy (marked on the
    request by ``home.views.serve_page``, or because the whole Welsh tree is missing).
    """
    language = active_language()
    if language == default_language():
        return ""
    request = context.get("request")
    page = context.get("page")
    if getattr(request, "untranslated_page", False) or getattr(page, "alias_of_id", None):
        return default_language()
    locale_id = getattr(page, "locale_id", None)
    if locale_id and locale_id != Locale.get_active().pk:
        # A site with no Welsh home page yet serves the English tree at /cy/ (one query, Welsh site only).
        return default_language()
    return ""
