"""Writes to volunteering: hours, their approval, the time-credit ledger, surveys and
erasure. Ledger rows are created here and nowhere else, and never changed.

Who may do what:
- a volunteer with a login logs and corrects their own hours, spends and gifts their
  own credits and answers the survey for their approved hours;
- a coordinator of an asset logs hours there (one by one or in bulk), approves or
  rejects them, gives credits from the asset's bank and records spends at it;
- staff (network leads, superusers) may do all of that, and alone adjust balances.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from assetmap import roles
from assetmap.models import Asset
from volunteers.models import (
    MAX_HOURS_PER_DAY,
    CreditEntry,
    CreditKind,
    HoursEntry,
    HoursStatus,
    Opportunity,
    SafeguardingCheck,
    SpendPartner,
    SurveyResponse,
    Volunteer,
    coordinated_assets,
    coordinates,
)

NOT_COORDINATOR = _("Only a coordinator of this asset, or staff, can do that.")
NOT_YOUR_HOURS = _("Volunteers can log and correct only their own hours.")
NOT_YOUR_CREDITS = _("Only the volunteer themselves, or staff, can spend or give their credits.")
NOT_OWN_APPROVAL = _("Nobody can approve or reject their own hours.")
STAFF_ONLY = _("Only staff can adjust a balance.")
NOT_YOUR_SURVEY = _("Only the volunteer who gave the hours can answer this survey.")
NOT_THEIR_COORDINATOR = _("Only staff or a coordinator of this volunteer can erase them.")
NOT_THEIR_EDITOR = _(
    "Only a coordinator of this volunteer, or the volunteer, can change this record."
)
NOT_A_COORDINATOR = _("Only volunteer coordinators and staff can register volunteers.")
NOT_THEIR_CHECKER = _("Only staff or a coordinator of this volunteer can record their checks.")

FUTURE_DATE = _("Hours cannot be logged for a day that has not happened yet.")
NOT_POSITIVE = _("Hours must be more than 0.")
NOT_QUARTER = _("Hours go in quarter-hour steps (0.25, 0.5, 0.75).")
OVER_DAY_LIMIT = _("That would make more than 24 hours on one day.")
ERASED = _("This volunteer has been erased.")
NOT_PENDING = _("Only pending hours can be approved or rejected; approved hours are corrected.")
REASON_NEEDED = _("Give a reason for rejecting the hours.")
ONLY_APPROVED_CORRECTED = _(
    "Only approved hours are corrected; pending hours can be rejected and logged again."
)
ALREADY_CORRECTED = _("These hours already have a correction; correct that one instead.")
AMOUNT_NOT_POSITIVE = _("The number of credits must be more than 0.")
NOT_ENOUGH_CREDITS = _("There are not enough credits for that.")
NOT_SPEND_PARTNER = _("Credits can only be spent at a spend partner.")
SAME_VOLUNTEER = _("A volunteer cannot give credits to themselves.")
SURVEY_NOT_APPROVED = _("The survey is for approved hours only.")
SURVEY_ANSWERED = _("The survey for these hours has already been answered.")
NOT_A_MEMBER = _("This volunteer is not a member of the group: add them to it first.")
ADJUST_NOT_ZERO = _("An adjustment must add or take away some credits.")
NO_GROUP = _("Add the volunteer to at least one of the groups you coordinate.")
NOT_YOUR_GROUP = _("You can only add volunteers to groups you coordinate.")
CONSENT_NEEDED = _("Record what the volunteer agreed to before their details are kept.")
CONSENT_IN_FUTURE = _("Consent cannot be given in the future.")
CHECK_IN_FUTURE = _("A check cannot be issued or verified in the future.")
VERIFIED_BEFORE_ISSUE = _("A check cannot be verified before it was issued.")
NO_EMAIL = _("Add the volunteer's email address first: the invitation goes there.")
ALREADY_SIGNS_IN = _("This volunteer can already sign in.")
EMAIL_TAKEN = _("Another account already uses this email address.")


# --- Policy helpers -------------------------------------------------------------------


def _is_self(user, volunteer: Volunteer) -> bool:
    return user.is_authenticated and volunteer.user_id is not None and volunteer.user_id == user.pk


def _require_coordinator(user, asset: Asset) -> None:
    if not (roles.is_staff_member(user) or coordinates(user, asset)):
        raise PermissionDenied(NOT_COORDINATOR)


def _require_loggable_by(user, volunteer: Volunteer, asset: Asset) -> None:
    """Volunteers log their own hours anywhere; coordinators (and staff) log hours for
    the members of the group only."""
    if _is_self(user, volunteer):
        return
    if not (roles.is_staff_member(user) or coordinates(user, asset)):
        raise PermissionDenied(NOT_YOUR_HOURS)
    _require_member(volunteer, asset)


def _require_member(volunteer: Volunteer, asset: Asset) -> None:
    """A coordinator logs hours only for the group's own volunteers: logging hours
    makes a volunteer theirs to see, so it must not be a way to reach anybody else."""
    if not volunteer.assets.filter(pk=asset.pk).exists():
        raise ValidationError({"volunteer": NOT_A_MEMBER})


def _lock(volunteer: Volunteer) -> Volunteer:
    """Lock the volunteer's row for the rest of the transaction: writes that read a
    total first (day hours, balance) then add to it queue up behind each other."""
    return Volunteer.objects.select_for_update().get(pk=volunteer.pk)


# --- Volunteers, opportunities and safeguarding --------------------------------------


@transaction.atomic
def volunteer_save(
    *, volunteer: Volunteer, by: AbstractBaseUser, assets: list[Asset] | None = None
) -> Volunteer:
    """Register or update a volunteer, with their consent record and groups.

    Coordinators register volunteers at the groups they coordinate and change the
    records of their own volunteers; the volunteer may change their own record. Group
    membership is changed only where the person coordinates: a volunteer's other groups
    are kept. `assets=None` leaves the groups as they are."""
    adding = volunteer.pk is None
    if adding:
        if not (roles.is_staff_member(by) or roles.has_role(by, roles.Role.COORDINATOR)):
            raise PermissionDenied(NOT_A_COORDINATOR)
    else:
        stored = _lock(volunteer)
        if stored.is_erased:
            raise ValidationError(ERASED)
        # Only people who may see the contact details may change them: not staff.
        if not stored.can_see_contact(by):
            raise PermissionDenied(NOT_THEIR_EDITOR)
    if volunteer.consent_text.strip() and volunteer.consent_given_at is None:
        volunteer.consent_given_at = timezone.now()
    if not volunteer.consent_text.strip():
        raise ValidationError({"consent_text": CONSENT_NEEDED})
    if volunteer.consent_given_at > timezone.now():
        raise ValidationError({"consent_given_at": CONSENT_IN_FUTURE})
    groups = _groups_after_change(volunteer, by, assets, adding=adding)
    volunteer.full_clean()
    volunteer.save()
    if groups is not None:
        volunteer.assets.set(groups)
        networks = {asset.network_id for asset in groups if asset.network_id}
        volunteer.networks.add(*networks)
    return volunteer


def _groups_after_change(volunteer, by, assets, *, adding: bool) -> list[Asset] | None:
    if assets is None:
        if adding and not roles.is_staff_member(by):
            raise ValidationError({"assets": NO_GROUP})
        return None
    if roles.is_staff_member(by):
        return list(assets)
    mine = set(coordinated_assets(by).values_list("asset", flat=True))
    if any(asset.pk not in mine for asset in assets):
        raise ValidationError({"assets": NOT_YOUR_GROUP})
    if adding and not assets:
        raise ValidationError({"assets": NO_GROUP})
    kept = [] if adding else [a for a in volunteer.assets.all() if a.pk not in mine]
    return kept + list(assets)


@transaction.atomic
def volunteer_invite(*, volunteer: Volunteer, by: AbstractBaseUser, site_url: str) -> None:
    """Give a volunteer a login to see their own record: an account with no password
    and an email with a link to choose one (Django's password-reset link, valid for
    PASSWORD_RESET_TIMEOUT). Only someone who may see their email address sends it."""
    if not volunteer.can_see_contact(by) or _is_self(by, volunteer):
        raise PermissionDenied(NOT_THEIR_EDITOR)
    if volunteer.is_erased:
        raise ValidationError(ERASED)
    if volunteer.user_id is not None:
        raise ValidationError(ALREADY_SIGNS_IN)
    if not volunteer.email:
        raise ValidationError({"email": NO_EMAIL})
    users = get_user_model().objects
    if (
        users.filter(email__iexact=volunteer.email).exists()
        or users.filter(username__iexact=volunteer.email).exists()
    ):
        raise ValidationError({"email": EMAIL_TAKEN})
    user = users.create_user(
        username=volunteer.email.lower(),
        email=volunteer.email,
        first_name=volunteer.display_name[:150],
    )  # with no password given, an unusable one
    volunteer.user = user
    volunteer.save(update_fields=["user"])
    transaction.on_commit(lambda: _send_invitation(volunteer, user, site_url))


def _send_invitation(volunteer: Volunteer, user, site_url: str) -> None:
    context = {
        "volunteer": volunteer,
        "link": site_url.rstrip("/")
        + reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        ),
    }
    subject = render_to_string("volunteers/invite_subject.txt", context).strip()
    body = render_to_string("volunteers/invite_email.txt", context)
    send_mail(subject, body, None, [volunteer.email])


@transaction.atomic
def opportunity_save(*, opportunity: Opportunity, by: AbstractBaseUser) -> Opportunity:
    """Add or change a volunteering role at an asset: its coordinators or staff."""
    _require_coordinator(by, opportunity.asset)
    if opportunity.pk is not None:
        stored = Opportunity.objects.select_related("asset").get(pk=opportunity.pk)
        _require_coordinator(by, stored.asset)
    opportunity.full_clean()
    opportunity.save()
    return opportunity


@transaction.atomic
def safeguarding_check_record(
    *, check: SafeguardingCheck, by: AbstractBaseUser
) -> SafeguardingCheck:
    """Record that somebody saw a volunteer's DBS certificate: its level and dates only.
    The person recording it is the one who verified it. A re-check is a new record."""
    volunteer = check.volunteer
    if not volunteer.is_managed_by(by):
        raise PermissionDenied(NOT_THEIR_CHECKER)
    if volunteer.is_erased:
        raise ValidationError(ERASED)
    today = timezone.localdate()
    check.verified_on = check.verified_on or today
    errors = {}
    if check.issued_on and check.issued_on > today:
        errors["issued_on"] = CHECK_IN_FUTURE
    if check.verified_on > today:
        errors["verified_on"] = CHECK_IN_FUTURE
    elif check.issued_on and check.verified_on < check.issued_on:
        errors["verified_on"] = VERIFIED_BEFORE_ISSUE
    if errors:
        raise ValidationError(errors)
    check.verified_by = by
    check.full_clean()
    check.save()
    return check


# --- Hours ----------------------------------------------------------------------------


def _check_hours(hours: Decimal) -> Decimal:
    hours = Decimal(hours)
    if hours <= 0:
        raise ValidationError({"hours": NOT_POSITIVE})
    if hours % Decimal("0.25") != 0:
        raise ValidationError({"hours": NOT_QUARTER})
    return hours


def _check_day_total(
    volunteer: Volunteer, date: dt.date, hours: Decimal, replacing: HoursEntry | None = None
) -> None:
    entries = HoursEntry.objects.effective().filter(volunteer=volunteer, date=date)
    if replacing is not None:
        entries = entries.exclude(pk=replacing.pk)
    logged = entries.aggregate(total=Sum("hours"))["total"] or Decimal(0)
    if logged + hours > MAX_HOURS_PER_DAY:
        raise ValidationError({"hours": OVER_DAY_LIMIT})


def _create_entry(
    *,
    volunteer: Volunteer,
    asset: Asset,
    date: dt.date,
    hours: Decimal,
    description: str,
    by,
    opportunity: Opportunity | None = None,
    corrects: HoursEntry | None = None,
) -> HoursEntry:
    volunteer = _lock(volunteer)
    if volunteer.is_erased:
        raise ValidationError(ERASED)
    hours = _check_hours(hours)
    if date > timezone.localdate():
        raise ValidationError({"date": FUTURE_DATE})
    _check_day_total(volunteer, date, hours, replacing=corrects)
    entry = HoursEntry(
        volunteer=volunteer,
        asset=asset,
        opportunity=opportunity,
        date=date,
        hours=hours,
        description=description,
        corrects=corrects,
        logged_by=by,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def hours_log(
    *,
    volunteer: Volunteer,
    asset: Asset,
    date: dt.date,
    hours: Decimal,
    description: str,
    by: AbstractBaseUser,
    opportunity: Opportunity | None = None,
) -> HoursEntry:
    """Log hours, pending until a coordinator of the asset decides. Refuses future
    days, amounts that are not positive quarter hours, and more than 24 hours in a
    day across a volunteer's entries (the volunteer's row is locked while checking)."""
    _require_loggable_by(by, volunteer, asset)
    return _create_entry(
        volunteer=volunteer,
        asset=asset,
        date=date,
        hours=hours,
        description=description,
        by=by,
        opportunity=opportunity,
    )


@transaction.atomic
def hours_log_bulk(
    *,
    asset: Asset,
    date: dt.date,
    entries: list[tuple[Volunteer, Decimal, str]],
    by: AbstractBaseUser,
    opportunity: Opportunity | None = None,
) -> list[HoursEntry]:
    """A coordinator logs a session's hours for several volunteers at once: every
    entry is saved, or (if any is refused) none is."""
    _require_coordinator(by, asset)
    for volunteer, _hours, _description in entries:
        _require_member(volunteer, asset)
    return [
        _create_entry(
            volunteer=volunteer,
            asset=asset,
            date=date,
            hours=hours,
            description=description,
            by=by,
            opportunity=opportunity,
        )
        for volunteer, hours, description in entries
    ]


def _locked_pending(entry: HoursEntry, by) -> HoursEntry:
    _require_coordinator(by, entry.asset)
    if _is_self(by, entry.volunteer):
        raise PermissionDenied(NOT_OWN_APPROVAL)
    entry = HoursEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != HoursStatus.PENDING:
        raise ValidationError(NOT_PENDING)
    return entry


@transaction.atomic
def hours_approve(*, entry: HoursEntry, by: AbstractBaseUser) -> HoursEntry:
    """Approve pending hours and earn their credits: 1 credit per hour. Approving a
    correction earns the difference from the hours it replaces."""
    entry = _locked_pending(entry, by)
    entry.status = HoursStatus.APPROVED
    entry.decided_by = by
    entry.decided_at = timezone.now()
    entry.full_clean()
    entry.save()
    amount = entry.hours
    if entry.corrects_id is not None and entry.corrects.status == HoursStatus.APPROVED:
        amount -= entry.corrects.hours
    if amount:
        _ledger_add(
            volunteer=entry.volunteer,
            kind=CreditKind.EARN,
            amount=amount,
            hours_entry=entry,
            by=by,
        )
    return entry


@transaction.atomic
def hours_reject(*, entry: HoursEntry, by: AbstractBaseUser, reason: str) -> HoursEntry:
    """Reject pending hours, saying why."""
    if not reason.strip():
        raise ValidationError({"rejection_reason": REASON_NEEDED})
    entry = _locked_pending(entry, by)
    entry.status = HoursStatus.REJECTED
    entry.rejection_reason = reason.strip()
    entry.decided_by = by
    entry.decided_at = timezone.now()
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def hours_correct(
    *, entry: HoursEntry, hours: Decimal, description: str, by: AbstractBaseUser
) -> HoursEntry:
    """Correct approved hours with a new pending entry for the same day and asset that
    replaces the original once approved. The original is never changed."""
    if not (
        _is_self(by, entry.volunteer) or roles.is_staff_member(by) or coordinates(by, entry.asset)
    ):
        raise PermissionDenied(NOT_YOUR_HOURS)
    if entry.status != HoursStatus.APPROVED:
        raise ValidationError(ONLY_APPROVED_CORRECTED)
    if entry.corrections.exclude(status=HoursStatus.REJECTED).exists():
        raise ValidationError(ALREADY_CORRECTED)
    return _create_entry(
        volunteer=entry.volunteer,
        asset=entry.asset,
        date=entry.date,
        hours=hours,
        description=description,
        by=by,
        opportunity=entry.opportunity,
        corrects=entry,
    )


# --- Time credits ---------------------------------------------------------------------


def credit_balance(
    *, volunteer: Volunteer | None = None, bank_asset: Asset | None = None
) -> Decimal:
    """A volunteer's (or a group bank's) balance: the sum of its ledger rows."""
    if (volunteer is None) == (bank_asset is None):
        raise TypeError("Give either a volunteer or a bank_asset.")
    rows = CreditEntry.objects.filter(volunteer=volunteer, bank_asset=bank_asset)
    return rows.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def _ledger_add(**fields) -> CreditEntry:
    fields["created_by"] = fields.pop("by")
    entry = CreditEntry(**fields)
    entry.full_clean()
    entry.save()
    return entry


def _check_amount(amount: Decimal) -> Decimal:
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError({"amount": AMOUNT_NOT_POSITIVE})
    return amount


def _debit(
    *, amount: Decimal, volunteer: Volunteer | None = None, bank_asset: Asset | None = None
) -> None:
    """Lock the payer, then refuse if the balance does not cover `amount`. With the row
    locked, a second payment waits here until the first commits, then sees its debit."""
    if volunteer is not None:
        _lock(volunteer)
    else:
        Asset.objects.select_for_update().filter(pk=bank_asset.pk).first()
    if credit_balance(volunteer=volunteer, bank_asset=bank_asset) < amount:
        raise ValidationError({"amount": NOT_ENOUGH_CREDITS})


@transaction.atomic
def credit_spend(
    *,
    volunteer: Volunteer,
    partner_asset: Asset,
    amount: Decimal,
    what_bought: str,
    by: AbstractBaseUser,
) -> CreditEntry:
    """Spend credits at a spend partner. Recorded by the volunteer, staff or a
    coordinator of the partner asset; refused beyond the balance."""
    if not (_is_self(by, volunteer) or roles.is_staff_member(by) or coordinates(by, partner_asset)):
        raise PermissionDenied(NOT_YOUR_CREDITS)
    amount = _check_amount(amount)
    if not SpendPartner.objects.filter(asset=partner_asset).exists():
        raise ValidationError({"partner_asset": NOT_SPEND_PARTNER})
    _debit(amount=amount, volunteer=volunteer)
    return _ledger_add(
        volunteer=volunteer,
        kind=CreditKind.SPEND,
        amount=-amount,
        spend_partner=partner_asset,
        what_bought=what_bought,
        by=by,
    )


def _gift(*, amount: Decimal, to_volunteer: Volunteer, by, **payer) -> CreditEntry:
    amount = _check_amount(amount)
    if to_volunteer.is_erased:
        raise ValidationError(ERASED)
    _debit(amount=amount, **payer)
    given = _ledger_add(kind=CreditKind.GIFT, amount=-amount, by=by, **payer)
    return _ledger_add(
        volunteer=to_volunteer, kind=CreditKind.GIFT, amount=amount, counterpart=given, by=by
    )


@transaction.atomic
def credit_gift(
    *, from_volunteer: Volunteer, to_volunteer: Volunteer, amount: Decimal, by: AbstractBaseUser
) -> CreditEntry:
    """A volunteer gives credits to another: a debit and a credit row, linked. Returns
    the receiving row."""
    if not (_is_self(by, from_volunteer) or roles.is_staff_member(by)):
        raise PermissionDenied(NOT_YOUR_CREDITS)
    if from_volunteer.pk == to_volunteer.pk:
        raise ValidationError(SAME_VOLUNTEER)
    return _gift(amount=amount, to_volunteer=to_volunteer, by=by, volunteer=from_volunteer)


@transaction.atomic
def credit_give_from_bank(
    *, bank_asset: Asset, to_volunteer: Volunteer, amount: Decimal, by: AbstractBaseUser
) -> CreditEntry:
    """A coordinator gives credits from their group's bank to a volunteer."""
    _require_coordinator(by, bank_asset)
    return _gift(amount=amount, to_volunteer=to_volunteer, by=by, bank_asset=bank_asset)


