"""Writes to GP networks and the programme's work in them.

Every write here checks the network policy first (`Network.can_edit_programme`):
staff anywhere, facilitators only in the networks they are assigned to.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assetmap.models import Asset, Provenance, Status
from assetmap.services import asset_save
from networks.models import (
    Connection,
    Discovery,
    ListeningEvent,
    Network,
    Story,
    Theme,
    WishlistItem,
)
from networks.tasks import recompute_asset_networks

NEW_GROUPS_NEED_A_PLACE = gettext_lazy(
    "Place the event on the map, so the new groups found there are too."
)
NOT_YOUR_NETWORK = gettext_lazy("You can only record work in the networks you are assigned to.")


def _require_programme_editor(network: Network, user) -> None:
    if not network.can_edit_programme(user):
        raise PermissionDenied(NOT_YOUR_NETWORK)


def _save_in_network(obj, user):
    """The shared path of every programme write: policy, author, validation, save."""
    _require_programme_editor(obj.network, user)
    if obj.pk is None:
        obj.created_by = user
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def network_save(*, network: Network) -> Network:
    """Validate and save a network; once committed, recompute every asset's network in
    a worker, since a moved boundary can move assets in or out of it."""
    network.full_clean()
    network.save()
    recompute_asset_networks.delay_on_commit()
    return network


def themes_from_names(names: Iterable[str]) -> list[Theme]:
    """The themes with these names, created where new; "Isolation" and "isolation" are one."""
    themes = []
    for raw in names:
        name = " ".join(raw.split())[:80]
        if not name:
            continue
        theme = Theme.objects.filter(name__iexact=name).first()
        if theme is None:
            try:
                # A savepoint: someone else may create the same theme at the same moment.
                with transaction.atomic():
                    theme = Theme.objects.create(name=name, slug=_unique_theme_slug(name))
            except IntegrityError:
                theme = Theme.objects.get(name__iexact=name)
        if theme not in themes:
            themes.append(theme)
    return themes


def _unique_theme_slug(name: str) -> str:
    base = slugify(name)[:70] or "theme"
    slug, number = base, 2
    while Theme.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


@dataclass
class NewGroup:
    """A group heard about at an event that the map does not have yet."""

    name: str
    description: str = ""
    kind: str = "association"
    note: str = ""


@transaction.atomic
def event_save(
    *,
    event: ListeningEvent,
    user,
    theme_names: Iterable[str] = (),
    facilitators: Iterable | None = None,
    existing_assets: Iterable[Asset] = (),
    new_groups: Iterable[NewGroup] = (),
) -> ListeningEvent:
    """Record (or update) a listening event with its themes and the groups discovered
    there: existing assets are linked, new groups become draft assets found at this
    event. Any invalid part refuses the whole event; nothing is half-saved."""
    _require_programme_editor(event.network, user)
    new_groups = list(new_groups)
    if new_groups and event.place is None:
        # A new group takes the event's point: without one it would be on no map.
        raise ValidationError({"place": NEW_GROUPS_NEED_A_PLACE})
    _save_in_network(event, user)
    event.themes.set(themes_from_names(theme_names))
    event.facilitators.set(facilitators if facilitators is not None else [user])
    for asset in existing_assets:
        Discovery.objects.get_or_create(event=event, asset=asset)
    for group in new_groups:
        asset = Asset(
            name=group.name,
            description=group.description,
            kind=group.kind,
            status=Status.DRAFT,
            provenance=Provenance.LISTENING_EVENT,
            location=event.place,
            internal_notes=_("Found at the listening event “%(event)s”.") % {"event": event.title},
        )
        try:
            asset_save(asset=asset, user=user)
        except ValidationError as error:
            raise ValidationError(
                _("The new group “%(name)s” could not be saved: %(errors)s")
                % {"name": group.name, "errors": "; ".join(error.messages)}
            ) from error
        Discovery.objects.create(event=event, asset=asset, note=group.note)
    return event


@transaction.atomic
def story_save(*, story: Story, user) -> Story:
    """Save a story; it is published only with consent (the model refuses otherwise)."""
    return _save_in_network(story, user)


@transaction.atomic
def connection_save(*, connection: Connection, user) -> Connection:
    return _save_in_network(connection, user)


@transaction.atomic
def wishlist_item_save(
    *, item: WishlistItem, user, assets: Iterable[Asset] | None = None
) -> WishlistItem:
    _save_in_network(item, user)
    if assets is not None:
        item.assets.set(assets)
    return item


@transaction.atomic
def programme_delete(*, obj: ListeningEvent | Story | Connection | WishlistItem, user) -> None:
    """Delete an event, story, connection or wish, under the same policy as editing."""
    _require_programme_editor(obj.network, user)
    obj.delete()
