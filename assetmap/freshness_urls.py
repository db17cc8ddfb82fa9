"""The one-click "still running?" page that reminder emails link to (no sign-in)."""

from django.urls import path

from assetmap import freshness_views

urlpatterns = [
    path("still-running/<str:token>/", freshness_views.still_running, name="still-running"),
]
