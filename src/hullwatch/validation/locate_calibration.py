"""Is ``locate`` calibrated?  When it says 90 %, is it right about 90 % of the time?

Each case draws a leak from the same distribution the locate prior describes: a module
chosen uniformly, a log-uniform rate, and one to three random isolation configurations
in turn after a day-long all-open baseline (in each, every hatch closed with a
probability drawn from 5-60 %; each held 4 to 24 h).  The
simulator runs it and :func:`hullwatch.locate.locate_leak` reads it.  Every module's
posterior probability is then one forecast of a 0/1 outcome (is the leak there?), and a
reliability diagram bins the forecasts and compares each bin's mean with how often
the leak was there.

There is no crew: its O2 generation and CO2 removal move gas between compartments,
which ``locate`` does not model (docs/locate.md).

References
----------
.. [1] DeGroot, M. H. and Fienberg, S. E. (1983). The comparison and evaluation of
       forecasters. *The Statistician* 32, 12-22.
.. [2] Brown, L. D., Cai, T. T. and DasGupta, A. (2001). Interval estimation for a
       binomial proportion. *Statistical Science* 16, 101-133 (the Wilson interval).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from hullwatch.habitat import load_habitat
from hullwatch.locate import locate_leak
from hullwatch.simulate import scenario_from_dict, simulate

START = "2026-05-01T00:00:00Z"
#: Range of the drawn leak rate [lb/day]: from about the per-module requirement to the
#: highest PrK figure (iss-facts.md).
RATE_RANGE_LB_PER_DAY = (0.3, 4.0)
#: Range of the hold of the isolation configuration [h].
HOLD_RANGE_H = (4.0, 24.0)
BASELINE_H = 24.0
#: Range of the probability that each hatch is closed in the isolation configuration.
CLOSED_SHARE_RANGE = (0.05, 0.6)
#: Most isolation configurations in one case, one after another.
MAX_CONFIGURATIONS = 3


@dataclass(frozen=True)
class CalibrationCase:
    """One simulated isolation: where the leak is, and what locate said."""

    seed: int
    true_module: str
    rate_lb_per_day: float
    configurations: list[tuple[str, ...]]
    holds_h: list[float]
    posterior: dict[str, float]

    @property
    def top_module(self) -> str:
        """The module ``locate`` names."""
        return max(self.posterior, key=lambda m: self.posterior[m])


def draw_case(seed: int) -> dict[str, Any]:
    """The scenario of one case, drawn from ``seed``.

    Parameters
    ----------
    seed : int
        Seeds both the draw and the simulator's noise.

    Returns
    -------
    dict
        ``module``, ``rate_lb_per_day``, ``configurations`` (closed hatch names of
        each), ``holds_h`` and
        ``scenario`` (a scenario document for :func:`hullwatch.simulate.scenario_from_dict`).
    """
    habitat = load_habitat(None)
    rng = np.random.default_rng([seed, 91])
    module = str(rng.choice(habitat.module_names))
    low, high = np.log(RATE_RANGE_LB_PER_DAY)
    rate = float(np.exp(rng.uniform(low, high)))
    # One to three configurations in turn; in each, every hatch is closed with the same
    # probability, itself drawn: from a single closure to the station cut into many
    # compartments, as isolation campaigns do.
    configurations: list[tuple[str, ...]] = []
    holds_h: list[float] = []
    for _ in range(int(rng.integers(1, MAX_CONFIGURATIONS + 1))):
        share_closed = rng.uniform(*CLOSED_SHARE_RANGE)
        configurations.append(tuple(h for h in habitat.hatch_names if rng.uniform() < share_closed))
        holds_h.append(float(rng.uniform(*HOLD_RANGE_H)))
    events: list[dict[str, Any]] = []
    now_h, closed_now = BASELINE_H, tuple[str, ...]()
    for closed, hold_h in zip(configurations, holds_h, strict=True):
        events += [
            {"time": f"{now_h:.4f}h", "hatch": h, "state": "closed" if h in closed else "open"}
            for h in habitat.hatch_names
            if (h in closed) != (h in closed_now)
        ]
        now_h, closed_now = now_h + hold_h, closed
    scenario = {
        "simulation": {"duration": f"{now_h:.4f}h", "seed": seed, "start": START},
        "hatch_events": events,
        # No crew, so no CO2: the scrubbers would otherwise remove the default 2.5 mmHg
        # in the first hours, a loss of several kg that reads as a leak.
        "crew": {"count": 0},
        "initial": {"ppCO2_mmHg": 0.0},
        "leaks": [{"module": module, "model": "orifice", "rate_lb_per_day": rate}],
    }
    return {
        "module": module,
        "rate_lb_per_day": rate,
        "configurations": configurations,
        "holds_h": holds_h,
        "scenario": scenario,
    }


def run_case(seed: int) -> CalibrationCase:
    """Simulate one case and locate its leak."""
    drawn = draw_case(seed)
    result = simulate(scenario_from_dict(drawn["scenario"]))
    located = locate_leak(result.to_telemetry(), result.habitat)
    return CalibrationCase(
        seed=seed,
        true_module=drawn["module"],
        rate_lb_per_day=drawn["rate_lb_per_day"],
        configurations=drawn["configurations"],
        holds_h=drawn["holds_h"],
        posterior=dict(located.module_posterior),
    )


@dataclass(frozen=True)
class ReliabilityTable:
    """Forecasts binned by predicted probability, with how often the event happened."""

    edges: npt.NDArray[np.float64]
    count: npt.NDArray[np.int64]
    mean_predicted: npt.NDArray[np.float64]
    observed: npt.NDArray[np.float64]
    observed_lo95: npt.NDArray[np.float64]
    observed_hi95: npt.NDArray[np.float64]

    @property
    def expected_calibration_error(self) -> float:
        """Count-weighted mean of ``|observed - predicted|`` over non-empty bins."""
        used = self.count > 0
        weights = self.count[used] / self.count[used].sum()
        gaps = np.abs(self.observed[used] - self.mean_predicted[used])
        return float(np.sum(weights * gaps))

    def rows(self) -> list[dict[str, float]]:
        """One dict per non-empty bin, for printing."""
        return [
            {
                "bin_low": float(self.edges[i]),
                "bin_high": float(self.edges[i + 1]),
                "count": int(self.count[i]),
                "mean_predicted": float(self.mean_predicted[i]),
                "observed": float(self.observed[i]),
                "observed_lo95": float(self.observed_lo95[i]),
                "observed_hi95": float(self.observed_hi95[i]),
            }
            for i in range(len(self.count))
            if self.count[i] > 0
        ]


def wilson_interval(
    successes: npt.ArrayLike, trials: npt.ArrayLike, level: float = 0.95
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Wilson score interval of binomial proportions [2]_ (NaN where ``trials`` is 0)."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    z = stats.norm.ppf(0.5 + level / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


def reliability_table(
    predicted: npt.ArrayLike, happened: npt.ArrayLike, n_bins: int = 10
) -> ReliabilityTable:
    """Bin probability forecasts and compare each bin with its outcome frequency [1]_.

    Parameters
    ----------
    predicted : array_like
        Forecast probabilities in [0, 1].
    happened : array_like of bool
        Whether each forecast event happened.
    n_bins : int
        Equal-width bins over [0, 1].
    """
    p = np.asarray(predicted, dtype=float)
    y = np.asarray(happened, dtype=bool)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    index = np.clip(np.digitize(p, edges[1:-1]), 0, n_bins - 1)
    count = np.bincount(index, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_predicted = np.bincount(index, weights=p, minlength=n_bins) / count
        hits = np.bincount(index, weights=y.astype(float), minlength=n_bins)
        observed = hits / count
    lo, hi = wilson_interval(hits, count)
    return ReliabilityTable(edges, count, mean_predicted, observed, lo, hi)


def forecasts(
    cases: list[CalibrationCase],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Every (case, module) probability and whether the leak was in that module."""
    p = [q for c in cases for q in c.posterior.values()]
    y = [m == c.true_module for c in cases for m in c.posterior]
    return np.asarray(p), np.asarray(y)


