"""Simulated isolation campaigns: configurations and days to find the leaking module.

A leak (orifice, ``--rate`` lb/day) in a random module of the built-in ISS.  After one
day with every hatch open, each strategy picks a hatch configuration; the hold is
simulated (the simulator re-runs the whole campaign with the same seed) and ``locate``
updates the posterior from all the data.  There is no crew: its O2 generation (in
Tranquility) and consumption move gas between compartments once hatches are closed,
which ``locate`` does not model (it reads them as leaks or seal leak-through).  A
campaign ends when the true module has posterior >= 0.95 given a leak in a module, or
after ``--max-steps`` configurations.

Strategies (every one holds each configuration for the planner's shortest allowed
hold, long enough to resolve the measured rate, except the planner, which picks its
own hold):

1. ``planner``: :func:`hullwatch.locate.plan.plan_isolation`, first step only;
2. ``bisection``: the single hatch whose closure splits the module posterior most evenly;
3. ``one-by-one``: close every hatch of one module, most probable module first;
4. ``2020``: everything closed but the Russian segment's own hatches (crew in Zvezda),
   then the segments apart (Zarya-Zvezda), then single hatches one by one, in habitat
   order, next to modules still suspected.

Run ``python benchmarks/bench_isolation.py --quick`` (2 campaigns) or with ``--campaigns N``.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from hullwatch.habitat import Habitat, load_habitat
from hullwatch.locate import locate_leak
from hullwatch.locate.plan import Belief, belief_from_result, hold_bounds, plan_isolation
from hullwatch.simulate import Scenario, scenario_from_dict, simulate
from hullwatch.units import SECONDS_PER_DAY

START = "2026-05-01T00:00:00Z"
RUSSIAN = ("Zvezda", "PrK", "Progress", "Poisk", "Nauka", "Prichal")
FOUND = 0.95

Strategy = Callable[[Habitat, Belief, list[frozenset[str]]], tuple[frozenset[str], float | None]]


def _module_posterior(belief: Belief) -> dict[str, float]:
    p = {h.name: float(q) for h, q in zip(belief.hypotheses, belief.probabilities, strict=True)}
    modules = {h.name: p[h.name] for h in belief.hypotheses if h.kind == "module"}
    total = sum(modules.values())
    return {m: q / total for m, q in modules.items()}


def planner(
    habitat: Habitat, belief: Belief, done: list[frozenset[str]]
) -> tuple[frozenset[str], float | None]:
    """The planner's first step and its hold [s]."""
    step = plan_isolation(habitat, belief, samples=40, depth=0).first
    return frozenset(step.closed_hatches), step.hold_s


def bisection(
    habitat: Habitat, belief: Belief, done: list[frozenset[str]]
) -> tuple[frozenset[str], float | None]:
    """The untried single hatch that splits the module posterior most evenly."""
    post = _module_posterior(belief)
    everything = frozenset(habitat.hatch_names)
    best, score = frozenset(), math.inf
    for hatch in habitat.hatch_names:
        side = habitat.compartments(everything - {hatch})[0]
        share = sum(post[m] for m in side)
        if abs(share - 0.5) < score and frozenset({hatch}) not in done:
            best, score = frozenset({hatch}), abs(share - 0.5)
    return best, None


def one_by_one(
    habitat: Habitat, belief: Belief, done: list[frozenset[str]]
) -> tuple[frozenset[str], float | None]:
    """Every hatch of the most probable module not yet isolated."""
    post = _module_posterior(belief)
    for module in sorted(post, key=lambda m: -post[m]):
        closed = frozenset(name for name, _ in habitat.neighbours(module))
        if closed not in done:
            return closed, None
    return done[-1], None


