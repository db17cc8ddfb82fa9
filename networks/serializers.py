"""How GP networks and the programme's work in them look through the API.

Serializers shape data and check its form (GeoJSON is GeoJSON, an asset id names one
the caller may link in this network); who may write, and what a valid event or story
is, are the services' and the models' rules. What residents may not read is left out
of the representation here, from fields the viewsets have already scoped by user.
"""

import json

from django.contrib.auth import get_user_model
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from assetmap.models import Asset, AssetKind, Organisation
from networks.forms import NEAR_NETWORK_DEGREES, linkable_assets
from networks.models import (
    Connection,
    Discovery,
    ListeningEvent,
    Network,
    Practice,
    Story,
    WishlistItem,
)

GEOJSON_INVALID = _("This is not a GeoJSON geometry.")
BOUNDARY_NOT_AREA = _("A boundary is a GeoJSON Polygon or MultiPolygon.")
PLACE_NOT_POINT = _("A place is a GeoJSON Point.")
PROPERTIES_NOT_OBJECT = _("A Feature's properties are an object.")
NETWORK_FIXED = _("Work stays in the network it was recorded in: record it again in the other.")
NOT_LINKABLE = _("Choose assets of this network that you can see.")
NOT_A_FACILITATOR = _("Choose facilitators of this network (or yourself).")
PLACE_OUTSIDE = _("This point is outside {network}. Place the event where it was held.")
MAX_NEW_GROUPS = 50
UNKNOWN_KIND = "Choose one of: " + ", ".join(AssetKind.values) + "."

# Fields of an event residents do not see (as on the event's page).
EVENT_PROFESSIONAL_FIELDS = ("notes", "is_published", "facilitators")


def _is_professional(serializer) -> bool:
    # Set once per request by the viewsets (networks.api.ProgrammeViewSet).
    return serializer.context["is_professional"]


def _user(serializer):
    return serializer.context["request"].user


class GeoJSONField(GeometryField):
    """A GeoJSON geometry of the given types, in WGS84 (RFC 7946). A Polygon given
    for a MultiPolygon field is taken as a MultiPolygon of one, as the boundary
    importer does."""

    def __init__(self, *, geom_type: str, message: str, **kwargs):
        self.geom_type = geom_type
        self.message = message
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError(GEOJSON_INVALID)
        try:
            geometry = GEOSGeometry(json.dumps(value))
        except (GEOSException, GDALException, ValueError, TypeError) as error:
            raise serializers.ValidationError(GEOJSON_INVALID) from error
        if geometry.srid is None:
            geometry.srid = 4326
        elif geometry.srid != 4326:
            geometry.transform(4326)
        if geometry.hasz:
            # GeoJSON may give altitudes; the map and its columns are flat.
            flat = geometry.ogr
            flat.set_3d(False)
            geometry = GEOSGeometry(flat.wkb, srid=4326)
        if self.geom_type == "MultiPolygon" and geometry.geom_type == "Polygon":
            geometry = MultiPolygon(geometry, srid=4326)
        if geometry.geom_type != self.geom_type or geometry.empty:
            raise serializers.ValidationError(self.message)
        return geometry


# --- Networks and practices -------------------------------------------------------------


class NetworkSerializer(GeoFeatureModelSerializer):
    """A GP network as a GeoJSON Feature whose geometry is its boundary. `can_edit`:
    whether the caller may record events, stories, connections and wishes there."""

    boundary = GeoJSONField(geom_type="MultiPolygon", message=BOUNDARY_NOT_AREA)
    can_edit = serializers.SerializerMethodField()

    class Meta:
        model = Network
        geo_field = "boundary"
        fields = ["id", "name", "slug", "description", "boundary", "can_edit", "updated_at"]
        read_only_fields = ["updated_at"]

    def to_internal_value(self, data):
        # A Feature, or part of one in a PATCH ({"geometry": ...} alone); flat
        # {"name": ..., "boundary": ...} is taken too.
        if isinstance(data, dict) and ("properties" in data or "geometry" in data):
            properties = data.get("properties") or {}
            if not isinstance(properties, dict):
                raise serializers.ValidationError({"properties": [PROPERTIES_NOT_OBJECT]})
            data = {**data, "properties": dict(properties)}
        return super().to_internal_value(data)

    def get_can_edit(self, network) -> bool:
        # The networks the caller may edit, asked once per request by the viewset.
        editable = self.context["editable_networks"]
        return editable is True or network.pk in editable


