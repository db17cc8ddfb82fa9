"""The assets API (/api/v1/): assets with search and a map layer, categories and
organisations.

Reads start from `Asset.objects.visible_to(user)`: residents see published assets,
people working in the programme every status. Writes go through the services:
facilitators and network leads add and change listings (within a facilitator's
networks), and anybody else's new listing is a suggestion, throttled, that waits for
moderation.
"""

import json

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db import connection
from django.http import HttpResponse
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, negotiation, permissions, renderers, throttling, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from assetmap import roles, services
from assetmap import serializers as s
from assetmap.filters import AssetFilter
from assetmap.listings import ListingPages
from assetmap.models import Asset, Category, Organisation, Status
from assetmap.rest import OneStatementPagination

TOO_MANY_SUGGESTIONS = OpenApiResponse(
    response={"type": "object", "properties": {"detail": {"type": "string"}}},
    description="Too many suggestions: try again later.",
)


class ErrorsInJSON(negotiation.BaseContentNegotiation):
    """The map answers GeoJSON itself; whatever the client accepts, DRF renders only
    its errors, always as JSON (rather than refusing a request that accepts GeoJSON)."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class SuggestionThrottle(throttling.SimpleRateThrottle):
    """New listings from people who do not edit listings (residents, link workers...):
    a few an hour per person, or per address when not signed in."""

    scope = "suggestions"

    def get_cache_key(self, request, view):
        if view.action != "create" or roles.edits_listings(request.user):
            return None
        ident = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class WritesNeedSignIn(permissions.BasePermission):
    """Anyone may read and suggest a listing; changing one needs a signed-in editor,
    which the services decide (403 with their reason)."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or view.action == "create":
            return True
        return request.user.is_authenticated


_MAP_SQL = """
SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(
    json_build_object(
        'type', 'Feature',
        'id', a.id,
        'geometry', a.geometry::json,
        'properties', json_build_object(
            'name', a.name, 'slug', a.slug, 'kind', a.kind, 'url', %s || a.slug || '/'
        )
    )), '[]'::json))::text
FROM ({assets}) a
"""

MAP_FEATURE_COLLECTION = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "id", "geometry", "properties"],
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": {"type": "integer"},
                    "geometry": {
                        "type": "object",
                        "properties": {
                            "type": {"type": "string", "enum": ["Point"]},
                            "coordinates": {
                                "type": "array",
                                "items": {"type": "number"},
                                "minItems": 2,
                                "maxItems": 2,
                            },
                        },
                    },
                    "properties": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string"},
                            "slug": {"type": "string"},
                            "kind": {"type": "string"},
                            "url": {"type": "string"},
                        },
                    },
                },
            },
        },
    },
}


def map_feature_collection(assets) -> str:
    """The assets with a point as a GeoJSON FeatureCollection, built by PostGIS in one
    query: a per-object serializer was 26 to 56 times slower at 10,000 points
    (bench/README.md)."""
    rows = (
        assets.filter(location__isnull=False)
        .order_by()
        .values("id", "name", "slug", "kind", geometry=AsGeoJSON("location", precision=6))
    )
    assets_sql, assets_params = rows.query.sql_with_params()
    page_prefix = reverse("asset", args=["-"])[:-2]
    with connection.cursor() as cursor:
        cursor.execute(_MAP_SQL.format(assets=assets_sql), [page_prefix, *assets_params])
        return cursor.fetchone()[0]


