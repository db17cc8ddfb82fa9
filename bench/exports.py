"""Benchmark exporting 100,000 assets as CSV and GeoJSON, against raw SQL COPY.

    DATABASE_URL=postgis://assetmap:assetmap@127.0.0.1:54329/assetmap_exports_bench \\
        .venv/bin/python bench/exports.py [--runs 3] [--package]

Times what the export worker does (assetmap.exporting: rows read in chunks through a
server-side cursor, each written as a CSV row or a GeoJSON feature, into a temporary
file), over every published asset, against one `COPY (SELECT ...) TO STDOUT` statement
producing the same columns, computed in SQL (categories and sessions aggregated, the
point's coordinates, the lists joined), read by psycopg2 into a temporary file. The
ORUK id, a uuid5 computed in Python by the export, is stood in for in SQL by an md5
of the same "asset:<pk>" text, which costs about the same. The two take turns, run
after run, so a busy machine slows both alike. --package also times the Open Referral
UK package once (full service documents, built from model instances).
"""

import argparse
import math
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assetmap.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from assetmap import exporting  # noqa: E402
from assetmap.exchange_models import JobFormat  # noqa: E402

# Every column the CSV export writes, in SQL: the categories' slugs in the taxonomy's
# order, the sessions as "Tue 10:00-12:00" / "1st Mon ...", the lists ";"-joined.
ROWS_SQL = """
SELECT md5('asset:' || a.id) AS id, a.name, a.kind, a.description,
       coalesce((SELECT string_agg(c.slug, ';' ORDER BY c.position, c.name)
                 FROM assetmap_asset_categories ac
                 JOIN assetmap_category c ON c.id = ac.category_id
                 WHERE ac.asset_id = a.id), '') AS categories,
       coalesce(o.name, '') AS organisation, a.address, a.postcode,
       coalesce(to_char(ST_Y(a.location), 'FM990.000000'), '') AS latitude,
       coalesce(to_char(ST_X(a.location), 'FM990.000000'), '') AS longitude,
       CASE WHEN a.online_only THEN 'yes' ELSE 'no' END AS online_only,
       a.contact_name, a.email, a.phone, a.website, a.cost, a.cost_description,
       array_to_string(a.accessibility, ';') AS accessibility, a.accessibility_notes,
       array_to_string(a.languages, ';') AS languages, a.audience,
       array_to_string(a.focus, ';') AS focus,
       coalesce(a.age_min::text, '') AS age_min, coalesce(a.age_max::text, '') AS age_max,
       coalesce((SELECT string_agg(
                   CASE WHEN s.frequency = 'monthly' THEN
                     (CASE s.week_of_month WHEN 1 THEN '1st' WHEN 2 THEN '2nd'
                        WHEN 3 THEN '3rd' WHEN 4 THEN '4th' ELSE 'last' END) || ' '
                   ELSE '' END
                   || (ARRAY['Mon','Tue','Wed','Thu','Fri','Sat','Sun'])[s.weekday + 1]
                   || ' ' || to_char(s.opens_at, 'HH24:MI') || '-'
                   || to_char(s.closes_at, 'HH24:MI'),
                   '; ' ORDER BY s.weekday, s.opens_at, s.id)
                 FROM assetmap_recurringsession s WHERE s.asset_id = a.id), '') AS sessions,
       a.status, coalesce(a.assured_date::text, '') AS assured_date,
       coalesce(n.slug, '') AS network, a.internal_notes,
       'http://127.0.0.1:8000/assets/' || a.slug || '/' AS url
FROM assetmap_asset a
LEFT JOIN assetmap_organisation o ON o.id = a.organisation_id
LEFT JOIN networks_network n ON n.id = a.network_id
WHERE a.status = 'published'
ORDER BY a.id
"""

CSV_SQL = f"COPY ({ROWS_SQL}) TO STDOUT WITH (FORMAT csv, HEADER true, FORCE_QUOTE *)"

