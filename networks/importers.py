"""Importing GP network boundaries (any OGR format) and GP practices (CSV).

Both imports are all-or-nothing: every problem in the file is listed in one
ValidationError and the database is left as it was.
"""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.gdal import AxisOrder, DataSource, GDALException, SpatialReference
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Point
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils.text import slugify

from assetmap.geo import UK_MAX_LAT, UK_MAX_LNG, UK_MIN_LAT, UK_MIN_LNG
from networks.models import Network, Practice
from networks.tasks import recompute_asset_networks

# A repair is "safe" when it changes the area by less than this share of the original.
SAFE_REPAIR_AREA_CHANGE = 0.01
# Overlaps smaller than this share of the smaller network are digitising noise.
OVERLAP_SHARE = 0.005
GAP_MIN_M2 = 10_000

NO_CRS = (
    "The layer has no coordinate reference system. Pass --srid with the EPSG code "
    "the file was drawn in (27700 for British National Grid, 4326 for WGS84)."
)
NAME_FIELD_MISSING = "The file has no field “%(field)s”. Its fields are: %(fields)s."
NAME_CLASH = "These networks already exist: %(names)s. Use --replace to update their boundaries."
POINT_NEEDED = "a point is needed; postcode lookup is not available yet."


@dataclass
class BoundaryImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    overlaps: list[tuple[str, str, float]] = field(default_factory=list)  # hectares
    gaps: list[float] = field(default_factory=list)  # hectares

    def lines(self) -> list[str]:
        lines = [f"Created {len(self.created)} networks, updated {len(self.updated)}."]
        lines += [f"Repaired: {note}" for note in self.repaired]
        lines += [f"Warning: {a} and {b} overlap by {ha:.2f} ha" for a, b, ha in self.overlaps]
        lines += [f"Warning: a gap of {ha:.2f} ha lies between networks" for ha in self.gaps]
        return lines


@dataclass
class _Boundary:
    label: str  # how the report names the feature
    name: str
    geometry: MultiPolygon


def _target_srs() -> SpatialReference:
    # GDAL 3 would otherwise order EPSG:4326 as (lat, lng); GEOS and PostGIS want (lng, lat).
    return SpatialReference(4326, axis_order=AxisOrder.TRADITIONAL)


def _source_srs(layer, driver: str, srid: int | None) -> SpatialReference | None:
    if srid is not None:
        return SpatialReference(srid, axis_order=AxisOrder.TRADITIONAL)
    if layer.srs is not None:
        return layer.srs
    if driver == "GeoJSON":  # RFC 7946: GeoJSON without a "crs" member is WGS84.
        return _target_srs()
    return None


def _read_boundaries(
    path: str | Path, *, name_field: str, layer_index: int, srid: int | None
) -> tuple[list[_Boundary], list[str]]:
    """Every feature reprojected to WGS84 as a MultiPolygon, and every problem found."""
    try:
        source = DataSource(str(path))
        layer = source[layer_index]
    except (GDALException, IndexError) as error:
        raise ValidationError(f"Cannot read layer {layer_index} of {path}: {error}") from error
    if name_field not in layer.fields:
        raise ValidationError(
            NAME_FIELD_MISSING % {"field": name_field, "fields": ", ".join(layer.fields) or "none"}
        )
    srs = _source_srs(layer, source.driver.name, srid)
    if srs is None:
        raise ValidationError(NO_CRS)

    boundaries, problems, seen = [], [], {}
    for index, feature in enumerate(layer):
        name = " ".join(str(feature.get(name_field) or "").split())
        label = f"feature {index} (“{name}”)" if name else f"feature {index}"
        if not name:
            problems.append(f"{label}: the name field “{name_field}” is empty.")
        elif name.casefold() in seen:
            problems.append(f"{label}: the name “{name}” repeats {seen[name.casefold()]}.")
        else:
            seen[name.casefold()] = label
        try:
            geom = feature.geom
        except GDALException:
            problems.append(f"{label}: it has no geometry.")
            continue
        geom.srs = srs
        try:
            geom.transform(_target_srs())
        except GDALException as error:
            problems.append(f"{label}: it cannot be reprojected to WGS84 ({error}).")
            continue
        if geom.is_3d:
            geom.set_3d(False)
        geos = geom.geos
        geos.srid = 4326
        if geos.geom_type == "Polygon":
            geos = MultiPolygon(geos, srid=4326)
        if geos.geom_type != "MultiPolygon" or geos.empty:
            problems.append(f"{label}: a {geom.geom_type.name} is not a polygon.")
            continue
        west, south, east, north = geos.extent
        if not (
            UK_MIN_LNG <= west <= east <= UK_MAX_LNG and UK_MIN_LAT <= south <= north <= UK_MAX_LAT
        ):
            problems.append(
                f"{label}: it lies outside the United Kingdom (longitude {west:.4f} to "
                f"{east:.4f}, latitude {south:.4f} to {north:.4f}); is the CRS right?"
            )
            continue
        boundaries.append(_Boundary(label=label, name=name, geometry=geos))
    return boundaries, problems


