"""The CUSUM bank on white noise: its false-alarm guarantee and the Lorden/Lai bound on delay."""

from __future__ import annotations

import numpy as np

from hullwatch.detect.rule import cusum_threshold
from hullwatch.units import SECONDS_PER_YEAR
from hullwatch.validation.cusum_bound import (
    DESIGNS,
    false_alarms_per_year,
    lorden_lai_bound,
    mean_delay,
)

BLOCK_S = 1800.0


def test_false_alarms_stay_below_the_requested_rate() -> None:
    """Lorden's ARL >= e^h with a union bound: at most the requested rate, by theory."""
    requested = 20.0  # per year: enough alarms in 91 simulated years to count
    h = cusum_threshold(requested, BLOCK_S, DESIGNS.size)
    measured = false_alarms_per_year(h, BLOCK_S, 4000, 200, np.random.default_rng(7))
    assert measured <= requested


def test_delay_is_near_the_lorden_lai_bound_for_the_designed_shifts() -> None:
    """No detector at this ARL reacts faster than log(ARL)/KL on average (KL = d^2/2)."""
    rng = np.random.default_rng(8)
    h = cusum_threshold(1.0, BLOCK_S, DESIGNS.size)
    for shift in (0.5, 1.0, 2.0):
        bound = lorden_lai_bound(SECONDS_PER_YEAR / BLOCK_S, shift)
        # The bank's threshold carries the union bound over its members (log 4 above
        # the bound's log ARL), so its delay sits a little above the bound, never below.
        assert bound <= mean_delay(h, shift, 300, rng) <= 1.5 * bound, shift
