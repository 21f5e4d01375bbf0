"""Simulated isolation campaigns: configurations and days to find the leaking module.

A leak (orifice, ``--rate`` lb/day) in a random module of the built-in ISS.  After one
day with every hatch open, each strategy picks a hatch configuration; the hold is
simulated (the simulator re-runs the whole campaign with the same seed) and ``locate``
updates the posterior from all the data.  There is no crew: its O2 generation (in
Tranquility) and consumption move gas between compartments once hatches are closed,
which ``locate`` does not model (it reads them as leaks or seal leak-through).  A
campaign ends when the true module has posterior >= 0.95 given a leak in a module, or
after ``--max-steps`` configurations.

The strategies and the campaign loop are :mod:`hullwatch.locate.campaign`.

Run ``python benchmarks/bench_isolation.py --quick`` (2 campaigns) or with ``--campaigns N``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from hullwatch.habitat import load_habitat
from hullwatch.locate.campaign import STRATEGIES, run_campaign


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 campaigns per strategy")
    parser.add_argument("--campaigns", type=int, default=12)
    parser.add_argument("--rate", type=float, default=2.0, help="leak rate [lb/day]")
    parser.add_argument("--max-steps", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--strategies", default=",".join(STRATEGIES))
    args = parser.parse_args()
    n = 2 if args.quick else args.campaigns
    habitat = load_habitat(None)
    rng = np.random.default_rng(args.seed)
    modules = [str(m) for m in rng.choice(habitat.module_names, size=n)]
    aim = int(np.ceil(np.log2(len(habitat.module_names))))
    print(
        f"leak {args.rate} lb/day in {modules}; "
        f"aim <= ceil(log2 {len(habitat.module_names)}) = {aim} configurations"
    )
    print("| strategy | found | configurations (mean) | days (mean) | per campaign | runtime s |")
    print("|---|---|---|---|---|---|")
    for name in args.strategies.split(","):
        t0 = time.time()
        runs = [
            run_campaign(
                name, m, seed=args.seed + i, rate_lb_per_day=args.rate, max_steps=args.max_steps
            )
            for i, m in enumerate(modules)
        ]
        found = sum(r.found for r in runs)
        detail = ", ".join(
            f"{r.module}: {r.configurations}{'' if r.found else '+'}/{r.days:.1f} d" for r in runs
        )
        print(
            f"| {name} | {found}/{n} | {np.mean([r.configurations for r in runs]):.1f} | "
            f"{np.mean([r.days for r in runs]):.1f} | {detail} | {time.time() - t0:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
