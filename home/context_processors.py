"""Template context shared by every public page: the main navigation."""

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
        "navigation": items,
        "home_url": prefix + "/",
        "search_url": reverse("search"),
    }
