"""Keeping listings fresh: "is it still running?" emails, their one-click links, and
"needs review" for listings nobody confirms.

The rules:
- A published listing is stale when nobody has confirmed it for ASSET_STALE_AFTER_DAYS
  (`AssetQuerySet.stale`). Each stale spell gets one reminder: a spell ends when
  someone confirms the listing, which moves `assured_date` to that day, after any
  reminder of the spell. So "no reminder yet in this spell" is: none ever, or the last
  one sent on or before `assured_date`.
- The reminder goes to the facilitators (active, with an email address) of the
  listing's GP network, or when there are none, to the group's contact email. Each
  person gets one email listing all their stale listings, each with its own link: a
  facilitator with thirty groups gets one email, not thirty. A listing with nobody to
  email is marked as reminded all the same, so it is counted once and its grace
  period starts.
- FRESHNESS_GRACE_DAYS after its reminder, a listing nobody confirmed moves to "needs
  review": off the public map, in the moderation queue, never deleted.
- A link is signed (FRESHNESS_LINK_DAYS) and names the listing and the day it was last
  checked when the email went out. Confirming moves that day, and "it has stopped"
  opens a report, so either answer spends the link: it works once.
"""

import datetime as dt
import logging
import zlib
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from assetmap.models import LONDON, Asset, ProblemKind, ProblemReport, Status
from assetmap.services import asset_archive, asset_verify, require_editor

logger = logging.getLogger(__name__)

LINK_SALT = "assetmap.freshness.still-running"
# Listings a link can still answer for: on the map, or taken off it for want of a check.
ANSWERABLE = {Status.PUBLISHED, Status.NEEDS_REVIEW}

LINK_BROKEN = _(
    "This link is not complete. Copy the whole link from the email into your browser, "
    "or sign in and check the listing there."
)
LINK_EXPIRED = _(
    "This link has expired: links in “still running?” emails work for %(days)d days. "
    "Sign in to check the listing, or wait for the next email."
)
LINK_NOT_LISTED = _("This listing is no longer on Assetmap, so there is nothing to confirm.")
LINK_ALREADY_CONFIRMED = _(
    "Someone has confirmed this listing since the email was sent: there is nothing "
    "more to do. Thank you."
)
LINK_ALREADY_REPORTED = _(
    "We have been told this group has stopped. A facilitator will check the listing."
)
NOT_NEEDING_REVIEW = _("This listing no longer needs review: someone has dealt with it.")

# Kept with the change in the listing's history (at most 100 characters).
CONFIRMED_BY_LINK = _("Confirmed still running from the emailed link")
CONFIRMED_BY_EDITOR = _("Confirmed still running")
MOVED_TO_REVIEW = _("Not confirmed after the “still running?” email")
ARCHIVED_FROM_REVIEW = _("Archived: not confirmed for a long while")
STOPPED_FROM_FACILITATOR_LINK = _(
    "Answered “it has stopped” to the “still running?” email sent to the network’s facilitators."
)
STOPPED_FROM_CONTACT_LINK = _(
    "Answered “it has stopped” to the “still running?” email sent to the group’s contact."
)


# Which listings are due -------------------------------------------------------------


def _with_reminder_day(assets: QuerySet) -> QuerySet:
    return assets.annotate(reminded_on=TruncDate("freshness_reminder_sent_at", tzinfo=LONDON))


def due_for_reminder(today: dt.date | None = None) -> QuerySet:
    """Published, stale listings whose stale spell has had no reminder yet."""
    return (
        _with_reminder_day(Asset.objects.published().stale(today))
        .filter(
            Q(freshness_reminder_sent_at__isnull=True)
            | Q(assured_date__isnull=False, reminded_on__lte=F("assured_date"))
        )
        .order_by("name", "pk")
    )


def due_for_review(now: dt.datetime | None = None) -> QuerySet:
    """Published listings reminded FRESHNESS_GRACE_DAYS ago or more in this stale
    spell, and so stale for ASSET_STALE_AFTER_DAYS + FRESHNESS_GRACE_DAYS at least."""
    now = now or timezone.now()
    grace = dt.timedelta(days=settings.FRESHNESS_GRACE_DAYS)
    return (
        _with_reminder_day(Asset.objects.published().stale(timezone.localdate(now) - grace))
        .filter(freshness_reminder_sent_at__lte=now - grace)
        .filter(Q(assured_date__isnull=True) | Q(reminded_on__gt=F("assured_date")))
    )


# Who is emailed ---------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    email: str
    # The facilitator's account, or None for a group's contact (who has none).
    user_id: int | None = None
    name: str = ""

    @property
    def is_facilitator(self) -> bool:
        return self.user_id is not None


def _reachable_facilitators() -> Prefetch:
    users = get_user_model().objects.filter(is_active=True).exclude(email="").order_by("pk")
    return Prefetch("network__facilitators", queryset=users, to_attr="reachable_facilitators")


