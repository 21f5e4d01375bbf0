"""The statistic, the noise model and the decision rule, on synthetic series."""

from __future__ import annotations

import numpy as np
import pytest

from hullwatch.detect import CusumBank, Innovations, OnsetProfile, cusum_threshold, fit_ar_noise
from hullwatch.detect.whiten import levinson_durbin
from hullwatch.errors import AnalysisError, InputError


def _ar1(n: int, phi: float, rng: np.random.Generator) -> np.ndarray:
    x = np.zeros(n)
    e = rng.normal(size=n)
    for k in range(1, n):
        x[k] = phi * x[k - 1] + e[k]
    return x


def test_levinson_durbin_recovers_an_ar1() -> None:
    coefficients, variances = levinson_durbin(0.6 ** np.arange(4) / (1 - 0.36), 3)
    assert coefficients[3] == pytest.approx([0.6, 0.0, 0.0], abs=1e-12)
    assert variances[3] == pytest.approx(1.0)


def test_whitened_ar_noise_is_unit_white_and_a_step_shows_with_its_signature() -> None:
    rng = np.random.default_rng(4)
    runs = [_ar1(4000, -0.5, rng) * 1e-6 + 2e-6]
    noise = fit_ar_noise(runs, 2)
    assert noise.mean_kg_per_s == pytest.approx(2e-6, abs=5e-8)
    innovations = Innovations(noise)
    fresh = _ar1(4000, -0.5, rng) * 1e-6 + 2e-6
    u = np.array([innovations.update(x)[0] for x in fresh])
    assert abs(np.corrcoef(u[1:], u[:-1])[0, 1]) < 0.05
    # The scale is inflated to its upper 90 % bound: the spread is just below 1.
    assert 0.95 < u.std() <= 1.0
    assert noise.signature(2) == pytest.approx(1.5 / noise.sigmas[2], rel=0.05)


def test_noise_model_needs_enough_rates() -> None:
    with pytest.raises(AnalysisError, match="at least"):
        fit_ar_noise([np.ones(5)], 2)
    with pytest.raises(AnalysisError, match="do not vary"):
        fit_ar_noise([np.ones(50)], 2)


def test_cusum_threshold_from_the_false_alarm_rate() -> None:
    h = cusum_threshold(1.0, 1800.0, 4)
    assert np.exp(h) == pytest.approx(4 * 365.25 * 48)
    assert cusum_threshold(10.0, 1800.0, 4) == pytest.approx(h - np.log(10.0))
    with pytest.raises(InputError, match="false-alarm"):
        cusum_threshold(-1.0, 1800.0, 4)


def test_cusum_bank_false_alarm_rate_meets_the_lorden_bound_on_white_noise() -> None:
    """On i.i.d. N(0, 1) innovations the bank's mean run to a false alarm is >= e^h / K."""
    rng = np.random.default_rng(8)
    h = 6.0
    bank = CusumBank((0.5, 1.0, 2.0, 4.0))
    n, alarms = 400_000, 0
    for u in rng.normal(size=n):
        if bank.update(float(u)) >= h:
            alarms += 1
            bank.reset()
    assert alarms > 0
    assert n / alarms >= np.exp(h) / 4


def test_onset_profile_dates_a_step_and_measures_it() -> None:
    rng = np.random.default_rng(2)
    profile = OnsetProfile(200)
    a = np.array([-0.4, -0.2])
    sigma = 1e-6
    base = np.datetime64("2026-05-01T00:00", "ns")
    step = 60
    delta = 1.5e-6
    shifts = np.zeros(100)
    for k in range(step, 100):
        after = min(2, k - step)
        shifts[k] = delta * (1 - a[:after].sum()) / sigma
    for k in range(100):
        span = (base + np.timedelta64(30 * k, "m"), base + np.timedelta64(30 * k + 60, "m"))
        profile.add(float(rng.normal() + shifts[k]), a, sigma, span)
    estimate = profile.estimate()
    assert estimate is not None
    assert estimate.low <= step <= estimate.high
    assert abs(estimate.shift_kg_per_s - delta) < 3 * estimate.shift_sigma_kg_per_s


def test_onset_profile_joint_region_covers_a_known_step_at_the_nominal_level() -> None:
    """Onset and step intervals, projections of one 95 % region, each hold the truth.

    300 seeded runs of 100 AR(2)-whitened innovations with a step of 0.5 innovation
    standard deviations of the rate (0.8 in the innovations once the predictor has
    seen it) at innovation 60.  Each interval must hold the truth in at least 272 of
    300 runs: the 0.1 % quantile of Binomial(300, 0.95), the nominal level.
    """
    rng = np.random.default_rng(21)
    a = np.array([-0.4, -0.2])
    sigma = 1e-6  # [kg/s]
    delta = 0.5e-6  # [kg/s]
    step, n, runs = 60, 100, 300
    shifts = np.array(
        [0.0 if k < step else delta * (1 - a[: min(2, k - step)].sum()) / sigma for k in range(n)]
    )
    base = np.datetime64("2026-05-01T00:00", "ns")
    spans = [
        (base + np.timedelta64(30 * k, "m"), base + np.timedelta64(30 * k + 60, "m"))
        for k in range(n)
    ]
    onset_hits = step_hits = 0
    for _ in range(runs):
        profile = OnsetProfile(n)
        for k, u in enumerate(rng.normal(size=n) + shifts):
            profile.add(float(u), a, sigma, spans[k])
        estimate = profile.estimate()
        assert estimate is not None
        assert estimate.low <= estimate.index <= estimate.high
        assert estimate.shift_low_kg_per_s <= estimate.shift_kg_per_s
        assert estimate.shift_kg_per_s <= estimate.shift_high_kg_per_s
        onset_hits += estimate.low <= step <= estimate.high
        step_hits += estimate.shift_low_kg_per_s <= delta <= estimate.shift_high_kg_per_s
    assert onset_hits >= 272
    assert step_hits >= 272
