"""``hullwatch plan-isolation``: which hatches to close next, for how long, and then what.

The planner scores a hatch configuration (a set of closed hatches) held for a time by
the expected information it gives about where the leak is, per day
(:func:`~hullwatch.locate.planning.expected_posterior`), and returns a decision tree
two steps deep: close these hatches, hold, and depending on which compartment loses
gas, go to the next configuration.

* **Candidates**: every single hatch whose closure splits the module graph in two
  connected parts, and "close every hatch of module M", on top of the hatches that are
  always closed; those that break a constraint are dropped.
* **Hold**: at least long enough that every compartment that may hold the leak resolves
  the current leak rate (its minimum detectable leak, from
  :mod:`hullwatch.analysis.detectability`, at most the rate), and long enough for the
  closures-per-day limit; at most the time for the upper credible leak rate to take a
  compartment to the minimum pressure.  The holds tried are the first few points of a
  log grid at or above that minimum.
* **Choice**: the candidates are first ranked by an upper bound (the entropy of the
  partition of the hypotheses by what the configuration shows, per day of minimum
  hold); the best few are scored by Monte Carlo over outcomes at each hold, and the
  configuration and hold with the most expected bits per day wins.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.special import logsumexp

from hullwatch.analysis.detectability import compartment_noise, minimum_detectable_leak_kg_per_day
from hullwatch.analysis.rate import DEFAULT_SETTINGS as RATE_SETTINGS
from hullwatch.errors import AnalysisError, InputError
from hullwatch.habitat import Compartment, Habitat
from hullwatch.locate.constraints import IsolationConstraints
from hullwatch.locate.hypotheses import MODULE, NO_LEAK, Hypothesis, build_hypotheses
from hullwatch.locate.likelihood import DEFAULT_PRIORS, LocatePriors, membership
from hullwatch.locate.planning import expected_posterior
from hullwatch.locate.posterior import LocateResult
from hullwatch.physics.gas import CABIN_AIR, Gas
from hullwatch.physics.leakflow import leak_model
from hullwatch.telemetry import iso_z
from hullwatch.units import (
    POUND_KG,
    SECONDS_PER_DAY,
    SECONDS_PER_HOUR,
    STANDARD_ATMOSPHERE_PA,
    ZERO_CELSIUS_K,
)

FloatArray = npt.NDArray[np.float64]

#: Holds the planner may choose from (besides the shortest allowed): a log grid,
#: factor sqrt(2), 1 h to 181 h (7.5 days). [s]
HOLD_GRID_S = SECONDS_PER_HOUR * np.sqrt(2.0) ** np.arange(0, 16)
#: Shortest hold whose data the rate fit can use: its minimum usable span after the
#: settling time it leaves out after the hatch change (analysis.rate). [s]
SHORTEST_USABLE_HOLD_S = RATE_SETTINGS.min_usable_h * SECONDS_PER_HOUR + RATE_SETTINGS.settle_s
#: A compartment "may hold the leak" when at least this share of the leak hypotheses is in it.
MIN_SHARE = 0.01
#: Posterior at which a hypothesis counts as found (issue #5).
FOUND = 0.95
#: Branches of the first step given a next step (the most probable); re-plan for the rest.
PLANNED_BRANCHES = 3


@dataclass
class Belief:
    """Where the leak may be, and how fast it leaks: the planner's starting point.

    Attributes
    ----------
    hypotheses : list of Hypothesis
        No leak, the modules, and seals.
    probabilities : ndarray
        Current probability of each hypothesis.
    leak_rate_kg_per_day : float
        Central leak rate (posterior median), assumed whichever place leaks. [kg/day]
    leak_rate_upper_kg_per_day : float
        Upper credible value (97.5 %) of the leak rate, for the pressure check. [kg/day]
    source : str
        Where the belief came from, in words.
    time : numpy.datetime64 or None
        End of the data it rests on (the earliest the plan can start).
    """

    hypotheses: list[Hypothesis]
    probabilities: FloatArray
    leak_rate_kg_per_day: float
    leak_rate_upper_kg_per_day: float
    source: str
    time: np.datetime64 | None = None

    def rates(self) -> FloatArray:
        """Leak rate assumed under each hypothesis (0 for no leak). [kg/day]"""
        return np.array(
            [0.0 if h.kind == NO_LEAK else self.leak_rate_kg_per_day for h in self.hypotheses]
        )


def leak_rate_interval(
    rates: FloatArray,
    sigmas: FloatArray,
    compartments: Sequence[Sequence[str]],
    habitat: Habitat,
    hypotheses: Sequence[Hypothesis],
    probabilities: FloatArray,
    priors: LocatePriors = DEFAULT_PRIORS,
) -> tuple[float, float]:
    """Median and 97.5 % quantile of the leak rate, over the leak hypotheses' mixture.

    The posterior of ``|L|`` on the prior's log grid under each module hypothesis (the
    backgrounds integrated out, as in :mod:`hullwatch.locate.likelihood`), weighted by
    the hypotheses' probabilities.

    Parameters
    ----------
    rates, sigmas : ndarray
        Loss rate and its standard deviation per evidence item. [kg/day]
    compartments : sequence of sequence of str
        Compartment of each item.
    habitat : Habitat
        The habitat.
    hypotheses : sequence of Hypothesis
        The hypotheses.
    probabilities : ndarray
        Their posterior.
    priors : LocatePriors
        Background and leak-rate priors.

    Returns
    -------
    median, upper : float
        [kg/day]
    """
    members = membership(compartments, habitat.module_names)
    cov = np.diag(np.asarray(sigmas, float) ** 2) + (
        priors.background_sigma_kg_per_day**2 * members @ members.T
    )
    d = np.asarray(rates, float) - priors.background_mean_kg_per_day * members.sum(axis=1)
    chol = np.linalg.cholesky(cov)
    wd = np.linalg.solve(chol, d)
    grid, log_w = priors.leak_grid()
    mixture = np.zeros(grid.size)
    for h, p in zip(hypotheses, probabilities, strict=True):
        if h.kind != MODULE or p <= 0:
            continue
        wa = np.linalg.solve(chol, h.signature(compartments))
        alpha, beta = float(wa @ wa), float(wa @ wd)
        log_post = log_w + grid * beta - 0.5 * grid**2 * alpha
        mixture += p * np.exp(log_post - logsumexp(log_post))
    if not mixture.sum() > 0:
        mixture = np.exp(log_w)
    cdf = np.cumsum(mixture) / mixture.sum()
    median = float(grid[min(int(np.searchsorted(cdf, 0.5)), grid.size - 1)])
    upper = float(grid[min(int(np.searchsorted(cdf, 0.975)), grid.size - 1)])
    return median, upper


def belief_from_result(result: LocateResult) -> Belief:
    """The belief of a ``locate`` result (the leak-rate interval from its evidence)."""
    items = result.evidence.items
    median, upper = leak_rate_interval(
        np.array([e.loss_rate_kg_per_day for e in items]),
        np.array([e.sigma_kg_per_day for e in items]),
        [e.compartment for e in items],
        result.evidence.habitat,
        result.hypotheses,
        result.probabilities,
        result.priors,
    )
    return Belief(
        list(result.hypotheses),
        np.asarray(result.probabilities, float),
        median,
        upper,
        "the posterior of the telemetry",
        result.evidence.end,
    )


def belief_from_posterior_file(
    path: str | Path, habitat: Habitat, priors: LocatePriors = DEFAULT_PRIORS
) -> Belief:
    """The belief in a JSON file written by ``hullwatch locate --json``.

    Raises
    ------
    InputError
        For an unreadable file, missing keys, or hypotheses the habitat does not have.
    """
    source = str(path)
    try:
        raw = json.loads(Path(path).read_text("utf-8"))
        rows = raw["hypotheses"]
        names = [str(r["name"]) for r in rows]
        probabilities = np.array([float(r["probability"]) for r in rows])
        evidence = raw.get("evidence", [])
        item_rates = np.array([float(e["loss_rate_kg_per_day"]) for e in evidence])
        item_sigmas = np.array([float(e["sigma_kg_per_day"]) for e in evidence])
        item_compartments = [tuple(str(m) for m in e["compartment"]) for e in evidence]
    except OSError as exc:
        raise InputError(f"cannot read the posterior: {exc.strerror}", source=source) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"not a `hullwatch locate --json` posterior ({type(exc).__name__}: {exc})",
            source=source,
        ) from None
    known = {h.name: h for h in build_hypotheses(habitat, habitat.hatch_names)}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InputError(
            f"hypotheses not in habitat {habitat.name!r}: {', '.join(unknown)}",
            source=source,
            field="hypotheses",
        )
    if not (np.all(probabilities >= 0) and probabilities.sum() > 0):
        raise InputError("probabilities must be >= 0, not all zero", source=source)
    hypotheses = [known[n] for n in names]
    probabilities = probabilities / probabilities.sum()
    for compartment in item_compartments:
        for module in compartment:
            if module not in known:
                raise InputError(f"unknown module {module!r}", source=source, field="evidence")
    if item_rates.size:
        median, upper = leak_rate_interval(
            item_rates,
            item_sigmas,
            item_compartments,
            habitat,
            hypotheses,
            probabilities,
            priors,
        )
    else:
        median = upper = float(raw.get("leak_rate_kg_per_day") or 0.0)
    end = raw.get("end")
    time = np.datetime64(str(end).rstrip("Z"), "ns") if end else None
    return Belief(hypotheses, probabilities, median, upper, f"the posterior in {source}", time)


def prior_belief(habitat: Habitat, priors: LocatePriors = DEFAULT_PRIORS) -> Belief:
    """The prior of :class:`LocatePriors` (no seal: no hatch was closed); no rate yet."""
    hypotheses = build_hypotheses(habitat)
    return Belief(
        hypotheses, np.exp(priors.log_prior(hypotheses)), float("nan"), float("nan"), "the prior"
    )


@dataclass
class Outcome:
    """One branch of a step: what the configuration shows if the leak is in one group.

    Attributes
    ----------
    losing, gaining : list of tuple of str
        Compartments that lose (gain) gas beyond the background in this branch.
    hypotheses : list of str
        The hypotheses that show this way (the configuration cannot tell them apart).
    probability : float
        Current probability of the branch.
    posterior : dict of str to float
        Expected posterior after the hold if the leak is in this branch.
    next : Step or None
        The configuration to go to after this branch, if the leak is not yet found.
    """

    losing: list[Compartment]
    gaining: list[Compartment]
    hypotheses: list[str]
    probability: float
    posterior: dict[str, float]
    next: Step | None = None

    @property
    def label(self) -> str:
        """The observation, in words."""
        if not self.losing and not self.gaining:
            return "no compartment loses more than its background"
        text = " and ".join(f"{{{', '.join(c)}}} loses gas" for c in self.losing)
        if self.gaining:
            text += " and " + " and ".join(f"{{{', '.join(c)}}} gains gas" for c in self.gaining)
        return text

    @property
    def most_likely(self) -> str:
        """The most probable hypothesis after the hold in this branch."""
        return max(self.posterior, key=lambda k: self.posterior[k])

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {
            "if": self.label,
            "losing": [list(c) for c in self.losing],
            "gaining": [list(c) for c in self.gaining],
            "leak_in": list(self.hypotheses),
            "probability": self.probability,
            "most_likely": self.most_likely,
            "posterior": dict(self.posterior),
            "then": None if self.next is None else self.next.to_dict(),
        }


@dataclass
class Step:
    """One configuration of the plan: close, hold, read.

    Attributes
    ----------
    close_at : numpy.datetime64 or None
        When to close the hatches (None: as soon as possible).
    close_hatches : list of str
        Hatches to close (besides those always closed).
    closed_hatches : list of str
        Every closed hatch of the configuration.
    hold_s : float
        How long to hold. [s]
    minimum_hold_s : float
        Shortest hold that resolves the leak rate and respects the closure limit. [s]
    maximum_hold_s : float
        Longest hold the minimum pressure allows (inf without one). [s]
    compartments : list of tuple of str
        Compartments of the configuration.
    p_leak : list of float
        Probability that each compartment holds the leak.
    sigma_kg_per_day, minimum_detectable_kg_per_day : ndarray
        Each compartment's loss-rate sd and minimum detectable leak over the hold. [kg/day]
    information_gain_bits : float
        Expected entropy reduction. [bit]
    p_found : float
        Chance that the true hypothesis reaches 0.95 after the hold.
    outcomes : list of Outcome
        The branches, most probable first.
    considered : list of dict
        Every configuration and hold scored by Monte Carlo, best first.
    """

    close_at: np.datetime64 | None
    close_hatches: list[str]
    closed_hatches: list[str]
    hold_s: float
    minimum_hold_s: float
    maximum_hold_s: float
    compartments: list[Compartment]
    p_leak: list[float]
    sigma_kg_per_day: FloatArray
    minimum_detectable_kg_per_day: FloatArray
    information_gain_bits: float
    p_found: float
    outcomes: list[Outcome] = field(default_factory=list)
    considered: list[dict[str, Any]] = field(default_factory=list)

    @property
    def bits_per_day(self) -> float:
        """Expected information per day of hold. [bit/day]"""
        return self.information_gain_bits / (self.hold_s / SECONDS_PER_DAY)

    @property
    def reopen_at(self) -> np.datetime64 | None:
        """End of the hold."""
        if self.close_at is None:
            return None
        return self.close_at + np.timedelta64(round(self.hold_s), "s")

    def to_dict(self) -> dict[str, Any]:
        """JSON form (holds in hours, rates in kg/day)."""
        return {
            "close_at": None if self.close_at is None else iso_z(self.close_at),
            "close_hatches": list(self.close_hatches),
            "closed_hatches": list(self.closed_hatches),
            "hold_h": self.hold_s / SECONDS_PER_HOUR,
            "reopen_at": None if self.reopen_at is None else iso_z(self.reopen_at),
            "minimum_hold_h": self.minimum_hold_s / SECONDS_PER_HOUR,
            "maximum_hold_h": (
                None if np.isinf(self.maximum_hold_s) else self.maximum_hold_s / SECONDS_PER_HOUR
            ),
            "compartments": [
                {
                    "modules": list(c),
                    "p_leak": p,
                    "sigma_kg_per_day": float(s),
                    "minimum_detectable_kg_per_day": float(m),
                }
                for c, p, s, m in zip(
                    self.compartments,
                    self.p_leak,
                    self.sigma_kg_per_day,
                    self.minimum_detectable_kg_per_day,
                    strict=True,
                )
            ],
            "information_gain_bits": self.information_gain_bits,
            "bits_per_day": self.bits_per_day,
            "p_found": self.p_found,
            "outcomes": [o.to_dict() for o in self.outcomes],
            "considered": list(self.considered),
        }


@dataclass
class IsolationPlan:
    """The plan: the first step and its decision tree, and what it rests on.

    Attributes
    ----------
    first : Step
        The configuration to set up now, with its branches and their next steps.
    belief : Belief
        The starting belief.
    constraints : IsolationConstraints
        The constraints respected.
    notes : list of str
        Assumptions and limits, in words.
    """

    first: Step
    belief: Belief
    constraints: IsolationConstraints
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The ``hullwatch plan-isolation --json`` object."""
        p = self.belief.probabilities
        top = int(np.argmax(p))
        return {
            "belief": self.belief.source,
            "most_likely": self.belief.hypotheses[top].name,
            "p_most_likely": float(p[top]),
            "entropy_bits": _entropy_bits(p),
            "leak_rate_kg_per_day": self.belief.leak_rate_kg_per_day,
            "leak_rate_lb_per_day": self.belief.leak_rate_kg_per_day / POUND_KG,
            "leak_rate_upper_kg_per_day": self.belief.leak_rate_upper_kg_per_day,
            "constraints": self.constraints.to_dict(),
            "plan": self.first.to_dict(),
            "notes": list(self.notes),
        }


