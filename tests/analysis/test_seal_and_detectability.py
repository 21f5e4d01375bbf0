"""Seal verification and the minimum detectable leak."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from tests.analysis.conftest import prk_run

from hullwatch.analysis.detectability import (
    compartment_noise,
    minimum_detectable_leak_kg_per_day,
    trend_standard_error_kg_per_day,
)
from hullwatch.analysis.regression import NoiseModel
from hullwatch.analysis.seal import fieller_ratio_interval, verify_seal
from hullwatch.errors import InputError


def test_repair_that_cut_the_leak_fivefold_is_seen() -> None:
    run = prk_run(
        4,
        simulation={"duration": "6d", "seed": 4, "start": "2026-05-01T00:00:00Z"},
        leaks=[
            {"module": "PrK", "model": "viscous_crack", "rate_lb_per_day": 1.0, "end": "3d"},
            {"module": "PrK", "model": "viscous_crack", "rate_lb_per_day": 0.2, "onset": "3d"},
        ],
    )
    verdict = verify_seal(
        run.to_telemetry(), run.habitat, "PrK", np.datetime64("2026-05-04T00:00", "ns")
    ).to_dict()
    lo, hi = verdict["ratio_ci95"]
    # The true ratio is 0.2 at equal pressure; the tunnel is lower after, so a bit less.
    assert lo <= 0.2 * 1.05 and hi >= 0.15
    assert verdict["after_distinguishable_from_zero"]
    assert verdict["minimum_detectable_leak_kg_per_day"] < verdict["after"]["leak_rate_kg_per_day"]
    with pytest.raises(InputError, match="outside the data"):
        verify_seal(run.to_telemetry(), run.habitat, "PrK", np.datetime64("2027-01-01", "ns"))


def test_fieller_interval_matches_the_delta_method_when_precise() -> None:
    lo, hi = fieller_ratio_interval(1.0, 0.001, 2.0, 0.001)
    delta = 0.5 * np.hypot(0.001 / 1.0, 0.001 / 2.0) * 1.959964
    assert lo == pytest.approx(0.5 - delta, rel=1e-3) and hi == pytest.approx(0.5 + delta, rel=1e-3)
    assert fieller_ratio_interval(1.0, 0.1, 0.05, 0.1) is None  # denominator not resolved


def test_white_noise_trend_error_is_the_textbook_formula() -> None:
    # OLS slope variance sigma^2 / sum (t - mean)^2; here in days for 288 five-minute bins.
    t = np.arange(288) * 300 / 86400
    expected = 1e-3 / np.sqrt(np.sum((t - t.mean()) ** 2))
    se = trend_standard_error_kg_per_day(NoiseModel(0.0, 1e-6, 0.0), 86400.0)
    assert se == pytest.approx(expected, rel=1e-9)


def test_longer_holds_resolve_smaller_leaks() -> None:
    noise = compartment_noise(5.9)  # the PrK's gas
    mdl = [minimum_detectable_leak_kg_per_day(noise, d * 86400.0) for d in (0.5, 1, 2, 4)]
    assert all(a > b for a, b in itertools.pairwise(mdl))
    station = compartment_noise(1100.0)
    assert minimum_detectable_leak_kg_per_day(station, 86400.0) > 100 * mdl[1]
