"""The embeddable badge at /directory/<slug>/badge.svg (and /cy/directory/<slug>/badge.svg).

Only a listed community has a badge (anything else is a 404, as its page is). The badge is a
small SVG with a title and description for screen readers, linking back to the entry, in the
language of the address. It is the same for everyone, so shared caches may keep it; it sets no
cookie and reads nothing of the visitor (no tracking). What it says: ``directory.badges``.
"""

from django.db.models import Case, IntegerField, Value, When
from django.http import Http404
from django.template.response import TemplateResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from directory.badges import badge_lines
from directory.models import ForumPage
from directory.models.public import active_language, listed

BADGE_MAX_AGE = 3600  # a delisted entry's badge goes from shared caches within the hour


def listed_forum_for_badge(slug):
    """The listed community with ``slug``, its copy in the active language first; None if there is none."""
    copies = listed(ForumPage.objects.filter(slug=slug)).select_related("locale")
    in_language = Case(
        When(locale__language_code=active_language(), then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return copies.annotate(in_language=in_language).order_by("in_language", "pk").first()


@require_safe
@cache_control(public=True, max_age=BADGE_MAX_AGE)
def badge_svg(request, slug):
    """The badge of a listed community, as SVG."""
    forum = listed_forum_for_badge(slug)
    if forum is None:
        raise Http404
    response = TemplateResponse(
        request,
        "directory/badge/badge.svg",
        {"forum": forum, "entry_url": forum.get_full_url(request), **badge_lines()},
        content_type="image/svg+xml; charset=utf-8",
    )
    # Other sites embed it as an image; nothing inside runs or loads anything.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
