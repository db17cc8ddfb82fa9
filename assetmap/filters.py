"""Searching and filtering assets: the query parameters of /api/v1/assets/ and its map.

Each parameter is checked before anything runs: a value the filter cannot use (an
unknown category, a point off the globe, a box the wrong way round) is a 400 naming
the parameter, never an empty list that looks like "nothing there".
"""

import copy
import datetime as dt
import re
from dataclasses import dataclass

import django_filters as filters
from django import forms
from django.contrib.gis.geos import Point, Polygon
from django.core.exceptions import ValidationError
from django.db.models import Case, F, FloatField, Func, Value, When
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import BaseCSVField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from assetmap.models import (
    LONDON,
    AccessibilityFeature,
    Asset,
    AssetKind,
    Category,
    Cost,
    Language,
    Postcode,
    Status,
    Weekday,
    is_stale_condition,
)
from networks.models import Network

DEFAULT_RADIUS_M = 2000
MAX_RADIUS_M = 50_000

NEAR_FORMAT = _("Give a point as latitude,longitude, for example 51.5246,-0.0119.")
LATITUDE_RANGE = _("Latitude is between -90 and 90.")
LONGITUDE_RANGE = _("Longitude is between -180 and 180.")
BBOX_FORMAT = _(
    "Give a box as west,south,east,north in degrees, for example -0.05,51.50,0.0,51.54."
)
BBOX_ORDER = _("The box's west edge must be left of its east edge, and south below north.")
OPEN_AT_FORMAT = _(
    "Give a day and time, for example tuesday 14:00, or a date and time, "
    "for example 2026-11-24T14:00."
)
ONE_PLACE = _("Give either near or postcode, not both.")
RADIUS_NEEDS_PLACE = _("Give near or postcode to search within a distance.")
DISTANCE_NEEDS_PLACE = _("Give near or postcode to order by distance.")
RELEVANCE_NEEDS_Q = _("Give q to order by relevance.")
OPEN_NOW_AND_AT = _("Give either open_at or open_now, not both.")

_DAYS = {day.label.lower(): day.value for day in Weekday}
_DAYS.update({name[:3]: value for name, value in list(_DAYS.items())})


def parse_lat_lng(value: str) -> Point:
    """ "51.5246,-0.0119" as a point (x=longitude, y=latitude, SRID 4326)."""
    try:
        lat, lng = (float(part) for part in value.split(","))
    except ValueError:
        raise ValidationError(NEAR_FORMAT) from None
    if not -90 <= lat <= 90:
        raise ValidationError(LATITUDE_RANGE)
    if not -180 <= lng <= 180:
        raise ValidationError(LONGITUDE_RANGE)
    return Point(lng, lat, srid=4326)


def parse_bbox(value: str) -> Polygon:
    """ "west,south,east,north" (Leaflet's toBBoxString order) as a polygon."""
    try:
        west, south, east, north = (float(part) for part in value.split(","))
    except ValueError:
        raise ValidationError(BBOX_FORMAT) from None
    if not all(-90 <= y <= 90 for y in (south, north)):
        raise ValidationError(LATITUDE_RANGE)
    if not all(-180 <= x <= 180 for x in (west, east)):
        raise ValidationError(LONGITUDE_RANGE)
    if west >= east or south >= north:
        raise ValidationError(BBOX_ORDER)
    box = Polygon.from_bbox((west, south, east, north))
    box.srid = 4326
    return box


@dataclass(frozen=True)
class OpenAt:
    """When someone wants to go: a weekday (at a time, or any time that day), or a
    moment on a date, which also respects monthly sessions and end dates."""

    weekday: int | None = None
    time: dt.time | None = None
    moment: dt.datetime | None = None

    @classmethod
    def parse(cls, value: str) -> "OpenAt":
        text = value.strip().lower()
        match = re.fullmatch(r"([a-z]+)(?:[ t]+(\d{1,2}):(\d{2}))?", text)
        if match and match.group(1) in _DAYS:
            time = None
            if match.group(2) is not None:
                try:
                    time = dt.time(int(match.group(2)), int(match.group(3)))
                except ValueError:
                    raise ValidationError(OPEN_AT_FORMAT) from None
            return cls(weekday=_DAYS[match.group(1)], time=time)
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(OPEN_AT_FORMAT) from None
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=LONDON)
        return cls(moment=moment)

    def filter(self, assets):
        if self.moment is not None:
            return assets.open_at(self.moment)
        return assets.meeting_on(self.weekday, self.time)


class _ParsedField(forms.CharField):
    parser = None

    def clean(self, value):
        value = super().clean(value)
        return type(self).parser(value) if value else None


class LatLngField(_ParsedField):
    parser = staticmethod(parse_lat_lng)


class BBoxField(_ParsedField):
    parser = staticmethod(parse_bbox)


class OpenAtField(_ParsedField):
    parser = staticmethod(OpenAt.parse)


