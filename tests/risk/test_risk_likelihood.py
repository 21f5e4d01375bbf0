"""Likelihood: the closed form against analytic and Monte Carlo computations, and coverage.

The series of :func:`exceedance_probability` is checked three ways: against the plain
normal tail when no steps enter; against the compound-Poisson closed form
``sum NB(n) Gamma.sf(L - m; n, mu)`` computed here independently with scipy; and against
a Monte Carlo of the whole model (:func:`simulate_exceedance`, exact path maximum).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from hullwatch.errors import InputError
from hullwatch.risk.likelihood import (
    LogRateTrend,
    exceedance_probability,
    fit_log_trend,
    fit_step_model,
    simulate_exceedance,
    steps_from_history,
)
from hullwatch.risk.records import RateObservation, StepEvent, steps_from_alarms

DAY = np.timedelta64(1, "D")
T0 = np.datetime64("2024-01-01T00:00:00", "ns")
NO_STEPS = fit_step_model([], 0.0)


def _steps(count: int, exposure_days: float, mean_log: float):
    events = [StepEvent(T0 + i * DAY, float(np.exp(mean_log)), "history") for i in range(count)]
    return fit_step_model(events, exposure_days)


def _se(p: float, n: int) -> float:
    return float(np.sqrt(max(p * (1 - p), 1e-4) / n))


def test_trend_only_matches_the_normal_tail() -> None:
    trend = LogRateTrend(0.0, 0.1, slope_per_day=0.002, slope_sd_per_day=0.0005, fitted=True)
    h, thr = 120.0, 1.3
    got = exceedance_probability(trend, NO_STEPS, thr, h)
    expected = stats.norm.sf(np.log(thr), 0.002 * h, np.hypot(0.1, h * 0.0005))
    assert got.at_horizon == pytest.approx(expected, rel=1e-12)
    assert got.probability == pytest.approx(expected)
    assert got.trend_only == pytest.approx(expected)
    assert got.exact  # the slope is below zero with probability 3e-5


def test_compound_poisson_closed_form_without_trend_uncertainty() -> None:
    """No trend or level uncertainty: P = sum_n NB(n; k+1/2, T/(T+H)) Gamma(n, mu).sf(L - m)."""
    k, exposure, mu, h = 3, 2000.0, 0.35, 365.0
    trend = LogRateTrend(np.log(1.0), 0.0)
    threshold = 1.9
    got = exceedance_probability(trend, _steps(k, exposure, mu), threshold, h).probability
    n = np.arange(0, 60)
    pmf = stats.nbinom.pmf(n, k + 0.5, exposure / (exposure + h))
    tails = np.array([0.0] + [stats.gamma.sf(np.log(threshold), a, scale=mu) for a in n[1:]])
    expected = float(np.sum(pmf * tails))
    assert got == pytest.approx(expected, abs=1e-9)
    assert 0.05 < expected < 0.5  # a case where both terms matter


def test_negative_binomial_predictive_is_the_gamma_poisson_mixture() -> None:
    model = _steps(2, 1500.0, 0.4)
    pmf = model.count_pmf(400.0)
    rng = np.random.default_rng(11)
    lam = rng.gamma(2.5, 1.0 / 1500.0, 200_000)
    counts = rng.poisson(lam * 400.0)
    empirical = np.bincount(counts, minlength=len(pmf))[: len(pmf)] / counts.size
    assert np.max(np.abs(empirical - pmf)) < 4 * np.sqrt(0.25 / counts.size)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize(
    ("slope", "slope_sd", "level_sd", "threshold"),
    [(0.0015, 0.0003, 0.15, 2.2), (0.0, 0.0, 0.2, 1.6), (0.003, 0.0002, 0.05, 3.5)],
)
def test_closed_form_matches_monte_carlo_when_the_trend_cannot_fall(
    slope, slope_sd, level_sd, threshold
) -> None:
    trend = LogRateTrend(np.log(1.0), level_sd, slope, slope_sd, fitted=slope_sd > 0)
    steps = _steps(2, 1800.0, 0.45)
    closed = exceedance_probability(trend, steps, threshold, 270.0)
    n = 40_000
    mc = simulate_exceedance(
        trend, steps, threshold, 270.0, n_draws=n, rng=np.random.default_rng(5)
    )
    assert closed.exact
    assert abs(closed.probability - mc) < 4 * _se(mc, n)


def test_falling_trend_with_steps_takes_the_path_maximum_by_monte_carlo() -> None:
    """The horizon-end series is only a lower bound here (a step can peak mid-horizon)."""
    trend = LogRateTrend(np.log(1.0), 0.1, -0.004, 0.001, fitted=True)
    steps = _steps(3, 1000.0, 0.5)
    got = exceedance_probability(trend, steps, 1.5, 365.0)
    n = 100_000
    mc = simulate_exceedance(trend, steps, 1.5, 365.0, n_draws=n, rng=np.random.default_rng(6))
    assert not got.exact and got.method == "monte_carlo"
    assert got.mc_standard_error == pytest.approx(_se(got.probability, 20_000), rel=1e-6)
    assert abs(got.probability - mc) < 4 * np.hypot(_se(mc, n), got.mc_standard_error)
    assert got.at_horizon < got.probability - 4 * got.mc_standard_error  # the bound is loose
    again = exceedance_probability(trend, steps, 1.5, 365.0)
    assert again.probability == got.probability  # seeded: reproducible


@pytest.mark.parametrize(("slope", "slope_sd"), [(-0.003, 0.002), (0.001, 0.002), (-0.002, 0.0)])
def test_trend_alone_is_the_bivariate_normal_path_maximum(slope, slope_sd) -> None:
    trend = LogRateTrend(np.log(1.0), 0.15, slope, slope_sd, fitted=True)
    got = exceedance_probability(trend, NO_STEPS, 1.2, 200.0)
    assert got.exact and got.method == "closed_form"
    level = np.log(1.2)
    if slope_sd > 0:
        cov = [[0.15**2, 0.15**2], [0.15**2, 0.15**2 + (200 * slope_sd) ** 2]]
        below = stats.multivariate_normal([0.0, 200 * slope], cov).cdf([level, level])
        expected = 1.0 - below
    else:
        expected = stats.norm.sf(level, 0.0 + max(slope, 0) * 200, 0.15)
    assert got.probability == pytest.approx(expected, abs=2e-5)
    n = 100_000
    mc = simulate_exceedance(trend, NO_STEPS, 1.2, 200.0, n_draws=n, rng=np.random.default_rng(2))
    assert abs(got.probability - mc) < 4 * _se(mc, n)


def test_steps_raise_the_probability_and_none_seen_means_none_used() -> None:
    trend = LogRateTrend(np.log(1.0), 0.1)
    plain = exceedance_probability(trend, NO_STEPS, 1.5, 180.0)
    with_steps = exceedance_probability(trend, _steps(2, 700.0, 0.4), 1.5, 180.0)
    assert with_steps.probability > plain.probability
    assert with_steps.trend_only == pytest.approx(plain.probability)
    assert not NO_STEPS.active and NO_STEPS.to_dict()["used"] is False


def test_jeffreys_step_rate_interval_covers_95_percent() -> None:
    """Seeded coverage of the step-rate 95 % interval over 2000 simulated histories."""
    rng = np.random.default_rng(3)
    lam, exposure = 0.5 / 365.25, 7 * 365.25
    trials = 2000
    counts = rng.poisson(lam * exposure, trials)
    covered = {}
    for k in np.unique(counts):
        events = [StepEvent(T0, 2.0, "history")] * int(k)
        _, (lo, hi) = fit_step_model(events, exposure).rate_per_day()
        covered[k] = lo <= lam <= hi
    hits = sum(covered[k] for k in counts)
    assert 0.93 <= hits / trials <= 0.985


def _rate(day: float, value: float, low: float | None = None, high: float | None = None):
    return RateObservation(
        T0 + np.timedelta64(int(day * 86400), "s"),
        "rate",
        low if low is not None else value,
        high if high is not None else value,
    )


def test_trend_fit_recovers_a_noise_free_exponential() -> None:
    slope = np.log(2.0) / 365.0
    history = [_rate(d, float(np.exp(slope * d))) for d in (0, 100, 250, 400)]
    now = history[-1].time
    trend = fit_log_trend(history, now)
    assert trend.fitted and trend.points_used == 4
    assert trend.slope_per_day == pytest.approx(slope, rel=1e-9)
    assert trend.rate_now_kg_per_day == pytest.approx(np.exp(slope * 400))
    assert trend.to_dict()["doubling_time_days"] == pytest.approx(365.0)


def test_trend_slope_interval_covers_95_percent() -> None:
    """Figures with known 20 % (95 %) scatter: the slope's 95 % interval covers the truth."""
    rng = np.random.default_rng(9)
    days = np.array([0.0, 90.0, 200.0, 330.0, 500.0, 640.0])
    slope = 0.001
    sd = np.log1p(0.2) / 1.96
    trials, hits = 400, 0
    for _ in range(trials):
        values = np.exp(slope * days + rng.normal(0.0, sd, days.size))
        history = [_rate(d, v) for d, v in zip(days, values, strict=True)]
        t = fit_log_trend(history, history[-1].time, window_days=1e4)
        hits += abs(t.slope_per_day - slope) <= 1.96 * t.slope_sd_per_day
    assert 0.92 <= hits / trials <= 0.985


