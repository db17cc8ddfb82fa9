"""Listings out of Assetmap, for network leads: a CSV spreadsheet that can be edited
and imported again, GeoJSON for GIS tools, and an Open Referral UK package.

What is in an export. The assets in the chosen statuses (published unless staff ask
for more), optionally only one GP network's or one category's (and its
sub-categories'). Exports are staff-only (data_views.staff_page).

Ids. Every format gives an asset the id the Open Referral UK feed gives its service
(`openreferral.oruk_id("asset", pk)`): derived from the primary key, so it never
changes when a listing is renamed, and the same in the CSV, the GeoJSON and the
package. A slug would change with the name.

Round trips. The CSV has the import template's columns in its order (then the
read-only network, internal_notes and url), lists ";"-separated and sessions written
as the importer reads them ("Tue 10:00-12:00; last Fri 18:00-20:30"); the GeoJSON's
properties have the same names. Either imports again as the same listings (under a
source of its own, or updating the listings they came from). A CSV cell that a
spreadsheet would run as a formula is escaped with a leading ' (`csv_cell`, in
assetmap.csv_template with the template's columns); `csv_uncell` undoes it.

Internal notes are the staff's own working notes: the CSV (the staff's spreadsheet)
carries them as a read-only column; GeoJSON and the Open Referral package, formats
made to be shared and published, never do. For the same reason the package leaves out
listings of an individual's skills, which are never public.

Every writer streams: rows come from the database in chunks through a server-side
cursor and the file is written as they come, so 100,000 assets never sit in memory.
Small exports are sent straight to the browser; larger ones (more than
settings.EXPORT_INLINE_LIMIT assets) run in the `export_assets` Celery task, which
writes DataJob.result_file for a staff-only download view (never a public media URL).
"""

import csv
import datetime as dt
import io
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files import File
from django.db.models import F, FloatField, Func, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assetmap import csv_template, jobs
from assetmap import openreferral as oruk
from assetmap.csv_template import csv_cell, csv_uncell  # noqa: F401 (the pair, for callers)
from assetmap.exchange_models import DataJob, JobFormat, JobKind, JobStatus
from assetmap.models import Asset, AssetKind, Category, Status

# The import template's columns (docs/import-template.csv, assetmap.importing.COLUMNS),
# in its order, so an export can be edited and imported again; then read-only columns
# an import leaves out.
IMPORT_COLUMNS = csv_template.COLUMNS
READ_ONLY_COLUMNS = ["network", "internal_notes", "url"]
CSV_COLUMNS = IMPORT_COLUMNS + READ_ONLY_COLUMNS
LIST_SEPARATOR = ";"
SESSION_SEPARATOR = "; "

# Rows fetched per round trip; the ORUK package also prefetches sessions and
# categories once per chunk of this many.
CHUNK_ROWS = 2000
PACKAGE_CHUNK_ROWS = 500
# The streaming writers hand on text in pieces of about this many characters.
PIECE_CHARS = 64 * 1024

EXTENSIONS = {JobFormat.CSV: "csv", JobFormat.GEOJSON: "geojson", JobFormat.OPENREFERRAL: "json"}
CONTENT_TYPES = {
    JobFormat.CSV: "text/csv; charset=utf-8",
    JobFormat.GEOJSON: "application/geo+json",
    JobFormat.OPENREFERRAL: "application/json",
}
# Open Referral service statuses for ours (only the package can hold unpublished ones).
ORUK_STATUSES = {
    Status.PUBLISHED: "active",
    Status.DRAFT: "inactive",
    Status.PENDING_REVIEW: "inactive",
    Status.NEEDS_REVIEW: "inactive",
    Status.ARCHIVED: "defunct",
}


# --- What to export -----------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFilters:
    """Which assets an export holds. Kept in DataJob.options (`as_options`) for a job."""

    statuses: tuple[str, ...] = (Status.PUBLISHED.value,)
    network_id: int | None = None
    category_id: int | None = None

    def as_options(self) -> dict:
        return {
            "statuses": list(self.statuses),
            "network": self.network_id,
            "category": self.category_id,
        }

    @classmethod
    def from_options(cls, options: dict) -> "ExportFilters":
        return cls(
            statuses=tuple(options.get("statuses") or [Status.PUBLISHED.value]),
            network_id=options.get("network"),
            category_id=options.get("category"),
        )


