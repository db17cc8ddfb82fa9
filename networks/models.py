import re

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from assetmap.geo import validate_in_uk
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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("GP network")
        verbose_name_plural = _("GP networks")

    def __str__(self):
        return self.name

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