@extend_schema_view(
    list=extend_schema(
        summary="Search and filter assets",
        responses=s.AssetSerializer(many=True),
    ),
    retrieve=extend_schema(summary="One asset", responses=s.AssetSerializer),
    create=extend_schema(
        summary="Add an asset, or suggest one",
        description="Facilitators (in their networks) and network leads add listings with "
        "any status. Anybody else, signed in or not, suggests one: it is saved as pending "
        "review for a facilitator to check, and suggestions are limited to a few an hour.",
        responses={201: s.AssetSerializer, 429: TOO_MANY_SUGGESTIONS},
    ),
    update=extend_schema(
        summary="Change an asset",
        responses=s.AssetSerializer,
    ),
    partial_update=extend_schema(
        summary="Change some of an asset's fields",
        responses=s.AssetSerializer,
    ),
)
class AssetViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.AssetSerializer
    permission_classes = [WritesNeedSignIn]
    pagination_class = OneStatementPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = AssetFilter
    queryset = Asset.objects.all()

    def filter_queryset(self, queryset):
        # Only the map is searched this way (`list` pages through ListingPages): an
        # asset's detail or a write would otherwise build and check an empty filter
        # form every time.
        if self.action != "map":
            return queryset
        return super().filter_queryset(queryset)

    def get_throttles(self):
        return [SuggestionThrottle()] if self.action == "create" else []

    def get_queryset(self):
        user = self.request.user
        assets = Asset.objects.visible_to(user)
        if self.action == "retrieve":
            return assets.with_listing_json(**s.listing_options(self.request))
        asks_for_status = self.action == "list" and "status" in self.request.query_params
        if self.action in ("list", "map") and not asks_for_status and roles.is_professional(user):
            # Archived listings are history: off the map, and listed only when asked
            # for by status. (Residents see published listings only.)
            assets = assets.exclude(status=Status.ARCHIVED)
        return assets

    def list(self, request, *args, **kwargs):
        assets = self.get_queryset()
        search = AssetFilter(request.query_params, queryset=assets, request=request)
        if not search.is_valid():
            raise translate_validation(search.errors)
        # A point (near or postcode) gives each listing its distance.
        options = s.listing_options(request, distance=search.point is not None)
        page = self.paginate_queryset(ListingPages(assets, search, options))
        listings = [listing for listing, _count in page]
        if isinstance(request.accepted_renderer, renderers.JSONRenderer):
            # The rows are JSON already: put them in the page as they are.
            return HttpResponse(self.paginator.page_json(listings), content_type="application/json")
        return self.get_paginated_response([json.loads(listing) for listing in listings])

    def perform_create(self, serializer):
        user = self.request.user
        arguments = serializer.save_arguments()
        if roles.edits_listings(user):
            serializer.instance = services.asset_edit(user=user, **arguments)
        else:
            serializer.instance = services.asset_suggest(
                user=user if user.is_authenticated else None, **arguments
            )

    def perform_update(self, serializer):
        serializer.instance = services.asset_edit(
            user=self.request.user, **serializer.save_arguments()
        )

    def _fresh(self, asset: Asset) -> Response:
        # The serializer reads the asset back from the database, as it now is.
        return Response(self.get_serializer(asset).data)

    @extend_schema(
        summary="Archive an asset",
        description="Takes it off the map and out of search; it and its history are kept.",
        request=None,
        responses=s.AssetSerializer,
    )
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        return self._fresh(services.asset_archive(asset=self.get_object(), user=request.user))

    @extend_schema(
        summary="Record that an asset is still running",
        description="Sets the date it was last checked to today.",
        request=None,
        responses=s.AssetSerializer,
    )
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        asset = self.get_object()
        services.require_editor(asset, request.user)
        return self._fresh(services.asset_verify(asset=asset, user=request.user))

    @extend_schema(
        summary="Assets as map markers (GeoJSON)",
        description="The same filters as the list, usually with bbox: a GeoJSON "
        "FeatureCollection of points with the few properties a marker needs. Not paged.",
        responses={
            (200, "application/geo+json"): OpenApiResponse(
                response=MAP_FEATURE_COLLECTION, description="A FeatureCollection."
            ),
        },
        filters=True,
    )
    @action(
        detail=False,
        methods=["get"],
        pagination_class=None,
        renderer_classes=[renderers.JSONRenderer],
        content_negotiation_class=ErrorsInJSON,
    )
    def map(self, request):
        assets = self.filter_queryset(self.get_queryset())
        return HttpResponse(map_feature_collection(assets), content_type="application/geo+json")


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The two-level taxonomy of needs, for filters and for labelling listings."""

    queryset = Category.objects.select_related("parent")
    serializer_class = s.CategorySerializer
    pagination_class = None
    permission_classes = [permissions.AllowAny]


class CanEditListings(permissions.BasePermission):
    message = services.CANNOT_EDIT

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return roles.edits_listings(request.user)


class OrganisationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The organisations that run listings. Facilitators and network leads add them."""

    queryset = Organisation.objects.all()
    serializer_class = s.OrganisationSerializer
    permission_classes = [CanEditListings]

    def perform_create(self, serializer):
        serializer.instance = services.organisation_save(
            organisation=Organisation(**serializer.validated_data)
        )

    def perform_update(self, serializer):
        organisation = serializer.instance
        for field, value in serializer.validated_data.items():
            setattr(organisation, field, value)
        serializer.instance = services.organisation_save(organisation=organisation)