def reminder_recipients(asset: Asset) -> list[Recipient]:
    """Who is asked about `asset`: its network's facilitators who have an email, or else
    the group's contact email; [] when there is neither. Expects `asset` from
    `due_for_reminder` with `_reachable_facilitators` prefetched."""
    facilitators = getattr(asset.network, "reachable_facilitators", []) if asset.network else []
    if facilitators:
        return [
            Recipient(email=user.email, user_id=user.pk, name=user.get_full_name())
            for user in facilitators
        ]
    if asset.email:
        return [Recipient(email=asset.email, name=asset.contact_name)]
    return []


# The one-click link -----------------------------------------------------------------


def still_running_token(asset: Asset, recipient: Recipient | None = None) -> str:
    """A signed, URL-safe token naming the listing, the day it was last checked (so an
    answer spends it) and the facilitator it was sent to, if any."""
    claim = {
        "a": asset.pk,
        "d": asset.assured_date.isoformat() if asset.assured_date else None,
        "u": recipient.user_id if recipient else None,
    }
    return signing.dumps(claim, salt=LINK_SALT, compress=True)


def still_running_url(asset: Asset, recipient: Recipient | None = None) -> str:
    path = reverse("still-running", args=[still_running_token(asset, recipient)])
    return settings.SITE_URL.rstrip("/") + path


