"""Calibration of ``locate`` in small; the 300-case reliability diagram is
``python benchmarks/bench_locate_calibration.py`` (``make bench``)."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint

from hullwatch.validation.locate_calibration import (
    CalibrationCase,
    draw_case,
    forecasts,
    plot_reliability,
    reliability_table,
    run_case,
    top_choice_z,
    wilson_interval,
)


def test_wilson_interval_matches_statsmodels() -> None:
    lo, hi = wilson_interval([0, 3, 10], [10, 10, 10])
    for i, k in enumerate([0, 3, 10]):
        ref = proportion_confint(k, 10, alpha=0.05, method="wilson")
        assert lo[i] == pytest.approx(ref[0])
        assert hi[i] == pytest.approx(ref[1])


def test_reliability_table_of_calibrated_forecasts_is_diagonal() -> None:
    rng = np.random.default_rng(3)
    p = rng.uniform(size=200_000)
    table = reliability_table(p, rng.uniform(size=p.size) < p)
    assert table.count.sum() == p.size
    assert np.allclose(table.observed, table.mean_predicted, atol=0.01)
    assert table.expected_calibration_error < 0.005
    # Forecasts that are always too sure are seen as such.
    overconfident = reliability_table(np.clip(1.5 * p - 0.25, 0, 1), rng.uniform(size=p.size) < p)
    assert overconfident.expected_calibration_error > 0.05


def _case(top: float, right: bool) -> CalibrationCase:
    return CalibrationCase(
        seed=0,
        true_module="A" if right else "B",
        rate_lb_per_day=1.0,
        configurations=[],
        holds_h=[],
        posterior={"A": top, "B": 1 - top},
    )


def test_top_choice_z_sees_over_and_under_confidence() -> None:
    # 100 cases at 0.9 with 90 right: calibrated.
    calibrated = [_case(0.9, i < 90) for i in range(100)]
    assert top_choice_z(calibrated) == pytest.approx(0.0, abs=1e-9)
    overconfident = [_case(0.9, i < 60) for i in range(100)]
    assert top_choice_z(overconfident) < -3


def test_cases_are_reproducible_and_drawn_from_the_prior() -> None:
    assert draw_case(5) == draw_case(5)
    modules = {draw_case(seed)["module"] for seed in range(200)}
    assert len(modules) > 15  # uniform over the 24 modules, as the locate prior is


def test_small_calibration_run(tmp_path) -> None:
    cases = [run_case(seed) for seed in range(5000, 5010)]  # not the benchmark's seeds
    p, y = forecasts(cases)
    assert y.sum() == len(cases)  # exactly one true module per case
    assert np.allclose([sum(c.posterior.values()) for c in cases], 1.0)
    # Under calibration the z score is about N(0, 1); |z| > 3 has probability 0.3 %.
    assert abs(top_choice_z(cases)) < 3
    path = plot_reliability(reliability_table(p, y), tmp_path / "reliability.png")
    assert path.stat().st_size > 10_000