def _entropy_bits(p: FloatArray) -> float:
    q = np.asarray(p, float)
    q = q[q > 0]
    return float(-(q * np.log2(q)).sum())


def candidate_closures(habitat: Habitat, constraints: IsolationConstraints) -> list[frozenset[str]]:
    """Sets of closed hatches the constraints allow, before the hold is chosen.

    Single hatches whose closure splits a compartment in two, and every hatch of one
    module, each on top of the always-closed hatches; crew-access modules kept in one
    compartment; never-closable hatches left open; at most ``max_closures_per_day``
    new closures.

    Parameters
    ----------
    habitat : Habitat
        The habitat.
    constraints : IsolationConstraints
        The constraints (validated).

    Returns
    -------
    list of frozenset of str
        Distinct configurations, in habitat order.
    """
    base = frozenset(constraints.always_closed)
    never = set(constraints.never_close)
    all_hatches = frozenset(habitat.hatch_names)
    n_base = len(habitat.compartments(all_hatches - base))
    options: list[frozenset[str]] = []
    for hatch in habitat.hatch_names:
        if hatch not in never and hatch not in base:
            closed = base | {hatch}
            if len(habitat.compartments(all_hatches - closed)) > n_base:
                options.append(closed)
    for module in habitat.module_names:
        own = {name for name, _ in habitat.neighbours(module)}
        if own and not own & never and not own <= base:
            options.append(base | own)
    out: list[frozenset[str]] = []
    for closed in options:
        if closed in out:
            continue
        open_hatches = all_hatches - closed
        if constraints.keep_access:
            home = habitat.compartment_of(constraints.keep_access[0], open_hatches)
            if any(m not in home for m in constraints.keep_access):
                continue
        new = len(closed - base)
        if constraints.max_closures_per_day is not None and new > constraints.max_closures_per_day:
            continue
        out.append(closed)
    return out