_VALIDITY_SQL = """
WITH given AS (SELECT ST_GeomFromEWKB(%s) AS g),
     fixed AS (SELECT g, ST_CollectionExtract(ST_MakeValid(g), 3) AS f FROM given)
SELECT ST_IsValid(g), ST_IsValidReason(g), ABS(ST_Area(g)), ST_Area(f),
       encode(ST_AsEWKB(ST_Multi(f)), 'hex')
FROM fixed
"""


def _repair(boundary: _Boundary, cursor) -> tuple[str | None, str | None]:
    """Make `boundary` valid in place where PostGIS can do so safely.

    Returns (a note for the report, None) after a repair, (None, a refusal) when the
    repair would change the area too much, or (None, None) for a valid geometry."""
    cursor.execute(_VALIDITY_SQL, [bytes(boundary.geometry.ewkb)])
    valid, reason, area, repaired_area, repaired = cursor.fetchone()
    if valid:
        return None, None
    change = abs(repaired_area - area) / area if area else float("inf")
    if repaired_area and change < SAFE_REPAIR_AREA_CHANGE:
        boundary.geometry = GEOSGeometry(repaired)
        return f"{boundary.label}: {reason}; area changed by {change * 100:.2g}%.", None
    return None, f"{boundary.label}: {reason}, and repairing it would change its shape."


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:110] or "network"
    slug, number = base, 2
    while slug in taken or Network.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


_OVERLAPS_SQL = """
SELECT a.name, b.name, ST_Area(ST_Intersection(a.boundary, b.boundary)::geography),
       LEAST(ST_Area(a.boundary::geography), ST_Area(b.boundary::geography))
FROM networks_network a
JOIN networks_network b ON a.id < b.id AND ST_Intersects(a.boundary, b.boundary)
ORDER BY a.name, b.name
"""

# Holes in the union of every network: interior rings of each part of the union.
_GAPS_SQL = """
WITH parts AS (SELECT (ST_Dump(ST_Union(boundary))).geom AS part FROM networks_network)
SELECT ST_Area(ST_MakePolygon(ST_InteriorRingN(part, n))::geography) AS m2
FROM parts, generate_series(1, ST_NumInteriorRings(part)) AS n
ORDER BY m2 DESC
"""


def _overlaps_and_gaps(report: BoundaryImportReport, cursor) -> None:
    cursor.execute(_OVERLAPS_SQL)
    for first, second, overlap, smaller in cursor.fetchall():
        if smaller and overlap > OVERLAP_SHARE * smaller:
            report.overlaps.append((first, second, overlap / 10_000))
    cursor.execute(_GAPS_SQL)
    report.gaps = [m2 / 10_000 for (m2,) in cursor.fetchall() if m2 > GAP_MIN_M2]


@transaction.atomic
def boundaries_import(
    *,
    path: str | Path,
    name_field: str,
    replace: bool = False,
    layer: int = 0,
    srid: int | None = None,
) -> BoundaryImportReport:
    """Create (or with `replace`, update) one network per feature of a boundary file.

    Geometries are reprojected to WGS84; invalid ones are repaired by PostGIS when
    that changes their area by under 1%, else the file is refused. Any problem refuses
    the whole file, listing every problem. Overlaps and gaps are warnings. Assets are
    recomputed once, in a worker, after the import commits."""
    boundaries, problems = _read_boundaries(
        path, name_field=name_field, layer_index=layer, srid=srid
    )
    report = BoundaryImportReport()
    with connection.cursor() as cursor:
        for boundary in boundaries:
            note, refusal = _repair(boundary, cursor)
            if note:
                report.repaired.append(note)
            if refusal:
                problems.append(refusal)

    existing = {
        boundary.name: Network.objects.filter(
            Q(name__iexact=boundary.name) | Q(slug=slugify(boundary.name))
        ).first()
        for boundary in boundaries
    }
    clashes = [network.name for network in existing.values() if network is not None]
    for name in {n for n in clashes if clashes.count(n) > 1}:
        problems.append(f"Several features match the existing network “{name}”.")
    if clashes and not replace:
        problems.append(NAME_CLASH % {"names": ", ".join(sorted(set(clashes)))})
    if problems:
        raise ValidationError(problems)

    taken: set[str] = set()
    for boundary in boundaries:
        network = existing[boundary.name]
        if network is None:
            network = Network(name=boundary.name, slug=_unique_slug(boundary.name, taken))
        network.boundary = boundary.geometry
        try:
            network.full_clean()
        except ValidationError as error:
            problems += [f"{boundary.label}: {message}" for message in error.messages]
            continue
        (report.updated if network.pk else report.created).append(network.name)
        network.save()
    if problems:
        raise ValidationError(problems)  # rolls back the networks saved so far

    with connection.cursor() as cursor:
        _overlaps_and_gaps(report, cursor)
    # One recompute for the whole file, not one per network.
    recompute_asset_networks.delay_on_commit()
    return report


