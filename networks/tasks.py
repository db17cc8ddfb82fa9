from celery import shared_task
from django.db import transaction

from assetmap.models import Asset


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def recompute_asset_networks() -> int:
    """Re-assign every asset to the network covering it (one UPDATE; idempotent)."""
    from volunteers.indicators import indicators_stale_from

    with transaction.atomic():
        changed = Asset.objects.assign_networks()
        # An UPDATE sends no signals: the board's figures move with the assets.
        indicators_stale_from(None)
    return changed
