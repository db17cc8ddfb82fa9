"""Form helpers every app's pages share."""

from django import forms
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from assetmap.geo import validate_in_uk

POINT_HALF_GIVEN = _("Give both the latitude and the longitude, or neither.")


class NoColonMixin:
    """Labels without the trailing colon Django adds by default (GOV.UK style)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def show_service_errors(form, error: ValidationError, also: tuple[str, ...] = ()) -> None:
    """Show a service's refusal on the form: beside its field where the form has it (or
    it is one of `also`, names the form reports errors under), at the top otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_errors in error.error_dict.items():
        form.add_error(field if field in form.fields or field in also else None, field_errors)


class MapPointFields(forms.Form):
    """Latitude and longitude boxes, filled by a tap on the form's map (or typed), for
    the model's point field `point_field`. The model's errors about that field show at
    the latitude, where the person placing the point looks."""

    point_field = "location"

    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )

    def show_point(self, point) -> None:
        if point is not None:
            self.initial.setdefault("latitude", round(point.y, 6))
            self.initial.setdefault("longitude", round(point.x, 6))

    def typed_point(self, cleaned) -> Point | None:
        """The point in the boxes, checked to be in the UK. None when both are empty,
        or when they are wrong (half filled, outside the UK): then the form says so."""
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None):
            self.add_error("latitude" if latitude is None else "longitude", POINT_HALF_GIVEN)
            return None
        if latitude is None:
            return None
        point = Point(longitude, latitude, srid=4326)
        try:
            validate_in_uk(point)
        except ValidationError as error:
            self.add_error("latitude", error)
            return None
        return point

    def add_error(self, field, error):
        if field == self.point_field:
            field = "latitude"
        if hasattr(error, "error_dict") and self.point_field in error.error_dict:
            errors = error.error_dict.pop(self.point_field)
            error.error_dict.setdefault("latitude", []).extend(errors)
        super().add_error(field, error)
