from celery import shared_task

from assetmap.models import Asset


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def recompute_asset_networks() -> int:
    """Re-assign every asset to the network covering it (one UPDATE; idempotent)."""
    return Asset.objects.assign_networks()
