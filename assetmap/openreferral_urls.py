"""The Open Referral UK feed, mounted at /openreferral/. Paths take no trailing slash,
as ORUK clients build them (`{base}/services/{id}`), but accept one; anything else under
the feed is a JSON 404 that still carries the CORS header."""

from django.urls import path, re_path

from assetmap import openreferral_views as views

ID = r"(?P<{}>[^/]+)"

urlpatterns = [
    path("", views.root, name="openreferral-root"),
    re_path(r"^services/?$", views.services, name="openreferral-services"),
    re_path(rf"^services/{ID.format('service_id')}/?$", views.service, name="openreferral-service"),
    re_path(
        r"^service_at_locations/?$",
        views.service_at_locations,
        name="openreferral-service-at-locations",
    ),
    re_path(r"^taxonomies/?$", views.taxonomies, name="openreferral-taxonomies"),
    re_path(
        rf"^taxonomies/{ID.format('taxonomy_id')}/?$", views.taxonomy, name="openreferral-taxonomy"
    ),
    re_path(r"^taxonomy_terms/?$", views.taxonomy_terms, name="openreferral-taxonomy-terms"),
    re_path(
        rf"^taxonomy_terms/{ID.format('term_id')}/?$",
        views.taxonomy_term,
        name="openreferral-taxonomy-term",
    ),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
