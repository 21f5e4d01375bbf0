"""``locate`` on the real US EVA 44 recording: the EVA depress is in the crew lock."""

from __future__ import annotations

import pytest

from hullwatch.habitat import load_habitat
from hullwatch.locate import locate_leak
from hullwatch.telemetry import load_telemetry


@pytest.mark.realdata
def test_eva44_depress_is_in_the_crew_lock(real_data) -> None:
    habitat = load_habitat()
    folder = real_data / "iss-mimic" / "2017-10-05_EVA44"
    result = locate_leak(load_telemetry(folder, habitat, isslive_year=2017), habitat)
    # The crew-lock hatch is inferred closed 11:30-19:12 UTC (docs/events.md); only the
    # crew lock lost gas while alone, and the station lost none in the other 5 days.
    assert result.most_likely == "Quest_CrewLock"
    assert result.probability("Quest_CrewLock") >= 0.95
    assert result.probability("Quest_CrewLock") > 100 * result.probability("Quest_EquipmentLock")
    (lock,) = [e for e in result.evidence.items if e.compartment == ("Quest_CrewLock",)]
    assert 5.0 < lock.depress_kg < 8.0  # the lock holds about 7 kg of air at 747 mmHg
    assert any("temperature" in a for a in result.assumptions)
