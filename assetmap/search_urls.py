"""Link workers' search and shortlists, and the shortlists' shared pages."""

from django.urls import path

from assetmap import search_views as views

urlpatterns = [
    path("search/", views.search, name="search"),
    path("shortlists/", views.shortlist_list, name="shortlists"),
    path("shortlists/new/", views.shortlist_new, name="shortlist_new"),
    path("shortlists/add/", views.shortlist_add, name="shortlist_add"),
    path("shortlists/<int:pk>/", views.shortlist_detail, name="shortlist"),
    path("shortlists/<int:pk>/qr.svg", views.shortlist_qr, name="shortlist_qr"),
    path("s/<str:token>/", views.shortlist_shared, name="shortlist_shared"),
]
