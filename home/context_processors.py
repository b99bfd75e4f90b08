"""Template context shared by every public page: the main navigation.

Every name starts with ``site_`` because context processors also run for Wagtail's admin
templates, which read names such as ``search_url`` themselves (as URL names to reverse).
"""

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

NAVIGATION = [
    ("/directory/", _("Directory")),
    ("/departments/", _("Departments")),
    ("/nominate/", _("Nominate a community")),
    ("/progress/", _("Progress")),
]


def language_prefix():
    """The URL prefix of the active language: '' for English, '/cy' for Welsh."""
    language = (get_language() or "en").split("-")[0]
    return "" if language == "en" else f"/{language}"


def site_navigation(request):
    """The header's navigation links in the active language, with the current one marked."""
    prefix = language_prefix()
    path = request.path
    items = []
    for href, label in NAVIGATION:
        url = prefix + href
        items.append({"url": url, "label": label, "active": path.startswith(url)})
    return {
        "site_navigation": items,
        "site_home_url": prefix + "/",
        "site_search_url": reverse("search"),
    }
