from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from networks.models import Network, Practice
from networks.services import network_save


@admin.register(Network)
class NetworkAdmin(LeafletGeoAdmin):
    list_display = ["name", "slug", "updated_at"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        network_save(network=obj)


@admin.register(Practice)
class PracticeAdmin(LeafletGeoAdmin):
    list_display = ["name", "ods_code", "postcode", "network"]
    list_filter = ["network"]
    search_fields = ["name", "ods_code", "postcode"]
