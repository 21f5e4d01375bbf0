"""False alarms of detectors that learn online, from each run's own warm-up.

``bench_detect.py`` fits every detector on a leak-free history first.  A
compartment that has no history (a new configuration, or ``detect`` run without
``--history``) learns its noise model from its first ``--warmup`` of clean data,
2 days by default, and is watched only after that.  This script measures the false
alarms of that path: leak-free runs of ``--days`` (warm-up included) in the
benchmark's two settings, the default detector unfitted, at each requested rate.

Usage::

    python benchmarks/bench_detect_online.py [--setting both] [--seeds 10] [--days 6]
        [--first-seed 700] [--warmup-days 2] [--reml-bias-draws 16] [--jobs 2]
"""

from __future__ import annotations

import argparse
import time
from functools import partial
from multiprocessing import Pool

from bench_detect import run_detector, scenario, snapshots
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from scipy import stats

from hullwatch.detect import LeakDetector
from hullwatch.detect.glr import DEFAULT_REML_BIAS_DRAWS
from hullwatch.simulate import scenario_from_dict, simulate
from hullwatch.units import SECONDS_PER_DAY

console = Console()
#: Requested false-alarm rates. [1/year per compartment]
RATES = (0.1, 1.0, 10.0)
DAYS_PER_YEAR = 365.25


def one_run(
    setting: str, days: float, warmup_days: float, bias_draws: int, seed: int
) -> tuple[dict[float, int], int]:
    """Leak alarms (all false: no leak) at each requested rate, and the compartments."""
    result = simulate(scenario_from_dict(scenario(setting, days, seed, 0)))
    shots = snapshots(result)
    compartments = len({s.compartment for shot in shots[-10:] for s in shot.samples})
    counts = {}
    for rate in RATES:
        detector = LeakDetector(
            result.habitat,
            false_alarms_per_year=rate,
            warmup_s=warmup_days * SECONDS_PER_DAY,
            reml_bias_draws=bias_draws,
        )
        counts[rate] = run_detector(shots, detector, float("inf"))[1]
    return counts, compartments


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setting", choices=("prk", "station", "both"), default="both")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=700)
    parser.add_argument("--days", type=float, default=6.0)
    parser.add_argument("--warmup-days", type=float, default=2.0)
    parser.add_argument("--reml-bias-draws", type=int, default=DEFAULT_REML_BIAS_DRAWS)
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    args = parser.parse_args()
    settings = ("prk", "station") if args.setting == "both" else (args.setting,)
    began = time.perf_counter()
    table = Table(
        title=f"false alarms, learning online ({args.seeds} leak-free runs, seeds from "
        f"{args.first_seed}, warm-up {args.warmup_days:g} d, REML bias draws "
        f"{args.reml_bias_draws}); expected at the requested rate in brackets"
    )
    for column in ("setting", "watched compartment-days", *(f"{r:g}/yr" for r in RATES)):
        table.add_column(column, justify="right")
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    with Pool(args.jobs) as pool, Progress(console=console, transient=True) as progress:
        for setting in settings:
            task = progress.add_task(setting, total=args.seeds)
            counts = dict.fromkeys(RATES, 0)
            watched = 0.0
            run = partial(one_run, setting, args.days, args.warmup_days, args.reml_bias_draws)
            for found, compartments in pool.imap_unordered(run, seeds):
                for rate in RATES:
                    counts[rate] += found[rate]
                watched += (args.days - args.warmup_days) * compartments
                progress.advance(task)
            cells = []
            for rate in RATES:
                # One-sided 95 % Poisson upper bound of the rate per compartment-year.
                upper = stats.chi2.ppf(0.95, 2 * counts[rate] + 2) / 2 * DAYS_PER_YEAR / watched
                cells.append(
                    f"{counts[rate]} ({rate * watched / DAYS_PER_YEAR:.1f}); <= {upper:.1f}/yr"
                )
            table.add_row(setting, f"{watched:g}", *cells)
    console.print(table)
    console.print(f"wall time {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
