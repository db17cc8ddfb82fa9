"""Benchmark the assets API's map layer and search on 100,000 assets, against raw SQL.

    DATABASE_URL=postgis://assetmap:assetmap@127.0.0.1:54329/assetmap_bench \\
        .venv/bin/python bench/api.py [--runs 30] [--explain] [--port 18765]

Starts gunicorn (one sync worker, DEBUG off; bench/server.py) on the bench database
and calls it as an anonymous resident does, over HTTP on loopback, one request at a
time. Each endpoint is timed against hand-written SQL returning the same rows, run
from this process through psycopg2 (the text or rows fetched, no Python around them):

- the map, GET /api/v1/assets/map/?bbox=... over ~10,000 points, against the json_agg
  statement producing the same FeatureCollection text, and against a per-object
  serializer (GeoFeatureModelSerializer) over the same rows on the same server;
- search, GET /api/v1/assets/?q=...&near=...&radius_m=2000&category=..., for several
  queries, against the count and the first page of 50 (with categories and sessions);
- pages of the whole directory, GET /api/v1/assets/?page=1 and ?page=1000 (no
  filters, by name), against the statement giving the same page and count.

Each endpoint and its raw SQL take turns, run after run, so a busy machine slows both
alike. Prints the median, the 95th percentile and the ratios; --explain adds EXPLAIN
ANALYZE of the raw statements.
"""

import argparse
import datetime as dt
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.server import SERVER_ENV, get, serve  # noqa: E402

for _name, _value in SERVER_ENV.items():
    os.environ.setdefault(_name, _value)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from assetmap.listings import LISTING_SQL  # noqa: E402

WARM_UP = 3
# West, south, east, north: the middle of Tower Hamlets, about 10,000 published points.
MAP_BBOX = (-0.076, 51.494, -0.014, 51.537)
BROMLEY_BY_BOW = (51.524, -0.011)  # latitude, longitude
WHITECHAPEL = (51.5195, -0.0597)
CANARY_WHARF = (51.5054, -0.0235)
POSTCODE = ("E3 3ES", BROMLEY_BY_BOW)
METRES_PER_DEGREE_LATITUDE = 111_320

# What people type (words from seed_scale's WORDS, two misspelt), where and in what.
SEARCHES = [
    {"q": "yoga", "near": BROMLEY_BY_BOW, "category": "physical-activity"},
    {"q": "yogga", "near": BROMLEY_BY_BOW, "category": "physical-activity"},
    {"q": "football", "near": WHITECHAPEL, "category": "sport-and-football"},
    {"q": "foootball", "near": WHITECHAPEL, "category": "physical-activity"},
    {"q": "lunch club", "postcode": POSTCODE, "category": "befriending-and-social"},
    {"q": "coffee -knitting", "near": CANARY_WHARF, "category": "food"},
    {"q": "dementia carers", "near": BROMLEY_BY_BOW, "category": "carers"},
    {"q": "english", "near": WHITECHAPEL, "category": "english-and-learning"},
]
RADIUS_M = 2000

MAP_SQL = """
SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(
    json_build_object(
        'type', 'Feature',
        'id', a.id,
        'geometry', ST_AsGeoJSON(a.location, 6, 0)::json,
        'properties', json_build_object(
            'name', a.name, 'slug', a.slug, 'kind', a.kind,
            'url', '/assets/' || a.slug || '/'
        )
    )), '[]'::json))::text
FROM assetmap_asset a
WHERE a.status = 'published' AND a.location && ST_MakeEnvelope(%s, %s, %s, %s, 4326)
"""

# The assets a search finds. Full text first; spelling only when no published asset
# matches the words, as AssetQuerySet.search does. %% is psycopg2's %.
SEARCH_WHERE = """
FROM assetmap_asset
WHERE assetmap_asset.status = 'published'
  AND (assetmap_asset.search_vector @@ websearch_to_tsquery('english', %(q)s)
       OR (assetmap_asset.name %%> %(q)s AND NOT EXISTS (
           SELECT 1 FROM assetmap_asset b
           WHERE b.status = 'published'
             AND b.search_vector @@ websearch_to_tsquery('english', %(q)s))))
  AND EXISTS (
      SELECT 1 FROM assetmap_asset_categories ac
      WHERE ac.asset_id = assetmap_asset.id AND ac.category_id = ANY(%(category_ids)s))
  AND assetmap_asset.location && ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326)
  AND ST_DistanceSphere(assetmap_asset.location, ST_SetSRID(ST_MakePoint(%(lng)s, %(lat)s), 4326))
      <= %(radius)s
"""