class PracticeSerializer(GeoFeatureModelSerializer):
    """A GP practice as a GeoJSON Feature: its point, NHS ODS code and network."""

    class Meta:
        model = Practice
        geo_field = "location"
        fields = ["id", "ods_code", "name", "address", "postcode", "location", "network"]
        read_only_fields = fields


# --- Shared checks of programme writes ----------------------------------------------------


class ProgrammeSerializer(serializers.ModelSerializer):
    """The network is chosen when the work is recorded and never changes: a change
    would let a facilitator move work out of (or into) a network that is not theirs."""

    def network_of(self, attrs) -> Network:
        if self.instance is not None:
            if "network" in attrs and attrs["network"].pk != self.instance.network_id:
                raise serializers.ValidationError({"network": [NETWORK_FIXED]})
            return self.instance.network
        return attrs["network"]

    def check_linkable(self, attrs, field: str, network: Network, also=()) -> None:
        """Assets named in `field` must be ones the pages offer: in the network, seen by
        the caller, not archived (plus `also`, those already linked)."""
        chosen = attrs.get(field)
        if not chosen:
            return
        if not isinstance(chosen, list):
            chosen = [chosen]
        allowed = set(linkable_assets(network, _user(self)).values_list("pk", flat=True))
        allowed |= set(also)
        if any(asset.pk not in allowed for asset in chosen):
            raise serializers.ValidationError({field: [NOT_LINKABLE]})


# --- Listening events -------------------------------------------------------------------


class DiscoverySerializer(serializers.ModelSerializer):
    """A group heard about at the event. The note is for professionals only."""

    asset_name = serializers.CharField(source="asset.name", read_only=True)

    class Meta:
        model = Discovery
        fields = ["asset", "asset_name", "note"]
        read_only_fields = fields

    def to_representation(self, discovery):
        data = super().to_representation(discovery)
        if not _is_professional(self):
            data.pop("note")
        return data


class NewGroupSerializer(serializers.Serializer):
    """A group heard about at the event that the map does not have yet: it becomes a
    draft asset at the event's place (services.NewGroup)."""

    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    # A string checked here rather than a ChoiceField: a second use of the assets'
    # kinds would make drf-spectacular warn about the enum's name, as "kind" names
    # several choice sets (ENUM_NAME_OVERRIDES in the settings would allow it).
    kind = serializers.CharField(
        default=AssetKind.ASSOCIATION,
        help_text="The kind of asset: " + ", ".join(AssetKind.values) + ".",
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_kind(self, value):
        if value not in AssetKind.values:
            raise serializers.ValidationError(UNKNOWN_KIND)
        return value


class ThemeNamesField(serializers.ListField):
    """Themes as their names; writing names creates the new ones (one theme however
    it is capitalised)."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.CharField(max_length=80), **kwargs)

    def to_representation(self, themes):
        return [theme.name for theme in themes.all()]


class ListeningEventSerializer(ProgrammeSerializer):
    """A listening event. Residents read published events without the notes, the
    facilitators or discovery notes. `existing_assets` and `new_groups` add groups
    found at the event (`discoveries` lists them); leaving `themes` or `facilitators`
    out of an update keeps them as they are."""

    network = serializers.PrimaryKeyRelatedField(queryset=Network.objects.all())
    place = GeoJSONField(
        geom_type="Point", message=PLACE_NOT_POINT, required=False, allow_null=True
    )
    themes = ThemeNamesField(required=False, max_length=50)
    facilitators = serializers.PrimaryKeyRelatedField(
        many=True, queryset=get_user_model().objects.all(), required=False
    )
    discoveries = DiscoverySerializer(many=True, read_only=True, source="shown_discoveries")
    existing_assets = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Asset.objects.all(), required=False, write_only=True
    )
    new_groups = NewGroupSerializer(
        many=True, required=False, write_only=True, max_length=MAX_NEW_GROUPS
    )

    class Meta:
        model = ListeningEvent
        fields = [
            "id",
            "title",
            "date",
            "network",
            "place_name",
            "place",
            "people_count",
            "themes",
            "notes",
            "is_published",
            "facilitators",
            "discoveries",
            "existing_assets",
            "new_groups",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs):
        network = self.network_of(attrs)
        self.check_linkable(attrs, "existing_assets", network)
        place = attrs.get("place")
        # As the event form: an event is held in or just beside its network, or its
        # new groups would be filed in another one.
        if place is not None and not network.boundary.buffer(NEAR_NETWORK_DEGREES).covers(place):
            raise serializers.ValidationError(
                {"place": [PLACE_OUTSIDE.format(network=network.name)]}
            )
        if "facilitators" in attrs:
            # As the event form: the network's facilitators, whoever already ran the
            # event, and the person recording it.
            allowed = set(network.facilitators.values_list("pk", flat=True)) | {_user(self).pk}
            if self.instance is not None:
                allowed |= {user.pk for user in self.instance.facilitators.all()}
            if any(user.pk not in allowed for user in attrs["facilitators"]):
                raise serializers.ValidationError({"facilitators": [NOT_A_FACILITATOR]})
        return attrs

    def to_representation(self, event):
        data = super().to_representation(event)
        if not _is_professional(self):
            for field in EVENT_PROFESSIONAL_FIELDS:
                data.pop(field)
        return data


# --- Stories ----------------------------------------------------------------------------


class StorySerializer(ProgrammeSerializer):
    """A story. Residents read only published stories, as published: the title and
    text with the storyteller's names withheld, and the name only if they agreed to
    be named (`Story.public_text`); `consent` and `is_published` are left out, and
    `event` is null unless the event is published too."""

    network = serializers.PrimaryKeyRelatedField(queryset=Network.objects.all())
    event = serializers.PrimaryKeyRelatedField(
        queryset=ListeningEvent.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Story
        fields = [
            "id",
            "network",
            "event",
            "title",
            "text",
            "storyteller_name",
            "consent",
            "is_published",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs):
        self.network_of(attrs)
        return attrs

    def to_representation(self, story):
        data = super().to_representation(story)
        if not _is_professional(self):
            data["title"] = story.public_title
            data["text"] = story.public_text()
            data["storyteller_name"] = story.public_storyteller
            if story.event_id is not None and not story.event.is_published:
                data["event"] = None
            data.pop("consent")
            data.pop("is_published")
        return data


# --- Connections ------------------------------------------------------------------------


class ConnectionEndSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["asset", "organisation"])
    id = serializers.IntegerField()
    name = serializers.CharField()


def _end(asset: Asset | None, organisation: Organisation | None) -> dict:
    thing = asset or organisation
    return {"type": "asset" if asset else "organisation", "id": thing.pk, "name": thing.name}


class ConnectionSerializer(ProgrammeSerializer):
    """How two assets or organisations relate: one asset or one organisation at each
    end. `source` and `target` name the ends; the note is for professionals only."""

    network = serializers.PrimaryKeyRelatedField(queryset=Network.objects.all())
    source = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()

    class Meta:
        model = Connection
        fields = [
            "id",
            "network",
            "from_asset",
            "from_organisation",
            "kind",
            "to_asset",
            "to_organisation",
            "source",
            "target",
            "note",
            "created_at",
        ]
        read_only_fields = ["created_at"]

    def validate(self, attrs):
        network = self.network_of(attrs)
        self.check_linkable(attrs, "from_asset", network)
        self.check_linkable(attrs, "to_asset", network)
        return attrs

    @extend_schema_field(ConnectionEndSerializer)
    def get_source(self, connection) -> dict:
        return _end(connection.from_asset, connection.from_organisation)

    @extend_schema_field(ConnectionEndSerializer)
    def get_target(self, connection) -> dict:
        return _end(connection.to_asset, connection.to_organisation)

    def to_representation(self, connection):
        data = super().to_representation(connection)
        if not _is_professional(self):
            data.pop("note")
        return data


# --- The wishlist -----------------------------------------------------------------------


class WishSerializer(ProgrammeSerializer):
    """A wish on a network's wishlist; `assets` lists the assets involved that the
    caller may see (writing it replaces them)."""

    network = serializers.PrimaryKeyRelatedField(queryset=Network.objects.all())
    assets = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Asset.objects.all(), required=False
    )

    class Meta:
        model = WishlistItem
        fields = [
            "id",
            "network",
            "kind",
            "title",
            "description",
            "status",
            "assets",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs):
        network = self.network_of(attrs)
        # As the wish form: assets already involved stay on offer even if archived.
        involved = self.instance.assets.values_list("pk", flat=True) if self.instance else ()
        self.check_linkable(attrs, "assets", network, also=involved)
        return attrs
