"""The facilitators' and network leads' pages (assetmap.editor_views). Included before
"assets/<slug>/" in assetmap/urls.py, so "assets/new/" is not taken for a slug."""

from django.urls import path

from assetmap import editor_views

urlpatterns = [
    path("assets/new/", editor_views.asset_add, name="asset-add"),
    path("assets/<slug:slug>/edit/", editor_views.asset_edit, name="asset-edit"),
    path("assets/<slug:slug>/verify/", editor_views.asset_verify, name="asset-still-running"),
    path("moderation/", editor_views.moderation_queue, name="moderation"),
    path(
        "moderation/suggestions/<int:pk>/",
        editor_views.moderation_suggestion,
        name="moderation-suggestion",
    ),
    path(
        "moderation/suggestions/<int:pk>/publish/",
        editor_views.moderation_publish,
        name="moderation-publish",
    ),
    path(
        "moderation/suggestions/<int:pk>/merge/",
        editor_views.moderation_merge,
        name="moderation-merge",
    ),
    path(
        "moderation/suggestions/<int:pk>/reject/",
        editor_views.moderation_reject,
        name="moderation-reject",
    ),
    path("moderation/reports/<int:pk>/", editor_views.moderation_report, name="moderation-report"),
    path(
        "moderation/needs-review/<int:pk>/archive/",
        editor_views.moderation_archive,
        name="moderation-archive",
    ),
]
