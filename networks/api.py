"""The GP-network API (/api/v1/): networks and practices as GeoJSON, and the programme's
work in each network: listening events, stories, connections and the wishlist.

Reads start from each model's `visible_to(request.user)` (a row the caller may not see
is a 404 and never in a list) and show residents only what the network pages show them.
Writes go through `networks.services`, which apply the pages' rule
(`Network.can_edit_programme`: staff anywhere, facilitators in their own networks):
403 with the service's reason otherwise, 400 with messages by field on bad input, and
all saved or nothing.
"""

from collections import OrderedDict

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.contrib.rest_framework_gis import GeoFeatureModelSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, permissions, viewsets
from rest_framework.response import Response

from assetmap import roles
from assetmap.models import Asset
from assetmap.rest import Pagination
from networks import serializers as s
from networks import services
from networks.models import (
    Connection,
    Discovery,
    ListeningEvent,
    Network,
    Practice,
    Story,
    WishlistItem,
    WishStatus,
)

NO_SUCH_NETWORK = _("No GP network has this id or slug.")
STAFF_ONLY = _("Only network leads can change GP networks.")


# --- Plumbing ---------------------------------------------------------------------------


class GeoPagination(Pagination):
    """The shared paging (fifty a page, `?page_size=` up to 200), as a GeoJSON
    FeatureCollection with the count and links beside the features."""

    def get_paginated_response(self, data):
        return Response(
            OrderedDict(
                [
                    ("type", "FeatureCollection"),
                    ("count", self.page.paginator.count),
                    ("next", self.get_next_link()),
                    ("previous", self.get_previous_link()),
                    ("features", data["features"]),
                ]
            )
        )

    def get_paginated_response_schema(self, schema):
        # `schema` is already the FeatureCollection (drf-spectacular's GIS extension).
        paging = super().get_paginated_response_schema(schema)["properties"]
        paging.pop("results")
        return {"allOf": [schema, {"type": "object", "required": ["count"], "properties": paging}]}


class GeoFeatureExtension(GeoFeatureModelSerializerExtension):
    """drf-spectacular's description of GeoJSON Features, made to work for request
    bodies too: they lack the read-only id, which the original expects to find."""

    target_class = "rest_framework_gis.serializers.GeoFeatureModelSerializer"
    match_subclasses = True
    priority = 1

    def map_serializer(self, auto_schema, direction):
        schema = super().map_serializer(auto_schema, direction)
        if direction == "request":
            schema["properties"].pop("id", None)
        return schema

    def map_geo_feature_model_serializer(self, serializer, base_schema):
        base_schema["properties"].setdefault(serializer.Meta.id_field, {"type": "integer"})
        return super().map_geo_feature_model_serializer(serializer, base_schema)


class NetworkField(forms.ModelChoiceField):
    """A network by its id or its slug."""

    default_error_messages = {"invalid_choice": NO_SUCH_NETWORK}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        key = "pk" if str(value).isdigit() else "slug"
        try:
            return self.queryset.get(**{key: value})
        except self.queryset.model.DoesNotExist as error:
            raise forms.ValidationError(NO_SUCH_NETWORK, code="invalid_choice") from error


@extend_schema_field(OpenApiTypes.STR)
class NetworkFilter(django_filters.ModelChoiceFilter):
    field_class = NetworkField

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Network.objects.all())
        kwargs.setdefault("help_text", "A GP network's id or slug.")
        super().__init__(**kwargs)


class InNetwork(django_filters.FilterSet):
    """`?network=<id or slug>`; an unknown network is a 400 naming the parameter."""

    network = NetworkFilter()


class PracticeFilter(InNetwork):
    class Meta:
        model = Practice
        fields = ["network"]


class EventFilter(InNetwork):
    class Meta:
        model = ListeningEvent
        fields = ["network"]


@extend_schema_field(OpenApiTypes.INT)
class VisibleEventFilter(django_filters.ModelChoiceFilter):
    """An event's id; one the caller may not see is refused like one that does not exist."""

    def __init__(self, **kwargs):
        super().__init__(queryset=lambda request: ListeningEvent.objects.visible_to(request.user))


class StoryFilter(InNetwork):
    event = VisibleEventFilter()

    class Meta:
        model = Story
        fields = ["network", "event"]


class ConnectionFilter(InNetwork):
    class Meta:
        model = Connection
        fields = ["network"]


class WishFilter(InNetwork):
    status = django_filters.ChoiceFilter(choices=WishStatus.choices)

    class Meta:
        model = WishlistItem
        fields = ["network", "status"]


class IsStaffOrReadOnly(permissions.BasePermission):
    message = STAFF_ONLY

    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or roles.is_staff_member(request.user)


class CanEditProgramme(permissions.BasePermission):
    """Refuse early what the services would refuse anyway (they check again): writing
    needs the facilitator or staff role, and changing a row needs its network's policy."""

    message = services.NOT_YOUR_NETWORK

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        user = request.user
        return roles.is_staff_member(user) or roles.has_role(user, roles.Role.FACILITATOR)

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        return obj.network.can_edit_programme(request.user)


