"""Monte Carlo of the leak-rate estimator: bias, RMSE, 95 % coverage, oracle and naive ratios.

Four scenarios from ``hullwatch.validation.rate_mc`` (the PrK held in a band, the whole
station over a week, a crack swept over a wide pressure range, a hatch change), each
with ``--runs`` seeds (200 by default).  In the same runs: the oracle (the estimator fed
the true gas temperature), a naive endpoint slope of pressure, and an OLS slope of
pressure without temperature.  Runs in parallel on all cores.

Usage::

    python benchmarks/bench_rate_mc.py [--runs 200] [--scenarios prk_band,...] [--jobs 2]
        [--first-seed 0] [--history-days 14] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from hullwatch.validation.options import add_monte_carlo_options, rate_settings, seeds
from hullwatch.validation.rate_mc import SCENARIOS, RunOutcome, run_one, summarize

console = Console()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_monte_carlo_options(parser)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument(
        "--history-days",
        type=float,
        default=0.0,
        help="Earlier data of the compartment the noise model also learns from "
        "(rate --noise-history); 0 analyses the window alone.",
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    names = args.scenarios.split(",")
    settings = rate_settings(args)
    if args.out is None:
        suffix = f"_history_{args.history_days:g}d" if args.history_days else ""
        args.out = Path(f"benchmarks/results/rate_mc{suffix}.json")
    outcomes: dict[str, list[RunOutcome]] = {name: [] for name in names}
    failures: list[tuple[str, int, str]] = []
    start = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool, Progress(console=console) as progress:
        task = progress.add_task("Monte Carlo runs", total=args.runs * len(names))
        futures = {
            pool.submit(run_one, name, seed, settings, history_days=args.history_days): (name, seed)
            for name in names
            for seed in seeds(args)
        }
        for future in as_completed(futures):
            try:
                outcome = future.result()
                outcomes[outcome.scenario].append(outcome)
            except Exception as error:  # counted and named, never silently dropped
                failures.append((*futures[future], f"{type(error).__name__}: {error}"))
            progress.advance(task)
    elapsed = time.perf_counter() - start
    history = f", {args.history_days:g}-day noise history" if args.history_days else ""
    table = Table(title=f"leak rate, {args.runs} runs per scenario{history} (kg/day)")
    for column in (
        "scenario",
        "truth",
        "bias",
        "RMSE",
        "95% coverage",
        "mean CI width",
        "oracle RMSE",
        "RMSE/oracle",
        "endpoint RMSE",
        "P-only OLS RMSE",
        "n identified",
        "n coverage",
    ):
        table.add_column(column, justify="right")
    summaries = []
    for name in names:
        s = summarize(outcomes[name])
        summaries.append(s)
        table.add_row(
            name,
            f"{s.truth_mean:.4f}",
            f"{s.bias:+.5f}",
            f"{s.rmse:.5f}",
            f"{s.coverage:.1%}",
            f"{s.mean_ci_width:.4f}",
            f"{s.oracle_rmse:.5f}",
            f"{s.oracle_ratio:.1f}",
            f"{s.endpoint_rmse:.4f}",
            f"{s.pressure_ols_rmse:.4f}",
            f"{s.exponent_identified:.0%}",
            "-" if s.exponent_coverage is None else f"{s.exponent_coverage:.1%}",
        )
    console.print(table)
    console.print(
        f"{sum(len(v) for v in outcomes.values())} runs in {elapsed:.0f} s "
        f"({elapsed / max(1, args.runs * len(names)):.2f} s per run incl. oracle); "
        f"{len(failures)} runs without an estimate"
    )
    for name, seed, message in failures:
        console.print(f"  {name} seed {seed}: {message}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "summaries": [vars(s) for s in summaries],
        "runs": [vars(o) for runs in outcomes.values() for o in runs],
        "failures": failures,
    }
    args.out.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
