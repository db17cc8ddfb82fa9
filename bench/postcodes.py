"""Benchmark import_postcodes on a synthetic ONS Postcode Directory the size of the UK's.

    DATABASE_URL=postgis://assetmap:assetmap@127.0.0.1:54329/assetmap_bench \\
        .venv/bin/python bench/postcodes.py [--rows 1800000] [--out bench/results] [--fresh]

Writes ONSPD_BENCH_<rows>.csv (once; kept for later runs) in --out: the real file's 53
columns in its quoting, about 420 bytes a row, unique postcodes grouped by district as
ONS ships them, one in five terminated and one in a hundred without a grid reference.
Then times, through the service the command calls (assetmap.postcode_import):

1. reading and checking the rows alone, no database (the Python share);
2. the first import into an empty postcode table (--fresh empties it first: it
   deletes every postcode, demo ones included, so use a bench database);
3. the same file again, when nothing changes.

Prints rows per second for each, and the peak memory of the process, which stays
flat however big the file is: rows are streamed, never held.
"""

import argparse
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assetmap.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from assetmap.models import Postcode  # noqa: E402
from assetmap.postcode_import import (  # noqa: E402
    PostcodeImportReport,
    _csv_sources,
    _staged_rows,
    postcodes_import,
)

# The columns of ONSPD (2023 onwards), in order.
HEADER = (
    "pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,"
    "osnrth1m,osgrdind,oshlthau,nhser,ctry,rgn,streg,pcon,eer,teclec,ttwa,pct,itl,"
    "statsward,oa01,casward,npark,lsoa01,msoa01,ur01ind,oac01,oa11,lsoa11,msoa11,wz11,"
    "sicbl,bua11,buasd11,ru11ind,oac11,lat,long,lep1,lep2,pfa,imd,calncv,icb,oa21,"
    "lsoa21,msoa21"
)
# Postcode areas and districts shaped as the app's check wants: AB1 ... ZY99.
AREA_FIRST = "ABCDEFGHIJKLMNOPRSTUWYZ"
AREA_SECOND = "ABCDEFGHKLMNOPRSTUWY"
UNIT = "ABDEFGHJLNPQRSTUWXYZ"


def postcodes(count: int):
    """`count` distinct well-formed postcodes, in order."""
    made = 0
    for first in AREA_FIRST:
        for second in AREA_SECOND:
            for district in range(1, 100):
                for sector in range(10):
                    for unit in (a + b for a in UNIT for b in UNIT):
                        yield f"{first}{second}{district} {sector}{unit}"
                        made += 1
                        if made == count:
                            return


def write_directory(path: Path, rows: int) -> None:
    started = time.perf_counter()
    chance = random.Random(2024)  # noqa: S311 -- test data, not secrets
    codes = '"E99999999","E99999999","E09000030","E05009317","E43000220","0",'
    tail = (
        '"E18000007","E40000003","E92000001","E12000007","0","E14001356","E15000007",'
        '"E24000014","E30000234","E16000131","E09000030","00BGGF","E00021715","00BGGF",'
        '"E65000001","E01004305","E02000882","5","2B2","E00021715","E01004305","E02000882",'
        '"E33031245","E38000186","","E35001225","A1","2D3",'
    )
    after = '"E37000051","","E23000001",9735,"E56000010","E54000029","E00021715",'
    after += '"E01004305","E02000882"\n'
    with path.open("w") as out:
        out.write(HEADER + "\n")
        for postcode in postcodes(rows):
            outward, inward = postcode.split()
            roll = chance.random()
            doterm = (
                f"20{chance.randint(0, 23):02d}{chance.randint(1, 12):02d}" if roll < 0.2 else ""
            )
            if roll > 0.99:
                grid, lat_lng = '"","","9",', "99.999999,0.000000,"
            else:
                e, n = chance.randint(100_000, 650_000), chance.randint(10_000, 1_000_000)
                grid, lat_lng = f'"{e}","{n:07d}","1",', "51.524000,-0.011000,"
            out.write(
                f'"{outward:<4}{inward}","{outward:<5}{inward}","{postcode}","198001",'
                f'"{doterm}",{codes}{grid}{tail}{lat_lng}{after}'
            )
    print(f"Wrote {rows:,} rows to {path} in {time.perf_counter() - started:.0f} s")


def parse_only(path: Path) -> tuple[float, float]:
    report = PostcodeImportReport(file_name=path.name)
    started, cpu = time.perf_counter(), time.process_time()
    with _csv_sources(path) as sources:
        for _line in _staged_rows(sources, path.name, report, None, None):
            pass
    return time.perf_counter() - started, time.process_time() - cpu


def timed_import(path: Path):
    started, cpu = time.perf_counter(), time.process_time()
    report = postcodes_import(path=path)
    return time.perf_counter() - started, time.process_time() - cpu, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_800_000)
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--fresh", action="store_true", help="empty the postcode table first")
    args = parser.parse_args()

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"ONSPD_BENCH_{args.rows}.csv"
    if not path.exists():
        write_directory(path, args.rows)
    size = path.stat().st_size / 1e6
    database = connection.settings_dict["NAME"]
    print(f"{path.name}: {args.rows:,} rows, {size:,.0f} MB; database {database}")

    if args.fresh:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {Postcode._meta.db_table}")  # noqa: S608
    elif Postcode.objects.exists():
        print("The postcode table is not empty: the first import updates, not inserts.")

    # Wall time counts PostgreSQL's work too; this process's CPU time is Python's share.
    # On a shared machine the load average says how far to trust the wall times.
    print("load average at the start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    seconds, cpu = parse_only(path)
    print(
        f"read and check only:   {seconds:6.1f} s  {args.rows / seconds:9,.0f} rows/s  "
        f"(Python CPU {cpu:.1f} s)"
    )
    for label in ("first import:", "same file again:"):
        seconds, cpu, report = timed_import(path)
        print(
            f"{label:<22} {seconds:6.1f} s  {args.rows / seconds:9,.0f} rows/s  "
            f"(Python CPU {cpu:.1f} s; {report.new:,} new, {report.updated:,} updated, "
            f"{report.unchanged:,} unchanged, {report.no_grid_reference:,} without a grid "
            "reference)"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
