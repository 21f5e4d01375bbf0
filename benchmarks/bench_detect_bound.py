"""Benchmark: the CUSUM bank on white noise against the Lorden/Lai lower bound on delay.

For innovations that are white N(0, 1) before a change and N(delta, 1) after it, no
detector with an average run length ARL between false alarms can react faster, on
average, than ``log(ARL) / KL`` samples with ``KL = delta^2 / 2`` (Lorden 1971; Lai
1998).  hullwatch's bank of one-sided CUSUMs (shifts 0.5, 1, 2 and 4 sigma) is run
with the threshold its decision rule sets for the requested false alarms per year
(30-min blocks), in the same process: its false alarms over simulated years of
leak-free noise, and its mean delay for each shift against the bound.

Usage::

    python benchmarks/bench_detect_bound.py [--runs 400] [--years 2000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from rich.console import Console
from rich.table import Table

from hullwatch.detect.rule import cusum_threshold
from hullwatch.units import SECONDS_PER_YEAR
from hullwatch.validation.cusum_bound import (
    DESIGNS,
    false_alarms_per_year,
    lorden_lai_bound,
    mean_delay,
)

console = Console()
BLOCK_S = 1800.0
SHIFTS = (0.25, 0.5, 1.0, 2.0, 4.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=400)
    parser.add_argument("--years", type=float, default=2000.0)
    parser.add_argument("--false-alarms-per-year", type=float, default=1.0)
    args = parser.parse_args()
    rng = np.random.default_rng(2026)
    began = time.perf_counter()
    h = cusum_threshold(args.false_alarms_per_year, BLOCK_S, DESIGNS.size)
    arl = SECONDS_PER_YEAR / BLOCK_S / args.false_alarms_per_year
    blocks = round(args.years * SECONDS_PER_YEAR / BLOCK_S / args.runs)
    measured = false_alarms_per_year(h, BLOCK_S, blocks, args.runs, rng)
    table = Table(title=f"CUSUM bank on white noise, h = {h:.2f} (30-min blocks)")
    for column in ("shift (sigma)", "mean delay (blocks)", "Lorden/Lai bound", "delay / bound"):
        table.add_column(column, justify="right")
    for shift in SHIFTS:
        delay = mean_delay(h, shift, args.runs, rng)
        bound = lorden_lai_bound(arl, shift)
        table.add_row(f"{shift:g}", f"{delay:.1f}", f"{bound:.1f}", f"{delay / bound:.2f}")
    console.print(table)
    console.print(
        f"false alarms: {measured:.3f} per year measured over {args.years:g} simulated "
        f"years, {args.false_alarms_per_year:g} requested; "
        f"{time.perf_counter() - began:.1f} s",
        highlight=False,
    )


if __name__ == "__main__":
    main()
