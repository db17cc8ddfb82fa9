"""How assets, categories and organisations look through the API. Serializers shape
data and check its form; the rules (who may, what is valid) are the services'."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField

from assetmap import roles
from assetmap.models import Asset, Category, Organisation, RecurringSession


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Category
        fields = ["id", "slug", "name", "parent", "description", "position"]


class OrganisationSerializer(serializers.ModelSerializer):
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
    network = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    sessions = SessionSerializer(many=True, required=False)
    is_stale = serializers.BooleanField(read_only=True)
    distance_m = serializers.SerializerMethodField()

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
        data = super().to_representation(asset)
        if not roles.is_professional(self.context["request"].user):
            data.pop("internal_notes")
        return data

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
