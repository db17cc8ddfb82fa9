"""Writes to GP networks and the work that must follow them."""

from django.db import transaction

from networks.models import Network
from networks.tasks import recompute_asset_networks


@transaction.atomic
def network_save(*, network: Network) -> Network:
    """Validate and save a network; once committed, recompute every asset's network in
    a worker, since a moved boundary can move assets in or out of it."""
    network.full_clean()
    network.save()
    recompute_asset_networks.delay_on_commit()
    return network
