from celery import shared_task
from django.utils import timezone

from volunteers import indicators


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def refresh_indicators() -> int:
    """Compute the stale or missing months of the dashboard's default window (the last
    12 months), so the board reads stored figures instead of waiting for them.
    Returns how many months were computed."""
    last = timezone.localdate().replace(day=1)
    first = indicators.add_months(last, -(indicators.DEFAULT_MONTHS - 1))
    return indicators.refresh(first_month=first, last_month=last)
