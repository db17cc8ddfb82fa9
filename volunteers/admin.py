from django.contrib import admin

from volunteers.models import (
    CoordinatorAssignment,
    CreditEntry,
    HoursEntry,
    Opportunity,
    SafeguardingCheck,
    SpendPartner,
    SurveyResponse,
    Volunteer,
)


class ScopedAdmin(admin.ModelAdmin):
    """Lists start from the model's `visible_to`, as every page does."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(Volunteer)
class VolunteerAdmin(ScopedAdmin):
    list_display = ["display_name", "erased_at", "created_at"]
    list_filter = ["networks", "erased_at"]
    search_fields = ["display_name"]
    filter_horizontal = ["networks", "assets"]
    autocomplete_fields = ["user"]
    readonly_fields = ["erased_at", "created_at"]

    def get_exclude(self, request, obj=None):
        # Contact details and skills only for the people who coordinate the volunteer.
        if obj is not None and not obj.can_see_contact(request.user):
            return ["email", "phone", "skills"]
        return super().get_exclude(request, obj)


@admin.register(CoordinatorAssignment)
class CoordinatorAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "asset"]
    search_fields = ["user__username", "asset__name"]
    autocomplete_fields = ["user", "asset"]


@admin.register(SpendPartner)
class SpendPartnerAdmin(admin.ModelAdmin):
    list_display = ["asset"]
    search_fields = ["asset__name"]
    autocomplete_fields = ["asset"]


@admin.register(Opportunity)
class OpportunityAdmin(ScopedAdmin):
    list_display = ["title", "asset", "dbs_level", "is_public"]
    list_filter = ["dbs_level", "is_public"]
    search_fields = ["title", "description", "asset__name"]
    autocomplete_fields = ["asset"]


@admin.register(SafeguardingCheck)
class SafeguardingCheckAdmin(ScopedAdmin):
    list_display = ["volunteer", "level", "issued_on", "verified_on", "recheck_due"]
    list_filter = ["level"]
    search_fields = ["volunteer__display_name"]
    date_hierarchy = "recheck_due"


class ReadOnlyAdmin(ScopedAdmin):
    """Hours, credits and surveys are written by volunteers.services only (they carry
    rules and the ledger is append-only), so the admin shows them and nothing more."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HoursEntry)
class HoursEntryAdmin(ReadOnlyAdmin):
    list_display = ["volunteer", "asset", "date", "hours", "status"]
    list_filter = ["status", "date"]
    search_fields = ["volunteer__display_name", "asset__name", "description"]
    date_hierarchy = "date"


@admin.register(CreditEntry)
class CreditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "amount", "volunteer", "bank_asset"]
    list_filter = ["kind"]
    search_fields = ["volunteer__display_name", "bank_asset__name", "what_bought", "reason"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    list_display = ["hours_entry", "satisfaction", "felt_valued", "would_recommend"]
    list_filter = ["satisfaction", "would_recommend"]
    exclude = ["comment"]
