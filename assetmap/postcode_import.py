"""Loading a postcode directory into the Postcode table: the ONS Postcode Directory
(ONSPD) or OS Code-Point Open, as a CSV or the zip either is shipped in, or an extract.

The file is read row by row (a zip straight from the archive, never unpacked), each good
row streamed through COPY into a temporary table, and the grid references turned into
WGS84 points by PostGIS in one INSERT ... ON CONFLICT: 1.8 million rows never sit in
Python's memory, and loading a directory again only touches the postcodes that changed.
"""

import csv
import datetime
import io
import itertools
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assetmap.models import Postcode
from assetmap.postcodes import normalise_postcode

ONSPD = "onspd"
CODE_POINT = "code-point-open"
SOURCE_NAMES = {ONSPD: "ONS Postcode Directory", CODE_POINT: "OS Code-Point Open"}

NOT_A_DIRECTORY = (
    "%(name)s is neither an ONS Postcode Directory CSV (a header row with pcds or pcd, "
    "oseast1m and osnrth1m) nor an OS Code-Point Open CSV (no header; postcode, quality, "
    "eastings, northings, ...)."
)
NO_CSV_IN_ZIP = "%(name)s holds no CSV file."
NOT_READABLE = "%(name)s cannot be read: %(error)s"
BAD_AREA = (
    "“%(value)s” is not a postcode area (E), district (E1, E14, E1W) or sector (E3 3); "
    "give them separated by commas."
)
# How many malformed rows the report lists one by one; it counts the rest.
MALFORMED_LISTED = 50
PROGRESS_EVERY = 100_000

# Northern Ireland's grid references in ONSPD are on the Irish Grid (TM75), the rest of
# the UK's on the British National Grid.
BRITISH_NATIONAL_GRID = 27700
IRISH_GRID = 29903
MAX_EASTING, MAX_NORTHING = 700_000, 1_300_000
CODE_POINT_NO_COORDINATES = "90"  # positional quality 90: no grid reference
ONSPD_NO_GRID_REFERENCE = "9"  # osgrdind 9: no grid reference (Channel Islands, ...)

_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
_RELEASE = re.compile(r"(?<![A-Z])(" + "|".join(_MONTHS) + r")_?(20\d\d)(?!\d)", re.IGNORECASE)
_AREA = re.compile(r"^[A-Z]{1,2}$")
_DISTRICT = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")
_SECTOR = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d$")


@dataclass
class PostcodeImportReport:
    """What an import did, counted; `malformed` lists the first MALFORMED_LISTED."""

    source: str = ""  # ONSPD or CODE_POINT
    file_name: str = ""
    release: str = ""  # "2024-02", from the file's name when it says
    rows_read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    terminated: int = 0
    no_grid_reference: int = 0
    outside_area: int = 0
    repeated: int = 0
    malformed_count: int = 0
    malformed: list[str] = field(default_factory=list)

    def note_malformed(self, where: str, problem: str) -> None:
        self.malformed_count += 1
        if len(self.malformed) < MALFORMED_LISTED:
            self.malformed.append(f"{where}: {problem}")

    @property
    def loaded(self) -> int:
        return self.new + self.updated + self.unchanged

    def lines(self) -> list[str]:
        lines = [
            f"Read {self.rows_read:,} rows of {SOURCE_NAMES[self.source]} from {self.file_name}.",
            f"Loaded {self.loaded:,} postcodes: {self.new:,} new, {self.updated:,} updated, "
            f"{self.unchanged:,} unchanged; {self.terminated:,} of them terminated.",
            f"Skipped {self.no_grid_reference:,} postcodes without a grid reference.",
        ]
        if self.outside_area:
            lines.append(f"Skipped {self.outside_area:,} postcodes outside the chosen areas.")
        if self.repeated:
            lines.append(f"{self.repeated:,} postcodes appeared twice; the later row was kept.")
        if self.malformed_count:
            lines.append(f"{self.malformed_count:,} malformed rows were left out:")
            lines += [f"- {problem}" for problem in self.malformed]
            if self.malformed_count > len(self.malformed):
                more = self.malformed_count - len(self.malformed)
                lines.append(f"- and {more:,} more (only the first {MALFORMED_LISTED} are listed)")
        return lines


