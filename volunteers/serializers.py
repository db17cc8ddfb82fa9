"""How volunteering looks through the API. Serializers shape data and check its form
(a date is a date, an id names a row the caller may see); the rules are the services'.

Querysets for related ids come from `visible_to(user)` (see `VisibleRelatedField`), so
an id the caller may not see is refused exactly like one that does not exist.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assetmap.models import Asset
from networks.models import Network
from volunteers import indicators, services
from volunteers.models import (
    CreditEntry,
    CreditKind,
    HoursEntry,
    HoursStatus,
    Opportunity,
    SafeguardingCheck,
    SurveyResponse,
    Volunteer,
)

CONTACT_FIELDS = ("email", "phone", "skills", "consent_text", "consent_given_at")
ONE_HOLDER = _("Give either a volunteer or a group's bank, not both.")
MONTH_FORMAT = _("Give a month as YYYY-MM, for example 2026-01.")
MAX_MONTHS = 36
FROM_AFTER_TO = _("The first month must not be after the last.")
TOO_MANY_MONTHS = f"Ask for at most {MAX_MONTHS} months at a time."


@extend_schema_field(OpenApiTypes.INT)
class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """An id of a row of `model` that the requesting user may see."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.model.objects.visible_to(self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class AnyVolunteerField(serializers.PrimaryKeyRelatedField):
    """A volunteer the caller may name without seeing their record: who receives a
    gift, who spends at a partner's counter. Only the id is taken, nothing is shown,
    and none of these rows makes the record visible (`Volunteer.objects.visible_to`)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Volunteer.objects.all(), **kwargs)


# --- Volunteers --------------------------------------------------------------------------


class VolunteerSerializer(serializers.ModelSerializer):
    """A volunteer. Contact details and skills appear only for the people
    `Volunteer.can_see_contact` allows (the keys are left out for everybody else)."""

    assets = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Asset.objects.all(), required=False
    )
    balance = serializers.SerializerMethodField()
    has_login = serializers.SerializerMethodField()

    class Meta:
        model = Volunteer
        fields = [
            "id",
            "display_name",
            *CONTACT_FIELDS,
            "assets",
            "networks",
            "balance",
            "has_login",
            "erased_at",
            "created_at",
        ]
        read_only_fields = ["networks", "erased_at", "created_at"]

    def get_balance(self, volunteer) -> Decimal:
        # Lists annotate it (VolunteerViewSet.get_queryset); a single new row asks.
        balance = getattr(volunteer, "balance", None)
        if balance is None:
            balance = services.credit_balance(volunteer=volunteer)
        return serializers.DecimalField(max_digits=10, decimal_places=2).to_representation(balance)

    def get_has_login(self, volunteer) -> bool:
        return volunteer.user_id is not None

    def to_representation(self, volunteer):
        data = super().to_representation(volunteer)
        visible = getattr(volunteer, "contact_visible", None)
        if visible is None:
            visible = volunteer.can_see_contact(self.context["request"].user)
        if not visible:
            for field in CONTACT_FIELDS:
                data.pop(field, None)
        return data


# --- Opportunities and safeguarding ------------------------------------------------------


class OpportunitySerializer(serializers.ModelSerializer):
    asset = VisibleRelatedField(Asset)

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "asset",
            "title",
            "description",
            "time_commitment",
            "dbs_level",
            "is_public",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class OpportunityFilter(serializers.Serializer):
    asset = serializers.IntegerField(required=False)


class SafeguardingCheckSerializer(serializers.ModelSerializer):
    volunteer = VisibleRelatedField(Volunteer)
    verified_on = serializers.DateField(required=False)

    class Meta:
        model = SafeguardingCheck
        fields = [
            "id",
            "volunteer",
            "level",
            "issued_on",
            "verified_on",
            "verified_by",
            "recheck_due",
        ]
        read_only_fields = ["verified_by"]


class SafeguardingFilter(serializers.Serializer):
    volunteer = serializers.IntegerField(required=False)
    due_within = serializers.IntegerField(required=False, min_value=0, max_value=3650)


# --- Hours -------------------------------------------------------------------------------


class HoursEntrySerializer(serializers.ModelSerializer):
    volunteer = VisibleRelatedField(Volunteer, required=False)
    asset = VisibleRelatedField(Asset)
    opportunity = VisibleRelatedField(Opportunity, required=False, allow_null=True)

    class Meta:
        model = HoursEntry
        fields = [
            "id",
            "volunteer",
            "asset",
            "opportunity",
            "date",
            "hours",
            "description",
            "status",
            "decided_by",
            "decided_at",
            "rejection_reason",
            "corrects",
            "logged_by",
            "created_at",
        ]
        read_only_fields = [
            "status",
            "decided_by",
            "decided_at",
            "rejection_reason",
            "corrects",
            "logged_by",
            "created_at",
        ]


class BulkHoursRowSerializer(serializers.Serializer):
    volunteer = VisibleRelatedField(Volunteer)
    hours = serializers.DecimalField(max_digits=4, decimal_places=2)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class BulkHoursSerializer(serializers.Serializer):
    asset = VisibleRelatedField(Asset)
    date = serializers.DateField()
    opportunity = VisibleRelatedField(Opportunity, required=False, allow_null=True, default=None)
    entries = BulkHoursRowSerializer(many=True, allow_empty=False)


class RejectSerializer(serializers.Serializer):
    # Blank is let through so the service says why it is refused (REASON_NEEDED).
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CorrectSerializer(serializers.Serializer):
    hours = serializers.DecimalField(max_digits=4, decimal_places=2)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class HoursFilter(serializers.Serializer):
    status = serializers.ChoiceField(choices=HoursStatus.choices, required=False)
    asset = serializers.IntegerField(required=False)
    volunteer = serializers.IntegerField(required=False)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)


# --- Time credits ------------------------------------------------------------------------


class CreditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = CreditEntry
        fields = [
            "id",
            "volunteer",
            "bank_asset",
            "kind",
            "amount",
            "hours_entry",
            "spend_partner",
            "what_bought",
            "counterpart",
            "reason",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class CreditFilter(serializers.Serializer):
    volunteer = serializers.IntegerField(required=False)
    bank_asset = serializers.IntegerField(required=False)
    kind = serializers.ChoiceField(choices=CreditKind.choices, required=False)


class AmountField(serializers.DecimalField):
    def __init__(self, **kwargs):
        super().__init__(max_digits=8, decimal_places=2, **kwargs)


class SpendSerializer(serializers.Serializer):
    # A partner's coordinator records spends by volunteers of any group.
    volunteer = AnyVolunteerField(required=False)
    partner_asset = serializers.PrimaryKeyRelatedField(queryset=Asset.objects.all())
    amount = AmountField()
    what_bought = serializers.CharField(max_length=200)


class GiftSerializer(serializers.Serializer):
    from_volunteer = VisibleRelatedField(Volunteer, required=False)
    to_volunteer = AnyVolunteerField()
    amount = AmountField()


class GiveFromBankSerializer(serializers.Serializer):
    bank_asset = serializers.PrimaryKeyRelatedField(queryset=Asset.objects.all())
    to_volunteer = AnyVolunteerField()
    amount = AmountField()


class AdjustSerializer(serializers.Serializer):
    volunteer = VisibleRelatedField(Volunteer, required=False, allow_null=True, default=None)
    bank_asset = serializers.PrimaryKeyRelatedField(
        queryset=Asset.objects.all(), required=False, allow_null=True, default=None
    )
    amount = AmountField()
    reason = serializers.CharField()

    def validate(self, data):
        # The shape of the request, before the service: exactly one holder.
        if (data["volunteer"] is None) == (data["bank_asset"] is None):
            raise serializers.ValidationError(ONE_HOLDER)
        return data


class BalanceQuery(serializers.Serializer):
    volunteer = VisibleRelatedField(Volunteer, required=False)
    bank_asset = serializers.PrimaryKeyRelatedField(queryset=Asset.objects.all(), required=False)

    def validate(self, data):
        if ("volunteer" in data) == ("bank_asset" in data):
            raise serializers.ValidationError(ONE_HOLDER)
        return data


# --- Surveys -----------------------------------------------------------------------------


class BalanceSerializer(serializers.Serializer):
    """A holder's balance: one of volunteer and bank_asset is set."""

    volunteer = serializers.IntegerField(allow_null=True)
    bank_asset = serializers.IntegerField(allow_null=True)
    balance = AmountField()


