from django.db.models import Count, Q
from django.shortcuts import render

from assetmap.models import Asset, AssetKind
from networks.models import Network


def home(request):
    """What the map holds: published assets per GP network and per kind."""
    published = Asset.objects.published()
    networks = Network.objects.annotate(
        published_assets=Count("assets", filter=Q(assets__status="published"))
    ).order_by("name")
    by_kind = dict(published.values_list("kind").annotate(n=Count("pk")).order_by())
    context = {
        "networks": networks,
        "outside_networks": published.filter(network=None, location__isnull=False).count(),
        "online_only": published.filter(online_only=True).count(),
        "total": published.count(),
        "kinds": [(label, by_kind.get(value, 0)) for value, label in AssetKind.choices],
    }
    return render(request, "assetmap/home.html", context)