@transaction.atomic
def credit_adjust(
    *,
    amount: Decimal,
    reason: str,
    by: AbstractBaseUser,
    volunteer: Volunteer | None = None,
    bank_asset: Asset | None = None,
) -> CreditEntry:
    """Staff add to (or take from) a volunteer's or a group bank's balance, with a
    reason. This is also how a group's bank is filled."""
    if not roles.is_staff_member(by):
        raise PermissionDenied(STAFF_ONLY)
    amount = Decimal(amount)
    if amount == 0:
        raise ValidationError({"amount": ADJUST_NOT_ZERO})
    if amount < 0:
        # Taking credits away is a debit like any other: never below zero.
        _debit(amount=-amount, volunteer=volunteer, bank_asset=bank_asset)
    return _ledger_add(
        volunteer=volunteer,
        bank_asset=bank_asset,
        kind=CreditKind.ADJUST,
        amount=amount,
        reason=reason.strip(),
        by=by,
    )


# --- Experience survey ----------------------------------------------------------------


@transaction.atomic
def survey_answer(
    *,
    entry: HoursEntry,
    by: AbstractBaseUser,
    satisfaction: int,
    felt_valued: int,
    would_recommend: bool,
    comment: str = "",
) -> SurveyResponse:
    """The volunteer says how it went, once per approved entry."""
    if not _is_self(by, entry.volunteer):
        raise PermissionDenied(NOT_YOUR_SURVEY)
    entry = HoursEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != HoursStatus.APPROVED:
        raise ValidationError(SURVEY_NOT_APPROVED)
    if SurveyResponse.objects.filter(hours_entry=entry).exists():
        raise ValidationError(SURVEY_ANSWERED)
    response = SurveyResponse(
        hours_entry=entry,
        satisfaction=satisfaction,
        felt_valued=felt_valued,
        would_recommend=would_recommend,
        comment=comment.strip(),
    )
    response.full_clean()
    response.save()
    return response


