"""Shortlists: every write on a link worker's shortlists, and who may keep them.

A shortlist holds no patient identifiers: the link worker gives it a title ("Tuesday
mornings") and a note per listing for the patient ("ask for Rina at the door"), both
free text, so the forms warn against names and details about the person.
"""

import datetime as dt
import io

import segno
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assetmap import roles
from assetmap.models import Asset
from assetmap.shortlist_models import Shortlist, ShortlistItem, new_token

NOT_PUBLISHED = _("Only published listings can go on a shortlist.")


def can_shortlist(user) -> bool:
    """Link workers search for patients and keep shortlists; staff may too."""
    return roles.has_role(user, roles.Role.LINK_WORKER) or roles.is_staff_member(user)


def shortlist_current(user) -> Shortlist | None:
    """The shortlist `user` is adding to: the most recent one whose link has not expired."""
    return Shortlist.objects.of(user).filter(expires_at__gt=timezone.now()).first()


@transaction.atomic
def shortlist_create(*, user, title: str = "") -> Shortlist:
    shortlist = Shortlist(created_by=user, title=title)
    shortlist.full_clean()
    shortlist.save()
    return shortlist


@transaction.atomic
def shortlist_add(*, user, asset: Asset) -> tuple[Shortlist, bool]:
    """Put `asset` at the end of the user's current shortlist, starting one if there
    is none. Returns the shortlist and whether the asset was added (False when it was
    there already). Only published listings: the patient is handed what residents see."""
    if not asset.is_published:
        raise ValueError(str(NOT_PUBLISHED))
    shortlist = shortlist_current(user) or shortlist_create(user=user)
    if shortlist.items.filter(asset=asset).exists():
        return shortlist, False
    last = shortlist.items.aggregate(last=Max("position"))["last"]
    ShortlistItem.objects.create(
        shortlist=shortlist, asset=asset, position=0 if last is None else last + 1
    )
    return shortlist, True


@transaction.atomic
def shortlist_update(*, shortlist: Shortlist, title: str, notes: dict[int, str]) -> Shortlist:
    """Set the title and the notes for the patient (keyed by item pk)."""
    shortlist.title = title
    shortlist.full_clean()
    shortlist.save(update_fields=["title"])
    for item in shortlist.items.all():
        if item.pk in notes and notes[item.pk] != item.note:
            item.note = notes[item.pk]
            item.full_clean()
            item.save(update_fields=["note"])
    return shortlist


@transaction.atomic
def shortlist_move(*, item: ShortlistItem, offset: int) -> None:
    """Move an item up (offset -1) or down (+1) the list; at either end it stays.
    Positions are renumbered 0, 1, 2... so gaps left by removals never matter."""
    items = list(item.shortlist.items.select_for_update().order_by("position", "pk"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index + offset
    if not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items):
        if other.position != position:
            other.position = position
            other.save(update_fields=["position"])


@transaction.atomic
def shortlist_remove(*, item: ShortlistItem) -> None:
    item.delete()


@transaction.atomic
def shortlist_extend(*, shortlist: Shortlist, now: dt.datetime | None = None) -> Shortlist:
    """Keep the shared link working for SHORTLIST_EXPIRES_DAYS from now."""
    now = now or timezone.now()
    shortlist.expires_at = now + dt.timedelta(days=settings.SHORTLIST_EXPIRES_DAYS)
    shortlist.save(update_fields=["expires_at"])
    return shortlist


@transaction.atomic
def shortlist_new_link(*, shortlist: Shortlist) -> Shortlist:
    """A new unguessable link: the old one stops working at once (a link sent to the
    wrong person, say). The expiry date is renewed as well."""
    shortlist.token = new_token()
    shortlist.save(update_fields=["token"])
    return shortlist_extend(shortlist=shortlist)


@transaction.atomic
def shortlist_delete(*, shortlist: Shortlist) -> None:
    shortlist.delete()


def qr_svg(url: str, title: str) -> bytes:
    """`url` as a QR code, an SVG document with no styles or scripts (the CSP allows it
    as an image from our own origin)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=4, border=2, title=title, xmldecl=False
    )
    return buffer.getvalue()


def format_distance(metres: float) -> str:
    """ "850 m" under a kilometre (to the nearest 10 m), else "1.2 km"."""
    if metres < 995:
        return _("%(metres)d m") % {"metres": round(metres, -1)}
    return _("%(km).1f km") % {"km": metres / 1000}
