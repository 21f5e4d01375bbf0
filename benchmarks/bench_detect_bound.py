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

from hullwatch.detect.detector import DEFAULT_DESIGNS
from hullwatch.detect.rule import cusum_threshold
from hullwatch.detect.statistic import cusum_step
from hullwatch.units import SECONDS_PER_YEAR

console = Console()
BLOCK_S = 1800.0
DESIGNS = np.array(DEFAULT_DESIGNS)
SHIFTS = (0.25, 0.5, 1.0, 2.0, 4.0)


def false_alarms_per_year(h: float, years: float, runs: int, rng: np.random.Generator) -> float:
    """Alarms per year on white noise; the bank restarts after each alarm."""
    steps = round(years * SECONDS_PER_YEAR / BLOCK_S / runs)
    scores = np.zeros((runs, DESIGNS.size))
    alarms = 0
    for _ in range(steps):
        scores = cusum_step(scores, rng.standard_normal(runs)[:, None], DESIGNS)
        fired = scores.max(axis=1) > h
        alarms += int(fired.sum())
        scores[fired] = 0.0
    return alarms / (steps * runs * BLOCK_S / SECONDS_PER_YEAR)


def mean_delay(h: float, shift: float, runs: int, rng: np.random.Generator) -> float:
    """Mean samples from the change (at sample 0, bank at rest) to the alarm."""
    scores = np.zeros((runs, DESIGNS.size))
    delay = np.full(runs, np.nan)
    k = 0
    while np.isnan(delay).any():
        k += 1
        scores = cusum_step(scores, shift + rng.standard_normal(runs)[:, None], DESIGNS)
        fired = (scores.max(axis=1) > h) & np.isnan(delay)
        delay[fired] = k
    return float(delay.mean())


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
    measured = false_alarms_per_year(h, args.years, args.runs, rng)
    table = Table(title=f"CUSUM bank on white noise, h = {h:.2f} (30-min blocks)")
    for column in ("shift (sigma)", "mean delay (blocks)", "Lorden/Lai bound", "delay / bound"):
        table.add_column(column, justify="right")
    for shift in SHIFTS:
        delay = mean_delay(h, shift, args.runs, rng)
        bound = np.log(arl) / (shift**2 / 2.0)
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
