"""The leak-rate Monte Carlo in small: every scenario, a few seeds, scored against truth.

The full 200-run version is ``python benchmarks/bench_rate_mc.py`` (``make bench``).
"""

from __future__ import annotations

import pytest

from hullwatch.validation.rate_mc import SCENARIOS, run_one, summarize

SEEDS = range(1000, 1006)  # not the benchmark's seeds


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_small_monte_carlo_against_truth(scenario: str) -> None:
    outcomes = [run_one(scenario, seed) for seed in SEEDS]
    summary = summarize(outcomes)
    # At a true 95 %, 3 or fewer hits in 6 has probability 0.2 %.
    assert summary.coverage >= 4 / 6
    # The estimator must beat what mission control computes today, by far.
    assert summary.rmse < 0.5 * summary.pressure_ols_rmse
    # And the oracle, which sees the true gas temperature, can only do better.
    assert summary.oracle_rmse <= summary.rmse


def test_small_monte_carlo_with_a_noise_history() -> None:
    """The band hold with 7 days of earlier data for the noise model (``--noise-history``).

    The oracle learns from the same history; it still sees the true gas temperature.
    """
    outcomes = [run_one("prk_band", seed, history_days=7.0) for seed in SEEDS]
    summary = summarize(outcomes)
    assert summary.coverage >= 4 / 6
    assert summary.rmse < 0.5 * summary.pressure_ols_rmse
    assert summary.oracle_rmse <= summary.rmse
