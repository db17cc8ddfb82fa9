"""Benchmark the board's indicators on 1,000,000 hour entries.

    DATABASE_URL=postgis://assetmap:assetmap@127.0.0.1:54329/assetmap_bench \\
        .venv/bin/python bench/indicators.py [--setup] [--runs 20] [--explain]

--setup fills the database (once; it refuses if hour entries are already there) on top
of `manage.py load_demo` and `manage.py seed_scale --assets 100000`: see README.md.
Then it times `board_indicators()` for the last 12 months across every network, and
the same five SQL statements run bare (no Python around them), and prints the median,
the 95th percentile and their ratio.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assetmap.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models.functions import Now  # noqa: E402
from django.utils import timezone  # noqa: E402

from volunteers import indicators  # noqa: E402
from volunteers.models import IndicatorMonth  # noqa: E402

HOURS = 1_000_000
VOLUNTEERS = 20_000  # 50 entries each, about one a fortnight for two years
GROUPS = 5_000  # assets where volunteering happens; 3,000 of them in a GP network
YEARS = 3  # hour entries spread over the last 36 months
SPENDS = 100_000
GIFTS = 20_000  # pairs of ledger rows; a quarter of them from a group's bank
EVENTS = 600
WARM_UP = 3

SETUP_SQL = [
    "SELECT setseed(0.42)",
    # Volunteers, each starting at some point in the three years.
    """
    INSERT INTO volunteers_volunteer
        (display_name, email, phone, skills, consent_text, consent_given_at, created_at)
    SELECT 'Bench volunteer ' || g, '', '', '', '', NULL, now()
    FROM generate_series(1, %(volunteers)s) g
    """,
    """
    CREATE TEMP TABLE bench_vol AS
    SELECT row_number() OVER (ORDER BY id) AS n, id,
           (random() * %(days)s * 0.9)::int AS starts_after
    FROM volunteers_volunteer WHERE display_name LIKE 'Bench volunteer %%'
    """,
    """
    CREATE TEMP TABLE bench_group AS
    SELECT row_number() OVER () AS n, id FROM (
        (SELECT id FROM assetmap_asset WHERE status = 'published' AND network_id IS NOT NULL
         ORDER BY random() LIMIT %(in_network)s)
        UNION ALL
        (SELECT id FROM assetmap_asset WHERE status = 'published' AND network_id IS NULL
         ORDER BY random() LIMIT %(outside)s)
    ) chosen
    """,
    "CREATE UNIQUE INDEX ON bench_vol (n)",
    "CREATE UNIQUE INDEX ON bench_group (n)",
    # Hours: mostly at the volunteer's own group, one in ten somewhere else; 1 in 20
    # rejected, the last fortnight's partly pending, the rest approved.
    """
    INSERT INTO volunteers_hoursentry
        (volunteer_id, asset_id, date, hours, description, status, rejection_reason,
         decided_at, created_at)
    SELECT v.id, g.id, e.date, e.hours, '',
           CASE WHEN e.i %% 20 = 0 THEN 'rejected'
                WHEN e.date > current_date - 14 AND e.i %% 3 = 0 THEN 'pending'
                ELSE 'approved' END,
           CASE WHEN e.i %% 20 = 0 THEN 'Logged twice.' ELSE '' END,
           NULL, now()
    FROM (
        SELECT i, 1 + (i %% %(volunteers)s) AS vn,
               (1 + floor(random() * 16))::numeric / 4 AS hours,
               random() AS r1, random() AS r2, random() AS r3
        FROM generate_series(1, %(hours)s) i
    ) x
    JOIN bench_vol v ON v.n = x.vn
    CROSS JOIN LATERAL (
        SELECT x.i, x.hours,
               current_date - %(days)s + v.starts_after
                 + (x.r1 * (%(days)s - v.starts_after))::int AS date
    ) e
    JOIN bench_group g ON g.n = CASE WHEN x.r2 < 0.9 THEN 1 + (v.n %% %(groups)s)
                                     ELSE 1 + (x.r3 * (%(groups)s - 1))::int END
    """,
    # One approved entry in a hundred corrected (a quarter of an hour more), approved.
    """
    INSERT INTO volunteers_hoursentry
        (volunteer_id, asset_id, date, hours, description, status, rejection_reason,
         corrects_id, created_at)
    SELECT volunteer_id, asset_id, date, least(hours + 0.25, 24), 'Correction', 'approved', '',
           id, now()
    FROM volunteers_hoursentry WHERE status = 'approved' AND id %% 100 = 7
    """,
    # Credits earned on approval, up to three weeks after the day (never in the future).
    """
    INSERT INTO volunteers_creditentry
        (volunteer_id, kind, amount, hours_entry_id, what_bought, reason, created_at)
    SELECT h.volunteer_id, 'earn',
           h.hours - coalesce(o.hours, 0), h.id, '', '',
           least(h.date + (random() * 21)::int + time '12:00', now()) AT TIME ZONE %(tz)s
    FROM volunteers_hoursentry h LEFT JOIN volunteers_hoursentry o ON o.id = h.corrects_id
    WHERE h.status = 'approved' AND h.hours <> coalesce(o.hours, 0)
      AND NOT EXISTS (SELECT 1 FROM volunteers_creditentry c WHERE c.hours_entry_id = h.id)
    """,
    """
    INSERT INTO volunteers_creditentry
        (volunteer_id, kind, amount, spend_partner_id, what_bought, reason, created_at)
    SELECT v.id, 'spend', -(1 + (random() * 2)::int), g.id, 'A swim session', '',
           now() - random() * interval '%(years)s years'
    FROM generate_series(1, %(spends)s) i
    JOIN bench_vol v ON v.n = 1 + (i * 7 %% %(volunteers)s)
    JOIN bench_group g ON g.n = 1 + (i %% 50)
    """,
    """
    WITH given AS (
        INSERT INTO volunteers_creditentry
            (volunteer_id, bank_asset_id, kind, amount, what_bought, reason, created_at)
        SELECT CASE WHEN i %% 4 = 0 THEN NULL ELSE v.id END,
               CASE WHEN i %% 4 = 0 THEN g.id END,
               'gift', -1, '', '', now() - random() * interval '%(years)s years'
        FROM generate_series(1, %(gifts)s) i
        JOIN bench_vol v ON v.n = 1 + (i * 13 %% %(volunteers)s)
        JOIN bench_group g ON g.n = 1 + (i %% %(groups)s)
        RETURNING id, created_at
    )
    INSERT INTO volunteers_creditentry
        (volunteer_id, kind, amount, counterpart_id, what_bought, reason, created_at)
    SELECT v.id, 'gift', 1, given.id, '', '', given.created_at
    FROM given JOIN bench_vol v ON v.n = 1 + (given.id * 17 %% %(volunteers)s)
    """,
    # Survey answers for three approved entries in five.
    """
    INSERT INTO volunteers_surveyresponse
        (hours_entry_id, satisfaction, felt_valued, would_recommend, comment, created_at)
    SELECT id, s, s, s >= 3, '', now()
    FROM (
        SELECT id, CASE WHEN r < 0.45 THEN 5 WHEN r < 0.80 THEN 4 WHEN r < 0.92 THEN 3
                        WHEN r < 0.97 THEN 2 ELSE 1 END AS s
        FROM (SELECT id, random() AS r FROM volunteers_hoursentry
              WHERE status = 'approved' AND corrects_id IS NULL AND id %% 5 < 3
                AND description = '') x
    ) y
    """,
    """
    INSERT INTO networks_listeningevent
        (title, date, network_id, place_name, people_count, notes, is_published,
         created_at, updated_at)
    SELECT 'Bench event ' || i, current_date - (random() * %(days)s)::int,
           (SELECT id FROM networks_network ORDER BY id OFFSET i %% 8 LIMIT 1),
           'A market', 10 + (random() * 90)::int, '', true, now(), now()
    FROM generate_series(1, %(events)s) i
    """,
    # The scale assets were created over five years, checked when created and again at
    # their current check date, each change with its history row (as the admin makes).
    """
    UPDATE assetmap_asset
    SET created_at = now() - random() * interval '5 years'
    WHERE slug ~ '^scale-[0-9]+$'
    """,
    """
    UPDATE assetmap_asset
    SET assured_date = greatest(assured_date, (created_at AT TIME ZONE %(tz)s)::date)
    WHERE slug ~ '^scale-[0-9]+$'
    """,
]


def _history_sql() -> list[str]:
    """ "+" rows at creation, "~" rows at the last check, for every scale asset."""
    from assetmap.models import Asset

    model = Asset.history.model
    # The asset's own columns; history_id, history_date, history_user_id... are set here.
    names = ", ".join(
        f.column
        for f in model._meta.concrete_fields
        if not f.column.startswith("history_") and f.column != "assured_date"
    )
    table = model._meta.db_table
    created = f"""
    INSERT INTO {table} ({names}, history_date, history_type, assured_date)
    SELECT {names}, created_at, '+', (created_at AT TIME ZONE %(tz)s)::date
    FROM assetmap_asset WHERE slug ~ '^scale-[0-9]+$'
    """
    checked = f"""
    INSERT INTO {table} ({names}, history_date, history_type, assured_date)
    SELECT {names}, (assured_date + time '12:00') AT TIME ZONE %(tz)s, '~', assured_date
    FROM assetmap_asset
    WHERE slug ~ '^scale-[0-9]+$' AND assured_date > (created_at AT TIME ZONE %(tz)s)::date
    """
    return [created, checked]


def setup() -> None:
    from volunteers.models import HoursEntry

    if HoursEntry.objects.filter(description="").count() > 100_000:
        sys.exit("This database already has bench hour entries: nothing done.")
    params = {
        "volunteers": VOLUNTEERS,
        "hours": HOURS,
        "groups": GROUPS,
        "in_network": 3_000,
        "outside": GROUPS - 3_000,
        "days": YEARS * 365,
        "years": YEARS,
        "spends": SPENDS,
        "gifts": GIFTS,
        "events": EVENTS,
        "tz": settings.TIME_ZONE,
    }
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in SETUP_SQL + _history_sql():
            cursor.execute(sql, params)
            first_line = sql.strip().splitlines()[0]
            print(f"{time.monotonic() - started:6.1f} s  {first_line[:70]}")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"Set up in {time.monotonic() - started:.1f} s.")


def _report(name: str, timings: list[float]) -> tuple[float, float]:
    timings = sorted(timings)
    median = statistics.median(timings)
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    print(f"{name:<34} median {median * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms")
    return median, p95


def bench(runs: int, explain: bool) -> None:
    today = timezone.localdate()
    last = today.replace(day=1)
    first = indicators.add_months(last, -11)
    with connection.cursor() as cursor:
        for table in ("volunteers_hoursentry", "volunteers_creditentry", "assetmap_asset"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            print(f"{table:<28} {cursor.fetchone()[0]:>10,} rows")
        cursor.execute("SELECT count(*) FROM assetmap_historicalasset")
        print(f"{'assetmap_historicalasset':<28} {cursor.fetchone()[0]:>10,} rows")
    print(f"Months {first:%b %Y} to {last:%b %Y}, every network and the whole area.")

    params = {
        "first": first,
        "after": indicators.add_months(last, 1),
        "last": last,
        "tz": settings.TIME_ZONE,
    }
    statements = [
        indicators._VOLUNTEERING_SQL,
        indicators._SURVEY_SQL,
        indicators._CREDITS_SQL,
        indicators._EVENTS_SQL,
        indicators._ASSETS_SQL,
    ]

    def compute():
        return indicators.compute_indicators(first_month=first, last_month=last)

    def raw():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
            for sql in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    def dashboard():
        return indicators.board_indicators(first_month=first, last_month=last)

    def raw_read():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT month, rows, computed_from, invalidated_at"
                " FROM volunteers_indicatormonth WHERE month BETWEEN %s AND %s",
                [first, last],
            )
            cursor.fetchall()

    def after_a_write():
        # What the first reader pays after an approval: this month is stale.
        IndicatorMonth.objects.filter(month=last).update(invalidated_at=Now())
        return dashboard()

    if explain:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
            for sql in statements:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                print("\n".join(row[0] for row in cursor.fetchall()), end="\n\n")

    IndicatorMonth.objects.all().delete()
    started = time.perf_counter()
    dashboard()
    print(
        f"{'first read, 12 months computed':<34} {1000 * (time.perf_counter() - started):8.0f} ms"
    )

    def timed(name, work, runs):
        for _ in range(WARM_UP):
            work()
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            work()
            timings.append(time.perf_counter() - started)
        return _report(name, timings)

    read = timed("dashboard read (stored months)", dashboard, runs)
    read_raw = timed("raw SQL reading the same rows", raw_read, runs)
    print(f"{'ratio dashboard / raw (median)':<34} {read[0] / read_raw[0]:.2f}")
    verdict = "under" if read[1] < 0.3 else "OVER"
    print(f"Target 300 ms: p95 of the dashboard read is {verdict} it.")
    timed("read after a write (1 month)", after_a_write, max(3, runs // 4))
    heavy_runs = max(2, runs // 10)
    computed = timed("computing 12 months", compute, heavy_runs)
    computed_raw = timed("raw SQL (5 statements)", raw, heavy_runs)
    print(f"{'ratio compute / raw (median)':<34} {computed[0] / computed_raw[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--setup", action="store_true", help="Generate the bench data first.")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--explain", action="store_true", help="Print EXPLAIN ANALYZE too.")
    args = parser.parse_args()
    if "bench" not in connection.settings_dict["NAME"]:
        sys.exit("Use a database of its own for the benchmark (its name must contain 'bench').")
    if args.setup:
        setup()
    bench(args.runs, args.explain)


if __name__ == "__main__":
    main()
