"""The site's short fixed pages: accessibility statement, privacy notice and open data.

They are Django views rather than Wagtail pages because their wording is part of the
service (and is translated with the rest of the site), not content editors change.
"""

from datetime import date

from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from home.context_processors import language_prefix

# When each page's wording last changed; shown on the page, as the regulations ask for the
# accessibility statement.
ACCESSIBILITY_STATEMENT_PREPARED = date(2026, 11, 23)
PRIVACY_NOTICE_UPDATED = date(2026, 12, 5)


def render_fixed_page(request, title, body_template, **context):
    """Render one fixed page: breadcrumbs back to the home page, the title and its body."""
    return TemplateResponse(
        request,
        "home/static_page.html",
        {
            "title": title,
            "body_template": body_template,
            "breadcrumbs": [{"url": language_prefix() + "/", "title": _("Home")}],
            **context,
        },
    )


@require_safe
def accessibility(request):
    """The accessibility statement the Public Sector Bodies Accessibility Regulations 2018 require."""
    return render_fixed_page(
        request,
        _("Accessibility statement"),
        "home/static_pages/accessibility.html",
        prepared=ACCESSIBILITY_STATEMENT_PREPARED,
    )


@require_safe
def privacy(request):
    """The privacy notice: what we keep about people who nominate communities, and why."""
    return render_fixed_page(
        request,
        _("Privacy notice"),
        "home/static_pages/privacy.html",
        updated=PRIVACY_NOTICE_UPDATED,
    )


@require_safe
def open_data(request):
    """Where to get the directory as open data: feeds, exports and APIs, and the licence."""
    return render_fixed_page(request, _("Open data"), "home/static_pages/open_data.html")
