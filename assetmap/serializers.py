"""How assets, categories and organisations look through the API. Serializers shape
data and check its form; the rules (who may, what is valid) are the services'."""

import datetime as dt
import json

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework_gis.fields import GeometryField

from assetmap import roles
from assetmap.listings import TIMESTAMP_FORMAT
from assetmap.models import Asset, Category, Organisation, RecurringSession


class BlankIsNull:
    """An optional text field given as null when empty, so that its format (an email
    address, a URL) holds whenever it has a value. Null or "" in a request clear it."""

    def __init__(self, **kwargs):
        super().__init__(required=False, allow_blank=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return super().to_representation(value) if value else None

    def run_validation(self, data=empty):
        value = super().run_validation(data)
        return "" if value is None else value


class OptionalEmailField(BlankIsNull, serializers.EmailField):
    pass


class OptionalURLField(BlankIsNull, serializers.URLField):
    pass


@extend_schema_field(
    {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "10:30"}
)
class ClockTimeField(serializers.TimeField):
    """A time of day in UK local time, "HH:MM": sessions have no time zone of their
    own (JSON Schema's "time" format would demand one)."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Category
        fields = ["id", "slug", "name", "parent", "description", "position"]


class OrganisationSerializer(serializers.ModelSerializer):
    website = OptionalURLField(max_length=200)
    email = OptionalEmailField(max_length=254)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "website",
            "email",
            "phone",
            "charity_number",
        ]
        read_only_fields = ["slug"]


class SessionSerializer(serializers.ModelSerializer):
    opens_at = ClockTimeField()
    closes_at = ClockTimeField()

    class Meta:
        model = RecurringSession
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


def listing_options(request, *, distance: bool = False) -> dict:
    """What `AssetQuerySet.with_listing_json` needs to know about the request."""
    example = request.build_absolute_uri(reverse("asset", args=["-"]))
    return {
        "page_url_prefix": example[: -len("-/")],
        "today": timezone.localdate(),
        "internal_notes": roles.is_professional(request.user),
        "distance": distance,
    }


def _timestamp_field():
    return serializers.DateTimeField(
        read_only=True, format=TIMESTAMP_FORMAT, default_timezone=dt.UTC
    )


class AssetSerializer(serializers.ModelSerializer):
    """A listing. Internal notes appear only for people working in the programme; the
    distance (metres) only when the request gave a point (near or postcode)."""

    page_url = serializers.SerializerMethodField()
    location = GeometryField(
        required=False,
        allow_null=True,
        help_text='A GeoJSON point, {"type": "Point", "coordinates": [longitude, latitude]}.',
    )
    categories = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Category.objects.all(), required=False
    )
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), allow_null=True, required=False
    )
    network = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    email = OptionalEmailField(max_length=254)
    website = OptionalURLField(max_length=200)
    sessions = SessionSerializer(many=True, required=False)
    is_stale = serializers.BooleanField(read_only=True)
    distance_m = serializers.SerializerMethodField()
    created_at = _timestamp_field()
    updated_at = _timestamp_field()

    class Meta:
        model = Asset
        fields = [
            "id",
            "slug",
            "page_url",
            "name",
            "description",
            "kind",
            "categories",
            "focus",
            "organisation",
            "location",
            "address",
            "postcode",
            "online_only",
            "network",
            "contact_name",
            "email",
            "phone",
            "website",
            "cost",
            "cost_description",
            "accessibility",
            "accessibility_notes",
            "languages",
            "audience",
            "age_min",
            "age_max",
            "sessions",
            "status",
            "provenance",
            "assured_date",
            "is_stale",
            "internal_notes",
            "distance_m",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["slug", "provenance", "assured_date", "created_at", "updated_at"]

    def get_page_url(self, asset) -> str:
        return self.context["request"].build_absolute_uri(asset.get_absolute_url())

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_m(self, asset) -> float | None:
        distance = getattr(asset, "distance", None)
        return round(distance.m, 1) if distance is not None else None

    def to_representation(self, asset):
        """The representation PostgreSQL builds (assetmap.listings): read from the
        asset's `listing` when the query annotated it, else fetched for this asset."""
        listing = getattr(asset, "listing", None)
        if listing is None:
            fetched = Asset.objects.filter(pk=asset.pk).with_listing_json(
                **listing_options(self.context["request"])
            )
            listing = fetched.values_list("listing", flat=True).get()
        return json.loads(listing)

    def save_arguments(self) -> dict:
        """The validated data split as the services take it: the asset's own fields
        set on `self.instance` (or a new asset), categories and sessions apart."""
        data = dict(self.validated_data)
        categories = data.pop("categories", None)
        sessions = data.pop("sessions", None)
        asset = self.instance or Asset()
        for field, value in data.items():
            setattr(asset, field, value)
        return {
            "asset": asset,
            "categories": categories,
            "sessions": None
            if sessions is None
            else [RecurringSession(**session) for session in sessions],
        }