@dataclass
class _Context:
    habitat: Habitat
    hypotheses: list[Hypothesis]
    rates: FloatArray
    rate_kg_per_day: float
    upper_kg_per_day: float
    constraints: IsolationConstraints
    priors: LocatePriors
    temperature_k: float
    gas: Gas
    samples: int
    screen: int
    holds_tried: int
    seed: int
    mdl_per_kg: FloatArray  # minimum detectable leak per kg of gas at each HOLD_GRID_S

    def gas_mass_kg(self, compartment: Sequence[str]) -> float:
        return (
            STANDARD_ATMOSPHERE_PA
            * self.habitat.volume_m3(compartment)
            / (self.gas.gas_constant_j_per_kg_k * self.temperature_k)
        )


def _groups(
    ctx: _Context, compartments: Sequence[Compartment], p: FloatArray
) -> list[tuple[FloatArray, list[int]]]:
    """Hypotheses grouped by their signature (what the configuration shows)."""
    groups: dict[tuple[float, ...], list[int]] = {}
    for i, h in enumerate(ctx.hypotheses):
        groups.setdefault(tuple(h.signature(compartments)), []).append(i)
    out = [(np.array(k), v) for k, v in groups.items()]
    return sorted(out, key=lambda g: -float(p[g[1]].sum()))


