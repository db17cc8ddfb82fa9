"""Adding and changing listings from the facilitators' pages: finding possible
duplicates before a save, saving a listing (a waiting suggestion published from the
edit form is a moderation decision too) and "still running?" checks."""

from collections.abc import Iterable

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db.models.functions import Greatest
from django.utils import timezone

from assetmap import freshness, moderation
from assetmap.models import Asset, Category, Provenance, RecurringSession, Status
from assetmap.services import asset_edit, require_editor

# How close a listing must be, and how alike its name, to count as a possible duplicate.
DUPLICATE_METRES = 200
DUPLICATE_SIMILARITY = 0.4
# Statuses of listings a new one could duplicate: those on (or about to be on) the map.
DUPLICATE_STATUSES = [Status.DRAFT, Status.PUBLISHED]


def similar_nearby(
    name: str, point, *, exclude_pk: int | None = None, metres: float = DUPLICATE_METRES
):
    """Draft and published listings within `metres` of `point` whose name is like
    `name` (trigram similarity of the whole names, or of `name` within the longer
    one), most alike first. Nothing when there is no point or no name."""
    if point is None or not name.strip():
        return Asset.objects.none()
    found = (
        Asset.objects.filter(status__in=DUPLICATE_STATUSES)
        .near(point, metres)
        .annotate(
            likeness=Greatest(TrigramSimilarity("name", name), TrigramWordSimilarity(name, "name"))
        )
        .filter(likeness__gt=DUPLICATE_SIMILARITY)
        .order_by("-likeness", "name")
    )
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found


def is_waiting_suggestion(asset: Asset) -> bool:
    return (
        asset.status == Status.PENDING_REVIEW and asset.provenance == Provenance.RESIDENT_SUGGESTION
    )


def asset_form_save(
    *,
    asset: Asset,
    user,
    categories: Iterable[Category],
    sessions: Iterable[RecurringSession],
) -> Asset:
    """Save a listing from the edit form through `asset_edit`. A resident's waiting
    suggestion that the form publishes is published through moderation, so the
    decision is recorded and the suggester's email deleted, as from the queue."""
    stored = Asset.objects.filter(pk=asset.pk).first() if asset.pk else None
    if stored is not None and stored.status == Status.NEEDS_REVIEW and asset.is_published:
        # Putting it back on the map says it still runs: without this, the nightly task
        # would take it off again.
        asset.assured_date, asset.assured_by = timezone.localdate(), user
    if stored is not None and is_waiting_suggestion(stored) and asset.is_published:
        return moderation.moderation_publish(
            suggestion=asset, user=user, categories=categories, sessions=sessions
        )
    return asset_edit(asset=asset, user=user, categories=categories, sessions=sessions)


def asset_still_running(*, asset: Asset, user) -> Asset:
    """ "Still running?": an editor confirms the listing is right today (one in "needs
    review" goes back on the map)."""
    require_editor(asset, user)
    return freshness.asset_confirm_running(asset=asset, user=user)
