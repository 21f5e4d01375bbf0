"""The live service in-process (FastAPI TestClient): ingest, state, alarms, history, stream."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.service.conftest import AUTH, chunks, until

from hullwatch.detect import LeakDetector, detect_leaks
from hullwatch.habitat import Habitat
from hullwatch.service.ingest import parse_body
from hullwatch.telemetry import read_telemetry


def _detect_alarms(csv_text: str, habitat: Habitat, tmp_path) -> list[dict]:  # type: ignore[no-untyped-def]
    path = tmp_path / "t.csv"
    path.write_text(csv_text)
    result = detect_leaks(read_telemetry(path, habitat), habitat, detector=LeakDetector(habitat))
    return [a.to_dict() for a in result.alarms]


def test_ingest_in_chunks_raises_the_alarms_of_detect_on_the_whole_file(
    client: TestClient, depress_csv: str, habitat: Habitat, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    raised = []
    for body in chunks(depress_csv, 7):
        answer = client.post("/api/ingest", content=body, headers=AUTH)
        assert answer.status_code == 200, answer.text
        raised += answer.json()["alarms"]
    expected = _detect_alarms(depress_csv, habitat, tmp_path)
    assert [a["kind"] for a in expected] == ["rapid_depress"]
    strip = [
        {
            k: v
            for k, v in a.items()
            if k not in ("id", "acknowledged", "acknowledged_by", "acknowledged_at")
        }
        for a in raised
    ]
    assert strip == expected
    listed = client.get("/api/alarms").json()["alarms"]
    assert [a["id"] for a in listed] == [1] and listed[0]["acknowledged"] is False


def test_state_per_compartment_after_a_rapid_depress(client: TestClient, depress_csv: str) -> None:
    client.post("/api/ingest", content=depress_csv, headers=AUTH)
    state = client.get("/api/state").json()
    assert state["time"] == "2026-05-01T03:59:00.000Z"
    assert state["hatches"]["Zvezda-PrK"] == "closed" and state["hatches"]["Zarya-Zvezda"] == "open"
    prk = next(c for c in state["compartments"] if c["compartment"] == ["PrK"])
    alarm = client.get("/api/alarms").json()["alarms"][0]
    assert prk["alarms"] == [alarm["id"]]
    # The estimate is the detector's: the rapid-depress alarm's rate (no interval for it).
    assert prk["leak_rate_kg_per_day"] == pytest.approx(alarm["leak_rate_kg_per_day"])
    assert prk["leak_rate_source"] == "rapid_depress" and prk["ci95_kg_per_day"] is None
    # The pressure is the compartment's at the last grid time: the PrK channel held there.
    history = client.get(
        "/api/history", params={"key": "raw.SIM_PRK_P", "strategy": "latest", "end": state["time"]}
    )
    assert prk["pressure_mmHg"] == pytest.approx(history.json()["values"][-1], abs=0.01)
    assert 600 < prk["pressure_mmHg"] < 700 and prk["gas_mass_kg"] > 0


def test_learned_leak_rate_interval_is_the_detectors_noise_model(
    make_app: Callable[..., FastAPI], quiet_csv: str
) -> None:
    app = make_app(warmup_s=6 * 3600.0)
    with TestClient(app) as client:
        client.post("/api/ingest", content=quiet_csv, headers=AUTH)
        events = client.get("/api/events", params={"limit": 1000}).json()["events"]
        ready = [e for e in events if e["kind"] == "model_ready" and e["compartment"] == ["PrK"]]
        assert ready, "the PrK learned no model in a day with a 6 h warm-up"
        prk = next(
            c
            for c in client.get("/api/state").json()["compartments"]
            if c["compartment"] == ["PrK"]
        )
        noise = app.state.live.detector.noise_models()[("PrK",)]
    rate = noise.mean_kg_per_s * 86400.0
    half = 1.959964 * noise.mean_se_kg_per_s * 86400.0
    assert prk["leak_rate_source"] == "noise_model_reference"
    assert prk["leak_rate_kg_per_day"] == pytest.approx(rate, abs=1e-4)
    assert prk["ci95_kg_per_day"] == pytest.approx([rate - half, rate + half], abs=1e-4)
    assert ready[-1]["reference_rate_kg_per_day"] == pytest.approx(rate, abs=1e-4)


def test_json_lines_give_the_same_state_as_csv(
    make_app: Callable[..., FastAPI], depress_csv: str
) -> None:
    head = "\n".join(depress_csv.splitlines()[:3000]) + "\n"
    rows = [line.split(",") for line in head.splitlines()[1:]]
    jsonl = "\n".join(json.dumps({"time": t, "channel": c, "value": float(v)}) for t, c, v in rows)
    states = []
    for body, media in ((head, "text/csv"), (jsonl, "application/x-ndjson")):
        with TestClient(make_app()) as client:
            answer = client.post(
                "/api/ingest", content=body, headers={**AUTH, "Content-Type": media}
            )
            assert answer.status_code == 200, answer.text
            assert answer.json()["rows_accepted"] == 2999
            states.append(client.get("/api/state").json())
    assert states[0] == states[1]


@pytest.mark.parametrize(
    ("body", "media", "message"),
    [
        (
            "time,channel,value\n2026-05-01T00:00:00Z,SIM_PRK_P,abc\n",
            "text/csv",
            ":2: value: bad value",
        ),
        ("time,channel,value\nnot-a-time,SIM_PRK_P,700\n", "text/csv", ":2: time: bad time"),
        ("t,c,v\n", "text/csv", "header"),
        (
            "time,channel,value\n2026-05-01T00:01:00Z,SIM_PRK_P,700\n2026-05-01T00:00:00Z,SIM_PRK_P,700\n",
            "text/csv",
            ":3: time: rows must be in time order",
        ),
        (
            '{"time": "2026-05-01T00:00:00Z", "channel": "SIM_PRK_P"}\n',
            "application/x-ndjson",
            ":1: a JSON line",
        ),
        ("{not json\n", "application/x-ndjson", ":1: not JSON"),
        ('{"a": 1}\n', "application/x-ndjson", ":1: a JSON line"),
        ("[1, 2]\n", "application/x-ndjson", ":1: a JSON line"),
        (
            '{"time": "2026-05-01T00:00:00Z", "channel": "SIM_PRK_P", "value": "7"}\n',
            "application/x-ndjson",
            ":1: value must be a number",
        ),
    ],
)
def test_bad_bodies_are_400_naming_the_line_and_change_nothing(
    client: TestClient, body: str, media: str, message: str
) -> None:
    answer = client.post("/api/ingest", content=body, headers={**AUTH, "Content-Type": media})
    assert answer.status_code == 400
    assert message in answer.json()["detail"]
    assert client.get("/api/health").json()["rows_ingested"] == 0


def test_the_fast_csv_path_gives_the_rows_of_the_line_by_line_parser(
    depress_csv: str, habitat: Habitat
) -> None:
    body = (depress_csv + "2026-05-01T05:00:00Z,NOT_A_CHANNEL,1\n").encode()
    fast = parse_body(body, "text/csv", habitat)
    slow = parse_body(body, "text/csv", habitat, fast=False)
    assert fast.times_ns.tolist() == slow.times_ns.tolist()
    assert fast.channels == slow.channels and fast.lines == slow.lines
    assert fast.values_si.tolist() == slow.values_si.tolist()
    assert fast.unknown_rows == slow.unknown_rows == 1


def test_a_body_that_is_not_utf8_is_400(client: TestClient) -> None:
    answer = client.post("/api/ingest", content=b"time,channel,value\n\xff\xfe\n", headers=AUTH)
    assert answer.status_code == 400 and "not UTF-8" in answer.json()["detail"]


def test_rows_before_the_last_ingested_row_are_refused(
    client: TestClient, depress_csv: str
) -> None:
    first, second = until(depress_csv, "2026-05-01T01")
    assert client.post("/api/ingest", content=second, headers=AUTH).status_code == 200
    answer = client.post("/api/ingest", content=first, headers=AUTH)
    assert answer.status_code == 400 and "time order" in answer.json()["detail"]


def test_unknown_channels_are_counted_not_used(client: TestClient) -> None:
    body = (
        "time,channel,value\n2026-05-01T00:00:00Z,NO_SUCH,1\n2026-05-01T00:00:00Z,SIM_PRK_P,700\n"
    )
    answer = client.post("/api/ingest", content=body, headers=AUTH).json()
    assert answer["rows_accepted"] == 1 and answer["unknown_rows"] == 1


def test_acknowledging_clears_the_alarm_state_of_later_samples(
    client: TestClient, depress_csv: str
) -> None:
    first, second = until(depress_csv, "2026-05-01T03:30")
    client.post("/api/ingest", content=first, headers=AUTH)
    state_key = {"key": "PrK.alarm_state", "strategy": "latest"}
    assert client.get("/api/history", params=state_key).json()["values"] == [2.0]
    answer = client.post("/api/alarms/1/acknowledge", json={"by": "flight"}, headers=AUTH)
    assert answer.status_code == 200
    assert answer.json()["acknowledged_by"] == "flight"
    assert client.get("/api/alarms", params={"active": True}).json()["alarms"] == []
    client.post("/api/ingest", content=second, headers=AUTH)
    assert client.get("/api/history", params=state_key).json()["values"] == [0.0]
    assert client.post("/api/alarms/99/acknowledge", headers=AUTH).status_code == 404


def test_history_strategies(client: TestClient, depress_csv: str) -> None:
    client.post("/api/ingest", content=depress_csv, headers=AUTH)
    full = client.get("/api/history", params={"key": "PrK.pressure"}).json()
    assert len(full["time_ms"]) == 240 and full["unit"] == "mmHg"
    window = client.get(
        "/api/history",
        params={
            "key": "PrK.pressure",
            "start": "2026-05-01T01:00:00Z",
            "end": "2026-05-01T02:00:00Z",
        },
    ).json()
    assert len(window["time_ms"]) == 61
    latest = client.get("/api/history", params={"key": "PrK.pressure", "strategy": "latest"}).json()
    assert latest["values"] == [full["values"][-1]]
    minmax = client.get(
        "/api/history", params={"key": "PrK.pressure", "strategy": "minmax", "size": 20}
    ).json()
    assert len(minmax["values"]) <= 20
    assert min(minmax["values"]) == min(full["values"]) and max(minmax["values"]) == max(
        full["values"]
    )
    assert minmax["time_ms"] == sorted(minmax["time_ms"])
    bad = client.get("/api/history", params={"key": "PrK.pressure", "strategy": "median"})
    assert bad.status_code == 422
    assert (
        client.get("/api/history", params={"key": "PrK.pressure", "start": "soon"}).status_code
        == 422
    )


def test_stream_pushes_samples_estimates_and_alarms(client: TestClient, depress_csv: str) -> None:
    first, second = until(depress_csv, "2026-05-01T02:00")
    client.post("/api/ingest", content=first, headers=AUTH)
    with client.websocket_connect("/api/stream") as ws:
        hello = ws.receive_json()
        assert hello["type"] == "hello" and hello["time"] == "2026-05-01T01:59:00.000Z"
        client.post("/api/ingest", content=second, headers=AUTH)
        update = ws.receive_json()
    assert update["type"] == "update"
    assert len(update["time_ms"]) == 120
    prk = update["modules"]["PrK"]
    assert set(prk) == {
        "pressure",
        "gas_mass",
        "leak_rate",
        "leak_rate_lo95",
        "leak_rate_hi95",
        "alarm_state",
    }
    assert prk["alarm_state"][-1] == 2 and prk["leak_rate"][-1] > 1.0
    assert [a["kind"] for a in update["alarms"]] == ["rapid_depress"]
    assert update["hatches"]["Zvezda-PrK"] == "closed"


def test_openapi_documents_every_endpoint(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/ingest",
        "/api/state",
        "/api/alarms",
        "/api/events",
        "/api/history",
        "/api/alarms/{alarm_id}/acknowledge",
        "/api/openmct/dictionary",
        "/api/openmct/history/{key}",
    ):
        assert path in spec["paths"], path
    assert "text/csv" in spec["paths"]["/api/ingest"]["post"]["requestBody"]["content"]
    assert client.get("/docs").status_code == 200


def test_dashboard_and_its_files_are_served_locally(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "/static/plotly.min.js" in page.text
    assert re.findall(r"https?://", page.text) == []
    for name in ("dashboard.js", "dashboard.css", "plotly.min.js", "openmct-plugin.js"):
        assert client.get(f"/static/{name}").status_code == 200, name
    js = client.get("/static/dashboard.js").text
    assert "Plotly.extendTraces" in js
    assert set(re.findall(r"https?://[^\s\"']*", js)) == {"http://www.w3.org/2000/svg"}


def test_habitat_layout_names_every_module_and_hatch(client: TestClient, habitat: Habitat) -> None:
    layout = client.get("/api/habitat").json()
    assert {m["name"] for m in layout["modules"]} == set(habitat.module_names)
    assert {h["name"] for h in layout["hatches"]} == set(habitat.hatch_names)
    positions = {(m["x"], m["y"]) for m in layout["modules"]}
    assert len(positions) == len(layout["modules"])  # no two boxes on one spot
    x = {m["name"]: m["x"] for m in layout["modules"]}
    # Breadth-first layers: a hatch joins modules in the same or adjacent layers.
    assert all(abs(x[h["between"][0]] - x[h["between"][1]]) <= 1 for h in layout["hatches"])
    assert max(x.values()) >= 3