def test_trend_fit_is_causal_and_needs_two_figures() -> None:
    history = [_rate(0, 1.0), _rate(100, 2.0), _rate(200, 8.0)]
    trend = fit_log_trend(history, history[1].time)
    assert trend.points_used == 2 and trend.rate_now_kg_per_day == pytest.approx(2.0)
    single = fit_log_trend(history[:1], history[0].time)
    assert not single.fitted and single.slope_per_day == 0.0
    with pytest.raises(InputError, match="no leak rate"):
        fit_log_trend([], T0)


def test_steps_need_ranges_that_do_not_overlap() -> None:
    history = [
        _rate(0, 1.0),
        _rate(100, 1.2),  # within the 20 % figures' ranges: no step
        _rate(200, 2.0),  # clear of them: a step of 2.0 / 1.2
        _rate(300, 2.6, 2.0, 3.4),  # a wide range overlapping: no step
    ]
    steps = steps_from_history(history, history[-1].time)
    assert [s.factor for s in steps] == pytest.approx([2.0 / 1.2])
    assert steps_from_history(history, history[1].time) == []  # causal


def test_steps_from_detector_alarms() -> None:
    alarms = [
        {
            "time": "2026-05-01T00:00:00Z",
            "kind": "leak_onset",
            "compartment": ["PrK"],
            "leak_rate_kg_per_day": 0.4,
        },
        {
            "time": "2026-05-03T00:00:00Z",
            "kind": "leak_increase",
            "compartment": ["PrK"],
            "leak_rate_kg_per_day": 0.2,
        },
        {
            "time": "2026-05-04T00:00:00Z",
            "kind": "rapid_depress",
            "compartment": ["PrK"],
            "leak_rate_kg_per_day": 9.0,
        },
    ]
    steps = steps_from_alarms(alarms)
    assert len(steps) == 1 and steps[0].factor == pytest.approx(1.5)
    with pytest.raises(InputError, match="alarms"):
        steps_from_alarms([{"kind": "leak_increase"}])


def test_bad_arguments() -> None:
    trend = LogRateTrend(0.0, 0.1)
    with pytest.raises(InputError, match="threshold"):
        exceedance_probability(trend, NO_STEPS, 0.0, 10.0)
    with pytest.raises(InputError, match="horizon"):
        exceedance_probability(trend, NO_STEPS, 1.0, -1.0)
    with pytest.raises(InputError, match="factor above 1"):
        fit_step_model([StepEvent(T0, 0.8, "history")], 10.0)


@pytest.mark.parametrize(("sd", "n", "scale"), [(0.3, 1, 0.4), (0.02, 3, 0.5), (1.0, 7, 0.1)])
def test_step_quadrature_matches_adaptive_integration(sd, n, scale) -> None:
    from scipy import integrate

    from hullwatch.risk.likelihood import _tail_above

    mean, level = 0.1, 0.9

    def integrand(g: float) -> float:
        return float(stats.gamma.pdf(g, n, scale=scale) * stats.norm.sf(level - g, mean, sd))

    expected, _ = integrate.quad(integrand, 0, np.inf, limit=400, epsabs=1e-12)
    assert _tail_above(mean, sd, level, n, scale) == pytest.approx(expected, abs=1e-9)
