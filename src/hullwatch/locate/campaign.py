"""Simulated isolation campaigns: close hatches, hold, read, and repeat until found.

A campaign puts one leak in a module of a habitat, runs a day with every hatch open,
then lets a strategy pick each hatch configuration in turn.  After each hold the
simulator re-runs the whole campaign (same seed, so the past does not change) and
:func:`~hullwatch.locate.locate_leak` updates the posterior from all the data.  The
campaign ends when the true module's posterior, given a leak in a module, reaches
``found`` or after ``max_steps`` configurations.

Strategies come from :data:`STRATEGIES`:

* ``planner``: :func:`hullwatch.locate.plan.plan_isolation`, first step only, with its
  own hold;
* ``bisection``: the single hatch whose closure splits the module posterior most evenly;
* ``one-by-one``: every hatch of the most probable module not yet isolated;
* ``2020``: everything closed but the Russian segment's own hatches (crew in Zvezda),
  then the segments apart (Zarya-Zvezda), then single hatches one by one next to
  modules still suspected (the 2020 search, iss-facts.md).

All but the planner hold each configuration for the planner's shortest hold that
resolves the current rate (7.5 days when none does).  Analyses never import the
simulator; this module is validation machinery for the benchmark and the demo.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hullwatch.habitat import Habitat, load_habitat
from hullwatch.locate.plan import Belief, belief_from_result, hold_bounds, plan_isolation
from hullwatch.locate.posterior import LocateResult, locate_leak
from hullwatch.simulate import scenario_from_dict, simulate
from hullwatch.units import SECONDS_PER_DAY, SECONDS_PER_HOUR

START = "2026-05-01T00:00:00Z"
#: The Russian segment's modules, where the 2020 crew lived during the search.
RUSSIAN = ("Zvezda", "PrK", "Progress", "Poisk", "Nauka", "Prichal")
#: Posterior of the true module (given a leak in a module) that ends a campaign.
FOUND = 0.95
#: Hold when no hold resolves the rate. [s]
FALLBACK_HOLD_S = 7.5 * SECONDS_PER_DAY

#: ``(habitat, belief, configurations tried) -> (closed hatches, hold [s] or None)``.
Strategy = Callable[[Habitat, Belief, list[frozenset[str]]], tuple[frozenset[str], float | None]]


def module_posterior(belief: Belief) -> dict[str, float]:
    """Posterior over the modules, given that the leak is in a module."""
    modules = {
        h.name: float(q)
        for h, q in zip(belief.hypotheses, belief.probabilities, strict=True)
        if h.kind == "module"
    }
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
    post = module_posterior(belief)
    everything = frozenset(habitat.hatch_names)
    best, score = frozenset[str](), math.inf
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
    post = module_posterior(belief)
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
    post = module_posterior(belief)
    for hatch in habitat.hatches:
        if frozenset({hatch.name}) in done:
            continue
        if any(post[m] >= 0.01 for m in hatch.between):
            return frozenset({hatch.name}), None
    return done[-1], None


#: Isolation strategies by name.
STRATEGIES: dict[str, Strategy] = {
    "planner": planner,
    "bisection": bisection,
    "one-by-one": one_by_one,
    "2020": sequence_2020,
}


@dataclass(frozen=True)
class CampaignStep:
    """One configuration of a campaign and what ``locate`` said after it."""

    closed_hatches: tuple[str, ...]
    start_day: float
    hold_s: float
    posterior: dict[str, float]

    @property
    def most_likely(self) -> str:
        """The module with the highest posterior after this step."""
        return max(self.posterior, key=lambda m: self.posterior[m])


@dataclass
class Campaign:
    """A simulated isolation campaign."""

    module: str
    strategy: str
    steps: list[CampaignStep] = field(default_factory=list)
    found: bool = False
    #: The last ``locate`` result (all the campaign's data).
    located: LocateResult | None = None

    @property
    def configurations(self) -> int:
        """Configurations tried."""
        return len(self.steps)

    @property
    def days(self) -> float:
        """Days from the first closure to the end of the last hold."""
        return sum(s.hold_s for s in self.steps) / SECONDS_PER_DAY

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "module": self.module,
            "strategy": self.strategy,
            "found": self.found,
            "configurations": self.configurations,
            "days": self.days,
            "steps": [
                {
                    "closed_hatches": list(s.closed_hatches),
                    "start_day": s.start_day,
                    "hold_h": s.hold_s / SECONDS_PER_HOUR,
                    "most_likely": s.most_likely,
                    "p_true_module": s.posterior[self.module],
                }
                for s in self.steps
            ],
        }


def _scenario(
    module: str,
    seed: int,
    rate_lb_per_day: float,
    events: list[dict[str, Any]],
    days: float,
    model: str,
) -> dict[str, Any]:
    return {
        "simulation": {"duration": f"{days * 24:.4f}h", "seed": seed, "start": START},
        "hatch_events": events,
        # No crew, so no CO2: the scrubbers would otherwise remove the default 2.5 mmHg
        # in the first hours, a loss of several kg that reads as a leak.
        "crew": {"count": 0},
        "initial": {"ppCO2_mmHg": 0.0},
        "leaks": [{"module": module, "model": model, "rate_lb_per_day": rate_lb_per_day}],
    }


def run_campaign(
    strategy: str,
    module: str,
    *,
    seed: int = 0,
    rate_lb_per_day: float = 2.0,
    model: str = "orifice",
    max_steps: int = 6,
    baseline_days: float = 1.0,
    found: float = FOUND,
    on_step: Callable[[CampaignStep], None] | None = None,
) -> Campaign:
    """Run one simulated campaign on the built-in ISS (no crew).

    Parameters
    ----------
    strategy : str
        A key of :data:`STRATEGIES`.
    module : str
        Where the leak is.
    seed : int
        Simulator seed.
    rate_lb_per_day : float
        Leak rate at the starting pressure. [lb/day]
    model : str
        Leak model of the simulator's registry.
    max_steps : int
        Most configurations tried.
    baseline_days : float
        All-open data before the first closure. [day]
    found : float
        Posterior of the true module that ends the campaign.
    on_step : callable, optional
        Called with each step as it completes (progress).
    """
    choose = STRATEGIES[strategy]
    habitat = load_habitat(None)
    events: list[dict[str, Any]] = []
    day = baseline_days
    args = (module, seed, rate_lb_per_day)
    result = simulate(scenario_from_dict(_scenario(*args, events, day, model)))
    located = locate_leak(result.to_telemetry(), result.habitat)
    belief = belief_from_result(located)
    campaign = Campaign(module, strategy)
    done: list[frozenset[str]] = []
    closed_now: frozenset[str] = frozenset()
    for _ in range(max_steps):
        closed, hold = choose(habitat, belief, done)
        if hold is None:
            shortest, _ = hold_bounds(habitat, belief, closed)
            hold = shortest if np.isfinite(shortest) else FALLBACK_HOLD_S
        done.append(closed)
        events += [
            {"time": f"{day * 24:.4f}h", "hatch": h, "state": "closed" if h in closed else "open"}
            for h in habitat.hatch_names
            if (h in closed) != (h in closed_now)
        ]
        closed_now = closed
        start_day = day
        day += hold / SECONDS_PER_DAY
        result = simulate(scenario_from_dict(_scenario(*args, events, day, model)))
        located = locate_leak(result.to_telemetry(), result.habitat)
        belief = belief_from_result(located)
        step = CampaignStep(
            tuple(h for h in habitat.hatch_names if h in closed),
            start_day - baseline_days,
            float(hold),
            module_posterior(belief),
        )
        campaign.steps.append(step)
        campaign.located = located
        if on_step is not None:
            on_step(step)
        if step.posterior[module] >= found:
            campaign.found = True
            break
    return campaign
