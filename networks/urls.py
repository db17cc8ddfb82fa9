from django.urls import path

from networks import programme_views, views

app_name = "networks"

urlpatterns = [
    # Neighbourhood pages (views.py)
    path("", views.network_list, name="list"),
    path("<slug:slug>/", views.network_detail, name="detail"),
    path("<slug:slug>/map.geojson", views.network_map_data, name="map_data"),
    path("<slug:slug>/connections.json", views.network_connections_data, name="connections_data"),
    # Listening events, stories, connections and the wishlist (programme_views.py)
    path("<slug:slug>/events/add/", programme_views.event_add, name="event_add"),
    path("<slug:slug>/events/<int:pk>/", programme_views.event_detail, name="event"),
    path("<slug:slug>/events/<int:pk>/edit/", programme_views.event_edit, name="event_edit"),
    path("<slug:slug>/stories/add/", programme_views.story_add, name="story_add"),
    path("<slug:slug>/stories/<int:pk>/", programme_views.story_detail, name="story"),
    path("<slug:slug>/stories/<int:pk>/edit/", programme_views.story_edit, name="story_edit"),
    path("<slug:slug>/connections/add/", programme_views.connection_add, name="connection_add"),
    path(
        "<slug:slug>/connections/<int:pk>/delete/",
        programme_views.connection_delete,
        name="connection_delete",
    ),
    path("<slug:slug>/wishlist/add/", programme_views.wish_add, name="wish_add"),
    path("<slug:slug>/wishlist/<int:pk>/edit/", programme_views.wish_edit, name="wish_edit"),
]