def top_choice_z(cases: list[CalibrationCase]) -> float:
    """Standardized excess of correct top choices over their forecast probabilities.

    If ``locate`` is calibrated, the number of cases whose most probable module is the
    true one has mean ``sum(c)`` and variance ``sum(c (1 - c))`` over the top-choice
    probabilities ``c``, so this is about standard normal.  Positive means
    under-confident, negative over-confident.
    """
    c = np.array([case.posterior[case.top_module] for case in cases])
    right = np.array([case.top_module == case.true_module for case in cases])
    variance = float(np.sum(c * (1 - c)))
    return float((right.sum() - c.sum()) / np.sqrt(max(variance, 1e-12)))


def plot_reliability(
    table: ReliabilityTable, path: str | Path, title: str = "locate: reliability"
) -> Path:
    """Draw the reliability diagram: observed frequency against forecast, per bin."""
    import matplotlib.pyplot as plt

    from hullwatch.report.figures import save_figure

    used = table.count > 0
    fig, (ax, ax_count) = plt.subplots(
        2, 1, figsize=(6.0, 6.5), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
    )
    ax.plot([0, 1], [0, 1], color="0.6", linestyle="--", label="perfectly calibrated")
    x = table.mean_predicted[used]
    y = table.observed[used]
    ax.errorbar(
        x,
        y,
        yerr=[y - table.observed_lo95[used], table.observed_hi95[used] - y],
        fmt="o",
        capsize=3,
        label="observed frequency (95 % Wilson)",
    )
    ax.set_ylabel("how often the leak was in that module")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(f"{title} (ECE {table.expected_calibration_error:.3f})")
    ax.legend(loc="upper left")
    centres = 0.5 * (table.edges[1:] + table.edges[:-1])
    ax_count.bar(centres, table.count, width=np.diff(table.edges) * 0.9, color="0.5")
    ax_count.set_yscale("log")
    ax_count.set_xlabel("posterior probability that locate gave the module")
    ax_count.set_ylabel("forecasts")
    return save_figure(fig, path)
