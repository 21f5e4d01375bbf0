"""Time ``read_telemetry`` against ``pyarrow.csv.read_csv`` alone on the same long CSV.

Usage::

    python benchmarks/bench_read.py [--rows N] [--repeat K]

Writes a long CSV of N rows (default 10,000,000: ten channels of the built-in ISS
habitat at 1 Hz, time-ordered and interleaved as the simulator writes them) to a
temporary folder, then times, in the same process and alternately, the baseline
(``pyarrow.csv.read_csv`` with default options, which only parses) and
``read_telemetry`` (which parses, checks, converts to SI and sorts by channel). The
target is a ratio of at most 1.5 (best of K runs each).

Peak memory is the peak resident set size (VmHWM) of a fresh process that runs one
reader once (``tracemalloc`` would not see Arrow's buffers); the file is written by
another fresh process, so neither figure includes making it.
"""

from __future__ import annotations

import argparse
import gc
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.csv as pacsv

from hullwatch.habitat import load_habitat
from hullwatch.telemetry import read_telemetry, write_telemetry

CHANNELS = [
    ("SIM_ZVEZDA_P", 757.0, 0.3),
    ("SIM_ZVEZDA_T", 22.0, 0.1),
    ("SIM_PRK_P", 740.0, 0.3),
    ("SIM_PRK_T", 21.0, 0.1),
    ("SIM_HATCH_ZVEZDA_PRK", None, None),
    ("USLAB000058", 745.0, 0.3),
    ("USLAB000059", 22.5, 0.1),
    ("SIM_UNITY_P", 757.0, 0.3),
    ("SIM_UNITY_T", 22.0, 0.1),
    ("AIRLOCK000049", 745.0, 0.3),
]


def make_file(path: Path, rows: int) -> None:
    """``rows`` rows of ten channels at 1 Hz, values rounded to the millisecond of unit."""
    rng = np.random.default_rng(0)
    k = len(CHANNELS)
    index = np.arange(rows)
    code = index % k
    values = np.empty(rows)
    for i, (_, mean, sigma) in enumerate(CHANNELS):
        mine = code == i
        if mean is None:
            values[mine] = (index[mine] // (k * 3600)) % 2
        else:
            values[mine] = np.round(mean + rng.normal(0.0, sigma, int(mine.sum())), 3)
    start = np.datetime64("2026-05-01T00:00:00", "ns")
    frame = pd.DataFrame(
        {
            "time": pd.DatetimeIndex(start + (index // k) * np.timedelta64(1, "s"), tz="UTC"),
            "channel": pd.Categorical.from_codes(code, [c for c, _, _ in CHANNELS]),
            "value": values,
        }
    )
    write_telemetry(frame, path)


def peak_rss_mb() -> float:
    """Peak resident set size of this process image [MB].

    ``VmHWM`` on Linux: ``ru_maxrss`` would also count the parent's memory at the fork
    that started this process (the kernel keeps it across ``exec``).
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def read_once(which: str, path: Path) -> None:
    """Run one reader once and print this process's peak RSS [MB]."""
    if which == "baseline":
        pacsv.read_csv(path)
    else:
        read_telemetry(path, load_habitat())
    print(f"{peak_rss_mb():.0f}")


def child(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--read-once", choices=["baseline", "ours"], help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write is not None:
        make_file(args.write, args.rows)
        return
    if args.read_once is not None:
        read_once(args.read_once, args.path)
        return
    habitat = load_habitat()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "telemetry.csv"
        started = time.perf_counter()
        child("--write", str(path), "--rows", str(args.rows))
        print(
            f"wrote {args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB, "
            f"in {time.perf_counter() - started:.1f} s"
        )
        pacsv.read_csv(path)  # warm the page cache
        baseline, ours = [], []
        for _ in range(args.repeat):
            gc.collect()
            started = time.perf_counter()
            table = pacsv.read_csv(path)
            baseline.append(time.perf_counter() - started)
            del table
            gc.collect()
            started = time.perf_counter()
            telemetry = read_telemetry(path, habitat)
            ours.append(time.perf_counter() - started)
            assert len(telemetry) == args.rows
            del telemetry
        peak_base = child("--read-once", "baseline", "--path", str(path))
        peak_ours = child("--read-once", "ours", "--path", str(path))
    best_base, best_ours = min(baseline), min(ours)
    print(f"pyarrow.csv.read_csv: best {best_base:.3f} s  (runs {_fmt(baseline)})")
    print(f"read_telemetry:       best {best_ours:.3f} s  (runs {_fmt(ours)})")
    print(
        f"ratio (best/best):    {best_ours / best_base:.2f}  (target <= 1.5); "
        f"median/median {np.median(ours) / np.median(baseline):.2f}"
    )
    print(
        f"read_telemetry rate:  {args.rows / best_ours / 1e6:.1f} M rows/s "
        f"(baseline {args.rows / best_base / 1e6:.1f} M rows/s)"
    )
    print(
        f"peak RSS, one read in a fresh process: read_csv {peak_base} MB, "
        f"read_telemetry {peak_ours} MB"
    )


def _fmt(times: list[float]) -> str:
    return ", ".join(f"{t:.3f}" for t in times)


if __name__ == "__main__":
    main()
