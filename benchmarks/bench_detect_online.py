"""False alarms of detectors that learn online, from each run's own warm-up.

``bench_detect.py`` fits every detector on a leak-free history first.  A
compartment that has no history (a new configuration, or ``detect`` run without
``--history``) learns its noise model from its first ``--warmup`` of clean data,
2 days by default, and is watched only after that.  This script measures the false
alarms of that path: leak-free runs of ``--days`` (warm-up included) in the
benchmark's two settings, the default detector unfitted, at each requested rate.

Usage::

    python benchmarks/bench_detect_online.py [--setting both] [--seeds 10] [--days 6]
"""

from __future__ import annotations

import argparse
import time

from bench_detect import run_detector, scenario, snapshots
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from hullwatch.detect import LeakDetector
from hullwatch.simulate import scenario_from_dict, simulate
from hullwatch.units import SECONDS_PER_DAY

console = Console()
#: Requested false-alarm rates. [1/year per compartment]
RATES = (0.1, 1.0, 10.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setting", choices=("prk", "station", "both"), default="both")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--days", type=float, default=6.0)
    args = parser.parse_args()
    settings = ("prk", "station") if args.setting == "both" else (args.setting,)
    began = time.perf_counter()
    table = Table(title=f"false alarms, learning online ({args.seeds} leak-free runs)")
    for column in ("setting", "watched compartment-days", *(f"{r:g}/yr" for r in RATES)):
        table.add_column(column, justify="right")
    with Progress(console=console, transient=True) as progress:
        for setting in settings:
            task = progress.add_task(setting, total=args.seeds)
            counts = dict.fromkeys(RATES, 0)
            compartments = 0
            for seed in range(args.seeds):
                result = simulate(scenario_from_dict(scenario(setting, args.days, 700 + seed, 0)))
                shots = snapshots(result)
                compartments = len({s.compartment for shot in shots[-10:] for s in shot.samples})
                for rate in RATES:
                    detector = LeakDetector(result.habitat, false_alarms_per_year=rate)
                    warmup_days = detector.warmup_s / SECONDS_PER_DAY
                    # No onset: every leak alarm is false.
                    _, false = run_detector(shots, detector, float("inf"))
                    counts[rate] += false
                progress.advance(task)
            watched = args.seeds * (args.days - warmup_days) * compartments
            table.add_row(setting, f"{watched:g}", *(str(counts[r]) for r in RATES))
    console.print(table)
    console.print(f"wall time {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
