from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from networks.models import (
    Connection,
    Discovery,
    ListeningEvent,
    Network,
    Practice,
    Story,
    Theme,
    WishlistItem,
)
from networks.services import network_save


@admin.register(Network)
class NetworkAdmin(LeafletGeoAdmin):
    list_display = ["name", "slug", "updated_at"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["facilitators"]

    def save_model(self, request, obj, form, change):
        network_save(network=obj)


@admin.register(Practice)
class PracticeAdmin(LeafletGeoAdmin):
    list_display = ["name", "ods_code", "postcode", "network"]
    list_filter = ["network"]
    search_fields = ["name", "ods_code", "postcode"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class DiscoveryInline(admin.TabularInline):
    model = Discovery
    extra = 0
    autocomplete_fields = ["asset"]


@admin.register(ListeningEvent)
class ListeningEventAdmin(LeafletGeoAdmin):
    list_display = ["title", "date", "network", "people_count", "is_published"]
    list_filter = ["network", "is_published", "themes"]
    search_fields = ["title", "place_name", "notes"]
    date_hierarchy = "date"
    filter_horizontal = ["themes", "facilitators"]
    inlines = [DiscoveryInline]


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["title", "network", "consent", "is_published", "created_at"]
    list_filter = ["network", "consent", "is_published"]
    search_fields = ["title", "text"]
    autocomplete_fields = ["event"]


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "network", "kind", "created_at"]
    list_filter = ["network", "kind"]
    autocomplete_fields = ["from_asset", "to_asset", "from_organisation", "to_organisation"]


@admin.register(WishlistItem)
class WishlistItemAdmin(admin.ModelAdmin):
    list_display = ["title", "network", "kind", "status"]
    list_filter = ["network", "kind", "status"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["assets"]
