import re

from django.conf import settings
from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assetmap import roles
from assetmap.geo import validate_in_uk
from assetmap.models import Asset, recorded_by
from assetmap.postcodes import normalise_postcode

# NHS ODS codes for GP practices: one letter then five digits (e.g. F84003).
ODS_CODE_VALIDATOR = RegexValidator(
    re.compile(r"^[A-Z]\d{5}$"), _("An ODS practice code is a letter and five digits, e.g. F84003.")
)


class Network(models.Model):
    """A GP network (primary care network): the neighbourhood the programme works in."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    boundary = models.MultiPolygonField(_("boundary"), srid=4326)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitators"),
        related_name="facilitated_networks",
        blank=True,
        help_text=_("Facilitators who record events, stories and connections here."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("GP network")
        verbose_name_plural = _("GP networks")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("networks:detail", args=[self.slug])

    def can_edit_programme(self, user) -> bool:
        """Staff everywhere; a facilitator only in the networks they are assigned to."""
        if roles.is_staff_member(user):
            return True
        return (
            roles.has_role(user, roles.Role.FACILITATOR)
            and self.facilitators.filter(pk=user.pk).exists()
        )

    def clean(self):
        if self.boundary is not None and not self.boundary.valid:
            raise ValidationError({"boundary": _("The boundary is not a valid polygon.")})


class Practice(models.Model):
    """A GP practice: a point, identified by its NHS ODS code."""

    ods_code = models.CharField(
        _("ODS code"), max_length=6, unique=True, validators=[ODS_CODE_VALIDATOR]
    )
    name = models.CharField(_("name"), max_length=200)
    location = models.PointField(_("location"), srid=4326, validators=[validate_in_uk])
    address = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=8, blank=True)
    network = models.ForeignKey(
        Network,
        verbose_name=_("network"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="practices",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.ods_code})"

    def clean(self):
        if self.postcode:
            try:
                self.postcode = normalise_postcode(self.postcode)
            except ValidationError as error:
                raise ValidationError({"postcode": error}) from error


class Theme(models.Model):
    """Something people talked about at listening events ("isolation", "safety at
    night"): one tag reused across events, matched without regard to case."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="theme_name_unique_ignoring_case")
        ]

    def __str__(self):
        return self.name


class ListeningEventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def visible_to(self, user):
        """Professionals see every event; residents only published ones."""
        if roles.is_professional(user):
            return self.all()
        return self.published()


class ListeningEvent(models.Model):
    """A facilitated community conversation ("what matters to you?") in a network."""

    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    network = models.ForeignKey(
        Network, verbose_name=_("GP network"), on_delete=models.PROTECT, related_name="events"
    )
    place_name = models.CharField(_("where it was held"), max_length=200)
    place = models.PointField(
        _("place on the map"), srid=4326, null=True, blank=True, validators=[validate_in_uk]
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("facilitators"),
        related_name="facilitated_events",
        blank=True,
    )
    people_count = models.PositiveIntegerField(
        _("number of people"), validators=[MaxValueValidator(100_000)]
    )
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes heard"), related_name="events", blank=True
    )
    notes = models.TextField(
        _("what matters to people"),
        blank=True,
        help_text=_("Seen only by professionals. Do not write names or health details."),
    )
    is_published = models.BooleanField(_("show to residents"), default=False)
    assets_found = models.ManyToManyField(
        "assetmap.Asset",
        through="Discovery",
        verbose_name=_("groups discovered"),
        related_name="found_at_events",
        blank=True,
    )
    created_by = recorded_by()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ListeningEventQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(people_count__lte=100_000), name="event_people_count_plausible"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.date:%-d %b %Y})"

    def get_absolute_url(self):
        return reverse("networks:event", args=[self.network.slug, self.pk])

    def clean(self):
        if self.date and self.date > timezone.localdate():
            raise ValidationError(
                {"date": _("Record an event once it has happened: the date is in the future.")}
            )


class Discovery(models.Model):
    """A group heard about at a listening event: how every asset can say where it was found."""

    event = models.ForeignKey(ListeningEvent, on_delete=models.CASCADE, related_name="discoveries")
    asset = models.ForeignKey(
        "assetmap.Asset", on_delete=models.CASCADE, related_name="discoveries"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name_plural = _("discoveries")
        constraints = [
            models.UniqueConstraint(fields=["event", "asset"], name="discovery_once_per_event")
        ]

    def __str__(self):
        return f"{self.asset} at {self.event}"


class Consent(models.TextChoices):
    PRIVATE = "private", _("Not for publication")
    ANONYMOUS = "anonymous", _("Publish without names")
    NAMED = "named", _("Publish with the storyteller's name")


class StoryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True).exclude(consent=Consent.PRIVATE)

    def visible_to(self, user):
        """Professionals see every story; residents only published ones."""
        if roles.is_professional(user):
            return self.all()
        return self.published()


WITHHELD = "[name withheld]"