# One feature a line, as the export streams them (COPY's text format would escape
# backslashes; CSV with a quote character that never occurs passes JSON through).
GEOJSON_SQL = f"""
COPY (
  SELECT json_build_object(
    'type', 'Feature', 'id', r.id,
    'geometry', CASE WHEN r.latitude = '' OR r.online_only = 'yes' THEN NULL
                ELSE json_build_object('type', 'Point', 'coordinates',
                     json_build_array(r.longitude::float, r.latitude::float)) END,
    'properties', json_build_object(
      'name', r.name, 'kind', r.kind, 'description', r.description,
      'categories', string_to_array(nullif(r.categories, ''), ';'),
      'organisation', nullif(r.organisation, ''), 'address', r.address,
      'postcode', r.postcode, 'online_only', r.online_only = 'yes',
      'contact_name', r.contact_name, 'email', r.email, 'phone', r.phone,
      'website', r.website, 'cost', r.cost, 'cost_description', r.cost_description,
      'accessibility', string_to_array(nullif(r.accessibility, ''), ';'),
      'accessibility_notes', r.accessibility_notes,
      'languages', string_to_array(nullif(r.languages, ''), ';'),
      'audience', r.audience, 'focus', string_to_array(nullif(r.focus, ''), ';'),
      'age_min', nullif(r.age_min, '')::int, 'age_max', nullif(r.age_max, '')::int,
      'sessions', string_to_array(nullif(r.sessions, ''), '; '),
      'status', r.status, 'assured_date', nullif(r.assured_date, ''),
      'network', nullif(r.network, ''), 'url', r.url))::text
  FROM ({ROWS_SQL}) r
) TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')
"""


def time_export(export_format: str) -> tuple[float, int]:
    """Seconds and bytes for the export of every published asset into a temporary file."""
    assets = exporting.assets_for_export(exporting.ExportFilters())
    started = time.perf_counter()
    with tempfile.TemporaryFile() as spool:
        for piece in exporting.export_pieces(
            export_format, assets, base_url="http://127.0.0.1:8000"
        ):
            spool.write(piece.encode())
        size = spool.tell()
    return time.perf_counter() - started, size


def time_rows() -> float:
    """Seconds to read the rows the export writes, writing nothing: its floor."""
    assets = exporting.assets_for_export(exporting.ExportFilters())
    started = time.perf_counter()
    for _row in exporting._export_rows(assets):
        pass
    return time.perf_counter() - started


def time_copy(sql: str) -> tuple[float, int]:
    started = time.perf_counter()
    with tempfile.TemporaryFile() as spool, connection.cursor() as cursor:
        cursor.copy_expert(sql, spool)
        size = spool.tell()
    return time.perf_counter() - started, size


def report(name: str, ours: list[float], raw: list[float], sizes: tuple[int, int]) -> None:
    ours_median, raw_median = statistics.median(ours), statistics.median(raw)
    print(
        f"{name}: export {ours_median:.2f} s (min {min(ours):.2f}, "
        f"p95 {sorted(ours)[math.ceil(0.95 * len(ours)) - 1]:.2f}), "
        f"raw COPY {raw_median:.2f} s (min {min(raw):.2f}), "
        f"ratio {ours_median / raw_median:.2f}; "
        f"{sizes[0] / 1e6:.1f} MB vs {sizes[1] / 1e6:.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--package", action="store_true", help="Also time the ORUK package.")
    args = parser.parse_args()

    count = exporting.assets_for_export(exporting.ExportFilters()).count()
    print(f"{count} published assets; {args.runs} runs each after one warm-up run.")
    reads = [time_rows() for _ in range(args.runs)]
    print(f"Reading the rows only (the exports' floor): {statistics.median(reads):.2f} s")
    for name, export_format, sql in (
        ("CSV", JobFormat.CSV, CSV_SQL),
        ("GeoJSON", JobFormat.GEOJSON, GEOJSON_SQL),
    ):
        time_export(export_format), time_copy(sql)  # warm the caches
        ours, raw, sizes = [], [], (0, 0)
        for _ in range(args.runs):
            seconds, ours_size = time_export(export_format)
            ours.append(seconds)
            seconds, raw_size = time_copy(sql)
            raw.append(seconds)
            sizes = (ours_size, raw_size)
        report(name, ours, raw, sizes)
    if args.package:
        seconds, size = time_export(JobFormat.OPENREFERRAL)
        print(f"Open Referral UK package: {seconds:.2f} s, {size / 1e6:.1f} MB (one run)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Peak memory of this process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
