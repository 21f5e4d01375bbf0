"""Rapid depress: within one grid sample, with the reserve time to 520 mmHg."""

from __future__ import annotations

import numpy as np
import pytest
from tests.detect.conftest import PRK_CLOSED, START, at, run

from hullwatch.detect import LeakDetector, detect_leaks, reserve_times_s
from hullwatch.detect.grid import GasSample
from hullwatch.detect.rapid import RapidDepressRule
from hullwatch.units import SECONDS_PER_MINUTE, mmhg_to_pa

DEPRESS_START = at("2026-05-01T03:00:00Z")


@pytest.fixture(scope="module")
def depress_run():  # type: ignore[no-untyped-def]
    """The isolated PrK vented to vacuum at about 1.5 mmHg/min from 3 h."""
    return run(
        {
            "simulation": {"duration": "4h", "seed": 3, "start": START},
            "hatch_events": PRK_CLOSED,
            "depress": [
                {
                    "module": "PrK",
                    "to": "vacuum",
                    "start": "3h",
                    "volumetric_flow_m3_per_min": 0.01,
                    "until_mmHg": 600.0,
                }
            ],
        }
    )


def test_rapid_depress_fires_within_one_sample_with_reserve_time(depress_run) -> None:  # type: ignore[no-untyped-def]
    detector = LeakDetector(depress_run.habitat)
    result = detect_leaks(depress_run.to_telemetry(), depress_run.habitat, detector=detector)
    alarms = [a for a in result.alarms if a.kind == "rapid_depress"]
    assert [a.compartment for a in alarms] == [("PrK",)]
    alarm = alarms[0]
    # The first grid time at which the true pressure has fallen by the smallest alarming
    # drop plus one sensor quantum (0.101 mmHg) and its noise: the alarm is due then.
    truth = depress_run.truth_series[depress_run.truth_series.module == "PrK"]
    times = truth.time.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    pressure = truth.pressure_pa.to_numpy()
    before = pressure[times <= DEPRESS_START][-1]
    due = times[(times > DEPRESS_START) & (before - pressure >= float(mmhg_to_pa(1.2)))][0]
    grid = np.timedelta64(60, "s")
    assert DEPRESS_START < alarm.time <= due + grid
    assert alarm.onset_ci95[0] <= DEPRESS_START + grid and alarm.onset_ci95[1] >= DEPRESS_START
    payload = alarm.to_dict()
    assert 1.0 < payload["rate_mmHg_per_min"] < 2.5
    assert "reserve time to 520 mmHg" in payload["message"]
    assert payload["reserve_time_h"] > 0


def _sample(minute: float, mass: float, pressure: float) -> GasSample:
    time = np.datetime64("2026-05-01T00:00", "ns") + np.timedelta64(int(minute * 60), "s")
    return GasSample(time, ("PrK",), mass, pressure, 295.0, 5.0)


def test_a_temperature_sensor_step_alone_raises_nothing() -> None:
    rule = RapidDepressRule(
        float(mmhg_to_pa(0.5)) / SECONDS_PER_MINUTE, float(mmhg_to_pa(1.0)), 300.0, 69_000.0
    )
    alarms = [rule.update(_sample(m, 6.0, 100_000.0)) for m in range(20)]
    # The computed mass falls 1 % in a minute, the pressure does not move: a sensor step.
    alarms += [rule.update(_sample(20 + m, 5.94, 100_000.0)) for m in range(5)]
    assert alarms == [None] * 25


def test_reserve_times_at_and_below_the_floor() -> None:
    assert reserve_times_s(60_000.0, 10.0, 69_328.0) == (0.0, 0.0)
    linear, choked = reserve_times_s(100_000.0, 10.0, 69_328.0)
    assert linear == pytest.approx(3067.2) and choked > linear
