"""An asset as the API shows it, built by PostgreSQL as JSON text.

Searching is the API's hot path. Building a model instance per row, parsing its point
with GEOS and serializing it field by field in Python cost more than the search
itself (bench/README.md), so the representation is one `json_build_object` per row,
in the same statement as the search. `AssetSerializer` reads it back for single
assets, so there is one representation, and a test holds it equal to what DRF's own
field-by-field serializer gives.
"""

import datetime as dt

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import models
from django.db.models import F, Func, OuterRef, Value
from django.db.models.functions import Cast

# Seconds are enough for when a listing was created or changed; UTC needs no offset.
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_SQL_TIMESTAMP_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS"Z"'


class JSONBuildObject(Func):
    """json_build_object(k1, v1, k2, v2...): keys kept in the order given (Django's
    JSONObject uses jsonb, which sorts them)."""

    function = "json_build_object"
    output_field = models.JSONField()

    def __init__(self, **fields):
        pairs = []
        for key, value in fields.items():
            pairs += [Value(key), value if hasattr(value, "resolve_expression") else F(value)]
        super().__init__(*pairs)


class _Template(Func):
    """A small SQL template around one expression."""

    def __init__(self, expression, template: str, output_field):
        super().__init__(expression, template=template, output_field=output_field)


def _utc_timestamp(field: str):
    return _Template(
        F(field),
        f"to_char(%(expressions)s AT TIME ZONE 'UTC', '{_SQL_TIMESTAMP_FORMAT}')",
        models.CharField(),
    )


def _point(field: str):
    # ST_X/ST_Y print as Python prints floats (PostgreSQL 12+: shortest exact form).
    return _Template(
        F(field),
        "CASE WHEN %(expressions)s IS NULL THEN NULL ELSE json_build_object('type', 'Point',"
        " 'coordinates', json_build_array(ST_X(%(expressions)s), ST_Y(%(expressions)s))) END",
        models.JSONField(),
    )


def _clock(field: str):
    """A time of day as "HH:MM"."""
    return Func(F(field), Value("HH24:MI"), function="to_char", output_field=models.CharField())


def _null_if_blank(field: str):
    return Func(F(field), Value(""), function="NULLIF", output_field=models.CharField())


def _rounded_metres(annotation: str):
    return _Template(F(annotation), "ROUND((%(expressions)s)::numeric, 1)", models.DecimalField())


def listing_json(
    *, page_url_prefix: str, today: dt.date, internal_notes: bool, distance: bool
) -> Cast:
    """The representation of each asset as JSON text. `distance`: the query annotates
    a `distance` (a point was given); `internal_notes`: the reader works in the
    programme."""
    from assetmap.models import Asset, RecurringSession

    links = Asset.categories.through.objects.filter(asset=OuterRef("pk"))
    sessions = RecurringSession.objects.filter(asset=OuterRef("pk")).order_by(
        "weekday", "opens_at", "pk"
    )
    stale_before = today - dt.timedelta(days=settings.ASSET_STALE_AFTER_DAYS)
    fields = {
        "id": "id",
        "slug": "slug",
        "page_url": Func(Value(page_url_prefix), F("slug"), Value("/"), function="concat"),
        "name": "name",
        "description": "description",
        "kind": "kind",
        "categories": ArraySubquery(
            links.order_by("category__position", "category__name").values("category__slug")
        ),
        "focus": "focus",
        "organisation": "organisation_id",
        "location": _point("location"),
        "address": "address",
        "postcode": "postcode",
        "online_only": "online_only",
        "network": F("network__slug"),
        "contact_name": "contact_name",
        "email": _null_if_blank("email"),
        "phone": "phone",
        "website": _null_if_blank("website"),
        "cost": "cost",
        "cost_description": "cost_description",
        "accessibility": "accessibility",
        "accessibility_notes": "accessibility_notes",
        "languages": "languages",
        "audience": "audience",
        "age_min": "age_min",
        "age_max": "age_max",
        "sessions": ArraySubquery(
            sessions.values(
                row=JSONBuildObject(
                    frequency="frequency",
                    weekday="weekday",
                    week_of_month="week_of_month",
                    opens_at=_clock("opens_at"),
                    closes_at=_clock("closes_at"),
                    valid_from="valid_from",
                    valid_to="valid_to",
                    note="note",
                )
            )
        ),
        "status": "status",
        "provenance": "provenance",
        "assured_date": "assured_date",
        "is_stale": _Template(
            F("assured_date"),
            "(%(expressions)s IS NULL OR %(expressions)s < " + f"'{stale_before.isoformat()}')",
            models.BooleanField(),
        ),
        "internal_notes": "internal_notes",
        "distance_m": _rounded_metres("distance") if distance else Value(None),
        "created_at": _utc_timestamp("created_at"),
        "updated_at": _utc_timestamp("updated_at"),
    }
    if not internal_notes:
        del fields["internal_notes"]
    return Cast(JSONBuildObject(**fields), models.TextField())