def filters_described(job: DataJob) -> list[tuple[str, str]]:
    """What `job` exports, in words for its page: (label, value) pairs."""
    from networks.models import Network

    filters = ExportFilters.from_options(job.options)
    network = Network.objects.filter(pk=filters.network_id).first()
    category = Category.objects.select_related("parent").filter(pk=filters.category_id).first()
    return [
        (_("Format"), job.get_format_display()),
        (_("Listings"), ", ".join(str(Status(status).label) for status in filters.statuses)),
        (_("GP network"), network.name if network else _("All networks")),
        (_("Category"), str(category) if category else _("All categories")),
    ]


def assets_for_export(filters: ExportFilters) -> QuerySet:
    """The assets `filters` choose, oldest first (a stable order across runs)."""
    assets = Asset.objects.filter(status__in=filters.statuses)
    if filters.network_id is not None:
        assets = assets.filter(network_id=filters.network_id)
    if filters.category_id is not None:
        assets = assets.in_categories(Category.objects.filter(pk=filters.category_id))
    return assets.order_by("pk")


# --- CSV ------------------------------------------------------------------------------------

DAY_ABBREVIATIONS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEK_WORDS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", -1: "last"}


def session_text(row: dict) -> str:
    """A session in the import template's words: "Tue 10:00-12:00" every Tuesday,
    "2nd Mon 18:00-20:00" or "last Fri 18:00-20:00" once a month."""
    day = DAY_ABBREVIATIONS[row["weekday"]]
    if row["frequency"] == "monthly":
        day = f"{WEEK_WORDS[row['week_of_month']]} {day}"
    return f"{day} {row['opens_at']}-{row['closes_at']}"


def _sessions(row: dict) -> list[str]:
    return [session_text(session) for session in row["session_rows"] or []]


def _listed(values: Iterable[str] | None) -> str:
    return LIST_SEPARATOR.join(values or [])


def _number(value) -> str:
    return "" if value is None else str(value)


def _coordinate(value: float | None) -> str:
    return "" if value is None else f"{value:.6f}"


def _export_rows(assets: QuerySet) -> Iterator[dict]:
    """Each asset as a dict with what the CSV and GeoJSON need, read in one statement
    per chunk: categories and sessions aggregated in SQL (with_listing_details), the
    point as two floats rather than a GEOS object, no model instances."""
    return (
        assets.with_listing_details()
        .annotate(
            organisation_name=F("organisation__name"),
            longitude=Func("location", function="ST_X", output_field=FloatField()),
            latitude=Func("location", function="ST_Y", output_field=FloatField()),
        )
        .values(
            "pk",
            "slug",
            "name",
            "kind",
            "description",
            "category_slugs",
            "organisation_name",
            "address",
            "postcode",
            "latitude",
            "longitude",
            "online_only",
            "contact_name",
            "email",
            "phone",
            "website",
            "cost",
            "cost_description",
            "accessibility",
            "accessibility_notes",
            "languages",
            "audience",
            "focus",
            "age_min",
            "age_max",
            "session_rows",
            "status",
            "network_slug",
            "assured_date",
            "internal_notes",
        )
        .iterator(chunk_size=CHUNK_ROWS)
    )


def _page_url_prefix(base_url: str) -> str:
    """The start of every asset page's address: `base_url` + "/assets/"."""
    return base_url.rstrip("/") + reverse("asset", args=["-"])[: -len("-/")]


def _pieces(parts: Iterable[str]) -> Iterator[str]:
    """`parts` joined into pieces of about PIECE_CHARS: one write or network send per
    piece instead of one per row."""
    buffer, size = [], 0
    for part in parts:
        buffer.append(part)
        size += len(part)
        if size >= PIECE_CHARS:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)


Progress = Callable[[int], None]


def _counted(rows: Iterable, progress: Progress | None) -> Iterator:
    for done, row in enumerate(rows, start=1):
        yield row
        if progress is not None:
            progress(done)


