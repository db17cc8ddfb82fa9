"""Volunteers, the opportunities they take up, the hours they give and the time credits
those hours earn.

Personal data (a volunteer's contact details, skills and survey comments) is reachable
only through `visible_to` and the policy methods below: the people who coordinate a
volunteer see it, the volunteer sees their own, and nobody else does.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Mod
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assetmap import roles

MAX_HOURS_PER_DAY = Decimal(24)


def coordinated_assets(user):
    """Ids of the assets `user` coordinates (as a subquery); none without the role."""
    if not roles.has_role(user, roles.Role.COORDINATOR):
        return CoordinatorAssignment.objects.none().values("asset")
    return CoordinatorAssignment.objects.filter(user=user).values("asset")


def coordinates(user, asset) -> bool:
    """Whether `user` is a volunteer coordinator assigned to `asset`."""
    return (
        roles.has_role(user, roles.Role.COORDINATOR)
        and CoordinatorAssignment.objects.filter(user=user, asset=asset).exists()
    )


class CoordinatorAssignment(models.Model):
    """A volunteer coordinator looks after the volunteers of this asset."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.CASCADE,
        related_name="coordinator_assignments",
    )
    asset = models.ForeignKey(
        "assetmap.Asset",
        verbose_name=_("asset"),
        on_delete=models.CASCADE,
        related_name="coordinator_assignments",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "asset"], name="coordinator_assigned_once")
        ]

    def __str__(self):
        return f"{self.user} coordinates {self.asset}"


class SpendPartner(models.Model):
    """An asset where volunteers can spend time credits."""

    asset = models.OneToOneField(
        "assetmap.Asset",
        verbose_name=_("asset"),
        on_delete=models.CASCADE,
        related_name="spend_partner",
    )
    offer = models.TextField(_("what credits buy here"), blank=True)

    def __str__(self):
        return str(self.asset)


def belonging_to(assets) -> Q:
    """Volunteers of `assets`: their members, and anyone who logged hours there.
    (Subqueries rather than joins, so nobody is listed twice.)"""
    return Exists(
        Volunteer.assets.through.objects.filter(volunteer=OuterRef("pk"), asset__in=assets)
    ) | Exists(HoursEntry.objects.filter(volunteer=OuterRef("pk"), asset__in=assets))


class VolunteerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The volunteers `user` may see: every one for staff, the volunteers of the
        assets they coordinate for coordinators, their own record for a volunteer with a
        login, and none for anybody else (link workers, facilitators, residents)."""
        if not user.is_authenticated:
            return self.none()
        if roles.is_staff_member(user):
            return self.all()
        return self.filter(Q(user=user) | belonging_to(coordinated_assets(user)))

    def active(self):
        return self.filter(erased_at__isnull=True)

    def of_login(self, user) -> "Volunteer | None":
        """The volunteer record of the signed-in `user`, if they have one."""
        if not user.is_authenticated:
            return None
        return self.active().filter(user=user).first()

    def with_contact_visible_to(self, user):
        """Annotate `contact_visible`: `Volunteer.can_see_contact(user)` for a whole
        page of volunteers in one query."""
        return self.annotate(
            contact_visible=Case(
                When(_contact_rule(user), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )

    def with_balance(self):
        """Annotate `balance`: the sum of each volunteer's ledger rows."""
        rows = (
            CreditEntry.objects.filter(volunteer=OuterRef("pk"))
            .order_by()
            .values("volunteer")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return self.annotate(
            balance=Coalesce(
                Subquery(rows),
                Value(Decimal(0)),
                output_field=models.DecimalField(max_digits=10, decimal_places=2),
            )
        )


def _contact_rule(user) -> Q:
    """Whose contact details `user` may see: their own, and those of the volunteers of
    the assets they coordinate. Not staff's, link workers' or anybody else's."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(user=user) | belonging_to(coordinated_assets(user))


class Volunteer(models.Model):
    display_name = models.CharField(_("display name"), max_length=120)
    # Contact details and skills are private: see `can_see_contact`.
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    skills = models.TextField(_("skills"), blank=True, help_text=_("Never shown publicly."))
    consent_text = models.TextField(_("what they agreed to"), blank=True)
    consent_given_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer",
        help_text=_("Optional: lets the volunteer see their own record."),
    )
    networks = models.ManyToManyField(
        "networks.Network", verbose_name=_("GP networks"), related_name="volunteers", blank=True
    )
    assets = models.ManyToManyField(
        "assetmap.Asset", verbose_name=_("groups"), related_name="volunteers", blank=True
    )
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def reference(self) -> str:
        """What a volunteer tells another to receive a gift of credits: volunteers
        cannot look each other up."""
        return f"V{self.pk}"

    def is_coordinated_by(self, user) -> bool:
        """Whether `user` coordinates one of the assets this volunteer belongs to."""
        assets = coordinated_assets(user)
        return Volunteer.objects.filter(pk=self.pk).filter(belonging_to(assets)).exists()

    def is_managed_by(self, user) -> bool:
        """Who looks after the record (checks, erasure): staff, and the coordinators of
        the volunteer's groups. Contact details are narrower: see `can_see_contact`."""
        return roles.is_staff_member(user) or self.is_coordinated_by(user)

    def can_see_contact(self, user) -> bool:
        """Contact details and skills: the volunteer themselves and the coordinators of
        their groups only (not network leads, link workers or anybody else)."""
        return Volunteer.objects.filter(pk=self.pk).filter(_contact_rule(user)).exists()


class DbsLevel(models.TextChoices):
    NONE = "none", _("No check needed")
    BASIC = "basic", _("Basic")
    STANDARD = "standard", _("Standard")
    ENHANCED = "enhanced", _("Enhanced")
    ENHANCED_BARRED = "enhanced_barred", _("Enhanced with barred lists")


class OpportunityQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def visible_to(self, user):
        """Public opportunities for everybody; every opportunity for professionals."""
        if roles.is_professional(user):
            return self.all()
        return self.public()


class Opportunity(models.Model):
    """A volunteering role at an asset."""

    asset = models.ForeignKey(
        "assetmap.Asset",
        verbose_name=_("asset"),
        on_delete=models.CASCADE,
        related_name="opportunities",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    time_commitment = models.CharField(
        _("time commitment"), max_length=200, blank=True, help_text=_("E.g. 2 hours a week.")
    )
    dbs_level = models.CharField(
        _("DBS check needed"), max_length=16, choices=DbsLevel.choices, default=DbsLevel.NONE
    )
    is_public = models.BooleanField(_("shown on the asset's page"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["asset", "title"]
        verbose_name_plural = _("opportunities")
        constraints = [
            models.CheckConstraint(
                condition=Q(dbs_level__in=DbsLevel.values), name="opportunity_dbs_level_valid"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.asset})"

    @property
    def needs_dbs(self) -> bool:
        return self.dbs_level != DbsLevel.NONE


class SafeguardingCheckQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff all; coordinators their volunteers' checks; a volunteer their own."""
        return self.filter(volunteer__in=Volunteer.objects.visible_to(user))

    def current(self):
        """Each volunteer's latest check of each level: an older one that a newer check
        replaced is history, not something to re-do."""
        newer = SafeguardingCheck.objects.filter(
            volunteer=OuterRef("volunteer"),
            level=OuterRef("level"),
            issued_on__gt=OuterRef("issued_on"),
        )
        return self.exclude(Exists(newer))

    def due_within(self, days: int = 30, today: dt.date | None = None):
        """Current checks to re-do within `days` of `today` (including overdue ones), of
        volunteers who have not been erased."""
        today = today or timezone.localdate()
        return (
            self.current()
            .filter(volunteer__erased_at__isnull=True)
            .filter(recheck_due__lte=today + dt.timedelta(days=days))
            .order_by("recheck_due")
        )


class SafeguardingCheck(models.Model):
    """A DBS check: only its level and dates, never the certificate's contents."""

    volunteer = models.ForeignKey(
        Volunteer,
        verbose_name=_("volunteer"),
        on_delete=models.CASCADE,
        related_name="safeguarding_checks",
    )
    level = models.CharField(
        _("level"),
        max_length=16,
        choices=[c for c in DbsLevel.choices if c[0] != DbsLevel.NONE],
    )
    issued_on = models.DateField(_("issued on"))
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_on = models.DateField(_("verified on"))
    recheck_due = models.DateField(_("re-check due"))

    objects = SafeguardingCheckQuerySet.as_manager()

    class Meta:
        ordering = ["recheck_due"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recheck_due__gt=F("issued_on")),
                name="safeguarding_recheck_after_issue",
                violation_error_message=_("The re-check date must be after the issue date."),
            ),
            models.CheckConstraint(
                condition=Q(level__in=DbsLevel.values) & ~Q(level=DbsLevel.NONE),
                name="safeguarding_level_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_level_display()} check for {self.volunteer}"

    @property
    def is_overdue(self) -> bool:
        return self.recheck_due < timezone.localdate()


class HoursStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class HoursEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff all; coordinators the entries at assets they coordinate; a volunteer
        their own; nobody else any."""
        if not user.is_authenticated:
            return self.none()
        if roles.is_staff_member(user):
            return self.all()
        return self.filter(Q(volunteer__user=user) | Q(asset__in=coordinated_assets(user)))

    def effective(self):
        """Entries not rejected and not replaced by a correction that is not rejected:
        what counts towards a volunteer's day."""
        replaced = HoursEntry.objects.filter(corrects=OuterRef("pk")).exclude(
            status=HoursStatus.REJECTED
        )
        return self.exclude(status=HoursStatus.REJECTED).exclude(Exists(replaced))

    def awaiting(self, user):
        """Pending hours `user` can decide: at the assets they coordinate (anywhere for
        staff), never their own."""
        pending = self.visible_to(user).filter(status=HoursStatus.PENDING)
        if not roles.is_staff_member(user):
            pending = pending.filter(asset__in=coordinated_assets(user))
        return pending.exclude(volunteer__user=user)

    def counted(self):
        """Approved entries not replaced by an approved correction: the hours given."""
        replaced = HoursEntry.objects.filter(corrects=OuterRef("pk"), status=HoursStatus.APPROVED)
        return self.filter(status=HoursStatus.APPROVED).exclude(Exists(replaced))


class HoursEntry(models.Model):
    """Hours a volunteer gave. Pending until a coordinator decides; an approved entry is
    never edited: a correction is a new entry pointing at it (`corrects`)."""

    volunteer = models.ForeignKey(
        Volunteer,
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        related_name="hours_entries",
    )
    asset = models.ForeignKey(
        "assetmap.Asset",
        verbose_name=_("asset"),
        on_delete=models.PROTECT,
        related_name="hours_entries",
    )
    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hours_entries",
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    description = models.TextField(_("what they did"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=HoursStatus.choices, default=HoursStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejecting"), blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HoursEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name_plural = _("hours entries")
        indexes = [models.Index(fields=["volunteer", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=MAX_HOURS_PER_DAY),
                name="hours_between_0_and_24",
                violation_error_message=_("Hours must be more than 0 and at most 24."),
            ),
            models.CheckConstraint(
                condition=Exact(Mod(F("hours") * 4, 1), 0),
                name="hours_in_quarter_steps",
                violation_error_message=_("Hours go in quarter-hour steps (0.25, 0.5, 0.75)."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=HoursStatus.values), name="hours_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=HoursStatus.REJECTED) | ~Q(rejection_reason=""),
                name="hours_rejection_has_reason",
                violation_error_message=_("Give a reason for rejecting the hours."),
            ),
            models.CheckConstraint(
                condition=~Q(corrects=F("pk")), name="hours_does_not_correct_itself"
            ),
        ]

    def __str__(self):
        return f"{self.hours} h by {self.volunteer} on {self.date}"

    def clean(self):
        errors = {}
        if self.hours is not None and self.hours % Decimal("0.25") != 0:
            errors["hours"] = _("Hours go in quarter-hour steps (0.25, 0.5, 0.75).")
        if self.opportunity_id and self.asset_id and self.opportunity.asset_id != self.asset_id:
            errors["opportunity"] = _("That opportunity belongs to another asset.")
        if errors:
            raise ValidationError(errors)


class CreditKind(models.TextChoices):
    EARN = "earn", _("Earned")
    SPEND = "spend", _("Spent")
    GIFT = "gift", _("Gift")
    ADJUST = "adjust", _("Adjustment")


class CreditEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff all; coordinators their volunteers' entries and their assets' banks; a
        volunteer their own."""
        if not user.is_authenticated:
            return self.none()
        if roles.is_staff_member(user):
            return self.all()
        return self.filter(
            Q(volunteer__in=Volunteer.objects.visible_to(user))
            | Q(bank_asset__in=coordinated_assets(user))
        )


class CreditEntry(models.Model):
    """One line of the time-credit ledger, held by a volunteer or by a group's bank.
    Positive amounts credit the holder, negative ones debit it. Rows are only ever
    added (by volunteers.services); a balance is the sum of a holder's rows."""

    volunteer = models.ForeignKey(
        Volunteer,
        verbose_name=_("volunteer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_entries",
    )
    bank_asset = models.ForeignKey(
        "assetmap.Asset",
        verbose_name=_("group's bank"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_bank_entries",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=CreditKind.choices)
    amount = models.DecimalField(_("credits"), max_digits=8, decimal_places=2)
    hours_entry = models.ForeignKey(
        HoursEntry,
        verbose_name=_("for hours"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_entries",
    )
    spend_partner = models.ForeignKey(
        "assetmap.Asset",
        verbose_name=_("spent at"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_spends",
    )
    what_bought = models.CharField(_("what was bought"), max_length=200, blank=True)
    counterpart = models.OneToOneField(
        "self",
        verbose_name=_("the other side of the gift"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_as",
        help_text=_("On the receiving side of a gift: the giver's entry."),
    )
    reason = models.TextField(_("reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CreditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = _("credit entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(volunteer__isnull=False, bank_asset__isnull=True)
                | Q(volunteer__isnull=True, bank_asset__isnull=False),
                name="credit_held_by_volunteer_or_bank",
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="credit_amount_not_zero"),
            models.CheckConstraint(
                condition=Q(kind__in=CreditKind.values), name="credit_kind_valid"
            ),
            # An earn row belongs to hours (a correction may earn a negative difference).
            models.CheckConstraint(
                condition=~Q(kind=CreditKind.EARN)
                | Q(hours_entry__isnull=False, volunteer__isnull=False),
                name="credit_earn_has_hours",
            ),
            models.UniqueConstraint(
                fields=["hours_entry"],
                condition=Q(kind=CreditKind.EARN),
                name="credit_earned_once_per_hours_entry",
            ),
            models.CheckConstraint(
                condition=~Q(kind=CreditKind.SPEND)
                | (Q(amount__lt=0, spend_partner__isnull=False) & ~Q(what_bought="")),
                name="credit_spend_has_partner_and_purchase",
            ),
            models.CheckConstraint(
                condition=~Q(kind=CreditKind.ADJUST) | ~Q(reason=""),
                name="credit_adjust_has_reason",
            ),
        ]

    def __str__(self):
        holder = self.volunteer or f"bank of {self.bank_asset}"
        return f"{self.get_kind_display()} {self.amount:+} for {holder}"


class SurveyResponseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The scores: staff all (for indicators), coordinators those at their assets, a
        volunteer their own. Comments are narrower: see `comments_visible_to`."""
        return self.filter(hours_entry__in=HoursEntry.objects.visible_to(user))

    def comments_visible_to(self, user):
        """Responses whose comment `user` may read: the coordinators of the asset, and
        the volunteer who wrote it; not network leads or anybody else."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(hours_entry__asset__in=coordinated_assets(user))
            | Q(hours_entry__volunteer__user=user)
        )


class SurveyResponse(models.Model):
    """How it went, answered by the volunteer after approved hours (one per entry)."""

    hours_entry = models.OneToOneField(
        HoursEntry,
        verbose_name=_("hours"),
        on_delete=models.PROTECT,
        related_name="survey_response",
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1-5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    felt_valued = models.PositiveSmallIntegerField(
        _("I felt valued (1-5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    would_recommend = models.BooleanField(_("would recommend"))
    comment = models.TextField(_("comment"), blank=True, help_text=_("Coordinators only."))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SurveyResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1, satisfaction__lte=5),
                name="survey_satisfaction_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(felt_valued__gte=1, felt_valued__lte=5),
                name="survey_felt_valued_1_to_5",
            ),
        ]

    def __str__(self):
        return f"Survey for {self.hours_entry}"


class IndicatorMonth(models.Model):
    """The board's figures for one month, stored once computed (see
    volunteers.indicators): recomputing them from a million hour entries takes
    seconds, reading them back a millisecond. A write that changes a month's figures
    marks it and every later month stale (`invalidated_at`); a stale or missing month
    is computed again when next read."""

    month = models.DateField(_("month"), unique=True)
    rows = models.JSONField(_("figures per network and for the whole area"))
    # Database time when the computation started: later writes make the month stale.
    computed_from = models.DateTimeField(_("computed from data as of"))
    invalidated_at = models.DateTimeField(_("made stale at"), null=True, blank=True)

    class Meta:
        ordering = ["month"]

    def __str__(self):
        return f"Indicators for {self.month:%B %Y}"

    @property
    def is_fresh(self) -> bool:
        return self.invalidated_at is None or self.computed_from > self.invalidated_at