class SurveyResponseSerializer(serializers.ModelSerializer):
    """Scores for everybody who may see the response; the comment only for the
    coordinators of the asset (`SurveyResponse.objects.comments_visible_to`)."""

    hours_entry = VisibleRelatedField(HoursEntry)

    class Meta:
        model = SurveyResponse
        fields = [
            "id",
            "hours_entry",
            "satisfaction",
            "felt_valued",
            "would_recommend",
            "comment",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def to_representation(self, response):
        data = super().to_representation(response)
        visible = getattr(response, "comment_visible", None)
        if visible is None:
            user = self.context["request"].user
            visible = SurveyResponse.objects.comments_visible_to(user).filter(pk=response.pk)
            visible = visible.exists()
        if not visible:
            data.pop("comment", None)
        return data


# --- Indicators --------------------------------------------------------------------------


def _month_field():
    return serializers.RegexField(
        r"^\d{4}-(0[1-9]|1[0-2])$", required=False, error_messages={"invalid": MONTH_FORMAT}
    )


def _first_of(month: str) -> dt.date:
    year, number = month.split("-")
    return dt.date(int(year), int(number), 1)


class IndicatorsQuery(serializers.Serializer):
    """`?network=<slug>&from=YYYY-MM&to=YYYY-MM`; by default the last 12 months of the
    whole area. Validated data: network (or None), first_month and last_month (dates)."""

    def get_fields(self):
        # "from" is a Python keyword, so the fields cannot be class attributes.
        return {
            "network": serializers.SlugRelatedField(
                slug_field="slug", queryset=Network.objects.all(), required=False
            ),
            "from": _month_field(),
            "to": _month_field(),
        }

    def validate(self, data):
        this_month = timezone.localdate().replace(day=1)
        last = _first_of(data["to"]) if "to" in data else this_month
        first = (
            _first_of(data["from"])
            if "from" in data
            else indicators.add_months(last, -(indicators.DEFAULT_MONTHS - 1))
        )
        if first > last:
            raise serializers.ValidationError({"from": [FROM_AFTER_TO]})
        if len(indicators.months_between(first, last)) > MAX_MONTHS:
            raise serializers.ValidationError({"to": [TOO_MANY_MONTHS]})
        return {"network": data.get("network"), "first_month": first, "last_month": last}


class IndicatorSerializer(serializers.Serializer):
    """What each figure means (volunteers.indicators.INDICATORS)."""

    key = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    definition = serializers.CharField()


class MonthFiguresSerializer(serializers.Serializer):
    network_id = serializers.IntegerField(allow_null=True)
    network_name = serializers.CharField()
    month = serializers.DateField()
    approved_hours = serializers.DecimalField(max_digits=12, decimal_places=2)
    active_volunteers = serializers.IntegerField()
    new_volunteers = serializers.IntegerField()
    satisfaction_mean = serializers.FloatField(allow_null=True)
    satisfaction_counts = serializers.ListField(child=serializers.IntegerField())
    credits_earned = serializers.DecimalField(max_digits=12, decimal_places=2)
    credits_spent = serializers.DecimalField(max_digits=12, decimal_places=2)
    credits_gifted = serializers.DecimalField(max_digits=12, decimal_places=2)
    assets_published = serializers.IntegerField()
    new_assets = serializers.IntegerField()
    verified_share = serializers.FloatField(allow_null=True)
    events_held = serializers.IntegerField()
    people_reached = serializers.IntegerField()


class IndicatorsResponseSerializer(serializers.Serializer):
    """What `GET /api/v1/indicators/` answers (for the OpenAPI document)."""

    network = serializers.CharField(allow_null=True, help_text="The network's slug, or null.")
    # "from" is a Python keyword: declared in get_fields.
    indicators = IndicatorSerializer(many=True)
    months = MonthFiguresSerializer(many=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.CharField(help_text="First month, YYYY-MM.")
        fields["to"] = serializers.CharField(help_text="Last month, YYYY-MM.")
        return fields
