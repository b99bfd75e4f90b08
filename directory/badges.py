"""What the embeddable "Listed in the Peer Support Directory" badge says, and the HTML to embed it.

The badge itself is served by ``directory.opendata.badge``; the operator's private page shows
``badge_snippet`` to copy. Both read the lines and size from ``badge_lines`` so they agree.
"""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from directory.emails import public_url
from directory.models.public import listed

BADGE_HEIGHT = 40


def badge_lines():
    """The badge's two lines in the active language, and a width that fits the longer one.

    The width is an estimate from the number of characters (Arial at the badge's sizes), so the
    image and the snippet's ``width`` agree without measuring fonts.
    """
    lead, name = _("Listed in the"), _("Peer Support Directory")
    width = max(len(lead) * 6, len(name) * 8) + 24
    return {"lead": lead, "name": name, "width": width, "height": BADGE_HEIGHT}


def badge_url(forum, language=None):
    """The absolute address of ``forum``'s badge, in ``language`` (the active one by default)."""
    with translation.override(language or translation.get_language()):
        return public_url(reverse("directory_badge", args=[forum.slug]))


def has_badge(forum):
    """Only a listed community has a badge."""
    return forum is not None and listed(type(forum).objects.filter(pk=forum.pk)).exists()


def badge_snippet(forum, language=None):
    """The HTML an operator pastes into their site: the badge image, linking to the entry."""
    language = language or translation.get_language()
    with translation.override(language):
        context = {"badge_url": badge_url(forum, language), "entry_url": public_url(forum.url or "/"), **badge_lines()}
        return render_to_string("directory/badge/snippet.html", context).strip()
