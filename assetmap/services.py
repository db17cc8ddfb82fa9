"""Writes to community assets: every rule and side effect of saving lives here."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from assetmap.models import Asset, Category


def unique_slug(name: str, *, model=Asset, max_length: int = 200) -> str:
    """A slug from `name` that no row of `model` has yet: "walk", "walk-2", "walk-3"..."""
    base = slugify(name)[:max_length].strip("-") or "item"
    taken = set(
        model.objects.filter(slug__regex=rf"^{base}(-[0-9]+)?$").values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


@transaction.atomic
def asset_save(*, asset: Asset, user=None, categories: Iterable[Category] | None = None) -> Asset:
    """Validate and save `asset` (new or changed), record who did it, and keep its GP
    network matching its location. Invalid data raises ValidationError and saves nothing."""
    if not asset.slug:
        asset.slug = unique_slug(asset.name)
    if user is not None and user.is_authenticated:
        if asset.pk is None:
            asset.created_by = user
        asset.updated_by = user
        asset._history_user = user
    asset.full_clean()
    asset.save()
    if categories is not None:
        asset.categories.set(categories)
    Asset.objects.filter(pk=asset.pk).assign_networks()
    asset.refresh_from_db(fields=["network"])
    return asset


def asset_verify(*, asset: Asset, user) -> Asset:
    """Record that someone checked the listing is still right ("still running")."""
    asset.assured_date = timezone.localdate()
    asset.assured_by = user
    return asset_save(asset=asset, user=user)