@extend_schema_field(OpenApiTypes.STR)
class LatLngFilter(filters.Filter):
    field_class = LatLngField


@extend_schema_field(OpenApiTypes.STR)
class BBoxFilter(filters.Filter):
    field_class = BBoxField


@extend_schema_field(OpenApiTypes.STR)
class OpenAtFilter(filters.Filter):
    field_class = OpenAtField


class CommaSeparatedField(BaseCSVField):
    """Values separated by commas, empty ones left out: "a,,b," is a and b, and ","
    is no value at all (like an empty parameter), not a search for ""."""

    def clean(self, value):
        if value is not None:
            value = [item for item in value if item.strip()] or None
        return super().clean(value)


class ChoiceInFilter(filters.BaseInFilter, filters.ChoiceFilter):
    """Several choices, comma-separated: ?kind=association,institution."""

    base_field_class = CommaSeparatedField


class CategorySlugsField(CommaSeparatedField):
    """Category slugs, cleaned into the ids of those categories and their
    sub-categories; a slug that names no category is an error."""

    def clean(self, value):
        slugs = super().clean(value)
        if not slugs:
            return slugs
        category_ids, unknown = Category.objects.family_ids(slugs)
        if unknown:
            names = ", ".join(sorted(unknown))
            raise ValidationError(gettext("Unknown category: %(names)s.") % {"names": names})
        return category_ids


class CategoryFilter(filters.BaseInFilter, filters.CharFilter):
    base_field_class = CategorySlugsField


class AssetFilterForm(forms.Form):
    """Rules between parameters, and the postcode turned into a point."""

    def clean(self):
        data = super().clean()
        if data.get("near") and data.get("postcode"):
            self.add_error("postcode", ONE_PLACE)
        elif data.get("postcode"):
            try:
                data["near"] = Postcode.objects.point_of(data["postcode"])
            except ValidationError as error:
                self.add_error("postcode", error)
        has_place = bool(data.get("near") or data.get("postcode"))
        if data.get("radius_m") is not None and not has_place:
            self.add_error("radius_m", RADIUS_NEEDS_PLACE)
        elif has_place and "radius_m" in data:
            data["radius_m"] = float(data["radius_m"] or DEFAULT_RADIUS_M)
        if data.get("ordering") == "distance" and not has_place:
            self.add_error("ordering", DISTANCE_NEEDS_PLACE)
        if data.get("ordering") == "relevance" and not data.get("q"):
            self.add_error("ordering", RELEVANCE_NEEDS_Q)
        if data.get("open_at") and data.get("open_now"):
            self.add_error("open_now", OPEN_NOW_AND_AT)
        return data