CATEGORY_IDS_SQL = """
SELECT c.id FROM assetmap_category c LEFT JOIN assetmap_category p ON p.id = c.parent_id
WHERE c.slug = %(category)s OR p.slug = %(category)s
"""

# The page of 50 and the number of matches, in one statement as the API runs it
# (count(*) OVER ()), best match first with unchecked listings weighted down as
# AssetFilter orders them. Each row is the same json_build_object the API uses
# (assetmap.listings), so both do the same work and return the same rows; what the
# ratio measures is everything around the SQL.
SEARCH_PAGE_SQL = (
    "SELECT count(*) OVER (), "
    + LISTING_SQL
    % {
        "page_url_prefix": "%(page_url_prefix)s",
        "stale_before": "%(stale_before)s",
        "internal_notes": "",
        "distance": "ROUND(ST_DistanceSphere(assetmap_asset.location, "
        "ST_SetSRID(ST_MakePoint(%(lng)s, %(lat)s), 4326))::numeric, 1)",
        "timestamp": '\'YYYY-MM-DD"T"HH24:MI:SS"Z"\'',
    }
    + SEARCH_WHERE
    + """
ORDER BY (ts_rank(assetmap_asset.search_vector, websearch_to_tsquery('english', %(q)s))
          + word_similarity(%(q)s, assetmap_asset.name))
         * CASE WHEN assetmap_asset.assured_date IS NULL
                  OR assetmap_asset.assured_date < %(stale_before)s::date
                THEN 0.5 ELSE 1.0 END DESC,
         assetmap_asset.name, assetmap_asset.id
LIMIT 50
"""
)


def _percentiles(timings: list[float]) -> tuple[float, float]:
    timings = sorted(timings)
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return statistics.median(timings), p95


def _timed(work, runs: int) -> list[float]:
    for _ in range(WARM_UP):
        work()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return timings


def _interleaved(works: list, runs: int) -> list[list[float]]:
    """Time each piece of work `runs` times, taking turns, so that whatever else the
    machine is doing weighs on all of them alike."""
    for _ in range(WARM_UP):
        for work in works:
            work()
    timings: list[list[float]] = [[] for _ in works]
    for _ in range(runs):
        for work, times in zip(works, timings, strict=True):
            started = time.perf_counter()
            work()
            times.append(time.perf_counter() - started)
    return timings


def _row(name: str, timings: list[float]) -> tuple[float, float]:
    median, p95 = _percentiles(timings)
    print(f"  {name:<46} median {median * 1000:8.1f} ms   p95 {p95 * 1000:8.1f} ms")
    return median, p95


def _explain(sql: str, params) -> None:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        print("\n".join(row[0] for row in cursor.fetchall()), end="\n\n")


def ensure_postcode() -> None:
    """The demo postcodes arrive with load_demo; the bench needs only this one."""
    postcode, (lat, lng) = POSTCODE
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO assetmap_postcode (postcode, location) "
            "VALUES (%s, ST_SetSRID(ST_MakePoint(%s, %s), 4326)) ON CONFLICT DO NOTHING",
            [postcode, lng, lat],
        )


