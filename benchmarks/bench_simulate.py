"""Benchmark: one simulated year of the built-in ISS at 10 s output.

Prints the wall time, the peak memory, the speed-up over real time, and the ratio
against a baseline run in the same process (one simulated day), so cost growth
with data size is visible: a linear simulator runs the year in about 365 days' time.

Usage::

    python benchmarks/bench_simulate.py [--days 365] [--baseline-days 1]
"""

from __future__ import annotations

import argparse
import resource
import time

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from hullwatch.simulate import scenario_from_dict, simulate

console = Console()


def year_scenario(days: float) -> dict:
    """The built-in ISS with default crew, thermal and sensors, one PrK leak and a band hold."""
    return {
        "simulation": {"duration": f"{days}d", "output_interval_s": 10.0, "seed": 7},
        "hatch_events": [{"time": "1d", "hatch": "Zvezda-PrK", "state": "closed"}],
        "leaks": [
            {"module": "PrK", "model": "viscous_crack", "rate_lb_per_day": 1.0, "onset": "2d"}
        ],
        "pressure_holds": [{"module": "PrK", "low_mmHg": 660.0, "high_mmHg": 675.0, "start": "3d"}],
        "sensors": {"loss_of_signal": {"per_day": 4, "mean_duration_min": 15}},
    }


def run(days: float, label: str) -> tuple[float, int]:
    scenario = scenario_from_dict(year_scenario(days))
    start = time.perf_counter()
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(label, total=1.0)
        result = simulate(scenario, progress=lambda f: progress.update(task, completed=f))
    return time.perf_counter() - start, len(result.telemetry)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=365.0)
    parser.add_argument("--baseline-days", type=float, default=1.0)
    args = parser.parse_args()
    run(0.01, "compiling the kernel")  # numba compiles (or loads its cache) once
    base_s, base_rows = run(args.baseline_days, "baseline")
    full_s, full_rows = run(args.days, f"{args.days:g} simulated days")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table = Table(title="hullwatch simulate: built-in ISS, 24 modules, 10 s output")
    for column in ("run", "simulated days", "wall [s]", "telemetry rows", "x real time"):
        table.add_column(column, justify="right")
    table.add_row(
        "baseline",
        f"{args.baseline_days:g}",
        f"{base_s:.2f}",
        f"{base_rows:,}",
        f"{args.baseline_days * 86400 / base_s:,.0f}",
    )
    table.add_row(
        "full",
        f"{args.days:g}",
        f"{full_s:.2f}",
        f"{full_rows:,}",
        f"{args.days * 86400 / full_s:,.0f}",
    )
    console.print(table)
    console.print(
        f"time ratio full/baseline: {full_s / base_s:.1f} "
        f"(data ratio {args.days / args.baseline_days:.0f}: linear growth gives the same)"
    )
    console.print(f"peak resident memory: {peak_mib:,.0f} MiB")
    console.print(
        f"goal: one year <= 60 s -> {'met' if full_s <= 60 or args.days < 365 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
