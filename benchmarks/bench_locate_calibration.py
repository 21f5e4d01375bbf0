"""Reliability of ``hullwatch locate``: when it says p, is it right a fraction p of the time?

Draws ``--cases`` simulated isolations (a random module, a log-uniform rate, one random
hatch configuration; see :mod:`hullwatch.validation.locate_calibration`), runs
``locate`` on each, and prints the reliability table of every module probability, the
expected calibration error, the top-choice z score, and draws the reliability diagram.

Run ``python benchmarks/bench_locate_calibration.py --cases 300 --jobs 2``.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from hullwatch.validation.locate_calibration import (
    CalibrationCase,
    forecasts,
    plot_reliability,
    reliability_table,
    run_case,
    top_choice_z,
)

console = Console()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0, help="first case seed")
    parser.add_argument(
        "--out", type=Path, default=Path("benchmarks/results/locate_calibration.json")
    )
    parser.add_argument(
        "--plot", type=Path, default=Path("benchmarks/results/locate_reliability.png")
    )
    args = parser.parse_args()
    cases: list[CalibrationCase] = []
    failures: list[tuple[int, str]] = []
    start = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool, Progress(console=console) as progress:
        task = progress.add_task("simulated isolations", total=args.cases)
        futures = {
            pool.submit(run_case, seed): seed for seed in range(args.seed, args.seed + args.cases)
        }
        for future in as_completed(futures):
            try:
                cases.append(future.result())
            except Exception as error:  # counted and named, never silently dropped
                failures.append((futures[future], f"{type(error).__name__}: {error}"))
            progress.advance(task)
    elapsed = time.perf_counter() - start
    cases.sort(key=lambda c: c.seed)
    p, y = forecasts(cases)
    table = reliability_table(p, y)
    out = Table(title=f"locate reliability: {len(cases)} cases, {p.size} module forecasts")
    for column in ("bin", "forecasts", "mean forecast", "observed", "95% Wilson"):
        out.add_column(column, justify="right")
    for row in table.rows():
        out.add_row(
            f"[{row['bin_low']:.1f}, {row['bin_high']:.1f})",
            str(row["count"]),
            f"{row['mean_predicted']:.3f}",
            f"{row['observed']:.3f}",
            f"[{row['observed_lo95']:.3f}, {row['observed_hi95']:.3f}]",
        )
    console.print(out)
    right = np.mean([c.top_module == c.true_module for c in cases])
    confident = [c for c in cases if c.posterior[c.top_module] >= 0.9]
    right_confident = np.mean([c.top_module == c.true_module for c in confident])
    console.print(
        f"expected calibration error {table.expected_calibration_error:.4f}; "
        f"top choice right in {right:.1%} of cases; "
        f"top-choice z = {top_choice_z(cases):+.2f} (about N(0,1) if calibrated)"
    )
    console.print(
        f"cases with top probability >= 0.9: {len(confident)}, right in {right_confident:.1%} "
        f"(mean forecast {np.mean([c.posterior[c.top_module] for c in confident]):.3f})"
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    console.print(
        f"{len(cases)} cases in {elapsed:.0f} s ({elapsed / max(len(cases), 1):.2f} s per case "
        f"with {args.jobs} jobs); peak memory of the parent {peak_mb:.0f} MB; "
        f"failures {len(failures)}"
    )
    for seed, message in failures:
        console.print(f"  case {seed} failed: {message}", markup=False)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "cases": [asdict(c) for c in cases],
                "reliability": table.rows(),
                "failures": failures,
            },
            indent=1,
        )
    )
    console.print(f"diagram: {plot_reliability(table, args.plot)}; cases: {args.out}")


if __name__ == "__main__":
    main()
