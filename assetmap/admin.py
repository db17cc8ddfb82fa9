from django.contrib import admin
from leaflet.admin import LeafletGeoAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from assetmap.models import Asset, Category, Organisation, RecurringSession
from assetmap.services import asset_save


class RecurringSessionInline(admin.TabularInline):
    model = RecurringSession
    extra = 1
    fields = [
        "frequency",
        "weekday",
        "week_of_month",
        "opens_at",
        "closes_at",
        "valid_from",
        "valid_to",
        "note",
    ]


@admin.register(Asset)
class AssetAdmin(LeafletGeoAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "status", "network", "cost", "assured_date", "updated_at"]
    list_filter = ["status", "kind", "network", "categories", "cost", "provenance"]
    search_fields = ["name", "description", "postcode", "organisation__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organisation"]
    filter_horizontal = ["categories"]
    list_select_related = ["network"]
    readonly_fields = [
        "network",
        "found_at",
        "created_by",
        "updated_by",
        "created_at",
        "updated_at",
    ]
    inlines = [RecurringSessionInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "kind", "categories", "focus"]}),
        ("Who runs it", {"fields": ["organisation", "audience", ("age_min", "age_max")]}),
        ("Where", {"fields": ["location", "address", "postcode", "online_only", "network"]}),
        ("Contact", {"fields": ["contact_name", "email", "phone", "website"]}),
        (
            "Cost, access and languages",
            {
                "fields": [
                    "cost",
                    "cost_description",
                    "accessibility",
                    "accessibility_notes",
                    "languages",
                ]
            },
        ),
        (
            "Status and checks",
            {
                "fields": [
                    "status",
                    "provenance",
                    "found_at",
                    "assured_date",
                    "assured_by",
                    "internal_notes",
                ]
            },
        ),
        ("Record", {"fields": ["created_by", "updated_by", "created_at", "updated_at"]}),
    ]
    history_list_display = ["status"]

    @admin.display(description="Found at")
    def found_at(self, asset):
        events = asset.found_at_events.select_related("network")
        return ", ".join(str(event) for event in events) or "—"

    def save_model(self, request, obj, form, change):
        # Categories are saved by the form after this; asset_save keeps the network right.
        asset_save(asset=obj, user=request.user)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "position"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "website", "charity_number"]
    search_fields = ["name", "description", "charity_number"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(RecurringSession)
class RecurringSessionAdmin(admin.ModelAdmin):
    list_display = ["asset", "__str__", "valid_from", "valid_to"]
    list_filter = ["frequency", "weekday"]
    search_fields = ["asset__name"]
    autocomplete_fields = ["asset"]