def bench_map(port: int, runs: int, explain: bool) -> None:
    bbox = ",".join(str(edge) for edge in MAP_BBOX)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM assetmap_asset WHERE status = 'published'"
            " AND location && ST_MakeEnvelope(%s, %s, %s, %s, 4326)",
            MAP_BBOX,
        )
        points = cursor.fetchone()[0]
    print(f"\nMap: bbox={bbox}, {points:,} published points")

    def raw() -> str:
        with connection.cursor() as cursor:
            cursor.execute(MAP_SQL, MAP_BBOX)
            return cursor.fetchone()[0]

    endpoint_path = f"/api/v1/assets/map/?bbox={bbox}"
    serializer_path = f"/bench/map-serializer/?bbox={bbox}"
    body = get(port, endpoint_path)
    features = json.loads(body)["features"]
    same = "identical text" if body.decode() == raw() else "DIFFERENT text"
    by_serializer = json.loads(get(port, serializer_path))["features"]
    assert len(features) == len(by_serializer) == points, "the map lost points"
    print(f"  {len(body) / 1e6:.1f} MB; endpoint and raw SQL: {same}")
    if explain:
        _explain(MAP_SQL, MAP_BBOX)

    blob_path = f"/bench/blob/{len(body)}/"
    endpoint_times, raw_times, blob_times = _interleaved(
        [lambda: get(port, endpoint_path), raw, lambda: get(port, blob_path)], runs
    )
    endpoint = _row("endpoint (HTTP, SQL json_agg)", endpoint_times)
    bare = _row("raw SQL (json_agg text fetched)", raw_times)
    _row("moving the same bytes (HTTP, bare view)", blob_times)
    serializer = _row(
        "per-object serializer (HTTP, same rows)",
        _timed(lambda: get(port, serializer_path), max(5, runs // 6)),
    )
    ratio = endpoint[0] / bare[0]
    verdict = "meets" if ratio <= 1.5 else "MISSES"
    print(f"  {'ratio endpoint / raw (median)':<46} {ratio:6.2f}   ({verdict} the 1.5 target)")
    print(f"  {'ratio serializer / endpoint (median)':<46} {serializer[0] / endpoint[0]:6.1f}")


def _search_params(search: dict, page_url_prefix: str) -> tuple[dict, dict]:
    """The query string the API gets, and the raw SQL's parameters."""
    query = {"q": search["q"], "radius_m": RADIUS_M, "category": search["category"]}
    if "postcode" in search:
        query["postcode"], (lat, lng) = search["postcode"]
    else:
        lat, lng = search["near"]
        query["near"] = f"{lat},{lng}"
    stale_before = timezone.localdate() - dt.timedelta(days=settings.ASSET_STALE_AFTER_DAYS)
    params = {"q": search["q"], "category": search["category"], "lat": lat, "lng": lng}
    return query, {**params, "page_url_prefix": page_url_prefix, "stale_before": stale_before}


def _raw_search(params: dict, postcode: str | None):
    with connection.cursor() as cursor:
        if postcode is not None:
            cursor.execute(
                "SELECT ST_Y(location), ST_X(location) FROM assetmap_postcode WHERE postcode = %s",
                [postcode],
            )
            params["lat"], params["lng"] = cursor.fetchone()
        # The box around the circle, as AssetQuerySet.near draws it, for the GiST index.
        lat, lng = params["lat"], params["lng"]
        lat_margin = RADIUS_M / METRES_PER_DEGREE_LATITUDE
        lng_margin = lat_margin / math.cos(math.radians(min(abs(lat) + lat_margin, 89.9)))
        params.update(
            west=lng - lng_margin,
            south=lat - lat_margin,
            east=lng + lng_margin,
            north=lat + lat_margin,
            radius=float(RADIUS_M),
        )
        # The category and its sub-categories, looked up first as the API does.
        cursor.execute(CATEGORY_IDS_SQL, params)
        params["category_ids"] = [row[0] for row in cursor.fetchall()]
        cursor.execute(SEARCH_PAGE_SQL, params)
        rows = cursor.fetchall()
        return (rows[0][0] if rows else 0), [listing for _count, listing in rows]


def bench_search(port: int, runs: int, explain: bool) -> None:
    print(f"\nSearch: {len(SEARCHES)} queries, radius {RADIUS_M} m, anonymous, page of 50")
    all_endpoint, all_raw, ratios = [], [], []
    for search in SEARCHES:
        query, params = _search_params(search, f"http://127.0.0.1:{port}/assets/")
        postcode = query.get("postcode")
        path = "/api/v1/assets/?" + urlencode(query)
        answer = json.loads(get(port, path))
        count, rows = _raw_search(dict(params), postcode)
        same = answer["count"] == count and answer["results"] == [json.loads(r) for r in rows]
        where = f"postcode={postcode}" if postcode else f"near={query['near']}"
        print(
            f"q={search['q']!r} {where} category={search['category']}: "
            f"{count} found{'' if same else ' -- RAW SQL DIFFERS'}"
        )
        if explain:
            full = dict(params)
            _raw_search(full, postcode)
            _explain(SEARCH_PAGE_SQL, full)
        endpoint, raw = _interleaved(
            [
                lambda path=path: get(port, path),
                lambda p=params, c=postcode: _raw_search(dict(p), c),
            ],
            runs,
        )
        endpoint_median, _ = _row("endpoint (HTTP)", endpoint)
        raw_median, _ = _row("raw SQL (page as JSON + count, one statement)", raw)
        ratios.append(endpoint_median / raw_median)
        print(f"  {'ratio (median)':<46} {ratios[-1]:6.2f}")
        all_endpoint += endpoint
        all_raw += raw
    print("\nSearch, all queries together:")
    median, p95 = _row("endpoint (HTTP)", all_endpoint)
    raw_median, _ = _row("raw SQL", all_raw)
    print(f"  {'ratio (median of all)':<46} {median / raw_median:6.2f}")
    print(f"  {'ratio per query (median), worst':<46} {max(ratios):6.2f}")
    print(
        f"Targets: median {median * 1000:.1f} ms "
        f"{'<' if median < 0.030 else 'NOT <'} 30 ms; p95 {p95 * 1000:.1f} ms "
        f"{'<' if p95 < 0.060 else 'NOT <'} 60 ms; worst ratio {max(ratios):.2f} "
        f"{'<=' if max(ratios) <= 2 else 'NOT <='} 2."
    )


# A page of the whole directory in name order, as a client copying it would ask for
# it: the page's ids, the count and each row's place first, then JSON for those rows.
LIST_PAGE_SQL = (
    "SELECT "
    + LISTING_SQL
    % {
        "page_url_prefix": "%(page_url_prefix)s",
        "stale_before": "%(stale_before)s",
        "internal_notes": "",
        "distance": "NULL",
        "timestamp": '\'YYYY-MM-DD"T"HH24:MI:SS"Z"\'',
    }
    + """, page.total
FROM (SELECT id, count(*) OVER () AS total,
             row_number() OVER (ORDER BY name, id) AS position
      FROM assetmap_asset WHERE status = 'published'
      ORDER BY name, id LIMIT 50 OFFSET %(offset)s) page
JOIN assetmap_asset ON assetmap_asset.id = page.id
ORDER BY page.position
"""
)


def bench_pages(port: int, runs: int) -> None:
    print("\nPages of the whole directory: no filters, by name, 50 a page, anonymous")
    stale_before = timezone.localdate() - dt.timedelta(days=settings.ASSET_STALE_AFTER_DAYS)
    for page in (1, 1000):
        path = f"/api/v1/assets/?page={page}"
        params = {
            "page_url_prefix": f"http://127.0.0.1:{port}/assets/",
            "stale_before": stale_before,
            "offset": (page - 1) * 50,
        }

        def raw(params=params) -> list:
            with connection.cursor() as cursor:
                cursor.execute(LIST_PAGE_SQL, params)
                return cursor.fetchall()

        answer, rows = json.loads(get(port, path)), raw()
        same = answer["count"] == rows[0][1] and answer["results"] == [
            json.loads(listing) for listing, _total in rows
        ]
        print(f"page {page}: {answer['count']:,} found{'' if same else ' -- RAW SQL DIFFERS'}")
        endpoint, bare = _interleaved([lambda path=path: get(port, path), raw], runs)
        endpoint_median, _ = _row("endpoint (HTTP)", endpoint)
        raw_median, _ = _row("raw SQL (the same page and count)", bare)
        print(f"  {'ratio (median)':<46} {endpoint_median / raw_median:6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--explain", action="store_true", help="Print EXPLAIN ANALYZE too.")
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--only", choices=["map", "search", "pages"], help="Run one of them.")
    args = parser.parse_args()
    if "bench" not in connection.settings_dict["NAME"]:
        sys.exit("Use a database of its own for the benchmark (its name must contain 'bench').")
    ensure_postcode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM assetmap_asset")
        rows = cursor.fetchone()[0]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"assetmap_asset {rows:,} rows; DEBUG={settings.DEBUG}; load average {load}")
    database_url = os.environ["DATABASE_URL"]
    with serve(workers=1, port=args.port, database_url=database_url):
        if args.only in (None, "map"):
            bench_map(args.port, args.runs, args.explain)
        if args.only in (None, "search"):
            bench_search(args.port, args.runs, args.explain)
        if args.only in (None, "pages"):
            bench_pages(args.port, max(5, args.runs // 3))


if __name__ == "__main__":
    main()
