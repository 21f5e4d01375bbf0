"""Events in the real US EVA 44 recording (2017-10-05): the crew-lock depress and repress."""

from __future__ import annotations

import pytest
from tests.events.conftest import at, minutes

from hullwatch.events import detect_events
from hullwatch.habitat import load_habitat
from hullwatch.telemetry import load_telemetry

LOCK = ("Quest_CrewLock",)


@pytest.fixture(scope="module")
def eva44(real_data):
    habitat = load_habitat()
    folder = real_data / "iss-mimic" / "2017-10-05_EVA44"
    return detect_events(load_telemetry(folder, habitat, isslive_year=2017), habitat)


@pytest.mark.realdata
def test_eva44_crew_lock_depress_with_its_rate(eva44) -> None:
    (depress,) = [e for e in eva44.of_kind("depress") if e.compartment == LOCK]
    payload = depress.to_dict()
    # The depress pump (AIRLOCK000048) ran 11:30:19 to 11:48:14 UTC; the crew lock went
    # from 747 mmHg to about 86 mmHg in 19 minutes before the last of it was vented.
    assert abs(minutes(depress.start - at("2017-10-05T11:30:30"))) <= 2.0
    assert payload["pressure_start_mmHg"] > 740.0 and payload["pressure_end_mmHg"] < 100.0
    assert 25.0 < payload["rate_mmHg_per_min"] < 45.0  # measured 34.8
    assert payload["max_rate_mmHg_per_min"] > 60.0  # measured 97.7, the first minute
    assert "AIRLOCK000048" in payload["status_on"]
    assert payload["temperature_assumed"] is True  # the recording has no temperature


@pytest.mark.realdata
def test_eva44_crew_lock_repress_after_the_eva(eva44) -> None:
    # NASA: EVA 44 lasted 6 h 55 min; the repress, which ends an EVA, began at 19:00 UTC.
    (repress,) = [e for e in eva44.of_kind("repress") if e.compartment == LOCK]
    payload = repress.to_dict()
    assert abs(minutes(repress.start - at("2017-10-05T19:00"))) <= 2.0
    assert payload["pressure_start_mmHg"] < 5.0 and payload["pressure_end_mmHg"] > 740.0
    # 6 m^3 (an estimate) from vacuum to 743 mmHg at an assumed 22 degC: about 7 kg.
    assert 6.5 < payload["mass_added_kg"] < 7.5  # measured 6.99 [6.90, 7.09]
    assert payload["via_hatch"] == "Quest_EquipmentLock-Quest_CrewLock"
    assert "Quest_EquipmentLock" in payload["from_compartment"]


@pytest.mark.realdata
def test_eva44_crew_lock_hatch_is_inferred(eva44) -> None:
    hatches = [e for e in eva44.events if e.kind.startswith("hatch_")]
    assert {e.hatch for e in hatches} == {"Quest_EquipmentLock-Quest_CrewLock"}
    assert all(e.inferred for e in hatches)
    close = next(e for e in hatches if e.kind == "hatch_close")
    opened = next(e for e in hatches if e.kind == "hatch_open")
    assert abs(minutes(close.start - at("2017-10-05T11:30:30"))) <= 2.0
    assert abs(minutes(opened.start - at("2017-10-05T19:00"))) <= 2.0
    assert abs(minutes(opened.end - at("2017-10-05T19:12"))) <= 2.0


@pytest.mark.realdata
def test_eva44_airlock_campout_depress_and_repress(eva44) -> None:
    # Before the EVA both airlock sections went to 10.2 psi (527 mmHg) and back.
    depress = [e for e in eva44.of_kind("depress") if e.compartment != LOCK]
    first = min(depress, key=lambda e: e.start)
    assert abs(minutes(first.start - at("2017-10-05T07:38:40"))) <= 2.0
    assert first.to_dict()["pressure_end_mmHg"] == pytest.approx(527.0, abs=5.0)
    assert 8.0 < first.to_dict()["rate_mmHg_per_min"] < 12.0  # measured 9.6
    represses = [e for e in eva44.of_kind("repress") if e.compartment != LOCK]
    assert any(abs(minutes(e.end - at("2017-10-05T09:30"))) <= 2.0 for e in represses)
    # The rest of the station has no pressure channel here: that is said.
    assert any("taken as open" in a for a in eva44.assumptions)


@pytest.fixture(scope="module")
def eva45(real_data):
    habitat = load_habitat()
    folder = real_data / "iss-mimic" / "2017-10-10_EVA45"
    return detect_events(load_telemetry(folder, habitat, isslive_year=2017), habitat)


@pytest.mark.realdata
def test_eva45_every_crew_lock_depress_starts_with_its_pump_command(eva45) -> None:
    # The depress-pump switch (AIRLOCK000048) went on at 07:36:36 (the campout depress
    # to about 10.2 psi) and at 11:22:44 (the EVA depress), read from the recording.
    depresses = [e for e in eva45.of_kind("depress") if "Quest_CrewLock" in e.compartment]
    for pump_on in ("2017-10-10T07:36:36", "2017-10-10T11:22:44"):
        assert any(abs(minutes(e.start - at(pump_on))) <= 2.0 for e in depresses), pump_on
    final = next(e for e in depresses if e.start > at("2017-10-10T11:00"))
    assert final.compartment == LOCK and final.to_dict()["pressure_end_mmHg"] < 10.0


@pytest.mark.realdata
def test_eva45_crew_lock_represses_including_the_published_end_of_the_eva(eva45) -> None:
    represses = [e for e in eva45.of_kind("repress") if e.compartment == LOCK]
    # The campout repress in the morning, and the one that ends the EVA: NASA's EVA
    # ran from 11:56 UTC for 6 h 26 min, so its repress began at about 18:22 UTC
    # (the recording shows 18:21:50).
    assert len(represses) == 2
    assert at("2017-10-10T08:30") < represses[0].start < at("2017-10-10T09:30")
    assert abs(minutes(represses[1].start - at("2017-10-10T18:21:50"))) <= 2.0
    assert 6.5 < represses[1].to_dict()["mass_added_kg"] < 7.5
