"""URLs of the export pages, under /data/exports/."""

from django.urls import path

from assetmap import export_views

urlpatterns = [
    path("", export_views.export_start, name="export-start"),
    path("<int:pk>/", export_views.export_job, name="export-job"),
    path("<int:pk>/download/", export_views.export_download, name="export-download"),
]
