"""The CUSUM bank on white noise: its false-alarm guarantee and the Lorden/Lai bound on delay."""

from __future__ import annotations

import numpy as np

from hullwatch.detect.detector import DEFAULT_DESIGNS
from hullwatch.detect.rule import cusum_threshold
from hullwatch.detect.statistic import cusum_step
from hullwatch.units import SECONDS_PER_YEAR

BLOCK_S = 1800.0
DESIGNS = np.array(DEFAULT_DESIGNS)


def test_false_alarms_stay_below_the_requested_rate() -> None:
    """Lorden's ARL >= e^h with a union bound: at most the requested rate, by theory."""
    rng = np.random.default_rng(7)
    requested = 20.0  # per year: enough alarms in a few simulated years to count
    h = cusum_threshold(requested, BLOCK_S, DESIGNS.size)
    runs, steps = 200, 4000
    scores = np.zeros((runs, DESIGNS.size))
    alarms = 0
    for _ in range(steps):
        scores = cusum_step(scores, rng.standard_normal(runs)[:, None], DESIGNS)
        fired = scores.max(axis=1) > h
        alarms += int(fired.sum())
        scores[fired] = 0.0
    years = runs * steps * BLOCK_S / SECONDS_PER_YEAR
    # 91 simulated years: a Poisson count at the requested rate would be about 1,800.
    assert alarms <= requested * years


def test_delay_is_near_the_lorden_lai_bound_for_the_designed_shifts() -> None:
    """No detector at this ARL reacts faster than log(ARL)/KL on average (KL = d^2/2)."""
    rng = np.random.default_rng(8)
    h = cusum_threshold(1.0, BLOCK_S, DESIGNS.size)
    arl_blocks = SECONDS_PER_YEAR / BLOCK_S
    for shift in (0.5, 1.0, 2.0):
        runs = 300
        scores = np.zeros((runs, DESIGNS.size))
        delay = np.full(runs, np.nan)
        k = 0
        while np.isnan(delay).any():
            k += 1
            scores = cusum_step(scores, shift + rng.standard_normal(runs)[:, None], DESIGNS)
            delay[(scores.max(axis=1) > h) & np.isnan(delay)] = k
        bound = np.log(arl_blocks) / (shift**2 / 2.0)
        # The bank's threshold carries the union bound over 4 members (log 4 above the
        # bound's log ARL), so its delay sits a little above the bound, never below it.
        assert bound <= delay.mean() <= 1.5 * bound, shift
