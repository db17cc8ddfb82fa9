"""Importing listings from a CSV spreadsheet (docs/import-template.csv), a GeoJSON
FeatureCollection or Open Referral UK / HSDS 3.0 JSON (a file or a feed's address).

Every format becomes the same rows (the template's columns); each row is checked by
the model's own rules (`full_clean`, the categories, the postcode directory) and
compared with the listings already imported from the same source, keyed on the
source's own ids: new, updated, unchanged or invalid. `import_plan` does all that
without writing; `import_commit` writes a plan's valid rows in one transaction.
Both read in batches (a query per kind of thing, not per row), so 100,000 rows take
a minute or so rather than an hour (bench/imports.py).
"""

import contextlib
import csv
import datetime as dt
import functools
import hashlib
import io
import json
import math
import re
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assetmap import csv_template
from assetmap.csv_template import csv_uncell
from assetmap.editing import DUPLICATE_SIMILARITY, DUPLICATE_STATUSES
from assetmap.geo import validate_in_uk
from assetmap.models import (
    UNKNOWN_POSTCODE,
    AccessibilityFeature,
    Asset,
    AssetKind,
    Category,
    Cost,
    Frequency,
    JobFormat,
    Language,
    Organisation,
    Postcode,
    Provenance,
    RecurringSession,
    Status,
    WeekOfMonth,
)
from assetmap.openreferral import BYDAY, CHARITY_SCHEME, pk_of
from assetmap.postcodes import normalise_postcode

# Within this many metres, a listing with a name like a row's is probably the same.
DUPLICATE_METRES = 50
BATCH = 2000
# The preview keeps this many invalid rows and duplicates to show; the counts are whole.
REPORT_LIMIT = 1000
FEED_TIMEOUT_SECONDS = 30
FEED_PAGE_SIZE = 200
FEED_MAX_PAGES = 1000

COLUMNS = csv_template.COLUMNS
TEXT_FIELDS = [
    "name",
    "description",
    "address",
    "contact_name",
    "email",
    "phone",
    "website",
    "cost_description",
    "accessibility_notes",
    "audience",
]
LIST_FIELDS = {"accessibility": AccessibilityFeature, "languages": Language, "focus": None}
# Asset fields an import may set; anything else (internal notes, who checked it...) is
# left as staff made it.
IMPORTED_FIELDS = [
    *TEXT_FIELDS,
    "kind",
    "postcode",
    "location",
    "online_only",
    "cost",
    "accessibility",
    "languages",
    "focus",
    "age_min",
    "age_max",
    "status",
    "assured_date",
    "organisation_id",
]
SESSION_KEYS = [
    "frequency",
    "weekday",
    "week_of_month",
    "opens_at",
    "closes_at",
    "valid_from",
    "valid_to",
    "note",
]

ASSET_FIELDS = {model_field.name: model_field for model_field in Asset._meta.concrete_fields}
NEW, UPDATED, UNCHANGED, INVALID = "new", "updated", "unchanged", "invalid"

DAYS = {
    name: number
    for number, names in enumerate(
        [
            ("mon", "monday"),
            ("tue", "tues", "tuesday"),
            ("wed", "wednesday"),
            ("thu", "thur", "thurs", "thursday"),
            ("fri", "friday"),
            ("sat", "saturday"),
            ("sun", "sunday"),
        ]
    )
    for name in names
}
WEEKS = {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "last": WeekOfMonth.LAST}
_SESSION = re.compile(
    r"^(?:(?P<week>1st|2nd|3rd|4th|last)\s+)?(?P<day>[a-z]+)\s+"
    r"(?P<opens>\d{1,2}:\d{2})\s*[-–]\s*(?P<closes>\d{1,2}:\d{2})$",
    re.IGNORECASE,
)
_BYDAY = re.compile(r"^(?P<week>-?[1-5])?(?P<day>MO|TU|WE|TH|FR|SA|SU)$")

BAD_SESSION = gettext_lazy(
    "“%(value)s” is not a session: write a day and times such as “Mon 10:00-12:00” "
    "or “1st Tue 18:00-20:00”."
)
NEEDS_ID = gettext_lazy("Every row needs an id: the listing's id in your own records.")
DUPLICATE_ID = gettext_lazy("The id %(id)s is also used in row %(row)d.")
UNKNOWN_CATEGORY = gettext_lazy("There is no category with the slug “%(slug)s”.")
UNKNOWN_VALUE = gettext_lazy("“%(value)s” is not one of: %(choices)s.")
NOT_A_NUMBER = gettext_lazy("“%(value)s” is not a number.")
NOT_A_WHOLE_NUMBER = gettext_lazy("“%(value)s” is not a whole number.")
NOT_YES_NO = gettext_lazy("“%(value)s” is not yes or no.")
NOT_A_DATE = gettext_lazy("“%(value)s” is not a date as YYYY-MM-DD.")
HALF_A_POINT = gettext_lazy("Give both latitude and longitude, or neither.")


class ImportProblem(Exception):
    """The file or feed as a whole cannot be read: nothing in it is imported."""


@dataclass
class Row:
    """One listing read from the source, before and after checking."""

    number: int
    source_id: str
    given: dict
    warnings: list[str] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    action: str = NEW
    asset: Asset | None = None
    category_ids: list[int] | None = None
    sessions: list[tuple] | None = None  # each as SESSION_KEYS
    categories_changed: bool = False
    sessions_changed: bool = False
    organisation_key: str = ""  # an organisation the commit creates
    duplicates: list[dict] = field(default_factory=list)
    # The listing's page on this site, as our own exports give it (read-only column).
    page_url: str = ""

    @property
    def name(self) -> str:
        value = self.given.get("name")
        return value if isinstance(value, str) else ""

    def error(self, column: str, message: str) -> None:
        self.errors.setdefault(column, []).append(str(message))


