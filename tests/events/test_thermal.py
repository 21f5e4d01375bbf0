"""A thermal transient moves the pressure, not the gas: never a repress or a leak."""

from __future__ import annotations

import numpy as np
import pytest
from tests.events.conftest import at, minutes, with_thermal_step

from hullwatch.analysis.gasmass import hold_on_grid
from hullwatch.analysis.steps import find_steps
from hullwatch.events import detect_events
from hullwatch.units import mmhg_to_pa


@pytest.fixture(scope="module")
def warmed(prk_day):
    """The isolated PrK, its gas warmed by 2 K over five minutes from noon."""
    return with_thermal_step(
        prk_day.to_telemetry(), prk_day.habitat, "PrK", "2026-05-01T12:00Z", 2.0
    )


def test_a_temperature_step_is_a_thermal_transient(prk_day, warmed) -> None:
    result = detect_events(warmed, prk_day.habitat)
    (event,) = result.of_kind("thermal_transient")
    assert event.compartment == ("PrK",)
    assert abs(minutes(event.start - at("2026-05-01T12:00"))) <= 2.0
    assert event.temperature_change_k == pytest.approx(2.0, abs=0.2)
    # About 2.6 mmHg per kelvin at this pressure (iss-facts.md): measured +4.2 mmHg.
    assert mmhg_to_pa(3.5) < event.pressure_change_pa < mmhg_to_pa(5.5)
    # The gas mass moved by no more than the leak does in that time (0.45 kg/day).
    assert abs(event.mass_change_kg) < 0.01
    payload = event.to_dict()
    assert payload["kind"] == "thermal_transient" and payload["temperature_change_K"] > 1.5


def test_a_thermal_transient_is_not_gas_added_or_removed(prk_day, warmed) -> None:
    result = detect_events(warmed, prk_day.habitat)
    near = np.timedelta64(1, "h")
    noon = at("2026-05-01T12:00")
    gas = [e for e in result.events if e.kind in ("repress", "depress")]
    assert not [e for e in gas if abs(e.start - noon) < near]
    # Read as pressure alone, the same data shows a step a repress would make.
    times, pressure = warmed.channel("SIM_PRK_P")
    grid = np.arange(at("2026-05-01T00:00"), at("2026-05-02T00:00"), np.timedelta64(60, "s"))
    steps = find_steps(hold_on_grid(times, pressure, grid))
    assert any(s.kind == "repress" and abs(grid[s.first] - noon) < near for s in steps)


def test_without_a_step_there_is_no_thermal_transient(prk_day) -> None:
    result = detect_events(prk_day.to_telemetry(), prk_day.habitat)
    assert result.events == []