class AssetFilter(filters.FilterSet):
    q = filters.CharFilter(
        method="filter_q",
        max_length=200,
        help_text='Words to search for: stemmed ("walks" finds "walking"), with "quoted '
        'phrases" and -excluded words; near spellings are found when nothing matches.',
    )
    category = CategoryFilter(
        method="filter_category",
        help_text="Category slugs, comma-separated; a top-level category includes its "
        "sub-categories.",
    )
    kind = ChoiceInFilter(field_name="kind", choices=AssetKind.choices, help_text="Kinds of asset.")
    network = filters.ModelChoiceFilter(
        queryset=Network.objects.all(), to_field_name="slug", help_text="A GP network's slug."
    )
    near = LatLngFilter(
        method="filter_nothing",
        help_text="latitude,longitude: only assets within radius_m of this point, with "
        "their distance.",
    )
    postcode = filters.CharFilter(
        method="filter_nothing", max_length=20, help_text="A UK postcode, instead of near."
    )
    radius_m = filters.NumberFilter(
        method="filter_nothing",
        min_value=1,
        max_value=MAX_RADIUS_M,
        help_text=f"Metres from near or postcode (default {DEFAULT_RADIUS_M}).",
    )
    bbox = BBoxFilter(method="filter_bbox", help_text="west,south,east,north in degrees (WGS84).")
    open_at = OpenAtFilter(
        method="filter_nothing",
        help_text='A weekday with or without a time ("tuesday", "tue 14:00"), or a date and '
        'time ("2026-11-24T14:00", UK time unless an offset is given).',
    )
    open_now = filters.BooleanFilter(method="filter_nothing", help_text="Meeting right now.")
    free = filters.BooleanFilter(method="filter_free", help_text="Free of charge (or not).")
    accessibility = ChoiceInFilter(
        method="filter_accessibility",
        choices=AccessibilityFeature.choices,
        help_text="Access features, comma-separated: assets with all of them.",
    )
    language = ChoiceInFilter(
        method="filter_language",
        choices=Language.choices,
        help_text="Language codes, comma-separated: assets run in any of them.",
    )
    age = filters.NumberFilter(
        method="filter_age", min_value=0, max_value=120, help_text="An age the asset welcomes."
    )
    status = ChoiceInFilter(
        field_name="status",
        choices=Status.choices,
        help_text="Statuses (people working in the programme only; residents see published "
        "assets).",
    )
    ordering = filters.ChoiceFilter(
        method="filter_nothing",
        choices=[
            ("relevance", "relevance"),
            ("distance", "distance"),
            ("-verified", "-verified"),
            ("name", "name"),
        ],
        help_text="relevance (the default with q), distance (the default with a place), "
        "-verified (recently checked first) or name (the default otherwise).",
    )

    class Meta:
        model = Asset
        fields = []
        form = AssetFilterForm

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # django-filter's own __init__, but copying each filter shallowly: it deep-copies
        # them all for every request (3 ms of a search), though a filter keeps nothing
        # of a request but its parent. A method filter is bound to its copy again.
        if queryset is None:
            queryset = Asset.objects.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {}
        for name, base in self.base_filters.items():
            copied = copy.copy(base)
            if base.method is not None:
                copied.method = base.method
            copied.model, copied.parent = queryset.model, self
            self.filters[name] = copied

    def get_form_class(self):
        # Built once per process: django-filter builds it, and every form field, for
        # each request (about 4 ms of a search).
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def filter_nothing(self, assets, name, value):
        # Parameters that work together are applied in filter_queryset.
        return assets

    def filter_q(self, assets, name, value):
        return assets.search(value)

    def filter_category(self, assets, name, value):
        return assets.in_category_ids(value)

    def filter_bbox(self, assets, name, value):
        return assets.in_bbox(value)

    def filter_free(self, assets, name, value):
        return assets.filter(cost=Cost.FREE) if value else assets.exclude(cost=Cost.FREE)

    def filter_accessibility(self, assets, name, value):
        return assets.filter(accessibility__contains=list(value))

    def filter_language(self, assets, name, value):
        return assets.filter(languages__overlap=list(value))

    def filter_age(self, assets, name, value):
        return assets.for_age(int(value))

    def filter_queryset(self, assets):
        return self.filter_with(assets, self.form.cleaned_data)

    def filter_with(self, assets, data: dict):
        """`assets` filtered and ordered by the cleaned parameters `data`: the form's, or
        others in their place (assetmap.statements)."""
        for name, value in data.items():
            assets = self.filters[name].filter(assets, value)
        point = data.get("near")
        if point is not None:
            assets = assets.near(point, data["radius_m"])
        if data.get("open_now"):
            assets = assets.open_at(timezone.now())
        elif data.get("open_at"):
            assets = data["open_at"].filter(assets)
        return assets.order_by(*self._ordering(data.get("ordering"), data))

    # The parameters that reach the SQL only as parameters, never changing its text:
    # a search's statement, compiled once, serves other values of these
    # (assetmap.statements). Nothing may choose SQL by their values: tracing compares
    # two stand-ins, which cannot show an `if` on, say, the length of q.
    TRACED = ("q", "near", "radius_m", "category")

    def traced_values(self) -> dict:
        data = self.form.cleaned_data
        return {name: data[name] for name in self.TRACED if data.get(name) not in EMPTY_VALUES}

    def statement_shape(self) -> tuple | None:
        """What, besides the traced values, decides the search's SQL: every other
        parameter's value. None when the SQL depends on the time of the request."""
        data = self.form.cleaned_data
        if data.get("open_now"):
            return None
        traced = self.traced_values()
        return tuple(
            (name, tuple(value) if isinstance(value, list) else value)
            for name, value in data.items()
            # A postcode reaches the SQL only as the point it stands for (near).
            if name not in traced and name != "postcode"
        )

    @property
    def point(self) -> Point | None:
        return self.form.cleaned_data.get("near") if self.is_valid() else None

    @staticmethod
    def _ordering(chosen: str | None, data) -> list:
        chosen = chosen or (
            "relevance" if data.get("q") else "distance" if data.get("near") else "name"
        )
        return {
            "relevance": [_weighted("relevance", STALE_RELEVANCE).desc(), "name", "pk"],
            "distance": [_weighted("distance", STALE_DISTANCE).asc(), "name", "pk"],
            "-verified": [F("assured_date").desc(nulls_last=True), "name", "pk"],
            "name": ["name", "pk"],
        }[chosen]


# Listings nobody has confirmed for a year rank lower (Open Referral's advice: stale
# data is every directory's failure): as if half as relevant, or twice as far away.
# The distance shown stays the true one.
STALE_RELEVANCE = 0.5
STALE_DISTANCE = 2.0


def _weighted(annotation: str, stale_weight: float) -> Func:
    weight = Case(When(is_stale_condition(), then=Value(stale_weight)), default=Value(1.0))
    return Func(
        F(annotation),
        weight,
        template="(%(expressions)s)",
        arg_joiner=" * ",
        output_field=FloatField(),
    )