def _compartment_shares(
    ctx: _Context, compartments: Sequence[Compartment], p: FloatArray
) -> FloatArray:
    """Probability that each compartment loses the leak's gas."""
    shares = np.zeros(len(compartments))
    for h, ph in zip(ctx.hypotheses, p, strict=True):
        if h.kind != NO_LEAK:
            shares += ph * (h.signature(compartments) > 0)
    return shares


def _hold_bounds(
    ctx: _Context, closed: frozenset[str], compartments: Sequence[Compartment], p: FloatArray
) -> tuple[float, float]:
    """Shortest and longest allowed hold [s] (nan shortest: the rate is never resolved)."""
    shares = _compartment_shares(ctx, compartments, p)
    leak_total = max(float(shares.sum()), 1e-300)
    masses = np.array([ctx.gas_mass_kg(c) for c in compartments])
    may_leak = shares / leak_total >= MIN_SHARE
    heaviest = float(masses[may_leak].max()) if may_leak.any() else float(masses.max())
    resolved = np.nonzero(heaviest * ctx.mdl_per_kg <= ctx.rate_kg_per_day)[0]
    shortest = float(HOLD_GRID_S[resolved[0]]) if resolved.size else float("nan")
    new = len(closed - set(ctx.constraints.always_closed))
    if ctx.constraints.max_closures_per_day is not None:
        shortest = max(shortest, new / ctx.constraints.max_closures_per_day * SECONDS_PER_DAY)
    longest = float("inf")
    p_min = ctx.constraints.min_pressure_pa
    if p_min is not None and ctx.upper_kg_per_day > 0:
        hole = leak_model("orifice").with_mass_flow(
            ctx.upper_kg_per_day / SECONDS_PER_DAY,
            STANDARD_ATMOSPHERE_PA,
            0.0,
            ctx.temperature_k,
            ctx.gas,
        )
        for c, ok in zip(compartments, may_leak, strict=True):
            if ok:
                longest = min(
                    longest,
                    hole.time_to_pressure_s(
                        STANDARD_ATMOSPHERE_PA,
                        p_min,
                        ctx.habitat.volume_m3(c),
                        ctx.temperature_k,
                        ctx.gas,
                    ),
                )
    return shortest, longest


