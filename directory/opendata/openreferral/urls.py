"""URLs of the Open Referral API, mounted at /openreferral/ outside the language prefix.

Paths are HSDS's, without a trailing slash; one with a trailing slash works too.
"""

from django.urls import path, re_path

from . import views

app_name = "openreferral"

ID = r"(?P<{}>[^/]+)"

urlpatterns = [
    path("", views.api_root, name="root"),
    path("openapi.json", views.openapi, name="openapi"),
    re_path(r"^services/?$", views.services, name="services"),
    re_path(rf"^services/{ID.format('service_id')}/?$", views.service_detail, name="service"),
    re_path(r"^organizations/?$", views.organizations, name="organizations"),
    re_path(rf"^organizations/{ID.format('organization_id')}/?$", views.organization_detail, name="organization"),
    re_path(r"^taxonomies/?$", views.taxonomies, name="taxonomies"),
    re_path(rf"^taxonomies/{ID.format('taxonomy_id')}/?$", views.taxonomy_detail, name="taxonomy"),
    re_path(r"^taxonomy_terms/?$", views.taxonomy_terms, name="taxonomy_terms"),
    re_path(rf"^taxonomy_terms/{ID.format('term_id')}/?$", views.taxonomy_term_detail, name="taxonomy_term"),
]
