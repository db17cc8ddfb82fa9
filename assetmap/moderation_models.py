"""What residents send in about listings, and what facilitators decide about it:
problem reports ("it has closed", "wrong times"...) and the decisions on suggestions
and reports, each recording who decided and why. Imported by assetmap.models."""

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class ProblemKind(models.TextChoices):
    CLOSED = "closed", _("It has closed or stopped running")
    WRONG_TIMES = "wrong_times", _("The days or times are wrong")
    WRONG_PLACE = "wrong_place", _("It is in the wrong place")
    WRONG_CONTACT = "wrong_contact", _("The contact details are wrong")
    OTHER = "other", _("Something else")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Waiting")
    RESOLVED = "resolved", _("Dealt with")
    REJECTED = "rejected", _("Not a problem")


class ProblemReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ReportStatus.OPEN)


class ProblemReport(models.Model):
    """A resident's report that a listing is wrong. Anonymous: it holds no name or
    contact, only what is wrong."""

    asset = models.ForeignKey(
        "assetmap.Asset", on_delete=models.CASCADE, related_name="problem_reports"
    )
    kind = models.CharField(_("what is wrong"), max_length=16, choices=ProblemKind.choices)
    details = models.TextField(_("more detail"), blank=True, max_length=2000)
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProblemReportQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.asset}: {self.get_kind_display()}"


class Decision(models.TextChoices):
    PUBLISHED = "published", _("Published")
    MERGED = "merged", _("Merged into an existing listing")
    REJECTED = "rejected", _("Rejected")
    RESOLVED = "resolved", _("Dealt with")
    DISMISSED = "dismissed", _("Not a problem")


class ModerationDecision(models.Model):
    """One decision in the moderation queue, about a suggested listing or a problem
    report: what was decided, by whom, when and why."""

    suggestion = models.ForeignKey(
        "assetmap.Asset",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_decisions",
    )
    report = models.ForeignKey(
        ProblemReport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices)
    reason = models.TextField(_("reason"), blank=True)
    merged_into = models.ForeignKey(
        "assetmap.Asset",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # What was decided about, in words, so the record stays readable when the
    # suggestion or report is gone.
    subject = models.CharField(_("about"), max_length=255)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(suggestion__isnull=False)
                | models.Q(report__isnull=False)
                | models.Q(subject__gt=""),
                name="decision_is_about_something",
            )
        ]

    def __str__(self):
        return f"{self.get_decision_display()}: {self.subject}"
