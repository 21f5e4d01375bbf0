"""Forecast calibration: does the true time to threshold fall in the 95 % interval 95 % of runs?

Two regimes from ``hullwatch.validation.forecast_mc`` (a choked hole and a viscous crack
in the isolated PrK), ``--runs`` seeds each (200 by default).  Prints per regime the
coverage with its binomial 95 % interval, the median interval width, the bias and RMSE
of the time to threshold against the naive straight-line extrapolation, the time per
run and the peak memory of a worker.  Writes every run to ``--out``.

Usage::

    python benchmarks/bench_forecast_mc.py [--runs 200] [--first-seed 0] [--jobs 2]
        [--regimes choked_hole,...]
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from hullwatch.analysis.rate import RateSettings
from hullwatch.validation.forecast_mc import (
    HORIZON_DAYS,
    REGIMES,
    THRESHOLD_MMHG,
    WINDOW_DAYS,
    ForecastOutcome,
    run_one,
    summarize,
)
from hullwatch.validation.options import add_monte_carlo_options, rate_settings, seeds

console = Console(width=220)


def _run(regime: str, seed: int, settings: RateSettings) -> tuple[ForecastOutcome, float, int]:
    """One run, its wall time including the simulation [s], and the worker's peak RSS [kB]."""
    start = time.perf_counter()
    outcome = run_one(regime, seed, rate_settings=settings)
    return outcome, time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_monte_carlo_options(parser)
    parser.add_argument("--regimes", default=",".join(REGIMES))
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/forecast_mc.json"))
    args = parser.parse_args()
    names = args.regimes.split(",")
    settings = rate_settings(args)
    outcomes: dict[str, list[ForecastOutcome]] = {name: [] for name in names}
    walls: list[float] = []
    peak_kb = 0
    failures: list[tuple[str, int, str]] = []
    start = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool, Progress(console=console) as progress:
        task = progress.add_task("forecast runs", total=args.runs * len(names))
        futures = {
            pool.submit(_run, name, seed, settings): (name, seed)
            for name in names
            for seed in seeds(args)
        }
        for future in as_completed(futures):
            try:
                outcome, wall, rss = future.result()
                outcomes[outcome.regime].append(outcome)
                walls.append(wall)
                peak_kb = max(peak_kb, rss)
            except Exception as error:  # counted and named, never silently dropped
                failures.append((*futures[future], f"{type(error).__name__}: {error}"))
            progress.advance(task)
    elapsed = time.perf_counter() - start
    table = Table(
        title=(
            f"forecast to {THRESHOLD_MMHG:g} mmHg after a {WINDOW_DAYS:g}-day window, "
            f"{HORIZON_DAYS:g}-day horizon, {args.runs} runs per regime (hours)"
        )
    )
    for column in (
        "regime",
        "95% coverage",
        "binomial 95% CI",
        "median truth",
        "median CI width",
        "bias",
        "RMSE",
        "naive bias",
        "naive RMSE",
        "n identified",
        "coverage n fitted / assumed",
        "n interval holds true n",
        "forecast s/run",
    ):
        table.add_column(column, justify="right")
    summaries = []
    for name in names:
        if not outcomes[name]:
            continue
        s = summarize(sorted(outcomes[name], key=lambda o: o.seed))
        summaries.append(s)
        table.add_row(
            name,
            f"{s.coverage:.1%}",
            f"[{s.coverage_ci95[0]:.1%}, {s.coverage_ci95[1]:.1%}]",
            f"{s.median_truth_h:.1f}",
            f"{s.median_width_h:.2f}",
            f"{s.bias_h:+.2f}",
            f"{s.rmse_h:.2f}",
            f"{s.naive_bias_h:+.2f}",
            f"{s.naive_rmse_h:.2f}",
            f"{s.share_exponent_identified:.0%}",
            f"{s.coverage_exponent_identified:.1%} / {s.coverage_exponent_assumed:.1%}",
            f"{s.exponent_interval_coverage:.1%}",
            f"{s.mean_seconds:.2f}",
        )
    console.print(table)
    runs = sum(len(v) for v in outcomes.values())
    console.print(
        f"{runs} runs in {elapsed:.0f} s on {args.jobs} workers; "
        f"{sum(walls) / max(1, len(walls)):.2f} s per run including the simulation; "
        f"peak memory of a worker {peak_kb / 1024:.0f} MiB; {len(failures)} failed runs"
    )
    for name, seed, message in failures:
        console.print(f"  {name} seed {seed}: {message}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "design": {
            "window_days": WINDOW_DAYS,
            "horizon_days": HORIZON_DAYS,
            "threshold_mmHg": THRESHOLD_MMHG,
            "runs_per_regime": args.runs,
        },
        "summaries": [asdict(s) for s in summaries],
        "seconds_per_run_with_simulation": sum(walls) / max(1, len(walls)),
        "peak_worker_rss_mib": peak_kb / 1024,
        "runs": [asdict(o) for runs_ in outcomes.values() for o in runs_],
        "failures": failures,
    }
    args.out.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
