"""Writes to community assets: every rule and side effect of saving lives here."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from assetmap import roles
from assetmap.models import (
    Asset,
    Category,
    Organisation,
    ProblemReport,
    Provenance,
    RecurringSession,
    Status,
)

CANNOT_EDIT = _("Only facilitators and network leads add and change listings.")
SESSION_PROBLEM = _("Session %(number)d: %(problem)s")
NOT_YOUR_NETWORK = _("Facilitators add and change listings only in the GP networks they work in.")


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
def asset_save(
    *,
    asset: Asset,
    user=None,
    categories: Iterable[Category] | None = None,
    sessions: Iterable[RecurringSession] | None = None,
) -> Asset:
    """Validate and save `asset` (new or changed), record who did it, and keep its GP
    network matching its location. `sessions`, when given, replace the asset's
    sessions. Invalid data raises ValidationError and saves nothing."""
    if not asset.slug:
        asset.slug = unique_slug(asset.name)
    if user is not None and user.is_authenticated:
        if asset.pk is None:
            asset.created_by = user
        asset.updated_by = user
        asset._history_user = user
    asset.full_clean()
    sessions = _valid_sessions(sessions) if sessions is not None else None
    asset.save()
    if categories is not None:
        asset.categories.set(categories)
    if sessions is not None:
        asset.sessions.all().delete()
        for session in sessions:
            session.asset = asset
        RecurringSession.objects.bulk_create(sessions)
    Asset.objects.filter(pk=asset.pk).assign_networks()
    asset.refresh_from_db(fields=["network"])
    return asset


def _valid_sessions(sessions: Iterable[RecurringSession]) -> list[RecurringSession]:
    """The sessions, each checked; every problem is reported as "Session 2: ..."."""
    sessions = list(sessions)
    problems = []
    for number, session in enumerate(sessions, start=1):
        try:
            session.full_clean(exclude=["asset"])
        except ValidationError as error:
            problems += [
                SESSION_PROBLEM % {"number": number, "problem": message}
                for message in error.messages
            ]
    if problems:
        raise ValidationError({"sessions": problems})
    return sessions


def require_editor(asset: Asset, user) -> None:
    if not asset.can_edit(user):
        has_role = roles.edits_listings(user)
        raise PermissionDenied(NOT_YOUR_NETWORK if has_role else CANNOT_EDIT)


@transaction.atomic
def asset_edit(
    *,
    asset: Asset,
    user,
    categories: Iterable[Category] | None = None,
    sessions: Iterable[RecurringSession] | None = None,
) -> Asset:
    """Add or change a listing as a facilitator or network lead: who may is checked on
    the listing as stored and again where it ends up (moving a listing into another
    network is a change there too). A refusal saves nothing."""
    if asset.pk is not None:
        require_editor(Asset.objects.get(pk=asset.pk), user)
    elif not roles.edits_listings(user):
        raise PermissionDenied(CANNOT_EDIT)
    asset = asset_save(asset=asset, user=user, categories=categories, sessions=sessions)
    require_editor(asset, user)
    return asset


def asset_suggest(
    *,
    asset: Asset,
    user=None,
    categories: Iterable[Category] | None = None,
    sessions: Iterable[RecurringSession] | None = None,
    email: str = "",
) -> Asset:
    """A group suggested by a resident (or anyone who does not edit listings): it waits
    for a facilitator in the moderation queue, and carries no internal notes. `email`,
    the suggester's own and optional, is kept only until the suggestion is handled."""
    if email:
        asset.suggester_email = email
    asset.status = Status.PENDING_REVIEW
    asset.provenance = Provenance.RESIDENT_SUGGESTION
    asset.internal_notes = ""
    asset.assured_date = None
    return asset_save(asset=asset, user=user, categories=categories, sessions=sessions)


def asset_archive(*, asset: Asset, user) -> Asset:
    """Take a listing off the map and out of search, keeping it and its history."""
    require_editor(asset, user)
    asset.status = Status.ARCHIVED
    return asset_save(asset=asset, user=user)


def asset_verify(*, asset: Asset, user) -> Asset:
    """Record that someone checked the listing is still right ("still running")."""
    asset.assured_date = timezone.localdate()
    asset.assured_by = user
    return asset_save(asset=asset, user=user)


@transaction.atomic
def organisation_save(*, organisation: Organisation) -> Organisation:
    if not organisation.slug:
        organisation.slug = unique_slug(organisation.name, model=Organisation)
    organisation.full_clean()
    organisation.save()
    return organisation


NOT_ON_THE_MAP = _("Only listings on the map can be reported.")


def problem_report(*, asset: Asset, kind: str, details: str = "") -> ProblemReport:
    """A resident reports that a published listing is wrong ("it has closed", "wrong
    times"...). Anonymous: nothing about who reported it is kept. It waits, open, in
    the moderation queue. A listing not on the map cannot be reported."""
    if not asset.is_published:
        raise ValidationError(NOT_ON_THE_MAP, code="not_published")
    report = ProblemReport(asset=asset, kind=kind, details=details.strip())
    report.full_clean()
    report.save()
    return report
