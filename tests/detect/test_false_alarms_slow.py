"""Monte Carlo: the false-alarm rate measured on leak-free runs stays within the requested one."""

from __future__ import annotations

import copy

import pytest
from scipy import stats
from tests.detect.conftest import PRK_CLOSED, START, run

from hullwatch.detect import LeakDetector, detect_leaks

#: A rate high enough to be measured in days of data. [1/year]
REQUESTED = 100.0


@pytest.mark.slow
@pytest.mark.parametrize("statistic", ["glr-level", "cusum-ar", "auto"])
def test_measured_false_alarm_rate_is_within_the_requested_rate(
    history, habitat, statistic
) -> None:  # type: ignore[no-untyped-def]
    """Each statistic with its default block (``glr-level``, the default: 10 min)."""
    fitted = LeakDetector(habitat, false_alarms_per_year=REQUESTED, statistic=statistic).fit(
        history.to_telemetry()
    )
    alarms, compartment_days = 0, 0.0
    for seed in range(6):
        result = run(
            {
                "simulation": {"duration": "4d", "seed": 300 + seed, "start": START},
                "hatch_events": PRK_CLOSED,
            }
        )
        detected = detect_leaks(result.to_telemetry(), habitat, detector=copy.deepcopy(fitted))
        alarms += sum(a.kind != "rapid_depress" for a in detected.alarms)
        compartment_days += 4.0 * 3  # PrK, Progress, the rest of the station
    expected = REQUESTED * compartment_days / 365.25
    # Lorden's bound makes the requested rate an upper bound: the count must not
    # exceed the 99 % point of a Poisson count at that rate.
    assert alarms <= stats.poisson.ppf(0.99, expected)