class LinkRefused(Exception):
    """A still-running link that cannot be used: `status` is the HTTP status to answer
    with (400 for a broken link, 410 for one that has expired or been used)."""

    def __init__(self, message, status: int, asset: Asset | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.status = status
        self.asset = asset


@dataclass(frozen=True)
class StillRunningLink:
    asset: Asset
    # The facilitator the email went to (if it went to one, and they are still active).
    user: object | None


def still_running_link_open(token: str, *, lock: bool = False) -> StillRunningLink:
    """The listing a link asks about, if the link may still answer for it; else
    LinkRefused. `lock` holds the listing's row until the transaction ends, so two
    clicks at once cannot both use the link."""
    max_age = dt.timedelta(days=settings.FRESHNESS_LINK_DAYS)
    try:
        claim = signing.loads(token, salt=LINK_SALT, max_age=max_age)
        asset_pk, checked_on, user_pk = claim["a"], claim["d"], claim["u"]
    except signing.SignatureExpired:
        raise LinkRefused(LINK_EXPIRED % {"days": settings.FRESHNESS_LINK_DAYS}, 410) from None
    except (signing.BadSignature, KeyError, TypeError):
        raise LinkRefused(LINK_BROKEN, 400) from None
    assets = Asset.objects.select_for_update() if lock else Asset.objects
    asset = assets.filter(pk=asset_pk).first()
    if asset is None or asset.status not in ANSWERABLE:
        raise LinkRefused(LINK_NOT_LISTED, 410, asset)
    if (asset.assured_date.isoformat() if asset.assured_date else None) != checked_on:
        raise LinkRefused(LINK_ALREADY_CONFIRMED, 410, asset)
    if asset.problem_reports.open().filter(kind=ProblemKind.CLOSED).exists():
        raise LinkRefused(LINK_ALREADY_REPORTED, 410, asset)
    user = None
    if user_pk is not None:
        user = get_user_model().objects.filter(pk=user_pk, is_active=True).first()
    return StillRunningLink(asset=asset, user=user)


# Answers ----------------------------------------------------------------------------


def asset_confirm_running(*, asset: Asset, user=None, reason=CONFIRMED_BY_EDITOR) -> Asset:
    """Record that the listing still runs, as checked today (`asset_verify`); a listing
    in "needs review" goes back on the map. No permission check: callers do it."""
    if asset.status == Status.NEEDS_REVIEW:
        asset.status = Status.PUBLISHED
    # Named even when None: a person signed in while clicking someone else's link did
    # not make the change.
    asset._history_user = user
    asset._change_reason = str(reason)
    return asset_verify(asset=asset, user=user)


@transaction.atomic
def still_running_confirm(*, token: str) -> Asset:
    """ "Yes, it is still running" from an emailed link: no sign-in, the link is the
    permission. Raises LinkRefused when the link cannot be used."""
    link = still_running_link_open(token, lock=True)
    return asset_confirm_running(asset=link.asset, user=link.user, reason=CONFIRMED_BY_LINK)


@transaction.atomic
def still_running_deny(*, token: str) -> ProblemReport:
    """ "No, it has stopped" from an emailed link: a report for a facilitator to check
    in the moderation queue, rather than taking the listing off the map at once."""
    link = still_running_link_open(token, lock=True)
    details = STOPPED_FROM_FACILITATOR_LINK if link.user else STOPPED_FROM_CONTACT_LINK
    report = ProblemReport(asset=link.asset, kind=ProblemKind.CLOSED, details=str(details))
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def needs_review_archive(*, asset: Asset, user) -> Asset:
    """An editor takes a listing in "needs review" off Assetmap for good (archived:
    kept, with its history). Refused once someone else has dealt with it."""
    stored = Asset.objects.select_for_update().get(pk=asset.pk)
    require_editor(stored, user)
    if stored.status != Status.NEEDS_REVIEW:
        raise ValidationError(NOT_NEEDING_REVIEW, code="not_needing_review")
    stored._change_reason = str(ARCHIVED_FROM_REVIEW)
    return asset_archive(asset=stored, user=user)


# The nightly work -------------------------------------------------------------------


@dataclass
class ReminderRun:
    """What one run of `freshness_send_reminders` did."""

    emails_sent: int = 0
    listings_reminded: int = 0
    listings_with_nobody_to_email: int = 0
    emails_failed: int = 0
    # Another run held the lock, so this one did nothing.
    skipped: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


@contextmanager
def _alone(name: str) -> Iterator[bool]:
    """Yield whether this process got the advisory lock `name` (held until the block
    ends): a run redelivered by the broker while the first still works, or started by
    hand at the same time, must not email the same people twice."""
    key = zlib.crc32(f"assetmap.freshness.{name}".encode())
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        got = cursor.fetchone()[0]
    try:
        yield got
    finally:
        if got:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def freshness_send_reminders(*, now: dt.datetime | None = None) -> ReminderRun:
    """Email each responsible person once about their listings due a reminder, and mark
    those listings reminded. Each email is marked as soon as it is sent, so a failure
    loses no other email, and a rerun (or a retry) sends only what was not sent."""
    now = now or timezone.now()
    run = ReminderRun()
    with _alone("reminders") as got:
        if not got:
            run.skipped = True
            return run
        due = (
            due_for_reminder(timezone.localdate(now))
            .select_related("network")
            .prefetch_related(_reachable_facilitators())
        )
        by_recipient: dict[Recipient, list[Asset]] = defaultdict(list)
        nobody = []
        for asset in due:
            recipients = reminder_recipients(asset)
            for recipient in recipients:
                by_recipient[recipient].append(asset)
            if not recipients:
                nobody.append(asset.pk)
        # Nobody to ask: counted once, and its grace period starts now all the same.
        run.listings_with_nobody_to_email = Asset.objects.filter(pk__in=nobody).update(
            freshness_reminder_sent_at=now
        )
        reminded: set[int] = set()
        with mail.get_connection() as connection_:
            for recipient, assets in by_recipient.items():
                try:
                    _reminder_email(recipient, assets, connection_).send()
                except Exception:
                    # Logged and left unmarked: the others still go, and a retry sends it.
                    logger.exception("Freshness reminder to %s failed", recipient.email)
                    run.emails_failed += 1
                    continue
                run.emails_sent += 1
                pks = [asset.pk for asset in assets]
                Asset.objects.filter(pk__in=pks).update(freshness_reminder_sent_at=now)
                reminded.update(pks)
        run.listings_reminded = len(reminded)
    logger.info("Freshness reminders: %s", run.as_dict())
    return run


def _reminder_email(recipient: Recipient, assets: list[Asset], connection_) -> mail.EmailMessage:
    """One plain-text email to `recipient` about `assets`, each with its own link, in
    the site's language (a nightly task has no visitor's language to follow)."""
    with translation.override(settings.LANGUAGE_CODE):
        if len(assets) == 1:
            subject = gettext("Is “%(name)s” still running?") % {"name": assets[0].name}
        else:
            subject = ngettext(
                "Are your %(count)d groups still running?",
                "Are your %(count)d groups still running?",
                len(assets),
            ) % {"count": len(assets)}
        body = render_to_string(
            "assetmap/email/freshness_reminder.txt",
            {
                "recipient": recipient,
                "items": [
                    {"asset": asset, "url": still_running_url(asset, recipient)} for asset in assets
                ],
                "stale_days": settings.ASSET_STALE_AFTER_DAYS,
                "grace_days": settings.FRESHNESS_GRACE_DAYS,
                "link_days": settings.FRESHNESS_LINK_DAYS,
                "site_url": settings.SITE_URL,
            },
        )
    return mail.EmailMessage(
        # A name could hold a line break, which a mail header must not.
        subject=" ".join(subject.split()),
        body=body,
        to=[recipient.email],
        connection=connection_,
    )


@transaction.atomic
def freshness_move_unconfirmed(*, now: dt.datetime | None = None) -> int:
    """Move to "needs review" every listing nobody confirmed within the grace period
    after its reminder; return how many. Only the status changes (recorded in the
    history, by nobody, with the reason): nothing is deleted, and a rerun finds none.
    Rows are locked, so a listing confirmed at this moment is left alone."""
    moved = 0
    for asset in due_for_review(now).select_for_update():
        asset.status = Status.NEEDS_REVIEW
        asset._history_user = None
        asset._change_reason = str(MOVED_TO_REVIEW)
        asset.save(update_fields=["status", "updated_at"])
        moved += 1
    logger.info("Freshness: %d listings moved to needs review", moved)
    return moved
