"""How assets, categories and organisations look through the API. Serializers shape
data and check its form; the rules (who may, what is valid) are the services'."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework_gis.fields import GeometryField

from assetmap import roles
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


_TIMESTAMP = serializers.DateTimeField()


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

    # Worked out once per list rather than once per asset.
    def _page_url_prefix(self) -> str:
        if "page_url_prefix" not in self.context:
            example = self.context["request"].build_absolute_uri(reverse("asset", args=["-"]))
            self.context["page_url_prefix"] = example[: -len("-/")]
        return self.context["page_url_prefix"]

    def _today(self):
        return self.context.setdefault("today", timezone.localdate())

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_m(self, asset) -> float | None:
        distance = getattr(asset, "distance", None)
        return round(distance.m, 1) if distance is not None else None

    def to_representation(self, asset):
        """Built by hand: DRF's field-by-field way took 0.6 ms an asset, the larger
        part of a search request (bench/README.md). The tests check both give the same."""
        request = self.context["request"]
        stamp = _TIMESTAMP.to_representation
        location = asset.location
        data = {
            "id": asset.pk,
            "slug": asset.slug,
            "page_url": self._page_url_prefix() + asset.slug + "/",
            "name": asset.name,
            "description": asset.description,
            "kind": asset.kind,
            "categories": _listed(asset, "category_slugs")
            if hasattr(asset, "category_slugs")
            else [category.slug for category in asset.categories.all()],
            "focus": list(asset.focus),
            "organisation": asset.organisation_id,
            "location": None
            if location is None
            else {"type": "Point", "coordinates": [location.x, location.y]},
            "address": asset.address,
            "postcode": asset.postcode,
            "online_only": asset.online_only,
            "network": asset.network_slug
            if hasattr(asset, "network_slug")
            else (asset.network.slug if asset.network_id else None),
            "contact_name": asset.contact_name,
            "email": asset.email or None,
            "phone": asset.phone,
            "website": asset.website or None,
            "cost": asset.cost,
            "cost_description": asset.cost_description,
            "accessibility": list(asset.accessibility),
            "accessibility_notes": asset.accessibility_notes,
            "languages": list(asset.languages),
            "audience": asset.audience,
            "age_min": asset.age_min,
            "age_max": asset.age_max,
            "sessions": _listed(asset, "session_rows")
            if hasattr(asset, "session_rows")
            else [_session(session) for session in asset.sessions.all()],
            "status": asset.status,
            "provenance": asset.provenance,
            "assured_date": asset.assured_date.isoformat() if asset.assured_date else None,
            "is_stale": asset.is_stale_on(self._today()),
            "internal_notes": asset.internal_notes,
            "distance_m": self.get_distance_m(asset),
            "created_at": stamp(asset.created_at),
            "updated_at": stamp(asset.updated_at),
        }
        if not roles.is_professional(request.user):
            del data["internal_notes"]
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


def _session(session: RecurringSession) -> dict:
    return {
        "frequency": session.frequency,
        "weekday": session.weekday,
        "week_of_month": session.week_of_month,
        "opens_at": session.opens_at.strftime("%H:%M"),
        "closes_at": session.closes_at.strftime("%H:%M"),
        "valid_from": session.valid_from.isoformat() if session.valid_from else None,
        "valid_to": session.valid_to.isoformat() if session.valid_to else None,
        "note": session.note,
    }


def _listed(asset: Asset, annotation: str) -> list:
    """A list `AssetQuerySet.with_listing_details` put on the asset."""
    return [row for row in getattr(asset, annotation) or [] if row is not None]
