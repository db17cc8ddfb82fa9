from django.contrib import admin
from django.urls import include, path

from assetmap import views

admin.site.site_header = "Assetmap administration"
admin.site.site_title = "Assetmap"

urlpatterns = [
    path("", views.home, name="home"),
    path("assets/<slug:slug>/", views.asset_detail, name="asset"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("networks/", include("networks.urls")),
    path("volunteering/", include("volunteers.urls")),
    path("api/v1/", include("assetmap.api_urls")),
]