@dataclass
class ImportPlan:
    """What importing the rows would do. Rows keep the assets to write."""

    source: str
    digest: str
    rows: list[Row]
    warnings: list[str]
    new_organisations: dict[str, Organisation]

    def rows_that(self, action: str) -> list[Row]:
        return [row for row in self.rows if row.action == action]

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(row.action for row in self.rows)
        return {
            "total": len(self.rows),
            **{action: counted[action] for action in (NEW, UPDATED, UNCHANGED, INVALID)},
            "duplicates": sum(1 for row in self.rows if row.duplicates),
            "new_organisations": len(self.new_organisations),
        }

    def report(self) -> dict:
        """The plan as JSON for DataJob.report: counts, then the first REPORT_LIMIT
        invalid rows (with their errors per column) and likely duplicates."""
        invalid = self.rows_that(INVALID)
        duplicates = [row for row in self.rows if row.duplicates]
        warned = [row for row in self.rows if row.warnings]
        return {
            "source": self.source,
            "digest": self.digest,
            "counts": self.counts,
            "warnings": self.warnings,
            "invalid": [
                {"row": r.number, "id": r.source_id, "name": r.name, "errors": r.errors}
                for r in invalid[:REPORT_LIMIT]
            ],
            "duplicates": [
                {"row": r.number, "id": r.source_id, "name": r.name, "matches": r.duplicates}
                for r in duplicates[:REPORT_LIMIT]
            ],
            "row_warnings": [
                {"row": r.number, "id": r.source_id, "name": r.name, "warnings": r.warnings}
                for r in warned[:REPORT_LIMIT]
            ],
        }


Progress = Callable[[int, int], None]


def no_progress(done: int, total: int) -> None:
    pass


# --- Reading files --------------------------------------------------------------------


def detect_format(name: str, content: bytes) -> str:
    """CSV by its name; JSON is GeoJSON when it is a FeatureCollection, else ORUK."""
    if name.lower().endswith(".csv"):
        return JobFormat.CSV
    stripped = content.lstrip()[:1]
    if stripped not in (b"{", b"["):
        return JobFormat.CSV
    head = content[:2000].decode("utf-8", "replace")
    if re.search(r'"type"\s*:\s*"FeatureCollection"', head) or name.lower().endswith(".geojson"):
        return JobFormat.GEOJSON
    return JobFormat.OPENREFERRAL


def content_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def read_rows(content: bytes, file_format: str) -> tuple[list[Row], list[str]]:
    """The file's rows and any warnings about the file as a whole."""
    if file_format == JobFormat.CSV:
        return _csv_rows(content)
    data = _json(content)
    if file_format == JobFormat.GEOJSON:
        return _geojson_rows(data), []
    return oruk_rows(_oruk_services(data)), []


def file_rows(content: bytes, file_format: str) -> tuple[list[Row], list[str], str]:
    """A file's rows, warnings about the file as a whole, and its digest."""
    rows, warnings = read_rows(content, file_format)
    return rows, warnings, content_digest(content)


def feed_rows(url: str, *, progress: Progress = no_progress) -> tuple[list[Row], str]:
    """An ORUK feed's services as rows, and a digest of what it said."""
    services = feed_services(url, progress=progress)
    return oruk_rows(services), content_digest(json.dumps(services, sort_keys=True).encode())


def _json(content: bytes):
    try:
        return json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportProblem(_("The file is not valid JSON: %(error)s") % {"error": error}) from None