def _best_step(
    ctx: _Context,
    p: FloatArray,
    close_at: np.datetime64 | None,
    depth: int = 1,
) -> Step:
    """The configuration and hold with the most expected bits per day from belief ``p``."""
    all_hatches = frozenset(ctx.habitat.hatch_names)
    screened: list[tuple[float, frozenset[str], list[Compartment], float, float]] = []
    for closed in candidate_closures(ctx.habitat, ctx.constraints):
        compartments = ctx.habitat.compartments(all_hatches - closed)
        shortest, longest = _hold_bounds(ctx, closed, compartments, p)
        if not shortest <= longest:
            continue
        bound = _entropy_bits(np.array([p[g].sum() for _, g in _groups(ctx, compartments, p)]))
        per_day = bound / (shortest / SECONDS_PER_DAY)
        screened.append((per_day, closed, compartments, shortest, longest))
    if not screened:
        raise AnalysisError(
            "no hatch configuration meets the constraints with a hold of at most "
            f"{HOLD_GRID_S[-1] / SECONDS_PER_DAY:.0f} days that resolves the leak rate "
            f"({ctx.rate_kg_per_day:.3g} kg/day) in every compartment that may hold it"
            + (
                ""
                if ctx.constraints.min_pressure_pa is None
                else " before it reaches the minimum pressure"
            )
            + "; relax a constraint"
        )
    screened.sort(key=lambda s: -s[0])
    scored: list[tuple[float, frozenset[str], float, Any, float, float]] = []
    for _, closed, _compartments, shortest, longest in screened[: ctx.screen]:
        holds = [shortest, *(float(h) for h in HOLD_GRID_S if shortest < h <= longest)]
        holds = holds[: ctx.holds_tried]
        for hold in holds:
            outcome = expected_posterior(
                ctx.habitat,
                ctx.hypotheses,
                p,
                ctx.rates,
                all_hatches - closed,
                float(hold),
                priors=ctx.priors,
                temperature_k=ctx.temperature_k,
                gas=ctx.gas,
                samples=ctx.samples,
                seed=ctx.seed,
            )
            rate = outcome.information_gain_bits / (hold / SECONDS_PER_DAY)
            scored.append((rate, closed, float(hold), outcome, shortest, longest))
    scored.sort(key=lambda s: -s[0])
    _, closed, hold, outcome, shortest, longest = scored[0]
    base = set(ctx.constraints.always_closed)
    step = Step(
        close_at=close_at,
        close_hatches=[h for h in ctx.habitat.hatch_names if h in closed and h not in base],
        closed_hatches=[h for h in ctx.habitat.hatch_names if h in closed],
        hold_s=hold,
        minimum_hold_s=shortest,
        maximum_hold_s=longest,
        compartments=outcome.compartments,
        p_leak=[float(x) for x in _compartment_shares(ctx, outcome.compartments, p)],
        sigma_kg_per_day=outcome.sigma_kg_per_day,
        minimum_detectable_kg_per_day=outcome.minimum_detectable_kg_per_day,
        information_gain_bits=outcome.information_gain_bits,
        p_found=outcome.p_true_above_95,
        considered=[
            {
                "close_hatches": sorted(c - base),
                "hold_h": h / SECONDS_PER_HOUR,
                "information_gain_bits": o.information_gain_bits,
                "bits_per_day": float(r),
            }
            for r, c, h, o, _, _ in scored
        ],
    )
    if depth > 0:
        step.outcomes = _outcomes(ctx, step, closed, p, depth)
    return step