def csv_lines(assets: QuerySet, *, base_url: str = "", progress: Progress | None = None):
    """The CSV of `assets`, as text pieces: a byte-order mark (so Excel reads the
    UTF-8 as UTF-8), the header, then a row an asset. Every cell is quoted and
    escaped by `csv_cell`."""
    page_url = _page_url_prefix(base_url)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")

    def cells(row: dict) -> list[str]:
        return [
            oruk.oruk_id("asset", row["pk"]),
            row["name"],
            row["kind"],
            row["description"],
            _listed(row["category_slugs"]),
            row["organisation_name"] or "",
            row["address"],
            row["postcode"],
            _coordinate(row["latitude"]),
            _coordinate(row["longitude"]),
            "yes" if row["online_only"] else "no",
            row["contact_name"],
            row["email"],
            row["phone"],
            row["website"],
            row["cost"],
            row["cost_description"],
            _listed(row["accessibility"]),
            row["accessibility_notes"],
            _listed(row["languages"]),
            row["audience"],
            _listed(row["focus"]),
            _number(row["age_min"]),
            _number(row["age_max"]),
            SESSION_SEPARATOR.join(_sessions(row)),
            row["status"],
            row["assured_date"].isoformat() if row["assured_date"] else "",
            row["network_slug"] or "",
            row["internal_notes"],
            page_url + row["slug"] + "/",
        ]

    def pieces() -> Iterator[str]:
        out.write("\ufeff")
        writer.writerow(CSV_COLUMNS)
        for row in _counted(_export_rows(assets), progress):
            writer.writerow(list(map(csv_cell, cells(row))))
            if out.tell() >= PIECE_CHARS:
                yield out.getvalue()
                out.seek(0)
                out.truncate()
        yield out.getvalue()

    return pieces()


# --- GeoJSON --------------------------------------------------------------------------------


def _json(document) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def geojson_feature(row: dict, page_url: str) -> dict:
    """An asset as an RFC 7946 Feature: a Point in [longitude, latitude] order, or no
    geometry (null) for an online-only group or one with no point. The properties are
    named as the import template's columns, so the file can be imported again."""
    has_point = row["longitude"] is not None and not row["online_only"]
    return {
        "type": "Feature",
        "id": oruk.oruk_id("asset", row["pk"]),
        "geometry": {
            "type": "Point",
            "coordinates": [round(row["longitude"], 6), round(row["latitude"], 6)],
        }
        if has_point
        else None,
        "properties": {
            "name": row["name"],
            "kind": row["kind"],
            "description": row["description"],
            "categories": row["category_slugs"] or [],
            "organisation": row["organisation_name"],
            "address": row["address"],
            "postcode": row["postcode"],
            "online_only": row["online_only"],
            "contact_name": row["contact_name"],
            "email": row["email"],
            "phone": row["phone"],
            "website": row["website"],
            "cost": row["cost"],
            "cost_description": row["cost_description"],
            "accessibility": row["accessibility"],
            "accessibility_notes": row["accessibility_notes"],
            "languages": row["languages"],
            "audience": row["audience"],
            "focus": row["focus"],
            "age_min": row["age_min"],
            "age_max": row["age_max"],
            "sessions": _sessions(row),
            "status": row["status"],
            "assured_date": row["assured_date"].isoformat() if row["assured_date"] else None,
            "network": row["network_slug"],
            "url": page_url + row["slug"] + "/",
        },
    }


def geojson_lines(assets: QuerySet, *, base_url: str = "", progress: Progress | None = None):
    """A FeatureCollection of `assets`, as text pieces."""
    page_url = _page_url_prefix(base_url)

    def parts() -> Iterator[str]:
        yield '{"type":"FeatureCollection","features":['
        for number, row in enumerate(_counted(_export_rows(assets), progress)):
            yield ("," if number else "") + _json(geojson_feature(row, page_url))
        yield "]}\n"

    return _pieces(parts())


# --- Open Referral UK package -----------------------------------------------------------------


def package_service(asset: Asset) -> dict:
    """The service as the feed's /services/{id} gives it, with its real status."""
    return oruk.service_full(asset) | {"status": ORUK_STATUSES[asset.status]}


def package_lines(assets: QuerySet, *, base_url: str = "", progress: Progress | None = None):
    """Every service of `assets`, fully nested as /services/{id} returns it, in the
    feed's paged shape as one page. The counts come after the contents (JSON objects
    have no order), so they are the services written, even if listings changed while
    the export ran."""
    public = oruk.for_detail(assets.exclude(kind=AssetKind.INDIVIDUAL_SKILLS))

    def parts() -> Iterator[str]:
        written = 0
        yield '{"contents":['
        services = public.iterator(chunk_size=PACKAGE_CHUNK_ROWS)
        for asset in _counted(services, progress):
            yield ("," if written else "") + _json(package_service(asset))
            written += 1
        counts = {
            "total_items": written,
            "total_pages": 1 if written else 0,
            "page_number": 1,
            "size": written,
            "first_page": True,
            "last_page": True,
            "empty": not written,
        }
        yield "]," + _json(counts)[1:] + "\n"  # the counts' own "{" left out

    return _pieces(parts())


