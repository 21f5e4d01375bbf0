"""``--archive``: ingested rows, alarms, events and acknowledgements are kept durably."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.service.conftest import AUTH, chunks

from hullwatch.habitat import Habitat
from hullwatch.store.archive import Archive
from hullwatch.store.statedb import StateDB
from hullwatch.telemetry import read_telemetry
from hullwatch.units import pa_to_mmhg


def test_rows_alarms_and_acknowledgements_reach_the_archive(
    make_app: Callable[..., FastAPI], depress_csv: str, habitat: Habitat, tmp_path: Path
) -> None:
    folder = tmp_path / "archive"
    archived = 0
    with TestClient(make_app(archive=folder)) as client:
        for body in chunks(depress_csv, 3):
            answer = client.post("/api/ingest", content=body, headers=AUTH).json()
            archived += answer["archived_rows"]
        assert client.post("/api/alarms/1/acknowledge", json={"by": "flight"}, headers=AUTH)
    source = tmp_path / "depress.csv"
    source.write_text(depress_csv)
    expected = read_telemetry(source, habitat)
    assert archived == len(expected)
    stored = Archive(folder).read(habitat)
    assert len(stored) == len(expected)
    assert (stored.samples["value"].to_numpy() == expected.samples["value"].to_numpy()).all()
    alarms = StateDB(folder).alarms()
    assert [(a["kind"], a["compartment"], a["acknowledged_by"]) for a in alarms] == [
        ("rapid_depress", ["PrK"], "flight")
    ]
    events = StateDB(folder).events()
    assert any(e["kind"] == "depress" for e in events)


def test_history_older_than_the_memory_rings_comes_from_the_archive(
    make_app: Callable[..., FastAPI], depress_csv: str, habitat: Habitat, tmp_path: Path
) -> None:
    source = tmp_path / "depress.csv"
    source.write_text(depress_csv)
    times, values = read_telemetry(source, habitat).channel("SIM_PRK_P")
    app = make_app(archive=tmp_path / "archive", history_points=50)
    with TestClient(app) as client:
        client.post("/api/ingest", content=depress_csv, headers=AUTH)
        everything = client.get("/api/history", params={"key": "raw.SIM_PRK_P"}).json()
        window = client.get(
            "/api/history",
            params={
                "key": "raw.SIM_PRK_P",
                "start": "2026-05-01T01:00:00Z",
                "end": "2026-05-01T02:00:00Z",
            },
        ).json()
    expected_ms = times.astype("datetime64[ms]").astype("int64")
    assert everything["time_ms"] == expected_ms.tolist()  # 50 from memory, the rest archived
    assert len(everything["time_ms"]) > 50
    assert everything["values"] == pytest.approx(pa_to_mmhg(values), rel=1e-6)
    inside = (expected_ms >= 1777597200000) & (expected_ms <= 1777600800000)
    assert window["time_ms"] == expected_ms[inside].tolist()
