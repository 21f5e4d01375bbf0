"""The detector on simulated truth: detection after onset, silence without a leak, causality."""

from __future__ import annotations

import numpy as np
import pytest
from tests.detect.conftest import LEAK_LB_PER_DAY, LEAK_ONSET, fitted
from tests.events.conftest import with_thermal_step

from hullwatch.detect import LeakDetector, detect_leaks
from hullwatch.errors import InputError
from hullwatch.simulate import SimulationResult
from hullwatch.telemetry import Telemetry
from hullwatch.units import kg_per_day_to_kg_per_s, lb_per_day_to_kg_per_day

LEAK_KINDS = ("leak_onset", "leak_increase")


def _hours(delta: np.timedelta64) -> float:
    return float(delta / np.timedelta64(1, "s")) / 3600.0


def test_leak_is_detected_after_its_onset_with_onset_and_rate_intervals(
    detector: LeakDetector, leak_run: SimulationResult, leak_telemetry: Telemetry
) -> None:
    result = detect_leaks(leak_telemetry, leak_run.habitat, detector=fitted(detector))
    prk = [a for a in result.alarms if a.compartment == ("PrK",)]
    assert [a.kind for a in prk] == ["leak_onset"]
    alarm = prk[0]
    assert alarm.time > LEAK_ONSET
    assert _hours(alarm.time - LEAK_ONSET) < 6.0
    assert alarm.onset_ci95[0] <= LEAK_ONSET <= alarm.onset_ci95[1]
    true_kg_per_s = kg_per_day_to_kg_per_s(lb_per_day_to_kg_per_day(LEAK_LB_PER_DAY))
    assert alarm.leak_rate_ci95_kg_per_s is not None
    low, high = alarm.leak_rate_ci95_kg_per_s
    # The hole passes its nominal rate at 760 mmHg; the PrK holds about 755.
    assert low <= true_kg_per_s * 1.0 and high >= true_kg_per_s * 0.95
    assert not [a for a in result.alarms if a.compartment != ("PrK",)]


def test_alarm_is_causal_truncating_after_it_changes_nothing(
    detector: LeakDetector, leak_run: SimulationResult, leak_telemetry: Telemetry
) -> None:
    full = detect_leaks(leak_telemetry, leak_run.habitat, detector=fitted(detector))
    assert full.alarms
    for alarm in full.alarms:
        cut = leak_telemetry.window(None, alarm.time + np.timedelta64(30, "s"))
        short = detect_leaks(cut, leak_run.habitat, detector=fitted(detector))
        assert alarm in short.alarms
        assert short.alarms[-1] == alarm


def test_no_leak_alarm_through_represses_hatches_depresses_and_thermal_swings(
    detector: LeakDetector, busy_run: SimulationResult
) -> None:
    telemetry = with_thermal_step(
        busy_run.to_telemetry(), busy_run.habitat, "PrK", "2026-05-01T18:00:00Z", 2.0
    )
    result = detect_leaks(telemetry, busy_run.habitat, detector=fitted(detector))
    assert not [a for a in result.alarms if a.kind in LEAK_KINDS]
    # The airlock pumped down at tens of mmHg/min is a rapid depress, and only that.
    rapid = [a for a in result.alarms if a.kind == "rapid_depress"]
    assert rapid and all(a.compartment == ("Quest_CrewLock",) for a in rapid)
    kinds = {e.kind for e in result.events}
    assert {"repress", "hatch_open", "hatch_close"} <= kinds
    # The 2 K step moved the PrK pressure by about 4 mmHg in 5 min: no alarm from it.
    assert not [a for a in result.alarms if "PrK" in a.compartment]


def test_compartment_without_history_learns_then_monitors(
    leak_run: SimulationResult, leak_telemetry: Telemetry
) -> None:
    detector = LeakDetector(leak_run.habitat, warmup_s=12 * 3600.0)
    result = detect_leaks(leak_telemetry, leak_run.habitat, detector=detector)
    ready = [
        e for e in result.events if e.kind == "model_ready" and e.detail["compartment"] == ["PrK"]
    ]
    assert ready and ready[0].start < LEAK_ONSET
    assert any(a.kind == "leak_onset" and a.compartment == ("PrK",) for a in result.alarms)


def test_bad_settings_are_input_errors(leak_run: SimulationResult) -> None:
    with pytest.raises(InputError, match="block"):
        LeakDetector(leak_run.habitat, block_s=60.0)
    with pytest.raises(InputError, match="false-alarm"):
        LeakDetector(leak_run.habitat, false_alarms_per_year=0.0)


def test_at_rate_keeps_the_models_and_takes_the_new_thresholds(
    detector: LeakDetector, leak_run: SimulationResult, leak_telemetry: Telemetry
) -> None:
    """``at_rate``: the thresholds of a detector built at that rate, the same models."""
    habitat = leak_run.habitat
    other = detector.at_rate(10.0)
    assert other.false_alarms_per_year == 10.0
    assert other.threshold == LeakDetector(habitat, false_alarms_per_year=10.0).threshold
    assert other.threshold < detector.threshold == LeakDetector(habitat).threshold
    assert other.noise_models() == detector.noise_models()
    # A lower threshold alarms no later, and every alarm carries it.
    low = detect_leaks(leak_telemetry, habitat, detector=other).alarms
    high = detect_leaks(leak_telemetry, habitat, detector=fitted(detector)).alarms
    assert low and high and low[0].time <= high[0].time
    assert all(a.threshold == other.threshold for a in low if a.kind != "rapid_depress")
