"""Benchmark importing listings: 100,000 CSV rows through `import_assets`.

    DATABASE_URL=postgis://assetmap:assetmap@127.0.0.1:54329/assetmap_bench \\
        .venv/bin/python bench/imports.py [--rows 100000] [--out bench/results]

Writes groups-<rows>.csv (once; kept for later runs) in --out: every template column
filled, points on a grid over Tower Hamlets about 150 m apart, two categories, two
sessions (weekly and monthly), 50 organisations. Deletes the listings of an earlier
run of this benchmark (source "bench-<rows>"), then times, each through the command
as a person would run it:

1. `import_assets FILE --dry-run`: reading and checking only (what the preview does);
2. `import_assets FILE`: checking and writing every row, with history, in one
   transaction (the first import);
3. `import_assets FILE` again: all rows unchanged, nothing written.
"""

import argparse
import csv
import io
import os
import random
import resource
import sys
import time
from contextlib import redirect_stderr
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assetmap.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from assetmap.importing import COLUMNS  # noqa: E402

ACTIVITIES = ["Walking", "Knit and natter", "Lunch", "Chair yoga", "Chess", "Choir"]


def write_csv(path: Path, rows: int) -> None:
    chooser = random.Random(1)
    with path.open("w", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS)
        writer.writeheader()
        for n in range(rows):
            writer.writerow(
                {
                    "id": f"g{n}",
                    "name": f"{chooser.choice(ACTIVITIES)} club {n}",
                    "kind": "association",
                    "description": "A friendly group that meets every week. All welcome.",
                    "categories": "walking-groups;befriending",
                    "organisation": f"Bench organisation {n % 50}",
                    "address": f"{n} High Street",
                    "postcode": "E3 3BT",
                    "latitude": f"{51.49 + (n // 300) * 0.0014:.6f}",
                    "longitude": f"{-0.08 + (n % 300) * 0.0022:.6f}",
                    "online_only": "no",
                    "contact_name": "A. Organiser",
                    "email": f"group{n}@example.org",
                    "phone": "020 7946 0000",
                    "website": "https://example.org/",
                    "cost": "free",
                    "accessibility": "step_free;hearing_loop",
                    "languages": "en;bn",
                    "audience": "Adults",
                    "focus": "helping_health",
                    "age_min": "18",
                    "sessions": "Mon 10:00-12:00; 1st Tue 18:00-20:00",
                    "status": "published",
                    "assured_date": "2026-01-15",
                }
            )


def timed(label: str, *args) -> float:
    out = io.StringIO()
    started = time.monotonic()
    with redirect_stderr(io.StringIO()):  # the progress bar
        call_command("import_assets", *args, stdout=out)
    seconds = time.monotonic() - started
    print(f"{label}: {seconds:.1f} s")
    print("   ", out.getvalue().strip().replace("\n", "\n    "))
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    path = options.out / f"groups-{options.rows}.csv"
    if not path.exists():
        write_csv(path, options.rows)
    source = f"bench-{options.rows}"
    with connection.cursor() as cursor:
        # In SQL: the ORM's delete() gathers 100,000 rows and their links in Python first.
        for statement in (
            "DELETE FROM assetmap_recurringsession s USING assetmap_asset a"
            " WHERE s.asset_id = a.id AND a.source = %(source)s",
            "DELETE FROM assetmap_asset_categories l USING assetmap_asset a"
            " WHERE l.asset_id = a.id AND a.source = %(source)s",
            "DELETE FROM assetmap_historicalasset_categories l"
            " USING assetmap_historicalasset h"
            " WHERE l.history_id = h.history_id AND h.source = %(source)s",
            "DELETE FROM assetmap_historicalasset WHERE source = %(source)s",
            "DELETE FROM assetmap_asset WHERE source = %(source)s",
            "DELETE FROM assetmap_organisation o WHERE name LIKE 'Bench organisation %%'"
            " AND NOT EXISTS (SELECT 1 FROM assetmap_asset a WHERE a.organisation_id = o.id)",
        ):
            cursor.execute(statement, {"source": source})
    print(f"{options.rows:,} rows, {path.stat().st_size / 1e6:.1f} MB, load {os.getloadavg()}")

    timed("1. check only (--dry-run)", str(path), "--source", source, "--dry-run")
    timed("2. first import", str(path), "--source", source)
    timed("3. the same file again", str(path), "--source", source)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Peak memory of the process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
