"""Geographic rules shared by every app."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The United Kingdom's extent, including Shetland, the Scillies and Northern Ireland.
# A box, not a coastline: its job is to catch swapped or zeroed coordinates and
# points typed for the wrong country, not to adjudicate the shoreline.
UK_MIN_LAT, UK_MAX_LAT = 49.8, 60.95
UK_MIN_LNG, UK_MAX_LNG = -8.7, 1.8

OUTSIDE_UK = _(
    "This point (latitude %(lat).5f, longitude %(lng).5f) is outside the United Kingdom. "
    "Check that latitude and longitude are not swapped."
)


def validate_in_uk(point) -> None:
    """Refuse a point (SRID 4326, x=longitude, y=latitude) outside the UK."""
    if point is None:
        return
    if point.srid and point.srid != 4326:
        point = point.transform(4326, clone=True)
    lng, lat = point.x, point.y
    if not (UK_MIN_LAT <= lat <= UK_MAX_LAT and UK_MIN_LNG <= lng <= UK_MAX_LNG):
        raise ValidationError(OUTSIDE_UK, code="outside_uk", params={"lat": lat, "lng": lng})