def _outcomes(
    ctx: _Context, step: Step, closed: frozenset[str], p: FloatArray, depth: int
) -> list[Outcome]:
    """The branches of ``step``: one per group of hypotheses it cannot tell apart."""
    all_hatches = frozenset(ctx.habitat.hatch_names)
    out: list[Outcome] = []
    names = [h.name for h in ctx.hypotheses]
    for signature, members in _groups(ctx, step.compartments, p):
        probability = float(p[members].sum())
        if probability < MIN_SHARE:
            continue
        truth = np.zeros(p.size)
        truth[members] = p[members]
        expected = expected_posterior(
            ctx.habitat,
            ctx.hypotheses,
            p,
            ctx.rates,
            all_hatches - closed,
            step.hold_s,
            priors=ctx.priors,
            temperature_k=ctx.temperature_k,
            gas=ctx.gas,
            samples=ctx.samples,
            seed=ctx.seed,
            truth=truth,
        ).expected_posterior
        ranked = np.argsort(-expected)
        shown = {names[i]: float(expected[i]) for i in ranked[:5] if expected[i] >= 0.005}
        branch = Outcome(
            losing=[c for c, a in zip(step.compartments, signature, strict=True) if a > 0],
            gaining=[c for c, a in zip(step.compartments, signature, strict=True) if a < 0],
            hypotheses=[names[i] for i in members],
            probability=probability,
            posterior=shown,
        )
        if len(out) < PLANNED_BRANCHES and float(expected.max()) < FOUND:
            # The second step is scored more coarsely: it will be re-planned on real data.
            coarse = replace(ctx, screen=max(1, ctx.screen // 2), holds_tried=2)
            branch.next = _best_step(coarse, expected, step.reopen_at, depth=depth - 1)
        out.append(branch)
    return out


def _context(
    habitat: Habitat,
    belief: Belief,
    constraints: IsolationConstraints,
    priors: LocatePriors = DEFAULT_PRIORS,
    temperature_k: float = ZERO_CELSIUS_K + 22.0,
    gas: Gas = CABIN_AIR,
    samples: int = 80,
    screen: int = 4,
    holds_tried: int = 3,
    seed: int = 0,
) -> _Context:
    """Check the constraints and the rate; tabulate the minimum detectable leak per kg."""
    constraints.validate(habitat)
    if not (np.isfinite(belief.leak_rate_kg_per_day) and belief.leak_rate_kg_per_day > 0):
        raise InputError(
            "the plan needs a positive leak rate: give telemetry, a posterior, or the rate "
            "`hullwatch rate` measured",
            field="leak_rate",
        )
    upper = belief.leak_rate_upper_kg_per_day
    if not (np.isfinite(upper) and upper >= belief.leak_rate_kg_per_day):
        upper = belief.leak_rate_kg_per_day
    reference_kg = 1000.0
    noise = compartment_noise(reference_kg, temperature_k=temperature_k)
    # A hold the rate fit cannot use resolves nothing, however quiet the noise.
    mdl_per_kg = np.array(
        [
            minimum_detectable_leak_kg_per_day(noise, float(h)) / reference_kg
            if h >= SHORTEST_USABLE_HOLD_S
            else np.inf
            for h in HOLD_GRID_S
        ]
    )
    return _Context(
        habitat=habitat,
        hypotheses=list(belief.hypotheses),
        rates=belief.rates(),
        rate_kg_per_day=belief.leak_rate_kg_per_day,
        upper_kg_per_day=upper,
        constraints=constraints,
        priors=priors,
        temperature_k=temperature_k,
        gas=gas,
        samples=samples,
        screen=screen,
        holds_tried=holds_tried,
        seed=seed,
        mdl_per_kg=mdl_per_kg,
    )


def hold_bounds(
    habitat: Habitat,
    belief: Belief,
    closed_hatches: Collection[str],
    constraints: IsolationConstraints | None = None,
) -> tuple[float, float]:
    """Shortest and longest hold the planner allows for a configuration. [s]

    The shortest resolves the leak rate in every compartment that may hold the leak and
    respects the closures per day (nan: no hold up to 7.5 days resolves it); the longest
    keeps every such compartment above the minimum pressure (inf without one).

    Parameters
    ----------
    habitat : Habitat
        The habitat.
    belief : Belief
        Current belief and leak rate.
    closed_hatches : collection of str
        The configuration's closed hatches.
    constraints : IsolationConstraints, optional
        The constraints.
    """
    ctx = _context(habitat, belief, constraints or IsolationConstraints())
    closed = frozenset(closed_hatches)
    compartments = habitat.compartments(frozenset(habitat.hatch_names) - closed)
    p = np.asarray(belief.probabilities, float)
    return _hold_bounds(ctx, closed, compartments, p / p.sum())


def plan_isolation(
    habitat: Habitat,
    belief: Belief,
    constraints: IsolationConstraints | None = None,
    *,
    start: np.datetime64 | None = None,
    priors: LocatePriors = DEFAULT_PRIORS,
    temperature_k: float = ZERO_CELSIUS_K + 22.0,
    gas: Gas = CABIN_AIR,
    samples: int = 80,
    screen: int = 4,
    holds_tried: int = 3,
    seed: int = 0,
    depth: int = 1,
) -> IsolationPlan:
    """Plan the next hatch configurations: close, hold, read, branch (two steps deep).

    Parameters
    ----------
    habitat : Habitat
        The habitat.
    belief : Belief
        Where the leak may be and how fast it leaks (:func:`belief_from_result`,
        :func:`belief_from_posterior_file` or :func:`prior_belief` with a rate).
    constraints : IsolationConstraints, optional
        Crew access, hatches, minimum pressure, closures per day.
    start : numpy.datetime64, optional
        When the first closure can be made; by default the end of the belief's data.
    priors : LocatePriors
        Background and leak-rate priors of the update.
    temperature_k : float
        Cabin temperature, for the gas masses and the decay. [K]
    gas : Gas
        The cabin gas.
    samples : int
        Monte Carlo outcomes per scored configuration and hold.
    screen : int
        Configurations scored by Monte Carlo (the best by the partition-entropy bound).
    holds_tried : int
        Holds scored per configuration, from the shortest allowed upwards on
        :data:`HOLD_GRID_S`.
    seed : int
        Random seed.
    depth : int
        1: the first step with its outcomes and their next steps; 0: the first step only.

    Returns
    -------
    IsolationPlan

    Raises
    ------
    InputError
        For bad constraints, or a belief without a positive leak rate.
    AnalysisError
        When no configuration meets the constraints.
    """
    constraints = constraints or IsolationConstraints()
    ctx = _context(
        habitat, belief, constraints, priors, temperature_k, gas, samples, screen, holds_tried, seed
    )
    upper = ctx.upper_kg_per_day
    p = np.asarray(belief.probabilities, float)
    p = p / p.sum()
    first = _best_step(ctx, p, start if start is not None else belief.time, depth=depth)
    notes = [
        f"starting belief: {belief.source}",
        f"leak rate {belief.leak_rate_kg_per_day:.3g} kg/day assumed wherever the leak is "
        f"(upper credible value {upper:.3g} kg/day for the pressure check)",
        "a compartment's minimum detectable leak is proportional to its gas mass "
        "(compartment_noise: unseen temperature 0.15 K, 6 h correlation; no sensor data)",
        "one leak at a time; holds: the shortest allowed, then a log grid of factor sqrt(2) "
        "up to 7.5 days",
        "branch posteriors are expected values over simulated outcomes; re-plan with the "
        "real data after each hold",
    ]
    if constraints.min_pressure_pa is None:
        notes.append("no minimum pressure given: holds are not limited by pressure")
    return IsolationPlan(first, belief, constraints, notes)
