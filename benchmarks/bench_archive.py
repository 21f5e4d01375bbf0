"""Archive throughput and memory: ingest and read, against the CSV reader, by archive size.

Usage::

    python benchmarks/bench_archive.py [--days 1,10,100] [--repeat 3] [--json PATH]

For each size, a fresh process simulates that many station-days of the built-in ISS
habitat (every channel, 10 s output, a 1 lb/day PrK leak; 146k rows a day) and
writes them as one long CSV. Then, in this process and alternately (best of
``--repeat`` runs each):

- ``read_telemetry`` of the CSV: the baseline, what every command does with a file;
- ``Archive.ingest`` of that telemetry into a fresh archive (parse not included;
  ``hullwatch ingest`` costs the baseline plus this);
- ``Archive.ingest`` again (nothing new: the idempotence check alone);
- ``Archive.read`` of everything, and of one day in the middle.

Rates are rows per second of the rows in the file (of the day, for the one-day
read). Peak memory is the peak resident set size (VmHWM) of a fresh process doing
one step once, so Arrow's and DuckDB's buffers count; the file is made by another
process, so no figure includes making it.
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from hullwatch.habitat import load_habitat
from hullwatch.simulate import scenario_from_dict, simulate
from hullwatch.store import Archive
from hullwatch.telemetry import read_telemetry, write_telemetry

START = "2026-05-01T00:00:00Z"


def make_file(path: Path, days: int) -> None:
    """``days`` simulated station-days as a long CSV."""
    doc = {
        "simulation": {"duration": f"{days}d", "seed": 1, "start": START},
        "leaks": [{"module": "PrK", "model": "orifice", "rate_lb_per_day": 1.0}],
    }
    write_telemetry(simulate(scenario_from_dict(doc)).telemetry, path)


def middle_day(days: int) -> tuple[np.datetime64, np.datetime64]:
    first = np.datetime64(START.rstrip("Z"), "ns") + np.timedelta64(days // 2, "D")
    return first, first + np.timedelta64(1, "D") - np.timedelta64(1, "ns")


def peak_rss_mb() -> float:
    """Peak resident set size of this process image [MB] (VmHWM, Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return float(line.split()[1]) / 1024.0
    raise RuntimeError("no VmHWM in /proc/self/status")


def once(step: str, csv: Path, archive: Path, days: int) -> None:
    """Run one step once in this (fresh) process and print its peak RSS [MB]."""
    habitat = load_habitat()
    if step == "csv":
        read_telemetry(csv, habitat)
    elif step == "ingest":
        Archive(archive).ingest(read_telemetry(csv, habitat), str(csv))
    elif step == "read":
        Archive(archive).read(habitat)
    elif step == "read-day":
        Archive(archive).read(habitat, *middle_day(days))
    print(f"{peak_rss_mb():.0f}")


def child(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def best(times: list[float]) -> float:
    return min(times)


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    gc.collect()
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def one_run(csv: Path, archive: Path, days: int, runs: dict[str, list[float]]) -> tuple[int, int]:
    """One timing of each step, appended to ``runs``; the rows read, and of the one day."""
    habitat = load_habitat()
    t, data = timed(lambda: read_telemetry(csv, habitat))
    runs["csv"].append(t)
    store = Archive(archive)
    t, report = timed(lambda: store.ingest(data, str(csv)))
    runs["ingest"].append(t)
    assert report.rows_added == len(data)
    t, again = timed(lambda: store.ingest(data, str(csv)))
    runs["reingest"].append(t)
    assert again.rows_added == 0 and again.rows_already_present == len(data)
    t, back = timed(lambda: store.read(habitat))
    runs["read"].append(t)
    assert len(back) == len(data)
    t, day = timed(lambda: store.read(habitat, *middle_day(days)))
    runs["read_day"].append(t)
    return len(data), len(day)


def measure(days: int, repeat: int, folder: Path) -> dict[str, Any]:
    csv = folder / f"station-{days}d.csv"
    started = time.perf_counter()
    child("--write", str(csv), "--days", str(days))
    made_s = time.perf_counter() - started
    runs: dict[str, list[float]] = {
        k: [] for k in ("csv", "ingest", "reingest", "read", "read_day")
    }
    rows = day_rows = 0
    archive = folder / f"archive-{days}d"
    for _ in range(repeat):
        shutil.rmtree(archive, ignore_errors=True)
        rows, day_rows = one_run(csv, archive, days, runs)
    peaks = {
        step: float(
            child(
                "--once", step, "--path", str(csv), "--archive", str(archive), "--days", str(days)
            )
        )
        for step in ("csv", "ingest", "read", "read-day")
    }
    # The "ingest" peak process wrote a second archive over the first: same content.
    csv_mb = csv.stat().st_size / 1e6
    archive_mb = sum(f.stat().st_size for f in archive.rglob("*") if f.is_file()) / 1e6
    t = {k: best(v) for k, v in runs.items()}
    return {
        "days": days,
        "rows": rows,
        "rows_in_read_day": day_rows,
        "parts": len(Archive(archive).parts()),
        "csv_MB": round(csv_mb, 1),
        "archive_MB": round(archive_mb, 1),
        "made_file_s": round(made_s, 1),
        "best_s": {k: round(v, 3) for k, v in t.items()},
        "rows_per_s": {
            "csv_read": round(rows / t["csv"]),
            "ingest": round(rows / t["ingest"]),
            "ingest_cli": round(rows / (t["csv"] + t["ingest"])),
            "reingest": round(rows / t["reingest"]),
            "read": round(rows / t["read"]),
            "read_day": round(day_rows / t["read_day"]),
        },
        "ratio_to_csv_read": {
            "ingest_cli": round((t["csv"] + t["ingest"]) / t["csv"], 2),
            "read": round(t["read"] / t["csv"], 2),
            "read_day": round(t["read_day"] / t["csv"], 3),
        },
        "peak_rss_MB": peaks,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", default="1,10,100")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    parser.add_argument("--write", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--once", help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--archive", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write is not None:
        make_file(args.write, int(args.days))
        return
    if args.once is not None:
        scratch = args.archive.with_name(args.archive.name + "-peak")
        if args.once == "ingest":
            shutil.rmtree(scratch, ignore_errors=True)
        once(
            args.once, args.path, scratch if args.once == "ingest" else args.archive, int(args.days)
        )
        if args.once == "ingest":
            shutil.rmtree(scratch, ignore_errors=True)
        return
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for days in (int(d) for d in args.days.split(",")):
            # The largest size once: each run of it takes minutes.
            result = measure(days, args.repeat if days < 100 else 1, Path(folder))
            results.append(result)
            print(json.dumps(result), flush=True)
    print()
    print(
        f"{'days':>5} {'rows':>11} {'parts':>6} {'CSV MB':>7} {'arch MB':>7}  "
        f"{'csv read':>9} {'ingest':>9} {'re-ingest':>9} {'read':>9} {'read day':>9}  "
        f"{'ingest/csv':>10} {'read/csv':>8}  peak MB csv/ingest/read/day"
    )
    for r in results:
        rate = r["rows_per_s"]
        ratio = r["ratio_to_csv_read"]
        peak = r["peak_rss_MB"]
        print(
            f"{r['days']:>5} {r['rows']:>11,} {r['parts']:>6} {r['csv_MB']:>7} "
            f"{r['archive_MB']:>7}  "
            + " ".join(
                f"{rate[k] / 1e6:>8.2f}M"
                for k in ("csv_read", "ingest", "reingest", "read", "read_day")
            )
            + f"  {ratio['ingest_cli']:>10} {ratio['read']:>8}  "
            f"{peak['csv']:.0f}/{peak['ingest']:.0f}/{peak['read']:.0f}/{peak['read-day']:.0f}"
        )
    print(
        "rates in rows/s (M = million); ingest/csv = (CSV read + ingest) / CSV read, "
        "what `hullwatch ingest FILE` costs against reading FILE"
    )
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