WRITERS = {
    JobFormat.CSV: csv_lines,
    JobFormat.GEOJSON: geojson_lines,
    JobFormat.OPENREFERRAL: package_lines,
}


def export_pieces(
    export_format: str,
    assets: QuerySet,
    *,
    base_url: str = "",
    progress: Progress | None = None,
) -> Iterator[str]:
    """The export of `assets` in `export_format`, as text pieces to write in turn."""
    return WRITERS[JobFormat(export_format)](assets, base_url=base_url, progress=progress)


def export_filename(export_format: str, *, on: dt.date, job: DataJob | None = None) -> str:
    """A dated name for the download: assetmap-assets-2026-11-23.csv (with the job's
    number for a worker's export, so two on one day differ)."""
    number = f"-{job.pk}" if job is not None else ""
    return f"assetmap-assets-{on.isoformat()}{number}.{EXTENSIONS[JobFormat(export_format)]}"


# --- Exports in a worker ----------------------------------------------------------------------


@dataclass
class ExportRequest:
    """What a person asked to export (from the export form)."""

    export_format: str
    filters: ExportFilters = field(default_factory=ExportFilters)
    base_url: str = ""


def export_is_large(assets: QuerySet) -> bool:
    """Whether an export of `assets` should run in a worker rather than stream now."""
    return assets.count() > settings.EXPORT_INLINE_LIMIT


def export_job_create(*, wanted: ExportRequest, user) -> DataJob:
    """A queued export job, with its task sent once the job is committed."""
    from assetmap.export_tasks import export_assets

    job = DataJob.objects.create(
        kind=JobKind.EXPORT,
        format=wanted.export_format,
        options=wanted.filters.as_options() | {"base_url": wanted.base_url},
        created_by=user,
    )
    export_assets.delay_on_commit(job.pk)
    return job


def export_job_run(job: DataJob, *, task_id: str) -> None:
    """Write `job`'s export to its result_file and mark it done, with progress.

    Idempotent: a job already done is left alone; one run again (a retry, or a message
    delivered twice after a worker died) writes the same file name again, the earlier
    file deleted first. The file is written to a temporary file and stored only once
    complete, so a failed run leaves no half-written download."""
    if job.status == JobStatus.DONE:
        return
    jobs.job_start(job, status=JobStatus.EXPORTING, task_id=task_id)
    assets = assets_for_export(ExportFilters.from_options(job.options))
    reporter = jobs.ProgressReporter(assets.count())
    written = 0

    def progress(done: int) -> None:
        nonlocal written
        written = done
        reporter.advance(done)

    pieces = export_pieces(
        job.format, assets, base_url=job.options.get("base_url", ""), progress=progress
    )
    with tempfile.TemporaryFile() as spool:
        for piece in pieces:
            spool.write(piece.encode())
        name = export_filename(job.format, on=timezone.localdate(job.created_at), job=job)
        _replace_result_file(job, name, File(spool))
    jobs.job_finish(
        job, status=JobStatus.DONE, report={"assets": written, "bytes": job.result_file.size}
    )


def _replace_result_file(job: DataJob, name: str, content: File) -> None:
    """Store `content` as the job's result under `name`, replacing an earlier run's
    file, so a rerun writes the same path rather than a new one beside the old."""
    if job.result_file:
        job.result_file.delete(save=False)
    path = job.result_file.field.generate_filename(job, name)
    storage = job.result_file.storage
    if storage.exists(path):
        storage.delete(path)
    job.result_file.save(name, content, save=False)
    job.save(update_fields=["result_file", "updated_at"])


def export_job_fail(job: DataJob, *, error: str) -> None:
    jobs.job_finish(job, status=JobStatus.FAILED, error=error)


def exports_delete_old(*, before: dt.datetime) -> int:
    """Delete the export jobs (and their files) created before `before`: an export is
    a copy of the listings, kept no longer than it takes to download it."""
    old = DataJob.objects.filter(kind=JobKind.EXPORT, created_at__lt=before)
    deleted = 0
    for job in old.iterator():
        if job.result_file:
            job.result_file.delete(save=False)
        job.delete()
        deleted += 1
    return deleted
