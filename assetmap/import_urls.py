"""URLs of the import pages, under /data/imports/."""

from django.urls import path

from assetmap import import_views

urlpatterns = [
    path("new/", import_views.import_new, name="import-new"),
    path("template.csv", import_views.import_template, name="import-template"),
    path("<int:pk>/", import_views.import_job, name="import-job"),
    path("<int:pk>/commit/", import_views.import_commit, name="import-commit"),
    path("<int:pk>/cancel/", import_views.import_cancel, name="import-cancel"),
]