# Practices ------------------------------------------------------------------------

PRACTICE_COLUMNS = ("ods_code", "name", "postcode", "lat", "lng", "network")


@dataclass
class PracticeImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def lines(self) -> list[str]:
        return [
            f"Created {self.created} practices, updated {self.updated}, {self.unchanged} unchanged."
        ]


def _point(row: dict[str, str]) -> Point:
    lat, lng = row.get("lat", ""), row.get("lng", "")
    if not lat and not lng:
        raise ValidationError(POINT_NEEDED)
    try:
        return Point(float(lng), float(lat), srid=4326)
    except ValueError as error:
        raise ValidationError("give both, as decimal degrees.") from error


def _network(name: str) -> Network | None:
    if not name:
        return None
    network = Network.objects.filter(Q(name__iexact=name) | Q(slug__iexact=name)).first()
    if network is None:
        raise ValidationError(f"there is no network called “{name}”.")
    return network


def _snapshot(practice: Practice) -> tuple:
    location = practice.location.coords if practice.location else None
    return practice.name, practice.postcode, location, practice.network_id


def _practice_from_row(row: dict[str, str]) -> tuple[Practice, bool, tuple | None]:
    """The practice a row describes (not saved), whether its network is to be found by
    point, and how the practice stood before (None when new)."""
    ods_code = row.get("ods_code", "").upper()
    practice = Practice.objects.filter(ods_code=ods_code).first() or Practice(ods_code=ods_code)
    before = _snapshot(practice) if practice.pk else None
    practice.name = row.get("name", "")
    practice.postcode = row.get("postcode", "")
    errors: dict[str, list[str]] = {}
    try:
        practice.location = _point(row)
    except ValidationError as error:
        errors["lat, lng"] = error.messages
    try:
        network = _network(row.get("network", ""))
    except ValidationError as error:
        errors["network"], network = error.messages, None
    if network is not None:
        practice.network = network
    try:
        practice.full_clean(exclude=["location"] if "lat, lng" in errors else None)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return practice, network is None and "network" not in errors, before


def _row_errors(line: int, error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [
            f"line {line}: {name}: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [f"line {line}: {message}" for message in error.messages]


@transaction.atomic
def practices_import(*, path: str | Path) -> PracticeImportReport:
    """Create or update GP practices (matched by ODS code) from a CSV file with the
    columns ods_code, name, postcode, lat, lng, network.

    Every row is validated first; if any is wrong, every error is reported with its
    line number and nothing is written. A blank network is found by point in polygon."""
    with open(path, encoding="utf-8-sig", newline="") as file:  # utf-8-sig drops a BOM
        reader = csv.DictReader(file)
        header = [(name or "").strip().lower() for name in reader.fieldnames or []]
        missing = [column for column in ("ods_code", "name") if column not in header]
        if missing:
            raise ValidationError(f"The header lacks the columns: {', '.join(missing)}.")
        reader.fieldnames = header
        rows = [
            (reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}) for row in reader
        ]

    parsed, errors, seen = [], [], {}
    for line, row in rows:
        if not any(row.values()):
            continue  # a blank line
        code = row.get("ods_code", "").upper()
        if code in seen:
            errors.append(f"line {line}: ods_code: {code} is already on line {seen[code]}.")
            continue
        seen[code] = line
        try:
            parsed.append(_practice_from_row(row))
        except ValidationError as error:
            errors += _row_errors(line, error)
    if errors:
        raise ValidationError(errors)

    report, by_point = PracticeImportReport(), []
    for practice, find_network, before in parsed:
        if before is None:
            report.created += 1
        elif before == _snapshot(practice):
            report.unchanged += 1
        else:
            report.updated += 1
        if before is None or before != _snapshot(practice):
            practice.save()
        if find_network:
            by_point.append(practice.pk)
    covering = Network.objects.filter(boundary__covers=OuterRef("location")).order_by("pk")
    Practice.objects.filter(pk__in=by_point).update(network=Subquery(covering.values("pk")[:1]))
    return report
