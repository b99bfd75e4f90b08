"""The site's URLs: health, admin and sitemap outside the language prefix; the rest in English
at / and Welsh at /cy/."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from core.password_reset import ThrottledPasswordResetView
from directory.admin import workflow as workflow_views
from directory.journeys import alerts as alert_views
from directory.journeys import operator as operator_views
from directory.opendata import badge, exports
from directory.opendata.api import api_router
from home import pages as home_pages
from home import views as home_views
from home.sitemap import PublicSitemap
from search import views as search_views

urlpatterns = [
    path("healthz", home_views.healthz, name="healthz"),
    path("readyz", home_views.readyz, name="readyz"),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": {"wagtail": PublicSitemap}}, name="sitemap"),
    # Before Wagtail's admin: its approve / request changes view, saying when another editor decided first.
    path(f"admin/{workflow_views.WORKFLOW_ACTION_PATH}", workflow_views.workflow_action),
    # Before Wagtail's admin: its password reset form, limited per address and per account.
    path("admin/password_reset/", ThrottledPasswordResetView.as_view()),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/", api_router.urls),
    path("openreferral/", include("directory.opendata.openreferral.urls")),
    # English has no prefix: /en/… is the same page at /….
    re_path(r"^en/(?P<path>.*)$", home_views.without_default_language_prefix),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("search/", search_views.search, name="search"),
    path("accessibility/", home_pages.accessibility, name="accessibility"),
    path("privacy/", home_pages.privacy, name="privacy"),
    path("open-data/", home_pages.open_data, name="open_data"),
    path("feeds/", include("directory.opendata.feeds")),
    path("directory/export.csv", exports.export_csv, name="directory_export_csv"),
    path("directory/export.json", exports.export_json, name="directory_export_json"),
    path("directory/<str:slug>/badge.svg", badge.badge_svg, name="directory_badge"),
    path("alerts/new/", alert_views.new_alert, name="alert_new"),
    path("alerts/sent/", alert_views.alert_sent, name="alert_sent"),
    path("alerts/confirm/<str:signed>/", alert_views.confirm, name="alert_confirm"),
    path("alerts/manage/<str:signed>/", alert_views.manage, name="alert_manage"),
    path("alerts/unsubscribe/<str:signed>/", alert_views.unsubscribe, name="alert_unsubscribe"),
    path("listing/<str:token>/", operator_views.listing, name="operator_listing"),
    path("listing/<str:token>/update/", operator_views.update, name="operator_update"),
    path("listing/<str:token>/remove/", operator_views.removal, name="operator_removal"),
    # Wagtail's page view, falling back to the English page where there is no Welsh copy yet.
    re_path(r"^(?!_util/)" + wagtail_urls.serve_pattern.lstrip("^"), home_views.serve_page, name="wagtail_serve"),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
