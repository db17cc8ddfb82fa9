"""Neighbourhood pages: the list of GP networks and each network's page, with the
map's GeoJSON and the connections graph's JSON. Everything a user sees starts from
the models' `visible_to(user)`."""

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from assetmap import roles
from assetmap.models import Asset, AssetKind
from networks import queries
from networks.models import ListeningEvent, Network, Story


def network_list(request):
    visible = Asset.objects.visible_to(request.user)
    networks = Network.objects.annotate(
        asset_count=Count("assets", filter=Q(assets__in=queries.on_the_map(visible)))
    ).order_by("name")
    outside = queries.asset_list(queries.outside_assets(request.user), request.user)
    context = {"networks": networks, "outside": outside}
    return render(request, "networks/network_list.html", context)


def network_detail(request, slug):
    network = get_object_or_404(Network, slug=slug)
    user = request.user
    assets = queries.network_assets(network, user)
    context = {
        "network": network,
        "assets": queries.asset_list(assets, user),
        "practices": network.practices.all(),
        "by_category": queries.counts_by_category(assets),
        "by_kind": queries.counts_by_kind(assets),
        "events": ListeningEvent.objects.visible_to(user).filter(network=network)[:5],
        "stories": Story.objects.visible_to(user).filter(network=network)[:10],
        "wishlist": network.wishlist.prefetch_related(
            Prefetch("assets", queryset=Asset.objects.visible_to(user))
        ),
        "graph": queries.connection_graph(network, user),
        "can_edit": network.can_edit_programme(user),
        "is_professional": roles.is_professional(user),
        "config": _map_config(network),
    }
    return render(request, "networks/network_detail.html", context)


def _map_config(network: Network) -> dict:
    """What the scripts need, URLs included, handed over with json_script."""
    return {
        "mapDataUrl": reverse("networks:map_data", args=[network.slug]),
        "connectionsUrl": reverse("networks:connections_data", args=[network.slug]),
        "tilesUrl": settings.TILES_URL,
        "tilesAttribution": settings.TILES_ATTRIBUTION,
        "kinds": dict(AssetKind.choices),
        "text": {
            "details": _("Details in the list"),
            "draft": _("Not published"),
            "cluster": _("%(count)s places here, press Enter to zoom in"),
            "boundary": _("Boundary of %(name)s") % {"name": network.name},
            "mapLabel": _("Map of %(name)s") % {"name": network.name},
        },
    }


def network_map_data(request, slug):
    network = get_object_or_404(Network, slug=slug)
    geojson = queries.map_geojson(network, request.user)
    return HttpResponse(geojson, content_type="application/geo+json")


def network_connections_data(request, slug):
    network = get_object_or_404(Network, slug=slug)
    return JsonResponse(queries.connection_graph(network, request.user).as_json())