def _csv_rows(content: bytes) -> tuple[list[Row], list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel in the UK saves "CSV" as Windows-1252 unless told UTF-8.
        text = content.decode("cp1252", "replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [column.strip().lower() for column in next(reader, [])]
    missing = [column for column in ("id", "name") if column not in header]
    if missing:
        raise ImportProblem(
            _("The first line must name the columns, including %(columns)s: see the template.")
            % {"columns": ", ".join(missing)}
        )
    url_column = header.index("url") if "url" in header else None
    unknown = [column for column in header if column and column not in COLUMNS and column != "url"]
    warnings = [
        _("The column “%(column)s” is not one we know, so it was left out.") % {"column": column}
        for column in unknown
    ]
    known = [(index, column) for index, column in enumerate(header) if column in COLUMNS]
    rows = []
    for line_number, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        # Our own exports escape cells a spreadsheet would run ("=...", "+44..."): undone.
        given = {
            column: csv_uncell(values[index]) if index < len(values) else ""
            for index, column in known
        }
        row = Row(number=line_number, source_id=given.pop("id").strip(), given=given)
        if url_column is not None and url_column < len(values):
            row.page_url = values[url_column].strip()
        rows.append(row)
    return rows, warnings


def _geojson_rows(data) -> list[Row]:
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportProblem(_("A GeoJSON file must hold one FeatureCollection."))
    rows = []
    for number, feature in enumerate(data.get("features") or [], start=1):
        if not isinstance(feature, dict):
            feature = {"properties": {}, "geometry": {"type": "not a feature"}}
        properties = feature.get("properties")
        properties = properties if isinstance(properties, dict) else {}
        given = {key: value for key, value in properties.items() if key in COLUMNS}
        source_id = str(feature.get("id") or given.pop("id", "") or "").strip()
        given.pop("id", None)
        row = Row(number=number, source_id=source_id, given=given)
        row.page_url = str(properties.get("url") or "").strip()
        geometry = feature.get("geometry")
        # A feature without geometry has no point (its postcode may give one).
        given["longitude"], given["latitude"] = None, None
        if geometry is not None:
            shape = geometry if isinstance(geometry, dict) else {}
            coordinates = shape.get("coordinates")
            if (
                shape.get("type") == "Point"
                and isinstance(coordinates, list)
                and (len(coordinates) >= 2)
            ):
                given["longitude"], given["latitude"] = coordinates[:2]
            else:
                row.error("geometry", _("Only points can be imported, as [longitude, latitude]."))
        rows.append(row)
    return rows


# --- Open Referral UK -----------------------------------------------------------------


def _oruk_services(data) -> list[dict]:
    """A single service, a list of them, or a page of them (`{contents: [...]}`)."""
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        return data["contents"]
    if isinstance(data, dict) and "name" in data:
        return [data]
    if isinstance(data, list):
        return data
    raise ImportProblem(
        _("This is not Open Referral JSON: expected a service, a list of them or a page.")
    )


def oruk_rows(services: Iterable[dict]) -> list[Row]:
    rows = []
    for number, service in enumerate(services, start=1):
        if not isinstance(service, dict):
            row = Row(number=number, source_id="", given={})
            row.error("service", _("This item is not a service object."))
        else:
            row = oruk_row(number, service)
        rows.append(row)
    return rows


def _clip(text: str, length: int, row: Row, label: str) -> str:
    if len(text) > length:
        row.warnings.append(
            _("%(label)s was longer than %(length)d characters and was shortened.")
            % {"label": label, "length": length}
        )
        return text[: length - 1] + "…"
    return text


@functools.cache
def _labels(choices) -> dict[str, str]:
    """Each choice's value, and its English label, in lower case, to its value. Made
    once per choice list: translating the labels for every row was a tenth of the time."""
    found = {}
    with translation.override("en-gb"):
        for value, label in choices.choices:
            found[value.lower()] = value
            found[str(label).lower()] = value
    return found


def oruk_row(number: int, service: dict) -> Row:
    """One ORUK service as a row. Fields we cannot hold are left out; values we can
    hold only in part (a second place, a term of another taxonomy) are noted as
    warnings on the row rather than refusing it, since the feed is not ours to fix."""
    row = Row(number=number, source_id=str(service.get("id") or "").strip(), given={})
    given = row.given
    given["name"] = str(service.get("name") or "")
    given["description"] = str(service.get("description") or "")
    given["website"] = str(service.get("url") or "")
    given["email"] = str(service.get("email") or "")
    for ours, theirs in (("age_min", "minimum_age"), ("age_max", "maximum_age")):
        given[ours] = service.get(theirs)
    if service.get("assured_date"):
        given["assured_date"] = service["assured_date"]
    if service.get("status") in ("inactive", "defunct"):
        given["status"] = Status.ARCHIVED
    _oruk_organisation(service.get("organization"), given)
    _oruk_place(service.get("service_at_locations") or [], row)
    _oruk_cost(service, row)
    _oruk_contact(service, row)
    _oruk_languages(service.get("languages") or [], row)
    _oruk_schedules(service.get("schedules") or [], row)
    given["categories"] = [
        term.get("code") or term.get("name") or ""
        for attribute in service.get("attributes") or []
        if isinstance(term := attribute.get("taxonomy_term"), dict)
    ]
    # A feed is not ours to correct: a taxonomy term we do not have, or a postcode the
    # directory does not hold, is a note on the row rather than an error.
    given["_lenient"] = True
    return row


def _oruk_organisation(org, given: dict) -> None:
    if not isinstance(org, dict) or not org.get("name"):
        return
    phones = [phone.get("number") for phone in org.get("phones") or [] if phone.get("number")]
    charity = [
        item.get("identifier")
        for item in org.get("organization_identifiers") or []
        if item.get("identifier_scheme") == CHARITY_SCHEME and item.get("identifier")
    ]
    given["organisation"] = {
        "name": str(org["name"]),
        "description": str(org.get("description") or ""),
        "email": str(org.get("email") or ""),
        "website": str(org.get("website") or org.get("url") or ""),
        "phone": str(phones[0]) if phones else "",
        "charity_number": str(charity[0]) if charity else "",
    }


def _oruk_place(links: list, row: Row) -> None:
    given = row.given
    locations = [link.get("location") for link in links if isinstance(link.get("location"), dict)]
    physical = [place for place in locations if place.get("location_type") != "virtual"]
    if not physical:
        # No place (or only a virtual one): a listing it updates loses its old place.
        given.update(latitude=None, longitude=None, address="", postcode="")
        given.update(accessibility=[], accessibility_notes="")
        if locations:
            given["online_only"] = True
        return
    if len(physical) > 1:
        row.warnings.append(
            _("Only the first of its %(count)d places was imported.") % {"count": len(physical)}
        )
    place = physical[0]
    latitude, longitude = place.get("latitude"), place.get("longitude")
    if latitude is not None and longitude is not None:
        try:
            point = Point(float(longitude), float(latitude), srid=4326)
            validate_in_uk(point)
        except (TypeError, ValueError, ValidationError):
            row.warnings.append(
                _("Its point (%(lat)s, %(lng)s) is not in the United Kingdom, so it was left out.")
                % {"lat": latitude, "lng": longitude}
            )
        else:
            given["latitude"], given["longitude"] = latitude, longitude
    addresses = [a for a in place.get("addresses") or [] if isinstance(a, dict)]
    address = addresses[0] if addresses else {}
    parts = [
        place.get("name"),
        address.get("address_1"),
        address.get("address_2"),
        address.get("city"),
        address.get("region"),
        address.get("state_province"),
    ]
    # Our own feed sends the building's name nowhere else; keep each part once.
    text = ", ".join(dict.fromkeys(str(part).strip() for part in parts if part))
    given["address"] = _clip(text, 255, row, _("The address"))
    postcode = str(address.get("postal_code") or "").strip()
    if postcode:
        try:
            given["postcode"] = normalise_postcode(postcode)
        except ValidationError:
            row.warnings.append(
                _("“%(postcode)s” is not a UK postcode, so it was left out.")
                % {"postcode": postcode}
            )
    features, notes = [], []
    known = _labels(AccessibilityFeature)
    for entry in place.get("accessibility") or []:
        label = str(entry.get("accessibility") or entry.get("description") or "").strip()
        if label.lower() in known:
            features.append(known[label.lower()])
            continue
        for text in (entry.get("description"), entry.get("details")):
            if text and str(text).strip() not in notes:
                notes.append(str(text).strip())
    given["accessibility"] = features
    given["accessibility_notes"] = "\n\n".join(notes)


def _oruk_cost(service: dict, row: Row) -> None:
    options = [option for option in service.get("cost_options") or [] if isinstance(option, dict)]
    labels = _labels(Cost)
    cost, descriptions = None, []
    for option in options:
        name = str(option.get("option") or "").strip()
        amount = option.get("amount")
        if name.lower() in labels and cost is None:
            cost = labels[name.lower()]  # our own feed: "Free", "Low cost", "Paid"
            name = ""
        elif isinstance(amount, int | float) and cost is None:
            cost = Cost.FREE if amount == 0 else Cost.PAID
        price = f"£{amount:g}" if isinstance(amount, int | float) and amount else ""
        text = " ".join(part for part in (price, option.get("amount_description")) if part)
        descriptions.append(": ".join(part for part in (name, text) if part))
    if service.get("fees"):
        descriptions.append(str(service["fees"]))
        cost = cost or Cost.PAID
    given = row.given
    given["cost"] = cost or Cost.FREE
    text = "; ".join(part for part in descriptions if part)
    given["cost_description"] = _clip(text, 255, row, _("The cost"))


def _oruk_contact(service: dict, row: Row) -> None:
    contacts = [c for c in service.get("contacts") or [] if isinstance(c, dict)]
    contact = contacts[0] if contacts else {}
    phones = [
        phone.get("number")
        for phone in (contact.get("phones") or []) + (service.get("phones") or [])
        if isinstance(phone, dict) and phone.get("number")
    ]
    given = row.given
    given["contact_name"] = str(contact.get("name") or "")
    given["email"] = given.get("email") or str(contact.get("email") or "")
    given["phone"] = str(phones[0]) if phones else ""


def _oruk_languages(languages: list, row: Row) -> None:
    known = _labels(Language)
    codes = []
    for language in languages:
        if not isinstance(language, dict):
            continue
        code = str(language.get("code") or "").lower()
        name = str(language.get("name") or "").lower()
        found = known.get(code) or known.get(name)
        if found:
            codes.append(found)
        elif code or name:
            row.warnings.append(
                _("The language “%(language)s” is not one we list, so it was left out.")
                % {"language": language.get("name") or language.get("code")}
            )
    row.given["languages"] = codes


def _oruk_schedules(schedules: list, row: Row) -> None:
    sessions = []
    for schedule in schedules:
        if not isinstance(schedule, dict):
            continue
        freq = str(schedule.get("freq") or "").upper()
        days = [day.strip() for day in str(schedule.get("byday") or "").split(",") if day.strip()]
        if freq not in ("WEEKLY", "MONTHLY") or not days or not schedule.get("opens_at"):
            row.warnings.append(
                _("A schedule that is not weekly or monthly on given days and times was left out.")
            )
            continue
        note = _clip(str(schedule.get("notes") or ""), 200, row, _("A schedule's notes"))
        for day in days:
            match = _BYDAY.match(day.upper())
            if match is None:
                row.error("sessions", _("“%(day)s” is not a day of the week.") % {"day": day})
                continue
            week = int(match["week"]) if match["week"] else None
            if week is not None and week not in WeekOfMonth.values:
                row.warnings.append(_("A fifth-week session was left out."))
                continue
            monthly = freq == "MONTHLY" and week is not None
            sessions.append(
                {
                    "frequency": Frequency.MONTHLY if monthly else Frequency.WEEKLY,
                    "weekday": BYDAY.index(match["day"]),
                    "week_of_month": week if monthly else None,
                    "opens_at": schedule.get("opens_at"),
                    "closes_at": schedule.get("closes_at"),
                    "valid_from": schedule.get("valid_from"),
                    "valid_to": schedule.get("valid_to"),
                    "note": note,
                }
            )
    row.given["sessions"] = sessions


def feed_services(url: str, *, progress: Progress = no_progress) -> list[dict]:
    """Every service of the ORUK feed at `url` (its root or its /services), each in
    full: the list pages give summaries, so each service is then read by its id."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ImportProblem(_("The feed's address must start with http:// or https://."))
    base = url.split("?")[0].rstrip("/")
    services_url = base if base.endswith("/services") else f"{base}/services"
    summaries, page = [], 1
    while page <= FEED_MAX_PAGES:
        query = urllib.parse.urlencode({"page": page, "per_page": FEED_PAGE_SIZE})
        document = _fetch_json(f"{services_url}?{query}")
        if not isinstance(document, dict) or not isinstance(document.get("contents"), list):
            raise ImportProblem(
                _("%(url)s did not answer with a page of services.") % {"url": services_url}
            )
        summaries += document["contents"]
        if document.get("last_page", True) or not document["contents"]:
            break
        page += 1
    services = []
    for done, summary in enumerate(summaries, start=1):
        if "schedules" in summary or not summary.get("id"):
            services.append(summary)  # already in full
        else:
            quoted = urllib.parse.quote(str(summary["id"]), safe="")
            services.append(_fetch_json(f"{services_url}/{quoted}"))
        progress(done, len(summaries))
    return services


def _fetch_json(url: str):
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked: http or https)
        url, headers={"Accept": "application/json", "User-Agent": "Assetmap importer"}
    )
    try:
        with urllib.request.urlopen(request, timeout=FEED_TIMEOUT_SECONDS) as response:  # noqa: S310
            return json.loads(response.read().decode("utf-8-sig"))
    except urllib.error.HTTPError as error:
        raise ImportProblem(
            _("The feed answered %(status)d at %(url)s.") % {"status": error.code, "url": url}
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise FeedUnreachable(
            _("Could not reach %(url)s: %(reason)s") % {"url": url, "reason": reason}
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ImportProblem(_("%(url)s did not answer with JSON.") % {"url": url}) from None


class FeedUnreachable(ImportProblem):
    """The feed did not answer: worth trying again later, unlike a bad answer."""


# --- Checking rows --------------------------------------------------------------------


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _items(value) -> list[str]:
    if isinstance(value, list | tuple):
        return [_text(item) for item in value if _text(item)]
    return [item.strip() for item in _text(value).split(";") if item.strip()]


def _number(row: Row, column: str, value, *, whole: bool = False):
    text = _text(value)
    if text == "":
        return None
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or (whole and number != int(number)):
        message = NOT_A_WHOLE_NUMBER if whole else NOT_A_NUMBER
        row.error(column, message % {"value": text})
        return None
    return int(number) if whole else number


def _yes_no(row: Row, column: str, value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in ("", "no", "n", "false", "0"):
        return False
    if text in ("yes", "y", "true", "1"):
        return True
    row.error(column, NOT_YES_NO % {"value": text})
    return False


def _date(row: Row, column: str, value) -> dt.date | None:
    text = _text(value)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        row.error(column, NOT_A_DATE % {"value": text})
        return None


def _choice(row: Row, column: str, value, choices) -> str:
    text = _text(value)
    found = _labels(choices).get(text.lower())
    if found is None:
        row.error(column, UNKNOWN_VALUE % {"value": text, "choices": ", ".join(choices.values)})
        return ""
    return found


def parse_sessions(row: Row, value) -> list[dict]:
    """ "Mon 10:00-12:00; 1st Tue 18:00-20:00; last Fri 14:00-15:30" as session dicts."""
    if isinstance(value, list):
        texts = [item for item in value if isinstance(item, str)]
        parsed = [item for item in value if isinstance(item, dict)]
    else:
        texts, parsed = _items(value), []
    for text in texts:
        match = _SESSION.match(text.strip())
        day = DAYS.get(match["day"].lower()) if match else None
        if match is None or day is None:
            row.error("sessions", BAD_SESSION % {"value": text})
            continue
        week = WEEKS[match["week"].lower()] if match["week"] else None
        parsed.append(
            {
                "frequency": Frequency.MONTHLY if week else Frequency.WEEKLY,
                "weekday": day,
                "week_of_month": week,
                "opens_at": match["opens"],
                "closes_at": match["closes"],
            }
        )
    return parsed


def _session(row: Row, values: dict, number: int, cache: dict) -> tuple | None:
    """The session as a tuple of SESSION_KEYS, checked by the model's rules. Most
    files repeat a few timetables ("Mon 10:00-12:00"): each is checked once."""
    raw = tuple(values.get(key) for key in SESSION_KEYS)
    if raw not in cache:
        session = RecurringSession(
            frequency=values.get("frequency", Frequency.WEEKLY),
            weekday=values.get("weekday"),
            week_of_month=values.get("week_of_month"),
            opens_at=_time_of(values.get("opens_at")),
            closes_at=_time_of(values.get("closes_at")),
            valid_from=values.get("valid_from") or None,
            valid_to=values.get("valid_to") or None,
            note=values.get("note") or "",
        )
        try:
            # The constraints are the clean() rules again, asked of the database.
            session.full_clean(exclude=["asset"], validate_constraints=False)
            cache[raw] = _session_key(vars(session))
        except ValidationError as error:
            cache[raw] = error
    checked = cache[raw]
    if isinstance(checked, ValidationError):
        for message in checked.messages:
            problem = {"number": number, "problem": message}
            row.error("sessions", _("Session %(number)d: %(problem)s") % problem)
        return None
    return checked


def _time_of(value):
    if isinstance(value, str):
        try:
            parsed = dt.time.fromisoformat(value.strip().removesuffix("Z"))
        except ValueError:
            return value  # full_clean says what is wrong with it
        return parsed.replace(tzinfo=None)
    return value


def _session_key(values) -> tuple:
    return tuple(values[key] for key in SESSION_KEYS)


def _location_key(point) -> tuple | None:
    return None if point is None else (round(point.x, 7), round(point.y, 7))


class _Lookups:
    """What checking every row needs from the database, read once."""

    def __init__(self, rows: list[Row], source: str, default_status: str):
        self.categories = dict(Category.objects.values_list("slug", "pk"))
        self.category_names = {
            name.lower(): pk for name, pk in Category.objects.values_list("name", "pk")
        }
        self.organisations = {
            name.lower(): pk for name, pk in Organisation.objects.values_list("name", "pk")
        }
        wanted = set()
        for row in rows:
            if row.given.get("postcode") and not _text(row.given.get("latitude")):
                with contextlib.suppress(ValidationError):
                    wanted.add(normalise_postcode(_text(row.given["postcode"])))
        self.postcodes = dict(
            Postcode.objects.filter(postcode__in=wanted).values_list("postcode", "location")
        )
        fields = [f.attname for f in Asset._meta.concrete_fields if f.name != "search_vector"]
        self.existing = {
            values["source_id"]: values
            for values in Asset.objects.filter(source=source).exclude(source_id="").values(*fields)
        }
        # Our own exports name each listing by its Open Referral id: a corrected export
        # imported again updates those listings rather than adding copies of them.
        # Another Assetmap's export makes ids the same way, so the listing's page address
        # must name the same listing here too.
        own = {
            pk: row
            for row in rows
            if row.source_id not in self.existing
            and row.page_url
            and (pk := pk_of("asset", row.source_id)) is not None
        }
        matched = set()
        for values in Asset.objects.filter(pk__in=own).values(*fields):
            row = own[values["id"]]
            # The page's slug, whatever the host or language prefix of the address.
            if urllib.parse.urlsplit(row.page_url).path.rstrip("/").endswith("/" + values["slug"]):
                self.existing[row.source_id] = values
                matched.add(values["id"])
        ours = Q(asset__source=source) | Q(asset__in=matched)
        self.existing_categories = defaultdict(set)
        links = Asset.categories.through.objects.filter(ours)
        for asset_id, category_id in links.values_list("asset_id", "category_id"):
            self.existing_categories[asset_id].add(category_id)
        template = Asset(
            source=source,
            provenance=Provenance.IMPORT,
            status=default_status,
            kind=AssetKind.ASSOCIATION,
        )
        self.new_listing = {f.attname: getattr(template, f.attname) for f in ASSET_COLUMNS}
        self.sessions: dict[tuple, tuple | ValidationError] = {}
        self.values: dict[tuple, object] = {}
        self.existing_sessions = defaultdict(list)
        sessions = RecurringSession.objects.filter(ours).values("asset_id", *SESSION_KEYS)
        for values in sessions:
            self.existing_sessions[values["asset_id"]].append(_session_key(values))


def import_plan(
    rows: list[Row],
    *,
    source: str,
    digest: str,
    warnings: list[str] | None = None,
    default_status: str = Status.DRAFT,
    progress: Progress = no_progress,
) -> ImportPlan:
    """Check every row and compare it with what `source` imported before. Writes nothing."""
    lookups = _Lookups(rows, source, default_status)
    plan = ImportPlan(
        source=source, digest=digest, rows=rows, warnings=warnings or [], new_organisations={}
    )
    seen: dict[str, int] = {}
    for done, row in enumerate(rows, start=1):
        if not row.source_id:
            row.error("id", NEEDS_ID)
        elif row.source_id in seen:
            row.error("id", DUPLICATE_ID % {"id": row.source_id, "row": seen[row.source_id]})
        else:
            seen[row.source_id] = row.number
        _check(row, plan, lookups)
        row.given = {"name": row.name}  # what the report needs; the rest is in row.asset
        progress(done, len(rows))
    _flag_duplicates(plan)
    return plan


def _check(row: Row, plan: ImportPlan, lookups: _Lookups):
    given = row.given
    existing = lookups.existing.get(row.source_id)
    if existing:
        asset = _asset_of(existing)
    else:
        asset = _asset_of(lookups.new_listing)
        asset.source_id = row.source_id
    values = {}
    for column in TEXT_FIELDS:
        if column in given:
            values[column] = _text(given[column])
    for column, choices in (("kind", AssetKind), ("status", Status), ("cost", Cost)):
        if _text(given.get(column)) and (choice := _choice(row, column, given[column], choices)):
            values[column] = choice
    for column, choices in LIST_FIELDS.items():
        if column in given:
            items = _items(given[column])
            if choices is not None:
                known = _labels(choices)
                items = [known.get(item.lower(), item) for item in items]
            values[column] = items
    for column in ("age_min", "age_max"):
        if column in given:
            values[column] = _number(row, column, given[column], whole=True)
    if "online_only" in given:
        values["online_only"] = _yes_no(row, "online_only", given["online_only"])
    if "assured_date" in given:
        values["assured_date"] = _date(row, "assured_date", given["assured_date"])
    if "postcode" in given:
        values["postcode"] = _text(given["postcode"])
    _place(row, values, lookups)
    _organisation(row, values, plan, lookups)
    for column, value in values.items():
        setattr(asset, column, value)
    _validate(row, asset, values, lookups.values)
    category_ids = _categories(row, lookups)
    sessions = None
    if "sessions" in given:
        sessions = [
            session
            for number, values in enumerate(parse_sessions(row, given["sessions"]), start=1)
            if (session := _session(row, values, number, lookups.sessions)) is not None
        ]
    if row.errors:
        row.action = INVALID
        return
    row.asset, row.category_ids, row.sessions = asset, category_ids, sessions
    if existing is None:
        row.action = NEW
        return
    row.categories_changed = (
        category_ids is not None and set(category_ids) != (lookups.existing_categories[asset.pk])
    )
    row.sessions_changed = sessions is not None and sorted(sessions) != sorted(
        lookups.existing_sessions[asset.pk]
    )
    fields_changed = any(
        _location_key(asset.location) != _location_key(existing["location"])
        if name == "location"
        else getattr(asset, name) != existing[name]
        for name in IMPORTED_FIELDS
    )
    changed = fields_changed or row.categories_changed or row.sessions_changed
    row.action = UPDATED if changed or row.organisation_key else UNCHANGED


def _asset_of(values: dict) -> Asset:
    """An Asset holding `values` (attnames), made the quick way: Model.__init__ with
    every field given by position skips the keyword handling that was a fifth of the
    check's time. Lists are copied, so no two listings share one."""
    return Asset(
        *(
            list(value) if isinstance(value, list) else value
            for value in (values.get(f.attname) for f in Asset._meta.concrete_fields)
        )
    )


def _clean(model_field, value, asset: Asset):
    """The field's clean value, or the ValidationError it raised."""
    if model_field.blank and (value is None or (isinstance(value, str | list) and not value)):
        return value
    try:
        return model_field.clean(value, asset)
    except ValidationError as error:
        return error


def _validate(row: Row, asset: Asset, values: dict, cache: dict) -> None:
    """The model's rules for the values the row gives (each field's own checks, then
    Asset.clean), as full_clean would apply them. A field the row leaves alone keeps
    its default or stored value, valid already; the database checks the constraints
    at commit. Checking only these made the check three times faster."""
    for name in {*values, "name", "kind", "status"} - {"organisation_id"}:
        model_field = ASSET_FIELDS[name]
        value = getattr(asset, model_field.attname)
        if name == "location":
            checked = _clean(model_field, value, asset)
        else:
            # Files repeat most values (a kind, a website, a list of languages): each
            # distinct value of a column is checked once.
            key = (name, tuple(value) if isinstance(value, list) else value)
            if key not in cache:
                cache[key] = _clean(model_field, value, asset)
            checked = cache[key]
        if isinstance(checked, ValidationError):
            for message in checked.messages:
                row.error(name, message)
        else:
            setattr(asset, model_field.attname, checked)
    try:
        asset.clean()
    except ValidationError as error:
        for column, messages in error.message_dict.items():
            for message in messages:
                if message not in row.errors.get(column, []):
                    row.error(column, message)


def _place(row: Row, values: dict, lookups: _Lookups) -> None:
    given = row.given
    if "latitude" not in given and "longitude" not in given and "postcode" not in given:
        return
    latitude = _number(row, "latitude", given.get("latitude"))
    longitude = _number(row, "longitude", given.get("longitude"))
    if (latitude is None) != (longitude is None):
        row.error("latitude", HALF_A_POINT)
        return
    if latitude is not None:
        values["location"] = Point(longitude, latitude, srid=4326)
        return
    values["location"] = None
    postcode = values.get("postcode")
    if postcode and not values.get("online_only"):
        try:
            postcode = normalise_postcode(postcode)
        except ValidationError as error:
            row.error("postcode", error.messages[0])
            return
        if postcode not in lookups.postcodes:
            if given.get("_lenient"):
                row.warnings.append(str(UNKNOWN_POSTCODE % {"postcode": postcode}))
            else:
                row.error("postcode", UNKNOWN_POSTCODE % {"postcode": postcode})
            return
        values["location"] = lookups.postcodes[postcode]


def _organisation(row: Row, values: dict, plan: ImportPlan, lookups: _Lookups) -> None:
    if "organisation" not in row.given:
        return
    details = row.given["organisation"]
    if not isinstance(details, dict):
        details = {"name": _text(details)}
    name = _text(details.get("name"))
    if not name:
        values["organisation_id"] = None
        return
    key = name.lower()
    if key in lookups.organisations:
        values["organisation_id"] = lookups.organisations[key]
        return
    if key not in plan.new_organisations:
        organisation = Organisation(**{k: _text(v) for k, v in details.items()})
        try:
            organisation.full_clean(exclude=["slug"], validate_unique=False)
        except ValidationError as error:
            for message in error.messages:
                row.error("organisation", message)
            return
        plan.new_organisations[key] = organisation
    row.organisation_key = key


def _categories(row: Row, lookups: _Lookups) -> list[int] | None:
    if "categories" not in row.given:
        return None
    optional = row.given.get("_lenient", False)
    found = []
    for slug in _items(row.given["categories"]):
        pk = lookups.categories.get(slug) or (optional and lookups.category_names.get(slug.lower()))
        if pk:
            found.append(pk)
        elif optional:
            row.warnings.append(
                _("The category “%(term)s” is not one of ours, so it was left out.")
                % {"term": slug}
            )
        else:
            row.error("categories", UNKNOWN_CATEGORY % {"slug": slug})
    return list(dict.fromkeys(found))


def _flag_duplicates(plan: ImportPlan) -> None:
    """Rows about to be written with a name like an existing listing's within
    DUPLICATE_METRES of their point (a listing not imported under the same id): one
    query for the whole file."""
    candidates = [
        (index, row)
        for index, row in enumerate(plan.rows)
        if row.action in (NEW, UPDATED) and row.asset.location is not None
    ]
    if not candidates:
        return
    # A degree of longitude is shortest at the north of Shetland: widen the box for it.
    margin = DUPLICATE_METRES / 111_320 / math.cos(math.radians(61))
    sql = """
        WITH r AS (
            SELECT * FROM unnest(
                %s::int[], %s::int[], %s::text[], %s::text[], %s::float8[], %s::float8[]
            ) AS r(idx, own, name, sid, lng, lat)
        ), p AS (SELECT r.*, ST_SetSRID(ST_MakePoint(lng, lat), 4326) AS pt FROM r)
        SELECT p.idx, a.id, a.name, a.slug,
               ST_Distance(a.location::geography, p.pt::geography) AS metres
        FROM p JOIN assetmap_asset a ON a.location && ST_Expand(p.pt, %s)
        WHERE a.status = ANY(%s)
          AND a.id <> p.own AND NOT (a.source = %s AND a.source_id = p.sid)
          AND ST_DWithin(a.location::geography, p.pt::geography, %s)
          AND GREATEST(similarity(a.name, p.name), word_similarity(p.name, a.name)) > %s
        ORDER BY p.idx, metres
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                [index for index, _row in candidates],
                [row.asset.pk or 0 for _index, row in candidates],  # the listing it updates
                [row.asset.name for _index, row in candidates],
                [row.source_id for _index, row in candidates],
                [row.asset.location.x for _index, row in candidates],
                [row.asset.location.y for _index, row in candidates],
                margin,
                list(DUPLICATE_STATUSES),
                plan.source,
                DUPLICATE_METRES,
                DUPLICATE_SIMILARITY,
            ],
        )
        for index, pk, name, slug, metres in cursor.fetchall():
            plan.rows[index].duplicates.append(
                {"pk": pk, "name": name, "slug": slug, "metres": round(metres)}
            )


# --- Writing --------------------------------------------------------------------------


def _networks_of(assets: list[Asset]) -> dict[int, int | None]:
    """Each asset's GP network (as Asset.assign_networks decides it), by list index."""
    placed = [(index, a.location) for index, a in enumerate(assets) if a.location is not None]
    if not placed:
        return {}
    sql = """
        SELECT r.idx, (
            SELECT n.id FROM networks_network n
            WHERE ST_Covers(n.boundary, ST_SetSRID(ST_MakePoint(r.lng, r.lat), 4326))
            ORDER BY n.id LIMIT 1
        )
        FROM unnest(%s::int[], %s::float8[], %s::float8[]) AS r(idx, lng, lat)
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [[i for i, _p in placed], [p.x for _i, p in placed], [p.y for _i, p in placed]],
        )
        return dict(cursor.fetchall())


def _unique_slugs(names: list[str], *, model=Asset, max_length=200, empty="item") -> list[str]:
    """A slug for each name that no row of `model` has, as services.unique_slug makes
    them, from one query for all the names."""
    taken = set(model.objects.values_list("slug", flat=True))
    slugs = []
    for name in names:
        base = slugify(name)[:max_length].strip("-") or empty
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


@transaction.atomic
def import_commit(plan: ImportPlan, *, user=None, progress: Progress = no_progress) -> dict:
    """Write the plan's new and updated rows, their categories, sessions and history,
    in one transaction: any failure leaves the database as it was. Returns the counts.

    The rows go in with COPY, a batch at a time, and the history is copied from the
    rows written by INSERT ... SELECT: Django's bulk_create spent four-fifths of an
    import's time building SQL from 40 fields of 100,000 model instances."""
    writing = [row for row in plan.rows if row.action in (NEW, UPDATED)]
    total, done = len(writing) * 2 or 1, 0
    now = timezone.now()
    user = user if user is not None and user.is_authenticated else None
    for organisation, slug in zip(
        plan.new_organisations.values(),
        _unique_slugs(
            [o.name for o in plan.new_organisations.values()],
            model=Organisation,
            max_length=190,
            empty="organisation",
        ),
        strict=True,
    ):
        organisation.slug = slug
    created_orgs = Organisation.objects.bulk_create(plan.new_organisations.values())
    org_ids = {org.name.lower(): org.pk for org in created_orgs}
    assets = [row.asset for row in writing]
    networks = _networks_of(assets)
    for index, (row, asset) in enumerate(zip(writing, assets, strict=True)):
        if row.organisation_key:
            asset.organisation_id = org_ids[row.organisation_key]
        asset.network_id = networks.get(index)
        asset.updated_at = now
        asset.updated_by_id = user.pk if user else None
    new = [row for row in writing if row.action == NEW]
    updated = [row for row in writing if row.action == UPDATED]
    ids = _new_ids(len(new))
    for row, slug, pk in zip(new, _unique_slugs([row.asset.name for row in new]), ids, strict=True):
        row.asset.pk, row.asset.slug = pk, slug
        row.asset.created_at = now
        row.asset.created_by_id = row.asset.updated_by_id
    for start in range(0, len(writing), BATCH):
        batch = writing[start : start + BATCH]
        _copy_assets([row.asset for row in batch if row.action == NEW])
        _update_assets([row.asset for row in batch if row.action == UPDATED])
        done += len(batch)
        progress(done, total)
    _write_links(new, updated)
    progress(done + len(writing) // 2, total)
    _write_history(new, updated, user=user, now=now)
    progress(total, total)
    return {
        "created": len(new),
        "updated": len(updated),
        "unchanged": len(plan.rows_that(UNCHANGED)),
        "invalid": len(plan.rows_that(INVALID)),
        "organisations_created": len(created_orgs),
    }


# Every column we write ourselves: the generated search_vector is PostgreSQL's.
ASSET_COLUMNS = [f for f in Asset._meta.concrete_fields if not f.generated]
UPDATED_COLUMNS = [
    ASSET_FIELDS[name] if name in ASSET_FIELDS else Asset._meta.get_field(name)
    for name in [
        *(name.removesuffix("_id") for name in IMPORTED_FIELDS),
        "network",
        "updated_at",
        "updated_by",
    ]
]


def _new_ids(count: int) -> list[int]:
    """Primary keys for `count` new listings, taken from the table's sequence so COPY
    can write them (COPY returns nothing)."""
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('assetmap_asset', 'id'))"
            " FROM generate_series(1, %s)",
            [count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _copy_value(value) -> str:
    """`value` in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        # Arrays of choice values: plain words, so no quoting inside the braces.
        return "{" + ",".join(value) + "}"
    if isinstance(value, Point):
        return f"SRID=4326;POINT({value.x!r} {value.y!r})"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def _copy(table: str, columns: list[str], rows: Iterable[Iterable]) -> None:
    buffer = io.StringIO()
    for values in rows:
        buffer.write("\t".join(_copy_value(value) for value in values))
        buffer.write("\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def _copy_assets(assets: list[Asset]) -> None:
    if assets:
        _copy(
            Asset._meta.db_table,
            [f.column for f in ASSET_COLUMNS],
            ([getattr(asset, f.attname) for f in ASSET_COLUMNS] for asset in assets),
        )


def _update_assets(assets: list[Asset]) -> None:
    """Changed listings: COPY the new values into a temporary table, then one UPDATE."""
    if not assets:
        return
    columns = [f.column for f in UPDATED_COLUMNS]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS import_changes")
        cursor.execute(
            f"CREATE TEMPORARY TABLE import_changes ON COMMIT DROP AS"  # noqa: S608
            f" SELECT id, {', '.join(columns)} FROM assetmap_asset WITH NO DATA"
        )
    _copy(
        "import_changes",
        ["id", *columns],
        ([asset.pk, *(getattr(asset, f.attname) for f in UPDATED_COLUMNS)] for asset in assets),
    )
    assignments = ", ".join(f"{column} = c.{column}" for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE assetmap_asset a SET {assignments} FROM import_changes c"  # noqa: S608
            " WHERE a.id = c.id"
        )


def _write_links(new: list[Row], updated: list[Row]) -> None:
    """Categories and sessions: replaced where they changed, created for new rows."""
    through = Asset.categories.through
    recategorised = [row.asset.pk for row in updated if row.categories_changed]
    rescheduled = [row.asset.pk for row in updated if row.sessions_changed]
    through.objects.filter(asset_id__in=recategorised).delete()
    RecurringSession.objects.filter(asset_id__in=rescheduled).delete()
    links, sessions = [], []
    for row in [*new, *updated]:
        if row.category_ids and (row.action == NEW or row.categories_changed):
            links += [(row.asset.pk, pk) for pk in row.category_ids]
        if row.sessions and (row.action == NEW or row.sessions_changed):
            sessions += [(row.asset.pk, *key) for key in row.sessions]
    _copy(through._meta.db_table, ["asset_id", "category_id"], links)
    _copy(RecurringSession._meta.db_table, ["asset_id", *SESSION_KEYS], sessions)


def _write_history(new: list[Row], updated: list[Row], *, user, now) -> None:
    """A "+" history row for each new listing and a "~" for each changed one, with the
    categories it then had, as a save through the form would leave: copied in SQL
    from the rows just written."""
    historical = Asset.history.model
    columns = ", ".join(f.column for f in historical.tracked_fields)
    m2m = apps.get_model("assetmap", "HistoricalAsset_categories")
    with connection.cursor() as cursor:
        for kind, rows in (("+", new), ("~", updated)):
            ids = [row.asset.pk for row in rows]
            if not ids:
                continue
            cursor.execute(
                f"INSERT INTO {historical._meta.db_table}"  # noqa: S608
                f" ({columns}, history_date, history_change_reason, history_type,"
                f" history_user_id) SELECT {columns}, %s, %s, %s, %s"
                " FROM assetmap_asset WHERE id = ANY(%s)",
                [now, "Imported", kind, user.pk if user else None, ids],
            )
        cursor.execute(
            f"INSERT INTO {m2m._meta.db_table} (id, asset_id, category_id, history_id)"  # noqa: S608
            f" SELECT l.id, l.asset_id, l.category_id, h.history_id"
            f" FROM {historical._meta.db_table} h"
            " JOIN assetmap_asset_categories l ON l.asset_id = h.id"
            " WHERE h.history_date = %s AND h.id = ANY(%s)",
            [now, [row.asset.pk for row in [*new, *updated]]],
        )