class ProgrammeViewSet(viewsets.GenericViewSet):
    """What the programme's viewsets share: anybody reads what `visible_to` lets
    them; facilitators of the network and staff write; `?network=` filters."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly, CanEditProgramme]
    filter_backends = [DjangoFilterBackend]

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["is_professional"] = roles.is_professional(self.request.user)
        return context

    def reloaded(self, obj):
        """A row just written, read back as lists read it (prefetches included)."""
        return self.get_queryset().get(pk=obj.pk)

    def perform_destroy(self, instance):
        services.programme_delete(obj=instance, user=self.request.user)


def _apply(obj, data: dict):
    for field, value in data.items():
        setattr(obj, field, value)
    return obj


# --- Networks and practices -------------------------------------------------------------


class NetworkViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """GP networks as GeoJSON Features (a list is a paged FeatureCollection), for
    anybody. Network leads create them and change their boundaries; each save queues
    the recomputing of every asset's network."""

    queryset = Network.objects.all()
    serializer_class = s.NetworkSerializer
    permission_classes = [IsStaffOrReadOnly]
    pagination_class = GeoPagination

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        if roles.is_staff_member(user):
            context["editable_networks"] = True
        elif roles.has_role(user, roles.Role.FACILITATOR):
            context["editable_networks"] = set(
                user.facilitated_networks.values_list("pk", flat=True)
            )
        else:
            context["editable_networks"] = set()
        return context

    def perform_create(self, serializer):
        network = Network(**serializer.validated_data)
        serializer.instance = services.network_save(network=network)

    def perform_update(self, serializer):
        network = _apply(serializer.instance, serializer.validated_data)
        serializer.instance = services.network_save(network=network)


class PracticeViewSet(viewsets.ReadOnlyModelViewSet):
    """GP practices (public NHS data) as GeoJSON Features, for anybody; `?network=`
    filters. They are written by `manage.py import_practices`."""

    queryset = Practice.objects.all()
    serializer_class = s.PracticeSerializer
    permission_classes = [permissions.AllowAny]
    pagination_class = GeoPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = PracticeFilter


# --- The programme's work ---------------------------------------------------------------


class ListeningEventViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ProgrammeViewSet,
):
    """Listening events: published ones for anybody, all for professionals."""

    queryset = ListeningEvent.objects.all()
    serializer_class = s.ListeningEventSerializer
    filterset_class = EventFilter

    def get_queryset(self):
        user = self.request.user
        shown = Discovery.objects.filter(asset__in=Asset.objects.visible_to(user))
        return ListeningEvent.objects.visible_to(user).prefetch_related(
            "themes",
            Prefetch("facilitators", queryset=get_user_model().objects.only("pk")),
            Prefetch(
                "discoveries",
                queryset=shown.select_related("asset").order_by("asset__name", "pk"),
                to_attr="shown_discoveries",
            ),
        )

    def _save(self, event: ListeningEvent, data: dict, facilitators) -> ListeningEvent:
        themes = data.pop("themes", None)
        if themes is None:
            themes = [theme.name for theme in event.themes.all()] if event.pk else []
        new_groups = [services.NewGroup(**group) for group in data.pop("new_groups", [])]
        existing_assets = data.pop("existing_assets", [])
        event = services.event_save(
            event=_apply(event, data),
            user=self.request.user,
            theme_names=themes,
            # Nobody named: the person recording is the facilitator, as on the page.
            facilitators=facilitators or None,
            existing_assets=existing_assets,
            new_groups=new_groups,
        )
        return self.reloaded(event)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        facilitators = data.pop("facilitators", None)
        serializer.instance = self._save(ListeningEvent(), data, facilitators)

    def perform_update(self, serializer):
        event = serializer.instance
        data = dict(serializer.validated_data)
        facilitators = data.pop("facilitators", None)
        if facilitators is None:
            facilitators = list(event.facilitators.all())
        serializer.instance = self._save(event, data, facilitators)


class StoryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ProgrammeViewSet,
):
    """Stories: published ones (names withheld without consent) for anybody, all for
    professionals. `?network=`, `?event=` filter."""

    queryset = Story.objects.all()
    serializer_class = s.StorySerializer
    filterset_class = StoryFilter

    def get_queryset(self):
        # The event's publication decides whether residents see which event it was.
        return Story.objects.visible_to(self.request.user).select_related("event")

    def perform_create(self, serializer):
        story = Story(**serializer.validated_data)
        serializer.instance = services.story_save(story=story, user=self.request.user)

    def perform_update(self, serializer):
        story = _apply(serializer.instance, serializer.validated_data)
        serializer.instance = services.story_save(story=story, user=self.request.user)


class ConnectionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    ProgrammeViewSet,
):
    """Connections between assets and organisations, as the network page draws them:
    for anybody, those whose ends they may see (the note for professionals only).
    Recorded and removed, never edited, as on the pages."""

    queryset = Connection.objects.all()
    serializer_class = s.ConnectionSerializer
    filterset_class = ConnectionFilter

    def get_queryset(self):
        return Connection.objects.visible_to(self.request.user).select_related(
            "from_asset", "from_organisation", "to_asset", "to_organisation"
        )

    def perform_create(self, serializer):
        connection = Connection(**serializer.validated_data)
        connection = services.connection_save(connection=connection, user=self.request.user)
        serializer.instance = self.reloaded(connection)


class WishViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ProgrammeViewSet,
):
    """Each network's wishlist, for anybody (with the assets involved that they may
    see). `?network=`, `?status=` filter."""

    queryset = WishlistItem.objects.all()
    serializer_class = s.WishSerializer
    filterset_class = WishFilter

    def get_queryset(self):
        visible = Asset.objects.visible_to(self.request.user).only("pk")
        return WishlistItem.objects.prefetch_related(Prefetch("assets", queryset=visible))

    def _save(self, item: WishlistItem, data: dict) -> None:
        assets = data.pop("assets", None)
        item = services.wishlist_item_save(
            item=_apply(item, data), user=self.request.user, assets=assets
        )
        return self.reloaded(item)

    def perform_create(self, serializer):
        serializer.instance = self._save(WishlistItem(), dict(serializer.validated_data))

    def perform_update(self, serializer):
        serializer.instance = self._save(serializer.instance, dict(serializer.validated_data))
