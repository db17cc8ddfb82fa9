"""The moderation queue: residents' suggested listings and problem reports, and what
facilitators and network leads decide about them. Every decision is checked with
`Asset.can_edit`, made in one transaction and recorded as a ModerationDecision (who,
what, when, why); a handled suggestion loses its suggester's email."""

from collections.abc import Iterable

from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from assetmap.models import (
    Asset,
    Category,
    Decision,
    ModerationDecision,
    ProblemReport,
    Provenance,
    RecurringSession,
    ReportStatus,
    Status,
)
from assetmap.services import asset_edit, asset_save, require_editor

# Listings a suggestion can be merged into: those on (or about to be on) the map.
MERGEABLE_STATUSES = [Status.DRAFT, Status.PUBLISHED]
MERGE_NEAR_METRES = 500
MERGE_CANDIDATES = 15

NOT_WAITING = _("This suggestion has already been dealt with.")
REPORT_NOT_OPEN = _("This report has already been dealt with.")
REASON_REQUIRED = _("Say why the suggestion is rejected: it is kept with the decision.")
MERGE_TARGET_INVALID = _("Choose a listing on the map (draft or published) to merge into.")


def waiting_suggestions(user):
    """Residents' suggestions waiting for review that `user` may decide on, oldest first."""
    return (
        Asset.objects.editable_by(user)
        .filter(status=Status.PENDING_REVIEW, provenance=Provenance.RESIDENT_SUGGESTION)
        .select_related("network")
        .order_by("created_at", "pk")
    )


def open_reports(user):
    """Open problem reports about listings `user` may edit, oldest first."""
    return (
        ProblemReport.objects.open()
        .filter(asset__in=Asset.objects.editable_by(user))
        .select_related("asset")
        .order_by("created_at", "pk")
    )


def stale_listings(user, limit: int = 20):
    """Published listings `user` may edit that nobody has checked for a while, never
    checked first, then the least recently checked."""
    return (
        Asset.objects.editable_by(user)
        .published()
        .stale()
        .order_by(F("assured_date").asc(nulls_first=True), "name")[:limit]
    )


def needs_review_listings(user):
    """Listings `user` may edit that went to "needs review" because nobody confirmed
    them after the "still running?" email (assetmap/freshness.py), longest unchecked
    first."""
    return (
        Asset.objects.editable_by(user)
        .filter(status=Status.NEEDS_REVIEW)
        .select_related("network")
        .order_by(F("assured_date").asc(nulls_first=True), "name")
    )


def merge_candidates(suggestion: Asset):
    """Listings a suggestion may be a duplicate of: draft or published ones within
    MERGE_NEAR_METRES of it, or anywhere with a similar name, nearest or most alike
    first."""
    others = Asset.objects.filter(status__in=MERGEABLE_STATUSES).exclude(pk=suggestion.pk)
    similar = Q(name__trigram_similar=suggestion.name) | Q(
        name__trigram_word_similar=suggestion.name
    )
    if suggestion.location is not None:
        near = others.near(suggestion.location, MERGE_NEAR_METRES).values("pk")
        return (
            others.filter(Q(pk__in=near) | similar)
            .annotate(likeness=TrigramWordSimilarity(suggestion.name, "name"))
            .order_by("-likeness", "name")[:MERGE_CANDIDATES]
        )
    return (
        others.filter(similar)
        .annotate(likeness=TrigramWordSimilarity(suggestion.name, "name"))
        .order_by("-likeness", "name")[:MERGE_CANDIDATES]
    )


def recent_decisions(limit: int = 10):
    return ModerationDecision.objects.select_related("decided_by", "merged_into")[:limit]


def _waiting(suggestion: Asset, user) -> Asset:
    """The suggestion as stored, locked, checked to be waiting and editable by `user`."""
    stored = Asset.objects.select_for_update().get(pk=suggestion.pk)
    require_editor(stored, user)
    if not (
        stored.status == Status.PENDING_REVIEW
        and stored.provenance == Provenance.RESIDENT_SUGGESTION
    ):
        raise ValidationError(NOT_WAITING, code="not_waiting")
    return stored


def _decide(user, decision: Decision, *, subject: str, **about) -> ModerationDecision:
    return ModerationDecision.objects.create(
        decision=decision, subject=subject[:255], decided_by=user, **about
    )


@transaction.atomic
def moderation_publish(
    *,
    suggestion: Asset,
    user,
    categories: Iterable[Category] | None = None,
    sessions: Iterable[RecurringSession] | None = None,
) -> Asset:
    """Publish a resident's suggestion, with any changes made to it in the edit form
    (`suggestion` may carry them; `categories` and `sessions` replace its own)."""
    _waiting(suggestion, user)
    suggestion.status = Status.PUBLISHED
    suggestion.suggester_email = ""
    asset = asset_edit(asset=suggestion, user=user, categories=categories, sessions=sessions)
    _decide(user, Decision.PUBLISHED, subject=asset.name, suggestion=asset)
    return asset


@transaction.atomic
def moderation_merge(*, suggestion: Asset, into: Asset, user, reason: str = "") -> Asset:
    """The suggestion is a listing the map already has: archive it, recording which."""
    stored = _waiting(suggestion, user)
    if into.pk == stored.pk or into.status not in MERGEABLE_STATUSES:
        raise ValidationError({"into": MERGE_TARGET_INVALID})
    stored.status = Status.ARCHIVED
    stored.suggester_email = ""
    asset_save(asset=stored, user=user)
    _decide(
        user,
        Decision.MERGED,
        subject=stored.name,
        suggestion=stored,
        merged_into=into,
        reason=reason.strip(),
    )
    return stored


@transaction.atomic
def moderation_reject(*, suggestion: Asset, user, reason: str) -> Asset:
    """Turn a suggestion down, with the reason (required); it is archived, not deleted."""
    stored = _waiting(suggestion, user)
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    stored.status = Status.ARCHIVED
    stored.suggester_email = ""
    asset_save(asset=stored, user=user)
    _decide(user, Decision.REJECTED, subject=stored.name, suggestion=stored, reason=reason.strip())
    return stored


def _close_report(report: ProblemReport, user, status: ReportStatus, decision: Decision, note):
    stored = ProblemReport.objects.select_for_update().select_related("asset").get(pk=report.pk)
    require_editor(stored.asset, user)
    if stored.status != ReportStatus.OPEN:
        raise ValidationError(REPORT_NOT_OPEN, code="not_open")
    stored.status = status
    stored.save(update_fields=["status"])
    subject = f"{stored.asset.name}: {stored.get_kind_display()}"
    _decide(user, decision, subject=subject, report=stored, reason=note.strip())
    return stored


@transaction.atomic
def report_resolve(*, report: ProblemReport, user, note: str = "") -> ProblemReport:
    """The problem was real and has been dealt with (usually by editing the listing)."""
    return _close_report(report, user, ReportStatus.RESOLVED, Decision.RESOLVED, note)


@transaction.atomic
def report_dismiss(*, report: ProblemReport, user, note: str = "") -> ProblemReport:
    """The listing was right after all: the report is closed as not a problem."""
    return _close_report(report, user, ReportStatus.REJECTED, Decision.DISMISSED, note)
