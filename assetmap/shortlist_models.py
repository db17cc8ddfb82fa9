"""Shortlists: the few listings a link worker hands a patient, shared by an unguessable
link that expires. A shortlist holds no patient identifiers: no name, no NHS number,
no notes about the person. Imported by assetmap.models."""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.gis.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    # 32 random bytes: unguessable, and URL-safe as it is.
    return secrets.token_urlsafe(32)


def default_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.SHORTLIST_EXPIRES_DAYS)


class ShortlistQuerySet(models.QuerySet):
    def shared(self, token: str, now: dt.datetime | None = None):
        """The shortlist behind a shared link, if the link has not expired."""
        return self.filter(token=token, expires_at__gt=now or timezone.now())

    def of(self, user):
        return self.filter(created_by=user)


class Shortlist(models.Model):
    title = models.CharField(
        _("title"),
        max_length=120,
        blank=True,
        help_text=_('What it is for, for example "Tuesday mornings". Never the patient\'s name.'),
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="shortlists",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("link expires"), default=default_expiry)
    assets = models.ManyToManyField(
        "assetmap.Asset", through="ShortlistItem", related_name="+", blank=True
    )

    objects = ShortlistQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title or f"Shortlist {self.pk}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class ShortlistItem(models.Model):
    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="items")
    asset = models.ForeignKey("assetmap.Asset", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(
        _("note for the patient"),
        max_length=280,
        blank=True,
        help_text=_("For example: ask for Rina at the door. Nothing about the patient."),
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["shortlist", "asset"], name="shortlist_asset_once")
        ]
