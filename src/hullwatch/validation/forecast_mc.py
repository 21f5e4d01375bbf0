"""Monte Carlo calibration of the pressure forecast against simulated truth.

Each run simulates the PrK isolated (both hatches closed) with one leak, for a fitting
window followed by the forecast horizon, all with the same leak.  The forecast sees
only the window; the **true time to threshold** is the first time the simulator's true
PrK pressure (its ``truth_series``, every 60 s, which includes the true gas temperature)
falls to the threshold after the window's last sample.  The leak's size and the
starting pressure are drawn from the seed, so the runs span a range of crossing times.

Two regimes (issue 6, "Forecast calibration"): a choked hole (``orifice``, n = 1) and a
viscous crack (``viscous_crack``, n = 2).  Each run also scores a naive forecast: the
ordinary least-squares line through the window's pressure readings, extended from the
last reading to the threshold.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from hullwatch.analysis.forecast import ForecastSettings, forecast_pressure
from hullwatch.analysis.rate import DEFAULT_SETTINGS, RateSettings
from hullwatch.quantiles import Z95
from hullwatch.simulate import SimulationResult, scenario_from_dict, simulate
from hullwatch.units import SECONDS_PER_DAY, SECONDS_PER_HOUR, mmhg_to_pa

#: The leak regimes, by name: the simulator's leak model of each.
REGIMES: dict[str, str] = {"choked_hole": "orifice", "viscous_crack": "viscous_crack"}
#: The true flow exponent of each regime (to vacuum).
TRUE_EXPONENT: dict[str, float] = {"choked_hole": 1.0, "viscous_crack": 2.0}

#: The run design (shared by the benchmark and the CI test).
WINDOW_DAYS = 2.0
HORIZON_DAYS = 5.0
THRESHOLD_MMHG = 600.0
#: Leak rate at 760 mmHg [lb/day] and starting PrK pressure [mmHg], drawn uniformly.
RATE_RANGE_LB_PER_DAY = (0.5, 0.9)
START_RANGE_MMHG = (720.0, 750.0)
MODULE = "PrK"


def scenario(regime: str, seed: int) -> dict[str, Any]:
    """The scenario document of one run: leak size and start pressure drawn from ``seed``."""
    rng = np.random.default_rng([seed, 6])
    rate = float(rng.uniform(*RATE_RANGE_LB_PER_DAY))
    start = float(rng.uniform(*START_RANGE_MMHG))
    return {
        "simulation": {
            "duration": f"{WINDOW_DAYS + HORIZON_DAYS:g}d",
            "seed": seed,
            "start": "2026-05-01T00:00:00Z",
        },
        "initial": {"modules": {MODULE: {"pressure_mmHg": start}}},
        "hatch_events": [
            {"time": 0, "hatch": "Zvezda-PrK", "state": "closed"},
            {"time": 0, "hatch": "PrK-Progress", "state": "closed"},
        ],
        "leaks": [{"module": MODULE, "model": REGIMES[regime], "rate_lb_per_day": rate}],
    }


@dataclass(frozen=True)
class ForecastOutcome:
    """One run: true and forecast time to threshold [h], and the naive forecast [h]."""

    regime: str
    seed: int
    truth_h: float
    estimate_h: float | None
    ci95_h: tuple[float, float | None] | None
    naive_h: float | None
    exponent_identified: bool
    flow_exponent: float
    seconds: float
    exponent_range: tuple[float, float] = (1.0, 2.0)
    #: The rate fit's interval of the exponent (when identified), before the cut to 1-2.
    exponent_ci95: tuple[float, float] | None = None

    @property
    def covered(self) -> bool:
        """Whether the 95 % interval holds the truth (an open upper end is beyond the horizon)."""
        if self.ci95_h is None:
            return not np.isfinite(self.truth_h)
        lo, hi = self.ci95_h
        return lo <= self.truth_h <= (np.inf if hi is None else hi)


def true_time_to_threshold_s(
    result: SimulationResult, module: str, after: np.datetime64, threshold_pa: float
) -> float:
    """First time after ``after`` that the true pressure of ``module`` is at or below the
    threshold, linear between the truth samples; ``inf`` if it never is. [s]"""
    rows = result.truth_series[result.truth_series.module == module]
    times = rows.time.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    pressure = rows.pressure_pa.to_numpy(dtype=float)
    # From the last truth sample at or before ``after`` on.
    first = max(int(np.searchsorted(times, after, side="right")) - 1, 0)
    times, pressure = times[first:], pressure[first:]
    below = np.flatnonzero(pressure <= threshold_pa)
    if below.size == 0:
        return float("inf")
    i = int(below[0])
    elapsed = (times - after) / np.timedelta64(1, "s")
    if i == 0:
        return 0.0
    share = (pressure[i - 1] - threshold_pa) / (pressure[i - 1] - pressure[i])
    return float(elapsed[i - 1] + share * (elapsed[i] - elapsed[i - 1]))


def naive_time_s(
    times: np.ndarray, pressure_pa: np.ndarray, end: np.datetime64, threshold_pa: float
) -> float | None:
    """The straight line through the readings, extended from the last one. [s]"""
    t = (times - times[0]) / np.timedelta64(1, "s")
    slope = float(np.polyfit(t, pressure_pa, 1)[0])
    if slope >= 0:
        return None
    return float((pressure_pa[-1] - threshold_pa) / -slope)


def run_one(
    regime: str,
    seed: int,
    settings: ForecastSettings | None = None,
    rate_settings: RateSettings = DEFAULT_SETTINGS,
) -> ForecastOutcome:
    """Simulate one run of ``regime`` and score the forecast (and the naive line) on it."""
    result = simulate(scenario_from_dict(scenario(regime, seed)))
    telemetry = result.to_telemetry()
    end = result.setup.start + np.timedelta64(round(WINDOW_DAYS * SECONDS_PER_DAY), "s")
    window = telemetry.window(None, end)
    threshold = mmhg_to_pa(THRESHOLD_MMHG)
    clock = time.perf_counter()
    forecast = forecast_pressure(
        window,
        result.habitat,
        MODULE,
        threshold,
        HORIZON_DAYS * SECONDS_PER_DAY,
        settings=settings or ForecastSettings(seed=seed),
        rate_settings=rate_settings,
    )
    seconds = time.perf_counter() - clock
    truth = true_time_to_threshold_s(result, MODULE, forecast.last_sample, threshold)
    naive = None
    if forecast.history is not None:
        naive = naive_time_s(*forecast.history, forecast.last_sample, threshold)
    ci = forecast.ci95_s
    return ForecastOutcome(
        regime,
        seed,
        truth / SECONDS_PER_HOUR,
        forecast.time_to_threshold_h,
        None if ci is None else (ci[0] / 3600.0, None if ci[1] is None else ci[1] / 3600.0),
        None if naive is None else naive / SECONDS_PER_HOUR,
        forecast.exponent_identified,
        forecast.flow_exponent,
        seconds,
        forecast.exponent_range,
        forecast.exponent_ci95,
    )


@dataclass(frozen=True)
class ForecastSummary:
    """Calibration and accuracy of the forecast over the runs of one regime [h]."""

    regime: str
    runs: int
    coverage: float
    coverage_ci95: tuple[float, float]
    median_truth_h: float
    median_width_h: float
    bias_h: float
    median_error_h: float
    rmse_h: float
    naive_rmse_h: float
    naive_bias_h: float
    share_exponent_identified: float
    mean_seconds: float
    coverage_exponent_identified: float
    coverage_exponent_assumed: float
    exponent_interval_coverage: float


def _binomial_interval(hits: int, runs: int) -> tuple[float, float]:
    """Wilson score 95 % interval of a proportion."""
    if runs == 0:
        return (0.0, 1.0)
    z = Z95
    p = hits / runs
    centre = (p + z**2 / (2 * runs)) / (1 + z**2 / runs)
    half = z * np.sqrt(p * (1 - p) / runs + z**2 / (4 * runs**2)) / (1 + z**2 / runs)
    return (float(centre - half), float(centre + half))


def summarize(outcomes: list[ForecastOutcome]) -> ForecastSummary:
    """Coverage (with its binomial interval), interval width, bias and RMSE, vs the naive line.

    Errors are over the runs whose truth and estimate are both finite; a missing naive
    forecast (a rising line) counts as the horizon.
    """
    truth = np.array([o.truth_h for o in outcomes])
    estimate = np.array([np.inf if o.estimate_h is None else o.estimate_h for o in outcomes])
    naive = np.array([np.inf if o.naive_h is None else o.naive_h for o in outcomes])
    horizon_h = HORIZON_DAYS * 24.0
    finite = np.isfinite(truth) & np.isfinite(estimate)
    error = estimate[finite] - truth[finite]
    naive_error = np.minimum(naive, horizon_h)[finite] - truth[finite]
    widths = [
        (horizon_h if o.ci95_h[1] is None else o.ci95_h[1]) - o.ci95_h[0]
        for o in outcomes
        if o.ci95_h is not None
    ]
    hits = sum(o.covered for o in outcomes)
    identified = [o for o in outcomes if o.exponent_identified]
    assumed = [o for o in outcomes if not o.exponent_identified]
    true_n = TRUE_EXPONENT[outcomes[0].regime]
    return ForecastSummary(
        regime=outcomes[0].regime,
        runs=len(outcomes),
        coverage=hits / len(outcomes),
        coverage_ci95=_binomial_interval(hits, len(outcomes)),
        median_truth_h=float(np.median(truth)),
        median_width_h=float(np.median(widths)) if widths else float("nan"),
        bias_h=float(np.mean(error)),
        median_error_h=float(np.median(error)),
        rmse_h=float(np.sqrt(np.mean(error**2))),
        naive_rmse_h=float(np.sqrt(np.mean(naive_error**2))),
        naive_bias_h=float(np.mean(naive_error)),
        share_exponent_identified=float(np.mean([o.exponent_identified for o in outcomes])),
        mean_seconds=float(np.mean([o.seconds for o in outcomes])),
        coverage_exponent_identified=_share([o.covered for o in identified]),
        coverage_exponent_assumed=_share([o.covered for o in assumed]),
        exponent_interval_coverage=_share(
            [
                o.exponent_ci95[0] <= true_n <= o.exponent_ci95[1]
                for o in identified
                if o.exponent_ci95 is not None
            ]
        ),
    )


def _share(flags: list[bool]) -> float:
    return float(np.mean(flags)) if flags else float("nan")
