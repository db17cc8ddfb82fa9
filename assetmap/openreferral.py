"""Published assets as Open Referral UK documents (the UK profile of HSDS 3.0), for
the read-only feed at /openreferral/ (see openreferral_views.py).

The schemas are in docs/openreferral/oruk-3.0-profile/. They forbid null for every
field, so an empty value is left out rather than sent as null or "". Fields HSDS 3.0
defines but the UK profile dropped (a language's name and code, a contact's email and
phones, a schedule's wkst) are sent too: the profile allows extra properties.

Ids. HSDS ids are UUIDs and ours are integers, so every object's id is derived from
its kind and primary key (`oruk_id`): stable across exports, never stored.
"""

import datetime as dt
import math
import uuid
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from assetmap.models import (
    AccessibilityFeature,
    Asset,
    Category,
    Cost,
    Frequency,
    Language,
    Postcode,
    RecurringSession,
)

VERSION = "3.0"
PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile/blob/main/docs/index.md"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json"

# Fixed for good: changing it would change every id this feed has ever published.
NAMESPACE = uuid.UUID("60f3240d-6a44-4a3a-80cb-405ca982e6e7")
_PK_BITS = 48
_PK_MASK = (1 << _PK_BITS) - 1

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200

TAXONOMY_NAME = "Assetmap categories"
TAXONOMY_DESCRIPTION = (
    "The needs community assets meet, in two levels: a top-level need "
    "(Physical activity) and its sub-categories (Walking groups)."
)
BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CHARITY_SCHEME = "GB-CHC"  # org-id.guide: Charity Commission for England and Wales
COUNTRY = "GB"


def oruk_id(kind: str, pk: int, *parts: object) -> str:
    """The UUID of the `kind` object with primary key `pk`: uuid5 of "kind:pk[:part...]"
    in NAMESPACE, with its last 48 bits (the node field; the version and variant bits
    stay those of uuid5) set to `pk`. The id can so be read back (`pk_of`) without a
    table of every id, and the hashed part still tells one kind from another. Objects
    with no row of their own (an address, a language) take their asset's pk and parts."""
    name = ":".join([kind, str(pk), *(str(part) for part in parts)])
    hashed = uuid.uuid5(NAMESPACE, name).int
    return str(uuid.UUID(int=(hashed & ~_PK_MASK) | (pk & _PK_MASK)))


def pk_of(kind: str, value: str) -> int | None:
    """The primary key behind an id made by `oruk_id(kind, pk)`, or None for anything
    else: a malformed id, another kind's id, or a made-up one."""
    try:
        parsed = uuid.UUID(value)
    except (TypeError, ValueError):
        return None
    pk = parsed.int & _PK_MASK
    if pk == 0 or parsed != uuid.UUID(oruk_id(kind, pk)):
        return None
    return pk


TAXONOMY_ID = oruk_id("taxonomy", 1)


def _compact(document: dict) -> dict:
    """`document` without its empty values (None or ""): the schemas allow neither."""
    return {key: value for key, value in document.items() if value is not None and value != ""}