def postcodes_import(
    *,
    path: str | Path,
    areas: str = "",
    on_progress: Callable[[int], None] | None = None,
) -> PostcodeImportReport:
    """Load an ONSPD or Code-Point Open file (CSV or zip) into the Postcode table.

    New postcodes are added and known ones updated (point and termination), so loading
    a newer directory marks the postcodes terminated since. `areas` ("E1,E2,E3 3")
    keeps only those postcode areas, districts or sectors. Rows without a grid
    reference are skipped and counted; malformed rows are listed, not fatal. Raises
    ValidationError when the file is in neither format.
    """
    path = Path(path)
    in_area = _area_filter(areas)
    report = PostcodeImportReport(file_name=path.name, release=_release_of(path.name))
    with _csv_sources(path) as sources, transaction.atomic(), connection.cursor() as cursor:
        rows = _staged_rows(sources, path.name, report, in_area, on_progress)
        first = next(rows, None)  # reads the first file's first line: the format
        cursor.execute(
            "DROP TABLE IF EXISTS pg_temp.postcode_import;"
            "CREATE TEMPORARY TABLE postcode_import (seq bigint, postcode varchar(8), "
            "easting integer, northing integer, terminated date) ON COMMIT DROP"
        )
        if first is not None:
            lines = itertools.chain([first], rows)
            cursor.cursor.copy_expert(
                "COPY postcode_import FROM STDIN", _CopyStream(lines), size=1 << 16
            )
        _upsert(cursor, report)
        cursor.execute("DROP TABLE pg_temp.postcode_import")
    return report


def _upsert(cursor, report: PostcodeImportReport) -> None:
    """Staged rows into the Postcode table, one statement; counts go on `report`."""
    table = connection.ops.quote_name(Postcode._meta.db_table)
    cursor.execute(
        f"""
        WITH latest AS MATERIALIZED (
            SELECT DISTINCT ON (postcode) postcode, easting, northing, terminated
            FROM postcode_import ORDER BY postcode, seq DESC
        ), upserted AS (
            INSERT INTO {table} AS existing (postcode, location, terminated)
            SELECT postcode,
                   ST_Transform(ST_SetSRID(ST_MakePoint(easting, northing),
                       CASE WHEN postcode LIKE 'BT%%' THEN %s ELSE %s END), 4326),
                   terminated
            FROM latest
            ON CONFLICT (postcode) DO UPDATE
                SET location = EXCLUDED.location, terminated = EXCLUDED.terminated
                WHERE (existing.location, existing.terminated)
                    IS DISTINCT FROM (EXCLUDED.location, EXCLUDED.terminated)
            RETURNING (xmax = 0) AS inserted
        )
        SELECT (SELECT count(*) FROM postcode_import),
               (SELECT count(*) FROM latest),
               (SELECT count(*) FROM latest WHERE terminated IS NOT NULL),
               count(*) FILTER (WHERE inserted),
               count(*) FILTER (WHERE NOT inserted)
        FROM upserted
        """,  # noqa: S608 -- the table name is the model's own, quoted
        [IRISH_GRID, BRITISH_NATIONAL_GRID],
    )
    staged, distinct, terminated, new, updated = cursor.fetchone()
    report.repeated = staged - distinct
    report.terminated = terminated
    report.new, report.updated = new, updated
    report.unchanged = distinct - new - updated


class _CopyStream:
    """The staged rows as a file COPY FROM STDIN reads, made as it reads them."""

    def __init__(self, lines: Iterator[str]):
        self._lines = lines

    def read(self, size: int = -1) -> str:
        chunk, length = [], 0
        for line in self._lines:
            chunk.append(line)
            length += len(line)
            if 0 < size <= length:
                break
        return "".join(chunk)

    def readline(self, size: int = -1) -> str:
        return next(self._lines, "")


# --- Reading the file --------------------------------------------------------------------


@contextmanager
def _csv_sources(path: Path) -> Iterator[list[tuple[str, Callable[[], TextIO]]]]:
    """(name, opener) for each CSV to read: the file itself, or the directory's CSVs in
    a zip, each opened from the archive as it is reached."""
    if not zipfile.is_zipfile(path):
        try:
            path.open("rb").close()
        except OSError as error:
            raise ValidationError(NOT_READABLE % {"name": path.name, "error": error}) from error
        yield [(path.name, lambda: _text(path.open("rb")))]
        return
    with zipfile.ZipFile(path) as archive:
        names = _directory_members(archive.namelist())
        if not names:
            raise ValidationError(NO_CSV_IN_ZIP % {"name": path.name})
        yield [(name, lambda name=name: _text(archive.open(name))) for name in names]


def _text(binary) -> TextIO:
    # utf-8-sig: a file saved by Excel starts with a byte order mark.
    return io.TextIOWrapper(binary, encoding="utf-8-sig", errors="replace")


def _directory_members(names: list[str]) -> list[str]:
    """The CSVs of a zip that hold postcodes. ONSPD ships the whole UK in
    Data/ONSPD_*.csv and the same rows again per area under Data/multi_csv/: read the
    one file. Code-Point Open ships one CSV per area under Data/CSV/. Column headers
    and documentation live under Doc/."""
    csvs = [n for n in names if n.lower().endswith(".csv") and not n.endswith("/")]
    onspd = [n for n in csvs if re.fullmatch(r"(?:[^/]+/)?Data/ONSPD[^/]*\.csv", n, re.I)]
    if onspd:
        return onspd[:1]
    code_point = sorted(n for n in csvs if re.search(r"(?:^|/)Data/CSV/[^/]+\.csv$", n, re.I))
    if code_point:
        return code_point
    return sorted(n for n in csvs if not re.search(r"(?:^|/)(?:Doc|Docs|User guide)/", n, re.I))


def _staged_rows(
    sources, file_name: str, report: PostcodeImportReport, in_area, on_progress
) -> Iterator[str]:
    """COPY text lines (seq, postcode, easting, northing, terminated) for every good
    row of every source; skips and problems are counted on `report`."""
    seq, layout = 0, None
    for name, open_source in sources:
        where = f"{name} line" if len(sources) > 1 or name != file_name else "line"
        with open_source() as stream:
            first_line = stream.readline()
            if not first_line.strip():
                continue
            first_row = next(csv.reader([first_line]))
            if layout is None:
                layout = _layout(first_row, file_name)
                report.source = layout.source
            elif not layout.header and _is_code_point_header(first_row):
                continue  # a Code-Point Open area file with a header row of its own
            lines = stream if layout.header else itertools.chain([first_line], stream)
            parse = _onspd_row if layout.source == ONSPD else _code_point_row
            for line_number, line in enumerate(lines, start=2 if layout.header else 1):
                if line == "\n":
                    continue
                report.rows_read += 1
                if on_progress and report.rows_read % PROGRESS_EVERY == 0:
                    on_progress(report.rows_read)
                try:
                    parsed = parse(*_fields(line, layout))
                except ValueError as problem:
                    report.note_malformed(f"{where} {line_number}", str(problem))
                    continue
                if parsed is None:
                    report.no_grid_reference += 1
                    continue
                postcode, easting, northing, terminated = parsed
                if in_area is not None and not in_area(postcode):
                    report.outside_area += 1
                    continue
                seq += 1
                yield f"{seq}\t{postcode}\t{easting}\t{northing}\t{terminated}\n"
    if layout is None:  # nothing but empty files
        raise ValidationError(NOT_A_DIRECTORY % {"name": file_name})
    if on_progress:
        on_progress(report.rows_read)


# The columns a row is read for, in the order the row parsers take them.
_WANTED = ("postcode", "easting", "northing", "quality", "terminated")


@dataclass
class _Layout:
    """Where a format keeps the columns we read, and a pattern picking them out of a
    line: ONSPD rows have 50-odd columns and we need five near the start, so a
    regular expression is several times faster than splitting every row with csv."""

    source: str
    header: bool
    columns: dict[str, int]  # _WANTED name: position (-1: the file has no such column)
    width: int = 0  # the columns a row needs
    pattern: re.Pattern | None = None

    def __post_init__(self):
        self.width = 1 + max(self.columns.values())
        by_position = {position: name for name, position in self.columns.items()}
        parts = []
        for position in range(self.width):
            if position in by_position:  # in quotes or not, with no comma inside
                name = by_position[position]
                parts.append(f'(?P<{name}_q>"?)(?P<{name}>[^",\\n]*)(?P={name}_q)')
            else:  # any field, quoted commas included
                parts.append('(?:"[^"\\n]*"|[^,"\\n]*)')
        absent = "".join(f"(?P<{name}>)" for name, at in self.columns.items() if at < 0)
        self.pattern = re.compile(",".join(parts) + r"(?=,|\n|$)" + absent)


def _fields(line: str, layout: _Layout) -> tuple[str, ...]:
    """The _WANTED columns of one line, unquoted. Lines the pattern does not take
    (an escaped quote, a comma inside a quoted column we read) go through csv."""
    found = layout.pattern.match(line)
    if found is not None:
        return found.group(*_WANTED)
    row = next(csv.reader([line]), [])
    if len(row) < layout.width:
        raise ValueError(f"{len(row)} columns where a row has at least {layout.width}")
    return tuple(row[layout.columns[name]] if layout.columns[name] >= 0 else "" for name in _WANTED)


def _layout(first_row: list[str], name: str) -> _Layout:
    """Which format the file is in, from its first row, and where the columns are."""
    columns = [c.strip().lower() for c in first_row]
    if {"oseast1m", "osnrth1m"} <= set(columns) and {"pcds", "pcd"} & set(columns):
        position = {column: i for i, column in enumerate(columns)}
        return _Layout(
            source=ONSPD,
            header=True,
            columns={
                "postcode": position.get("pcds", position.get("pcd")),
                "easting": position["oseast1m"],
                "northing": position["osnrth1m"],
                "quality": position.get("osgrdind", -1),
                "terminated": position.get("doterm", -1),
            },
        )
    code_point = {"postcode": 0, "quality": 1, "easting": 2, "northing": 3, "terminated": -1}
    if _is_code_point_header(first_row):
        return _Layout(source=CODE_POINT, header=True, columns=code_point)
    if len(columns) >= 4 and all(c.strip().isdigit() for c in first_row[1:4]):
        try:
            normalise_postcode(first_row[0])
        except ValidationError:
            pass
        else:
            return _Layout(source=CODE_POINT, header=False, columns=code_point)
    raise ValidationError(NOT_A_DIRECTORY % {"name": name})


def _is_code_point_header(row: list[str]) -> bool:
    columns = [c.strip().lower() for c in row[:4]]
    return columns == ["postcode", "positional_quality_indicator", "eastings", "northings"]


def _onspd_row(postcode: str, easting: str, northing: str, quality: str, doterm: str):
    """(postcode, easting, northing, terminated or \\N), None without a grid
    reference, or ValueError saying what is wrong."""
    no_grid = quality.strip() == ONSPD_NO_GRID_REFERENCE
    if no_grid or not easting.strip() or not northing.strip():
        return None
    return (_postcode(postcode), *_grid_reference(easting, northing), _first_of_month(doterm))


def _code_point_row(postcode: str, easting: str, northing: str, quality: str, _doterm: str):
    """As _onspd_row; Code-Point Open lists live postcodes only."""
    if quality.strip() == CODE_POINT_NO_COORDINATES:
        return None
    postcode = _postcode(postcode)
    easting, northing = _grid_reference(easting, northing)
    if easting == 0 and northing == 0:
        return None
    return postcode, easting, northing, r"\N"


def _postcode(value: str) -> str:
    try:
        return normalise_postcode(value)
    except ValidationError:
        raise ValueError(f"“{value.strip()}” is not a postcode") from None


def _grid_reference(easting: str, northing: str) -> tuple[int, int]:
    try:
        e, n = int(easting), int(northing)
    except ValueError:
        raise ValueError(
            f"the grid reference “{easting.strip()}, {northing.strip()}” is not two whole numbers"
        ) from None
    if not (0 <= e <= MAX_EASTING and 0 <= n <= MAX_NORTHING):
        raise ValueError(f"the grid reference {e}, {n} is off the grid")
    return e, n


def _first_of_month(doterm: str) -> str:
    """ONSPD's termination month (yyyymm) as the first day of that month, or COPY's
    null for a live postcode."""
    doterm = doterm.strip()
    if not doterm:
        return r"\N"
    if len(doterm) != 6 or not doterm.isdigit() or not 1 <= int(doterm[4:]) <= 12:
        raise ValueError(f"the termination date “{doterm}” is not a year and month (yyyymm)")
    return f"{doterm[:4]}-{doterm[4:]}-01"


def _area_filter(areas: str) -> Callable[[str], bool] | None:
    """A test keeping postcodes in the given areas (E), districts (E1) or sectors
    (E3 3); None keeps everything. E1 is the district, so it does not take in E1W."""
    values = [" ".join(v.split()).upper() for v in areas.split(",") if v.strip()]
    if not values:
        return None
    for value in values:
        if not (_AREA.match(value) or _DISTRICT.match(value) or _SECTOR.match(value)):
            raise ValidationError(BAD_AREA % {"value": value})
    wanted = set(values)

    def in_area(postcode: str) -> bool:
        outward = postcode[:-4]
        area = outward[:2] if outward[1:2].isalpha() else outward[:1]
        return outward in wanted or postcode[:-2] in wanted or area in wanted

    return in_area


def _release_of(name: str) -> str:
    found = _RELEASE.search(name)
    if found is None:
        return ""
    return f"{found.group(2)}-{_MONTHS.index(found.group(1).upper()) + 1:02d}"


# --- The record of the last import, for the "About the data" page ------------------------

ATTRIBUTION = {
    CODE_POINT: [
        _("Contains OS data © Crown copyright and database right %(year)s"),
        _("Contains Royal Mail data © Royal Mail copyright and database right %(year)s"),
        _("Contains National Statistics data © Crown copyright and database right %(year)s"),
    ],
}
ATTRIBUTION[ONSPD] = [
    *ATTRIBUTION[CODE_POINT],
    _("Source: Office for National Statistics licensed under the Open Government Licence v.3.0"),
]


def _record_path() -> Path:
    return Path(settings.MEDIA_ROOT) / "postcodes" / "last_import.json"


def postcode_import_record(*, report: PostcodeImportReport) -> None:
    """Keep what was loaded last (source, file, release, when, how many) for the
    attribution the licences require on the site."""
    record = {
        "source": report.source,
        "file_name": report.file_name,
        "release": report.release,
        "imported_at": timezone.now().isoformat(),
        "loaded": report.loaded,
    }
    path = _record_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2))


def last_postcode_import() -> dict | None:
    """The last import's record with its attribution lines, or None if none is kept.
    The lines carry the release's year, or the import's when the file name gave none."""
    try:
        record = json.loads(_record_path().read_text())
        imported_at = datetime.datetime.fromisoformat(record["imported_at"])
        release = record["release"] and datetime.date.fromisoformat(f"{record['release']}-01")
        lines = ATTRIBUTION[record["source"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    year = (release or imported_at).year
    return {
        **record,
        "source_name": SOURCE_NAMES[record["source"]],
        "imported_at": imported_at,
        "release": release or None,
        "attribution": [line % {"year": year} for line in lines],
    }
