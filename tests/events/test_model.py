"""The events JSON: formats.md section 3, kinds, UTC times, units at the edge."""

from __future__ import annotations

import json
import re

import pytest
from tests.events.conftest import at

from hullwatch.events import EventsResult, GasEvent, HatchEvent, RateWindow
from hullwatch.units import mmhg_to_pa

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def test_event_json_follows_the_contract(station_events) -> None:
    payload = json.loads(json.dumps(station_events.to_dict(), allow_nan=False))
    assert next(iter(payload)) == "events"
    kinds = {e["kind"] for e in payload["events"]}
    assert kinds <= {"repress", "depress", "hatch_open", "hatch_close", "thermal_transient"}
    for event in payload["events"]:
        assert ISO_Z.match(event["start"]) and ISO_Z.match(event["end"])
        assert event["start"] <= event["end"]
        if event["kind"] == "repress":
            assert isinstance(event["compartment"], list) and event["mass_added_kg"] > 0
            lo, hi = event["ci95_kg"]
            assert lo <= event["mass_added_kg"] <= hi
        if event["kind"].startswith("hatch_"):
            assert isinstance(event["hatch"], str) and event["inferred"] is False
    starts = [e["start"] for e in payload["events"]]
    assert starts == sorted(starts)


def test_a_depress_reports_removal_and_rate_as_positive_figures() -> None:
    event = GasEvent(
        "depress",
        at("2026-05-01T11:00"),
        at("2026-05-01T11:10"),
        compartment=("Quest_CrewLock",),
        mass_change_kg=-7.0,
        ci95_kg=(-7.1, -6.9),
        pressure_start_pa=mmhg_to_pa(750.0),
        pressure_end_pa=mmhg_to_pa(250.0),
        max_rate_pa_per_s=mmhg_to_pa(80.0) / 60.0,
    )
    payload = event.to_dict()
    assert payload["mass_removed_kg"] == 7.0 and payload["ci95_kg"] == [6.9, 7.1]
    assert payload["rate_mmHg_per_min"] == pytest.approx(50.0)
    assert payload["max_rate_mmHg_per_min"] == pytest.approx(80.0)
    assert "mass_added_kg" not in payload


def test_a_hatch_event_says_whether_it_was_inferred() -> None:
    event = HatchEvent(
        "hatch_close",
        at("2026-05-01T11:00"),
        at("2026-05-01T11:00:10"),
        hatch="Quest_EquipmentLock-Quest_CrewLock",
        modules=("Quest_EquipmentLock", "Quest_CrewLock"),
        inferred=True,
        pressure_difference_pa=mmhg_to_pa(11.0),
    )
    payload = event.to_dict()
    assert payload["inferred"] is True
    assert payload["pressure_difference_mmHg"] == pytest.approx(11.0)


def test_change_from_baseline_needs_both_rates_and_one_compartment() -> None:
    t0, t1 = at("2026-05-01T00:00"), at("2026-05-01T12:00")
    base = RateWindow("baseline", t0, t1, ("PrK",), 0.4, (0.35, 0.45))
    high = RateWindow("during", t0, t1, ("PrK",), 1.0, (0.88, 1.12))
    change, interval, reason = high.change_from(base)
    assert change == pytest.approx(0.6) and reason is None
    assert interval == pytest.approx((0.6 - 0.13, 0.6 + 0.13))
    other = RateWindow("during", t0, t1, ("PrK", "Progress"), 1.0, (0.9, 1.1))
    assert other.change_from(base)[2] == "the compartment differs from the baseline's"
    none = RateWindow("during", t0, t1, reason="could not estimate: too short")
    assert none.change_from(base) == (None, None, "no estimate in this window")


def test_an_empty_result_is_still_one_events_object() -> None:
    result = EventsResult([], at("2026-05-01T00:00"), at("2026-05-01T01:00"))
    assert result.to_dict()["events"] == []
