"""The Open MCT provider in-process: dictionary, historical strategies, realtime."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient
from tests.service.conftest import AUTH, until

from hullwatch.habitat import Habitat
from hullwatch.service.history import Ring, apply_strategy

DERIVED = ("pressure", "gas_mass", "leak_rate", "leak_rate_lo95", "leak_rate_hi95", "alarm_state")


def test_dictionary_has_raw_channels_derived_series_and_risk(
    client: TestClient, habitat: Habitat
) -> None:
    dictionary = client.get("/api/openmct/dictionary").json()
    keys = {m["key"] for m in dictionary["measurements"]}
    assert {f"raw.{c.id}" for c in habitat.channels} <= keys
    assert {f"{m}.{f}" for m in habitat.module_names for f in DERIVED} <= keys
    assert "habitat.risk_index" in keys
    assert len(keys) == len(habitat.channels) + 6 * len(habitat.module_names) + 1
    leak = next(m for m in dictionary["measurements"] if m["key"] == "PrK.leak_rate")
    value, utc = leak["values"]
    assert value == {
        "key": "value",
        "name": "Value",
        "unit": "kg/day",
        "format": "float",
        "hints": {"range": 1},
    }
    assert utc["source"] == "timestamp" and utc["format"] == "utc" and utc["hints"] == {"domain": 1}
    raw = next(m for m in dictionary["measurements"] if m["key"] == "raw.SIM_PRK_P")
    assert raw["values"][0]["unit"] == "mmHg"


def test_historical_requests_with_start_end_latest_and_minmax(
    client: TestClient, depress_csv: str
) -> None:
    client.post("/api/ingest", content=depress_csv, headers=AUTH)
    url = "/api/openmct/history/PrK.gas_mass"
    start, end = 1777593600000, 1777593600000 + 3600_000  # the first hour, both ends included
    points = client.get(url, params={"start": start, "end": end}).json()
    assert len(points) == 61
    assert points[0] == {"id": "PrK.gas_mass", "timestamp": start, "value": points[0]["value"]}
    assert all(start <= p["timestamp"] <= end for p in points)
    latest = client.get(url, params={"start": 0, "end": 2**45, "strategy": "latest"}).json()
    everything = client.get(url, params={"start": 0, "end": 2**45}).json()
    assert latest == everything[-1:]
    minmax = client.get(url, params={"start": 0, "end": 2**45, "strategy": "minmax", "size": 40})
    picked = minmax.json()
    values = [p["value"] for p in everything]
    assert len(picked) <= 40
    assert {min(values), max(values)} <= {p["value"] for p in picked}
    raw = client.get("/api/openmct/history/raw.SIM_PRK_P", params={"start": start, "end": end})
    assert 700 < raw.json()[0]["value"] < 800  # mmHg, the channel's unit
    assert client.get("/api/openmct/history/nope", params={"start": 0, "end": 1}).status_code == 404
    bad = client.get(url, params={"start": 0, "end": 1, "strategy": "comparison"})
    assert bad.status_code == 422


def test_realtime_subscription_sends_only_subscribed_keys(
    client: TestClient, depress_csv: str
) -> None:
    first, second = until(depress_csv, "2026-05-01T03:00")
    client.post("/api/ingest", content=first, headers=AUTH)
    with client.websocket_connect("/api/openmct/realtime") as ws:
        ws.send_text("subscribe no.such.key")
        assert ws.receive_json() == {"error": "no such measurement"}
        ws.send_text("subscribe PrK.alarm_state")
        ws.send_text("subscribe raw.SIM_PRK_P")
        ws.send_text("subscribe PrK.leak_rate")
        ws.send_text("unsubscribe PrK.leak_rate")
        ws.send_text("subscribe PrK.leak_rate")
        ws.send_text("unsubscribe PrK.leak_rate")
        ws.send_text("subscribe no.such.key")  # a round trip: every command above is applied
        assert ws.receive_json() == {"error": "no such measurement"}
        client.post("/api/ingest", content=second, headers=AUTH)
        got = ws.receive_json()  # one array of new points per ingest
    assert isinstance(got, list) and len(got) > 60
    ids = {p["id"] for p in got}
    assert ids == {"PrK.alarm_state", "raw.SIM_PRK_P"}
    state = [p for p in got if p["id"] == "PrK.alarm_state"]
    assert state[0]["value"] == 0 and state[-1]["value"] == 2  # the rapid depress at 03:01
    assert [p["timestamp"] for p in state] == sorted(p["timestamp"] for p in state)


def test_ring_keeps_the_newest_points_in_order() -> None:
    ring = Ring(5)
    ring.extend(np.arange(3, dtype=np.int64), np.arange(3.0))
    ring.extend(np.arange(3, 7, dtype=np.int64), np.arange(3.0, 7.0))
    times, values = ring.ordered()
    assert times.tolist() == [2, 3, 4, 5, 6] and values[:, 0].tolist() == [2, 3, 4, 5, 6]
    ring.extend(np.arange(10, 22, dtype=np.int64), np.arange(10.0, 22.0))
    times, _ = ring.ordered()
    assert times.tolist() == [17, 18, 19, 20, 21]
    assert ring.window(18, 20)[0].tolist() == [18, 19, 20]
    assert ring.last() is not None and ring.last()[0] == 21


def test_minmax_keeps_each_buckets_extremes() -> None:
    times = np.arange(1000, dtype=np.int64)
    values = np.sin(times / 50.0)
    t, v = apply_strategy(times, values, "minmax", 20)
    assert len(t) <= 20 and np.all(np.diff(t) > 0)
    assert v.max() == pytest.approx(values.max()) and v.min() == pytest.approx(values.min())
    t, v = apply_strategy(times, values, "all", 5000)
    assert len(t) == 1000
    with_nan = values.copy()
    with_nan[-1] = np.nan
    t, v = apply_strategy(times, with_nan, "latest", 2)
    assert t.tolist() == [998]
