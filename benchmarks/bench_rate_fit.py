"""Cost of one leak-rate fit under each noise model, against bins read as instants.

    python benchmarks/bench_rate_fit.py [--seed 0] [--history-days 14] [--repeats 3]

For the band hold and the station week of ``hullwatch.validation.rate_mc`` (seed 0),
times ``estimate_segments`` with the bins read as instants (the baseline, the default
until 2026-12-07), as averages, and as averages with REML's bias corrected (the
default), best of ``--repeats``, and the traced peak memory of one fit.  Prints each
time as a ratio to the baseline measured in the same process.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from functools import partial

from rich.console import Console
from rich.table import Table

from hullwatch.analysis.rate import RateSettings, estimate_segments
from hullwatch.simulate import scenario_from_dict, simulate
from hullwatch.validation.rate_mc import SCENARIOS, analysis_window

VERSIONS = {
    "instants (baseline)": RateSettings(bin_average_noise=False, reml_bias_draws=0),
    "averages": RateSettings(reml_bias_draws=0),
    "averages + REML bias (default)": RateSettings(),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--history-days", type=float, default=0.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    table = Table(title=f"one rate fit, seed {args.seed}, history {args.history_days:g} d")
    for column in ("scenario", "noise model", "best time [s]", "ratio", "peak [MiB]"):
        table.add_column(column)
    for name in ("station_week", "prk_band"):
        build, module, _ = SCENARIOS[name]
        result = simulate(scenario_from_dict(build(args.seed, args.history_days)))
        telemetry = result.to_telemetry()
        start, history = analysis_window(name, result, args.history_days)
        baseline = None
        for label, settings in VERSIONS.items():
            fit = partial(
                estimate_segments,
                telemetry,
                result.habitat,
                module,
                start,
                settings=settings,
                history_start=history,
            )
            times = []
            for _ in range(args.repeats):
                began = time.perf_counter()
                fit()
                times.append(time.perf_counter() - began)
            tracemalloc.start()
            fit()
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            best = min(times)
            baseline = baseline or best
            table.add_row(name, label, f"{best:.2f}", f"{best / baseline:.2f}", f"{peak:.0f}")
    Console().print(table)


if __name__ == "__main__":
    main()