class Story(models.Model):
    """A story heard in a network, published only with the storyteller's consent."""

    network = models.ForeignKey(
        Network, verbose_name=_("GP network"), on_delete=models.PROTECT, related_name="stories"
    )
    event = models.ForeignKey(
        ListeningEvent,
        verbose_name=_("listening event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stories",
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("story"))
    storyteller_name = models.CharField(
        _("storyteller's name"),
        max_length=120,
        blank=True,
        help_text=_("Kept private unless they agreed to be named."),
    )
    consent = models.CharField(
        _("consent to publish"), max_length=12, choices=Consent.choices, default=Consent.PRIVATE
    )
    is_published = models.BooleanField(_("published"), default=False)
    created_by = recorded_by()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = _("stories")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_published=False) | ~Q(consent=Consent.PRIVATE),
                name="story_published_only_with_consent",
                violation_error_message=_("A story is published only with consent to publish."),
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.is_published and self.consent == Consent.PRIVATE:
            raise ValidationError(
                {"is_published": _("This story has no consent to publish: keep it unpublished.")}
            )
        if self.event_id and self.network_id and self.event.network_id != self.network_id:
            raise ValidationError({"event": _("The event was held in another network.")})

    @property
    def public_storyteller(self) -> str:
        """The storyteller's name where they agreed to be named, else nothing."""
        return self.storyteller_name if self.consent == Consent.NAMED else ""

    def public_text(self) -> str:
        """The text as residents read it: without consent to be named, every mention
        of the storyteller's names is withheld."""
        return self._withhold_names(self.text)

    @property
    def public_title(self) -> str:
        return self._withhold_names(self.title)

    def _withhold_names(self, value: str) -> str:
        # The full name and each part of it ("Anne-Marie O'Neil" gives Anne-Marie,
        # Anne, Marie, O'Neil, Neil...), longest first; single letters are left alone.
        name = self.storyteller_name.strip()
        if self.consent == Consent.NAMED or not name:
            return value
        parts = {name, *name.split(), *re.split(r"[\s\-'’]+", name)}
        names = [re.escape(part) for part in sorted(parts, key=len, reverse=True) if len(part) > 1]
        if not names:
            return value
        return re.sub(rf"\b(?:{'|'.join(names)})\b", WITHHELD, value, flags=re.IGNORECASE)


class ConnectionKind(models.TextChoices):
    PARTNERS_WITH = "partners_with", _("partners with")
    REFERS_TO = "refers_to", _("refers people to")
    SHARES_VENUE = "shares_venue", _("shares a venue with")
    GREW_OUT_OF = "grew_out_of", _("grew out of")


class ConnectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Connections whose ends `user` may see: organisations are public; an asset end
        must be visible to them, so a resident never learns of a draft listing."""
        visible = Asset.objects.visible_to(user)
        return self.filter(Q(from_asset__isnull=True) | Q(from_asset__in=visible)).filter(
            Q(to_asset__isnull=True) | Q(to_asset__in=visible)
        )


class Connection(models.Model):
    """How two assets or organisations relate, as a facilitator recorded it."""

    network = models.ForeignKey(
        Network, verbose_name=_("GP network"), on_delete=models.CASCADE, related_name="connections"
    )
    from_asset = models.ForeignKey(
        "assetmap.Asset", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    from_organisation = models.ForeignKey(
        "assetmap.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("how they relate"), max_length=16, choices=ConnectionKind.choices)
    to_asset = models.ForeignKey(
        "assetmap.Asset", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    to_organisation = models.ForeignKey(
        "assetmap.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=280, blank=True)
    created_by = recorded_by()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConnectionQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_asset__isnull=True) ^ Q(from_organisation__isnull=True),
                name="connection_from_one_asset_or_organisation",
                violation_error_message=_("Choose one asset or one organisation on each side."),
            ),
            models.CheckConstraint(
                condition=Q(to_asset__isnull=True) ^ Q(to_organisation__isnull=True),
                name="connection_to_one_asset_or_organisation",
                violation_error_message=_("Choose one asset or one organisation on each side."),
            ),
            models.CheckConstraint(
                condition=~Q(from_asset=F("to_asset")) | Q(from_asset__isnull=True),
                name="connection_asset_not_to_itself",
                violation_error_message=_("An asset cannot be connected to itself."),
            ),
            models.CheckConstraint(
                condition=~Q(from_organisation=F("to_organisation"))
                | Q(from_organisation__isnull=True),
                name="connection_organisation_not_to_itself",
                violation_error_message=_("An organisation cannot be connected to itself."),
            ),
        ]

    def __str__(self):
        return f"{self.source} {self.get_kind_display()} {self.target}"

    @property
    def source(self):
        return self.from_asset or self.from_organisation

    @property
    def target(self):
        return self.to_asset or self.to_organisation


class WishStatus(models.TextChoices):
    IDEA = "idea", _("Idea")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class WishKind(models.TextChoices):
    CONNECTION = "connection", _("A connection to form")
    CAPACITY = "capacity", _("A capacity to build")


class WishlistItem(models.Model):
    """Something a network's community wishes for, from the programme's workshop method."""

    network = models.ForeignKey(
        Network, verbose_name=_("GP network"), on_delete=models.CASCADE, related_name="wishlist"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=WishKind.choices)
    title = models.CharField(_("wish"), max_length=200)
    description = models.TextField(_("more detail"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=WishStatus.choices, default=WishStatus.IDEA
    )
    assets = models.ManyToManyField(
        "assetmap.Asset", verbose_name=_("assets involved"), related_name="wishes", blank=True
    )
    created_by = recorded_by()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["status", "title"]

    def __str__(self):
        return self.title
