"""Development only: the site's own "Page not found" page instead of Django's debug 404.

With DEBUG on, Django answers a 404 with its technical page (the URL patterns tried), which is
not what a visitor sees. settings/dev.py adds this middleware so a developer sees the real page;
``DEBUG_TECHNICAL_404=true`` brings the technical one back when it is the URL patterns they need.
"""

from django.conf import settings
from django.http import Http404
from django.views.defaults import page_not_found


class SiteNotFoundPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and not getattr(settings, "DEBUG_TECHNICAL_404", False):
            return page_not_found(request, exception)
        return None