# --- Erasure --------------------------------------------------------------------------


@transaction.atomic
def volunteer_erase(*, volunteer: Volunteer, by: AbstractBaseUser) -> Volunteer:
    """Remove a volunteer's personal data (UK GDPR erasure). Their hours, credits and
    survey scores stay, attached to the anonymous record, so every total is unchanged;
    survey comments go, since they may identify the person."""
    if not volunteer.is_managed_by(by):
        raise PermissionDenied(NOT_THEIR_COORDINATOR)
    volunteer = _lock(volunteer)
    if volunteer.user is not None:
        # The login goes too: it names the person and would let them back in.
        user = volunteer.user
        user.is_active = False
        user.first_name = user.last_name = user.email = ""
        user.save(update_fields=["is_active", "first_name", "last_name", "email"])
    volunteer.display_name = f"Erased volunteer #{volunteer.pk}"
    volunteer.email = ""
    volunteer.phone = ""
    volunteer.skills = ""
    volunteer.consent_text = ""
    volunteer.consent_given_at = None
    volunteer.user = None
    volunteer.erased_at = timezone.now()
    volunteer.full_clean()
    volunteer.save()
    volunteer.networks.clear()
    SurveyResponse.objects.filter(hours_entry__volunteer=volunteer).update(comment="")
    return volunteer
