"""URLs of the Open Referral API, mounted at /openreferral/ outside the language prefix.

Paths are HSDS's, without a trailing slash; one with a trailing slash works too. Any other
address under /openreferral/ gets the API's JSON 404, not the site's HTML page.
"""

from django.urls import path, re_path

from . import views

app_name = "openreferral"

ID = r"(?P<{}>[^/]+)"
# HSDS's lists, and the name of the id in each one's detail address.
COLLECTIONS = [
    ("services", views.services, "service", views.service_detail),
    ("service_at_locations", views.service_at_locations, "service_at_location", views.service_at_location_detail),
    ("organizations", views.organizations, "organization", views.organization_detail),
    ("taxonomies", views.taxonomies, "taxonomy", views.taxonomy_detail),
    ("taxonomy_terms", views.taxonomy_terms, "taxonomy_term", views.taxonomy_term_detail),
]
ID_NAMES = {"taxonomy_term": "term_id"}

urlpatterns = [
    path("", views.api_root, name="root"),
    path("openapi.json", views.openapi, name="openapi"),
]
for collection, list_view, item, detail_view in COLLECTIONS:
    id_name = ID_NAMES.get(item, f"{item}_id")
    urlpatterns += [
        re_path(rf"^{collection}/?$", list_view, name=collection),
        re_path(rf"^{collection}/{ID.format(id_name)}/?$", detail_view, name=item),
    ]
urlpatterns.append(re_path(r"^(?P<rest>.*)$", views.unknown_address, name="unknown"))