def _timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _date(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


# --- Documents ---------------------------------------------------------------------------


def taxonomy(*, with_terms: Iterable[Category] | None = None) -> dict:
    """Our one taxonomy: the categories."""
    document = {"id": TAXONOMY_ID, "name": TAXONOMY_NAME, "description": TAXONOMY_DESCRIPTION}
    if with_terms is not None:
        document["taxonomy_terms"] = [taxonomy_term(term) for term in with_terms]
    return document


def taxonomy_term(category: Category) -> dict:
    return _compact(
        {
            "id": oruk_id("category", category.pk),
            "code": category.slug,
            "name": category.name,
            "term": category.name,
            "description": category.description,
            "parent_id": oruk_id("category", category.parent_id) if category.parent_id else None,
            "taxonomy": TAXONOMY_NAME,
            "taxonomy_id": TAXONOMY_ID,
        }
    ) | {"description": category.description}  # required, even when empty


def organization(asset: Asset, *, full: bool = False) -> dict | None:
    org = asset.organisation
    if org is None:
        return None
    org_id = oruk_id("organisation", org.pk)
    document = _compact(
        {
            "id": org_id,
            "name": org.name,
            "email": org.email,
            "website": org.website,
        }
    ) | {"description": org.description}  # required, even when empty
    if full:
        document["organization_identifiers"] = (
            [
                {
                    "id": oruk_id("organisation_identifier", org.pk),
                    "organization_id": org_id,
                    "identifier_scheme": CHARITY_SCHEME,
                    "identifier_type": "Registered charity number",
                    "identifier": org.charity_number,
                }
            ]
            if org.charity_number
            else []
        )
        document["phones"] = (
            [{"id": oruk_id("organisation_phone", org.pk), "number": org.phone}]
            if org.phone
            else []
        )
    return document


def service_summary(asset: Asset) -> dict:
    """A service's one-to-one fields and its organisation (compiled/service_list.json)."""
    org = organization(asset)
    return _compact(
        {
            "id": oruk_id("asset", asset.pk),
            "organization_id": org["id"] if org else None,
            "name": asset.name,
            "description": asset.description,
            "url": asset.website,
            "email": asset.email,
            "status": "active",  # only published assets are in the feed
            "minimum_age": asset.age_min,
            "maximum_age": asset.age_max,
            "assured_date": _date(asset.assured_date),
            "last_modified": _timestamp(asset.updated_at),
            "organization": org,
        }
    )


def has_place(asset: Asset) -> bool:
    """Whether the asset has a service_at_location: a point, an address or a postcode.
    An online-only group has none."""
    return not asset.online_only and bool(asset.location or asset.address or asset.postcode)


HAS_PLACE = Q(online_only=False) & (Q(location__isnull=False) | ~Q(address="") | ~Q(postcode=""))


def location(asset: Asset, *, full: bool = False) -> dict:
    location_id = oruk_id("location", asset.pk)
    document = {"id": location_id, "location_type": "physical"}
    if asset.location is not None:
        document["latitude"] = round(asset.location.y, 6)
        document["longitude"] = round(asset.location.x, 6)
    if full:
        document["addresses"] = [address(asset, location_id)]
        document["accessibility"] = accessibility(asset, location_id)
    return document


def address(asset: Asset, location_id: str) -> dict:
    # We keep one line of address: the schema's required parts we do not hold (city,
    # state_province) are sent empty rather than guessed from the text.
    return {
        "id": oruk_id("address", asset.pk),
        "location_id": location_id,
        "address_1": asset.address,
        "city": "",
        "state_province": "",
        "postal_code": asset.postcode,
        "country": COUNTRY,
        "address_type": "physical",
    }


def accessibility(asset: Asset, location_id: str) -> list[dict]:
    entries = [
        {
            "id": oruk_id("accessibility", asset.pk, feature),
            "location_id": location_id,
            "description": str(AccessibilityFeature(feature).label),
            "accessibility": str(AccessibilityFeature(feature).label),
        }
        for feature in asset.accessibility
    ]
    if asset.accessibility_notes:
        entries.append(
            {
                "id": oruk_id("accessibility", asset.pk, "notes"),
                "location_id": location_id,
                "description": asset.accessibility_notes,
                "details": asset.accessibility_notes,
            }
        )
    return entries


def service_at_location(asset: Asset, *, full: bool = False) -> dict:
    """The link between the asset and its one place (compiled/service_at_location_list.json
    when not `full`)."""
    return {
        "id": oruk_id("service_at_location", asset.pk),
        "service_id": oruk_id("asset", asset.pk),
        "location_id": oruk_id("location", asset.pk),
        "location": location(asset, full=full),
    }


def service_at_location_summary(asset: Asset) -> dict:
    return service_at_location(asset) | {"service": service_summary(asset)}


def schedule(session: RecurringSession, service_id: str) -> dict:
    """A session as an iCal-style rule: weekly ("TU"), or the nth or last weekday of each
    month ("2MO", "-1FR"). Times are UK local time, which has no single UTC offset."""
    byday = BYDAY[session.weekday]
    monthly = session.frequency == Frequency.MONTHLY
    if monthly:
        byday = f"{session.week_of_month}{byday}"
    return _compact(
        {
            "id": oruk_id("session", session.pk),
            "service_id": service_id,
            "valid_from": _date(session.valid_from),
            "valid_to": _date(session.valid_to),
            "freq": "MONTHLY" if monthly else "WEEKLY",
            "interval": 1,
            "byday": byday,
            "wkst": "MO",
            "opens_at": session.opens_at.strftime("%H:%M"),
            "closes_at": session.closes_at.strftime("%H:%M"),
            "description": f"{session} (UK time)",
            "notes": session.note,
        }
    )


def cost_option(asset: Asset, service_id: str) -> dict:
    free = asset.cost == Cost.FREE
    return _compact(
        {
            "id": oruk_id("cost_option", asset.pk),
            "service_id": service_id,
            "option": str(Cost(asset.cost).label),
            "amount": 0 if free else None,
            "currency": "GBP" if free else None,
            "amount_description": asset.cost_description,
        }
    )


def contacts(asset: Asset, service_id: str) -> list[dict]:
    if not (asset.contact_name or asset.email or asset.phone):
        return []
    contact_id = oruk_id("contact", asset.pk)
    phones = (
        [{"id": oruk_id("phone", asset.pk), "contact_id": contact_id, "number": asset.phone}]
        if asset.phone
        else []
    )
    return [
        _compact(
            {
                "id": contact_id,
                "service_id": service_id,
                "name": asset.contact_name,
                "email": asset.email,
            }
        )
        | {"phones": phones}
    ]


def service_full(asset: Asset) -> dict:
    """A fully nested service (compiled/service.json). Needs the asset from
    `for_detail`, so its sessions and categories come prefetched."""
    service_id = oruk_id("asset", asset.pk)
    document = service_summary(asset)
    org = organization(asset, full=True)
    if org:
        document["organization"] = org
    document |= {
        "schedules": [schedule(session, service_id) for session in asset.sessions.all()],
        "service_areas": [],
        "service_at_locations": [service_at_location(asset, full=True)] if has_place(asset) else [],
        "languages": [
            {
                "id": oruk_id("language", asset.pk, code),
                "service_id": service_id,
                "name": str(Language(code).label),
                "code": code,
            }
            for code in asset.languages
        ],
        "funding": [],
        "cost_options": [cost_option(asset, service_id)],
        "contacts": contacts(asset, service_id),
        "attributes": [
            {
                "id": oruk_id("attribute", asset.pk, category.pk),
                "link_id": service_id,
                "link_entity": "service",
                "taxonomy_term_id": oruk_id("category", category.pk),
                "taxonomy_term": taxonomy_term(category),
            }
            for category in asset.categories.all()
        ],
    }
    return document


# --- Querysets ---------------------------------------------------------------------------


def for_list(assets: QuerySet) -> QuerySet:
    return assets.select_related("organisation")


def for_detail(assets: QuerySet) -> QuerySet:
    return assets.select_related("organisation").prefetch_related("sessions", "categories")


def published_asset(service_id: str) -> Asset | None:
    """The published asset behind a service id, with what `service_full` needs."""
    pk = pk_of("asset", service_id)
    if pk is None:
        return None
    return for_detail(Asset.objects.published()).filter(pk=pk).first()


# --- Query parameters --------------------------------------------------------------------


class BadParameter(Exception):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


def _param(params, name: str) -> str | None:
    """The parameter's value, stripped; None when absent or blank."""
    value = params.get(name, "").strip()
    return value or None


def _number(params, name: str, *, positive: bool = False) -> float | None:
    value = _param(params, name)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number < 0 or (positive and number == 0):
        kind = "a number above 0" if positive else "a number of 0 or more"
        raise BadParameter(name, f"{name} must be {kind}, not {value!r}.")
    return number


def _whole_number(params, name: str, default: int) -> int:
    value = _param(params, name)
    if value is None:
        return default
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise BadParameter(name, f"{name} must be a whole number from 1, not {value!r}.")
    return int(value)


def _time(params, name: str) -> dt.time | None:
    value = _param(params, name)
    if value is None:
        return None
    try:
        time = dt.time.fromisoformat(value)
    except ValueError:
        time = None
    if time is None or time.tzinfo is not None:
        raise BadParameter(name, f"{name} must be a UK time as HH:MM, such as 09:30.")
    return time


def _day(params) -> int | None:
    value = _param(params, "day")
    if value is None:
        return None
    value = value.lower()
    for number, (code, day_name) in enumerate(zip(BYDAY, DAY_NAMES, strict=True)):
        if value in (code.lower(), day_name):
            return number
    raise BadParameter("day", "day must be a day of the week: MO, TU... SU, or Monday... Sunday.")


def _uuid(params, name: str) -> uuid.UUID | None:
    value = _param(params, name)
    if value is None:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadParameter(name, f"{name} must be a UUID, not {value!r}.") from None


def filter_assets(assets: QuerySet, params) -> QuerySet:
    """`assets` narrowed and ordered by the ORUK query parameters: search, taxonomy_id,
    taxonomy_term_id, day, start_time, end_time, minimum_age, maximum_age, postcode and
    proximity. Raises BadParameter for a value it cannot use."""
    order = ["name", "pk"]

    if (text := _param(params, "search")) is not None:
        assets = assets.search(text)
        order = ["-relevance", *order]

    filed = Asset.categories.through.objects.filter(asset=OuterRef("pk"))
    if (taxonomy_id := _uuid(params, "taxonomy_id")) is not None:
        # We have one taxonomy: its id finds every asset with a category.
        if taxonomy_id != uuid.UUID(TAXONOMY_ID):
            filed = filed.none()
        assets = assets.filter(Exists(filed))

    if (term_id := _uuid(params, "taxonomy_term_id")) is not None:
        # A top-level term finds the assets filed under any of its sub-categories too;
        # an id that is not one of our terms' finds nothing.
        term = pk_of("category", str(term_id)) or 0
        in_term = filed.filter(Q(category_id=term) | Q(category__parent_id=term))
        assets = assets.filter(Exists(in_term))

    day, start, end = _day(params), _time(params, "start_time"), _time(params, "end_time")
    if day is not None or start is not None or end is not None:
        # One session must meet them all: a Tuesday session starting after 10:00, not
        # a Tuesday morning one and another on Friday evening.
        sessions = RecurringSession.objects.filter(asset=OuterRef("pk")).exclude(
            valid_to__lt=timezone.localdate()
        )
        if day is not None:
            sessions = sessions.filter(weekday=day)
        if start is not None:
            sessions = sessions.filter(opens_at__gte=start)
        if end is not None:
            sessions = sessions.filter(closes_at__lte=end)
        assets = assets.filter(Exists(sessions))

    # As the profile defines them: a service's own minimum age at least `minimum_age`,
    # its maximum at most `maximum_age`. No minimum counts as 0, no maximum as none.
    if (minimum := _number(params, "minimum_age")) is not None:
        assets = assets.alias(_age_min=Coalesce("age_min", 0)).filter(_age_min__gte=minimum)
    if (maximum := _number(params, "maximum_age")) is not None:
        assets = assets.filter(age_max__lte=maximum)

    postcode = _param(params, "postcode")
    metres = _number(params, "proximity", positive=True)
    if metres is not None and postcode is None:
        raise BadParameter("proximity", "proximity (in metres) needs a postcode to measure from.")
    if postcode is not None:
        try:
            point = Postcode.objects.point_of(postcode)
        except ValidationError as error:
            raise BadParameter("postcode", " ".join(error.messages)) from None
        assets = assets.near(point, metres) if metres is not None else assets.with_distance(point)
        order = ["distance", *order]  # places with no point come last

    return assets.order_by(*order)


# --- Pages -------------------------------------------------------------------------------


def page_of(items: QuerySet | list, params, build: Callable[[object], dict]) -> dict:
    """One page of `items` in the profile's paged shape, each item made by `build`.
    For a queryset, two queries: the count and the page (none past the last page)."""
    # per_page past MAX_PER_PAGE gets MAX_PER_PAGE: total_pages and last_page show a
    # client there is more, so fewer than it asked for is never taken for the end.
    page = _whole_number(params, "page", 1)
    per_page = min(_whole_number(params, "per_page", DEFAULT_PER_PAGE), MAX_PER_PAGE)
    total = items.count() if isinstance(items, QuerySet) else len(items)
    offset = (page - 1) * per_page
    contents = [build(item) for item in items[offset : offset + per_page]] if offset < total else []
    total_pages = math.ceil(total / per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }
