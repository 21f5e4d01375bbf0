"""Hatch openings and closings: from hatch channels, and inferred from the pressures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.events.conftest import at, minutes

from hullwatch.events import HatchEvent
from hullwatch.events.hatches import infer_hatch_events
from hullwatch.events.model import DEFAULT_EVENT_SETTINGS
from hullwatch.habitat import Channel, Habitat, Hatch, Module
from hullwatch.telemetry import Telemetry
from hullwatch.units import mmhg_to_pa


def _hatch_events(result, inferred: bool) -> list[HatchEvent]:
    return [
        e
        for e in result.events
        if isinstance(e, HatchEvent) and e.kind.startswith("hatch_") and e.inferred == inferred
    ]


def test_hatch_channels_give_every_change_at_its_time(station, station_events) -> None:
    truth = sorted(
        (at(h["time"]), h["hatch"], "hatch_open" if h["state"] == "open" else "hatch_close")
        for h in station.truth["hatch_events"]
        if h["time"] != station.truth["start"]
    )
    found = sorted((e.start, e.hatch, e.kind) for e in _hatch_events(station_events, False))
    assert found == truth
    assert not _hatch_events(station_events, True)


def _only(events: list[HatchEvent], hatch: str, kind: str) -> HatchEvent:
    matches = [e for e in events if e.hatch == hatch and e.kind == kind]
    assert len(matches) == 1, matches
    return matches[0]


def test_hatches_without_channels_are_inferred_from_equalization(inferred_events) -> None:
    events = _hatch_events(inferred_events, True)
    assert not _hatch_events(inferred_events, False)
    # The EVA: the crew lock closed at 10 h is first seen apart when its depress
    # starts at 11 h; its hatch opened at 18 h, the pressures one within 10 minutes.
    close = _only(events, "Quest_EquipmentLock-Quest_CrewLock", "hatch_close")
    assert abs(minutes(close.start - at("2026-05-01T11:00"))) <= 1.0
    opened = _only(events, "Quest_EquipmentLock-Quest_CrewLock", "hatch_open")
    assert abs(minutes(opened.start - at("2026-05-01T18:00"))) <= 1.0
    assert 0 < minutes(opened.end - opened.start) <= 10.0
    assert opened.pressure_difference_pa == pytest.approx(mmhg_to_pa(752.0), rel=0.02)
    # The PrK closed at 6 h: its 1 lb/day leak parts it from its neighbours at about
    # 2.4 mmHg/h, and the broken-stick fit dates the parting.
    for hatch in ("Zvezda-PrK", "PrK-Progress"):
        close = _only(events, hatch, "hatch_close")
        assert abs(minutes(close.start - at("2026-05-01T06:00"))) <= 20.0
    opened = _only(events, "Zvezda-PrK", "hatch_open")
    assert abs(minutes(opened.start - at("2026-05-02T16:00"))) <= 1.0
    # When the PrK fills from Zvezda it reaches the Progress's pressure too, but the
    # Progress gave no gas: mass balance says the PrK-Progress hatch stayed shut.
    assert not [e for e in events if e.hatch == "PrK-Progress" and e.kind == "hatch_open"]
    # No other hatch moved, and none is said to have.
    assert {e.hatch for e in events} == {
        "Quest_EquipmentLock-Quest_CrewLock",
        "Zvezda-PrK",
        "PrK-Progress",
    }
    assert any("inferred from the pressures" in a for a in inferred_events.assumptions)


# A two-module habitat with pressure channels only, for hand-made pressure histories.
PAIR = Habitat(
    "pair",
    (Module("Cabin", 100.0), Module("Lock", 5.0)),
    (Hatch("Cabin-Lock", ("Cabin", "Lock")),),
    (
        Channel("P_CABIN", "pressure", "Pa", module="Cabin"),
        Channel("P_LOCK", "pressure", "Pa", module="Lock"),
    ),
)


def _pair(cabin_mmhg: np.ndarray, lock_mmhg: np.ndarray) -> Telemetry:
    times = pd.date_range("2026-05-01", periods=cabin_mmhg.size, freq="10s", tz="UTC")
    frame = pd.concat(
        [
            pd.DataFrame({"time": times, "channel": "P_CABIN", "value": mmhg_to_pa(cabin_mmhg)}),
            pd.DataFrame({"time": times, "channel": "P_LOCK", "value": mmhg_to_pa(lock_mmhg)}),
        ],
        ignore_index=True,
    )
    frame = frame.sort_values(["channel", "time"], ignore_index=True)
    frame["channel"] = np.asarray(frame["channel"], dtype=object).astype(str)
    return Telemetry(frame, "<pair>")


def _infer(cabin: np.ndarray, lock: np.ndarray) -> list[HatchEvent]:
    telemetry = _pair(cabin, lock)
    start, end = telemetry.span()
    events, _ = infer_hatch_events(telemetry, PAIR, start, end, DEFAULT_EVENT_SETTINGS)
    return events


def test_a_sensor_offset_is_not_a_closed_hatch() -> None:
    n = 2000
    rng = np.random.default_rng(0)
    cabin = 750.0 + 0.05 * rng.standard_normal(n)
    lock = cabin + 3.0 + 0.3 * rng.standard_normal(n)  # reads 3 mmHg high, like AIRLOCK000049
    assert _infer(cabin, lock) == []


def test_gas_flowing_through_an_open_hatch_is_not_a_closing() -> None:
    # The lock dips 30 mmHg below the cabin for three minutes and comes back:
    # gas rushing through an open hatch after a depress nearby, not a closed hatch.
    n = 2000
    cabin = np.full(n, 750.0)
    lock = cabin.copy()
    lock[1000:1018] -= 30.0
    assert _infer(cabin, lock) == []


def test_a_slow_convergence_is_not_an_opening() -> None:
    # A closed lock at 600 mmHg repressed over two hours up to the cabin's pressure
    # (a tank, or a seal leaking through): not the quick equalization of a hatch.
    n = 3000
    cabin = np.full(n, 750.0)
    lock = np.concatenate(
        [np.full(500, 600.0), np.linspace(600.0, 750.0, 720), np.full(n - 1220, 750.0)]
    )
    assert _infer(cabin, lock) == []


def test_a_quick_equalization_after_a_depress_is_close_then_open() -> None:
    n = 3000
    lock_volume, cabin_volume = PAIR.module("Lock").volume_m3, PAIR.module("Cabin").volume_m3
    cabin = np.full(n, 750.0)
    lock = np.full(n, 750.0)
    lock[600:660] = np.linspace(750.0, 5.0, 60)  # pumped down in 10 minutes from 100 min
    lock[660:1800] = 5.0
    # The hatch opens at 300 min: the lock fills from the cabin with a 60 s time
    # constant, and the cabin gives up what the lock gains.
    final = (cabin_volume * 750.0 + lock_volume * 5.0) / (cabin_volume + lock_volume)
    s = np.arange(n - 1800) * 10.0
    lock[1800:] = final - (final - 5.0) * np.exp(-s / 60.0)
    cabin[1800:] = final + (750.0 - final) * np.exp(-s / 60.0)
    events = _infer(cabin, lock)
    assert [e.kind for e in events] == ["hatch_close", "hatch_open"]
    close, opened = events
    assert abs(minutes(close.start - at("2026-05-01T01:40"))) <= 0.5
    assert abs(minutes(opened.start - at("2026-05-01T05:00"))) <= 0.5
    assert minutes(opened.end - opened.start) < 10.0
    assert all(e.inferred for e in events)


def test_inferred_hatches_set_the_compartments_seen(station, inferred_events) -> None:
    # With the crew lock inferred closed, its depress is seen in the crew lock alone.
    depress = [
        e for e in inferred_events.of_kind("depress") if e.compartment == ("Quest_CrewLock",)
    ]
    assert len(depress) == 1
