"""Load-test one asset's API detail against a bare Django view on the same server.

    DATABASE_URL=postgis://assetmap:assetmap@127.0.0.1:54329/assetmap_bench \\
        .venv/bin/python bench/detail_load.py [--seconds 10] [--connections 8] [--runs 2]

Starts gunicorn with 2 sync workers (DEBUG off; bench/server.py) on the bench
database, then drives it with wrk over loopback: GET /api/v1/assets/<id>/ for a spread
of published asset ids (each request picks one at random from 2,000), and GET
/bench/bare/, a view answering "ok" through the same middleware. Prints requests per
second and latency percentiles for each (the best of --runs, taking turns), and their
ratio. Needs wrk
(`apt-get install wrk`).
"""

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.server import SERVER_ENV, get, serve  # noqa: E402

for _name, _value in SERVER_ENV.items():
    os.environ.setdefault(_name, _value)

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

WORKERS = 2
IDS = 2_000
WRK_THREADS = 2

# wrk's Lua: each request asks for one of the ids at random.
DETAIL_SCRIPT = """
ids = {%s}
math.randomseed(42)
request = function()
  return wrk.format("GET", "/api/v1/assets/" .. ids[math.random(#ids)] .. "/")
end
"""

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(port: int, path: str, *, seconds: int, connections: int, script: str | None) -> dict:
    command = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        f"http://127.0.0.1:{port}{path}",
    ]
    if script:
        command[1:1] = ["-s", script]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", output, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _ms(latency["50"]),
        "p99": _ms(latency["99"]),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--runs", type=int, default=2, help="Runs of each, the best kept.")
    parser.add_argument("--port", type=int, default=18766)
    args = parser.parse_args()
    if "bench" not in connection.settings_dict["NAME"]:
        sys.exit("Use a database of its own for the benchmark (its name must contain 'bench').")
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM assetmap_asset WHERE status = 'published' ORDER BY id")
        published = [row[0] for row in cursor.fetchall()]
    ids = sorted(random.Random(42).sample(published, min(IDS, len(published))))
    connection.close()

    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "detail.lua"
        script.write_text(DETAIL_SCRIPT % ", ".join(str(pk) for pk in ids))
        with serve(workers=WORKERS, port=args.port, database_url=os.environ["DATABASE_URL"]):
            for pk in ids[:50]:  # warm both workers: connections, URL resolver, GDAL
                get(args.port, f"/api/v1/assets/{pk}/")
            load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
            print(
                f"load average {load}; gunicorn -w {WORKERS} (sync), wrk -t{WRK_THREADS} "
                f"-c{args.connections} -d{args.seconds}s, {os.cpu_count()} cores shared by "
                f"wrk, gunicorn and PostgreSQL; {len(ids):,} asset ids at random"
            )
            targets = [
                ("bare view (/bench/bare/)", "/bench/bare/", None),
                ("asset detail (/api/v1/assets/<id>/)", "/api/v1/assets/0/", str(script)),
            ]
            # Taking turns, run after run; the best run of each is kept.
            runs: dict[str, list[dict]] = {name: [] for name, _, _ in targets}
            for _ in range(args.runs):
                for name, path, lua in targets:
                    runs[name].append(
                        wrk(
                            args.port,
                            path,
                            seconds=args.seconds,
                            connections=args.connections,
                            script=lua,
                        )
                    )
    results = {name: max(done, key=lambda run: run["rps"]) for name, done in runs.items()}
    for name, best in results.items():
        failed = best["errors"] or best["socket_errors"]
        print(
            f"  {name:<38} {best['rps']:8.0f} req/s   p50 {best['p50']:6.1f} ms"
            f"   p99 {best['p99']:6.1f} ms   ({best['requests']:,} requests"
            f"{', FAILURES: ' + str(failed) if failed else ''})"
        )
    bare, detail = results.values()
    print(f"  {'detail / bare (req/s)':<38} {detail['rps'] / bare['rps']:8.2f}")


if __name__ == "__main__":
    main()
