"""Site-wide views: health and readiness checks, robots.txt, and Wagtail's page view with a fallback
between languages."""

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.encoding import iri_to_uri
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail.models import Locale, Site
from wagtail.views import serve as wagtail_serve

from core.public_urls import public_url
from core.resilient_cache import is_reachable
from core.templatetags.languages import on_site_path
from home.routes import route_for_request


def database_status():
    """ "ok", or the class name of the error querying the database raised (never its details)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any database failure means unhealthy
        return error.__class__.__name__
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """Tell a load balancer whether this container can reach its database."""
    database = database_status()
    if database != "ok":
        return JsonResponse({"status": "error", "database": database}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@never_cache
@require_GET
def readyz(request):
    """Readiness: the database and the two caches, each reported; 503 only without the database.

    Without Redis every page and form still works (uncached, limits counted per process), so an
    unreachable cache is "degraded" with a 200: taking every container out of service because the
    one shared Redis is down would turn a slower site into no site.
    """
    report = {
        "database": database_status(),
        "cache": "ok" if is_reachable(caches["default"]) else "unavailable",
        "rate_limit_cache": "ok" if is_reachable(caches[settings.RATELIMIT_USE_CACHE]) else "unavailable",
    }
    if report["database"] != "ok":
        status = "error"
    elif "unavailable" in report.values():
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse({"status": status, **report}, status=503 if status == "error" else 200)


@require_GET
def robots_txt(request):
    """Let crawlers in, keep them out of the admin and private links, point at the sitemap."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /listing/",
        "Disallow: /cy/listing/",
        f"Sitemap: {public_url('/sitemap.xml', request)}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def without_default_language_prefix(request, path):
    """Send /en/… to /…: English has no language prefix, and one address per page keeps links right."""
    query = iri_to_uri(request.META.get("QUERY_STRING", ""))
    # Never "//host", "/\host" or "/<tab>/host": browsers read those as another site.
    return redirect(on_site_path(path) + (f"?{query}" if query else ""), permanent=True)


def route_in_other_languages(request, path):
    """The page at ``path`` in another language's tree: ``(page, args, kwargs, remaining path components)``."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    components = [component for component in path.split("/") if component]
    tried = site.root_page.localized
    for root in site.root_page.get_translations(inclusive=True).live().exclude(pk=tried.pk).specific():
        try:
            page, args, kwargs = root.route(request, components)
        except Http404:
            continue
        consumed = page.depth - root.depth
        return page, args, kwargs, components[consumed:]
    return None


def serve_page(request, path):
    """Wagtail's page view; an address that is not in the active language's tree is looked up in the others.

    So the Welsh address of a page that has no Welsh copy yet shows the English page (marked
    ``request.untranslated_page``: the layout adds a notice in Welsh) instead of a 404, and an
    address with another language's slug redirects to the page's copy in the active language.
    """
    route_for_request(request, path)
    try:
        return wagtail_serve(request, path)
    except Http404:
        if getattr(request, "_wagtail_route_for_request", None) is not None:
            raise  # the page was found; the 404 is the page's own answer
        found = route_in_other_languages(request, path)
        if found is None:
            raise
    page, args, kwargs, remaining = found
    active = Locale.get_active()
    translation = page.get_translation_or_none(active)
    if translation is not None and translation.live:
        subpath = "".join(f"{component}/" for component in remaining)
        query = request.META.get("QUERY_STRING", "")
        return redirect(translation.get_url(request) + subpath + (f"?{query}" if query else ""))
    if (get_language() or settings.LANGUAGE_CODE) == settings.LANGUAGE_CODE:
        raise Http404
    request._wagtail_route_for_request = (page, args, kwargs)
    request.untranslated_page = True
    return wagtail_serve(request, path)