def sequence_2020(
    habitat: Habitat, belief: Belief, done: list[frozenset[str]]
) -> tuple[frozenset[str], float | None]:
    """Crew in the Russian segment, all else closed; the segments apart; single hatches."""
    everything = frozenset(habitat.hatch_names)
    russian_inside = frozenset(h.name for h in habitat.hatches if set(h.between) <= set(RUSSIAN))
    fixed = [everything - russian_inside, frozenset({"Zarya-Zvezda"})]
    for closed in fixed:
        if closed not in done:
            return closed, None
    post = _module_posterior(belief)
    for hatch in habitat.hatches:
        if frozenset({hatch.name}) in done:
            continue
        if any(post[m] >= 0.01 for m in hatch.between):
            return frozenset({hatch.name}), None
    return done[-1], None


STRATEGIES: dict[str, Strategy] = {
    "planner": planner,
    "bisection": bisection,
    "one-by-one": one_by_one,
    "2020": sequence_2020,
}


def _scenario(
    module: str, seed: int, rate: float, events: list[dict[str, Any]], days: float
) -> Scenario:
    return scenario_from_dict(
        {
            "simulation": {"duration": f"{days * 24:.4f}h", "seed": seed, "start": START},
            "hatch_events": events,
            "crew": {"count": 0},
            "leaks": [{"module": module, "model": "orifice", "rate_lb_per_day": rate}],
        }
    )


def campaign(
    strategy: Strategy, module: str, seed: int, rate: float, max_steps: int
) -> dict[str, Any]:
    """One campaign; returns configurations, days and whether the module was found."""
    habitat = load_habitat(None)
    events: list[dict[str, Any]] = []
    day = 1.0
    result = simulate(_scenario(module, seed, rate, events, day))
    belief = belief_from_result(locate_leak(result.to_telemetry(), result.habitat))
    done: list[frozenset[str]] = []
    closed_now: frozenset[str] = frozenset()
    for step in range(1, max_steps + 1):
        closed, hold = strategy(habitat, belief, done)
        if hold is None:
            shortest, _ = hold_bounds(habitat, belief, closed)
            hold = shortest if np.isfinite(shortest) else 7.5 * SECONDS_PER_DAY
        done.append(closed)
        at = f"{day * 24:.4f}h"
        events += [
            {"time": at, "hatch": h, "state": "closed" if h in closed else "open"}
            for h in habitat.hatch_names
            if (h in closed) != (h in closed_now)
        ]
        closed_now = closed
        day += hold / SECONDS_PER_DAY
        result = simulate(_scenario(module, seed, rate, events, day))
        belief = belief_from_result(locate_leak(result.to_telemetry(), result.habitat))
        if _module_posterior(belief)[module] >= FOUND:
            return {"configurations": step, "days": day - 1.0, "found": True}
    return {"configurations": max_steps, "days": day - 1.0, "found": False}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 campaigns per strategy")
    parser.add_argument("--campaigns", type=int, default=12)
    parser.add_argument("--rate", type=float, default=2.0, help="leak rate [lb/day]")
    parser.add_argument("--max-steps", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    n = 2 if args.quick else args.campaigns
    habitat = load_habitat(None)
    rng = np.random.default_rng(args.seed)
    modules = [str(m) for m in rng.choice(habitat.module_names, size=n)]
    print(f"leak {args.rate} lb/day in {modules}; aim <= ceil(log2 24) = 5 configurations")
    print("| strategy | found | configurations (mean) | days (mean) | per campaign | runtime s |")
    print("|---|---|---|---|---|---|")
    for name, strategy in STRATEGIES.items():
        t0 = time.time()
        runs = [
            campaign(strategy, m, args.seed + i, args.rate, args.max_steps)
            for i, m in enumerate(modules)
        ]
        found = sum(r["found"] for r in runs)
        detail = ", ".join(
            f"{m}: {r['configurations']}{'' if r['found'] else '+'}/{r['days']:.1f} d"
            for m, r in zip(modules, runs, strict=True)
        )
        print(
            f"| {name} | {found}/{n} | {np.mean([r['configurations'] for r in runs]):.1f} | "
            f"{np.mean([r['days'] for r in runs]):.1f} | {detail} | {time.time() - t0:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
