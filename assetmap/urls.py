from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from assetmap import data_views, resident_views, views

# Swagger UI (pinned in requirements.txt) adds one <style> element: allow exactly it,
# by hash, on this page only; the rest of the strict policy stands.
SWAGGER_UI_STYLE = "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"
api_docs = csp_update({"style-src": [SWAGGER_UI_STYLE]})(
    SpectacularSwaggerSplitView.as_view(url_name="schema")
)

admin.site.site_header = "Assetmap administration"
admin.site.site_title = "Assetmap"

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("assetmap.editor_urls")),  # before assets/<slug>/: "assets/new/"
    path("assets/<slug:slug>/", views.asset_detail, name="asset"),
    path("assets/<slug:slug>/report/", resident_views.asset_report, name="asset-report"),
    path("suggest/", resident_views.suggest, name="suggest"),
    path("suggest/thanks/", resident_views.suggest_thanks, name="suggest-thanks"),
    path("about/data/", views.about_data, name="about-data"),
    path("", include("assetmap.search_urls")),
    path("", include("assetmap.freshness_urls")),
    path("data/", data_views.index, name="data"),
    path("data/jobs/<int:pk>/progress/", data_views.job_progress, name="data-job-progress"),
    path("data/imports/", include("assetmap.import_urls")),
    path("data/exports/", include("assetmap.export_urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the language switcher
    path("networks/", include("networks.urls")),
    path("volunteering/", include("volunteers.urls")),
    path("api/v1/", include("assetmap.api_urls")),
    path("openreferral/", include("assetmap.openreferral_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", api_docs, name="api-docs"),
]
