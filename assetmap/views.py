from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from assetmap import roles
from assetmap.models import Asset, AssetKind
from networks.models import ListeningEvent, Network
from volunteers.models import Opportunity


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


def asset_detail(request, slug):
    """One asset's page: what it is, when and where it meets, what it costs, who it is
    for, how to get in touch and the volunteering roles it offers."""
    asset = get_object_or_404(
        Asset.objects.visible_to(request.user).select_related("organisation", "network"),
        slug=slug,
    )
    now = timezone.localtime()
    context = {
        "asset": asset,
        "sessions": asset.sessions.all(),
        "open_now": asset.current_session(now),
        "next_session": asset.next_session(now),
        "categories": asset.categories.all(),
        "opportunities": Opportunity.objects.public().filter(asset=asset),
        "found_at": ListeningEvent.objects.visible_to(request.user).filter(assets_found=asset),
        "is_professional": roles.is_professional(request.user),
    }
    return render(request, "assetmap/asset_detail.html", context)
