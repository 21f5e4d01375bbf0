"""The FastAPI application of ``hullwatch serve``: REST, push stream, dashboard, Open MCT.

Endpoints (OpenAPI at ``/docs`` and ``/openapi.json``):

=========================================  ======  ==============================================
``/``                                      GET     the live dashboard
``/static/{name}``                         GET     the dashboard's files (a fixed table)
``/api/health``                            GET     liveness and counts
``/api/habitat``                           GET     modules, hatches and a schematic layout
``/api/state``                             GET     current state per compartment
``/api/alarms``                            GET     alarms (``active=true``: unacknowledged)
``/api/alarms/{id}/acknowledge``           POST    acknowledge an alarm (token)
``/api/events``                            GET     events (hatch changes, gas steps, ...)
``/api/measurements``                      GET     every series the history query knows
``/api/history``                           GET     one series in a window (``key``, ``start``...)
``/api/ingest``                            POST    telemetry rows, CSV or JSON lines (token)
``/api/stream``                            WS      new samples, estimates, events and alarms
``/api/openmct/...``                       GET/WS  the Open MCT provider (adapters.openmct)
=========================================  ======  ==============================================
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from fastapi import Depends, FastAPI, HTTPException, Query, Request, WebSocket
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from starlette.websockets import WebSocketDisconnect

from hullwatch.adapters.openmct import openmct_router
from hullwatch.detect import LeakDetector
from hullwatch.errors import HullwatchError
from hullwatch.habitat import Habitat
from hullwatch.risk.matrix import load_risk_table
from hullwatch.service.history import STRATEGIES, apply_strategy
from hullwatch.service.ingest import parse_body
from hullwatch.service.push import Hub, dashboard_message, pump
from hullwatch.service.security import DEFAULT_MAX_BODY_BYTES, TokenGuard, read_limited_body
from hullwatch.service.state import IngestSummary, LiveState, RiskAssessor, Update
from hullwatch.service.timeparse import parse_time_ms
from hullwatch.telemetry import Telemetry
from hullwatch.units import from_si

#: Most points ``/api/history`` returns.
MAX_HISTORY_POINTS = 20_000
#: Most alarms or events one list request returns.
MAX_LIST = 1_000


def _plotly_js() -> Path:
    """plotly.min.js as bundled with the Python plotly package (served locally)."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def static_files() -> dict[str, tuple[Path, str]]:
    """The fixed table of static files: name -> (file, media type); nothing else is served."""
    here = Path(str(resources.files("hullwatch.service") / "static"))
    return {
        "dashboard.js": (here / "dashboard.js", "text/javascript"),
        "dashboard.css": (here / "dashboard.css", "text/css"),
        "openmct-plugin.js": (here / "openmct-plugin.js", "text/javascript"),
        "plotly.min.js": (_plotly_js(), "text/javascript"),
    }


class AckRequest(BaseModel):
    """Body of an acknowledgement."""

    by: str = Field("operator", min_length=1, max_length=80, description="Who acknowledges.")


class IngestAnswer(BaseModel):
    """Answer of ``POST /api/ingest``."""

    rows_accepted: int
    unknown_rows: int
    grid_samples: int
    alarms: list[dict[str, Any]]
    events: int
    archived_rows: int | None = None


def habitat_layout(habitat: Habitat) -> dict[str, Any]:
    """Modules, hatches and schematic positions (breadth-first layers from the largest module).

    Each module gets ``x`` (its hatch distance from the root) and ``y`` (its rank in
    that layer); the dashboard draws boxes there and a line per hatch.
    """
    names = list(habitat.module_names)
    root = max(names, key=lambda m: (len(habitat.neighbours(m)), habitat.module(m).volume_m3))
    depth = {root: 0}
    queue = deque([root])
    while queue:
        module = queue.popleft()
        for _hatch, other in habitat.neighbours(module):
            if other not in depth:
                depth[other] = depth[module] + 1
                queue.append(other)
    layer_fill: dict[int, int] = {}
    modules = []
    for module in names:
        x = depth.get(module, max(depth.values()) + 1)
        y = layer_fill.get(x, 0)
        layer_fill[x] = y + 1
        modules.append(
            {"name": module, "volume_m3": habitat.module(module).volume_m3, "x": x, "y": y}
        )
    return {
        "name": habitat.name,
        "modules": modules,
        "hatches": [{"name": h.name, "between": list(h.between)} for h in habitat.hatches],
    }


@dataclass
class ArchiveSink:
    """Where ingested rows, alarms and events are also kept durably (``--archive DIR``).

    Attributes
    ----------
    archive : hullwatch.store.archive.Archive
    statedb : hullwatch.store.statedb.StateDB
    """

    archive: Any
    statedb: Any

    @classmethod
    def open(cls, folder: Path, habitat_key: str) -> ArchiveSink:
        """Open (or create) the archive in ``folder``, on the habitat's partition."""
        from hullwatch.store.archive import Archive
        from hullwatch.store.statedb import StateDB

        return cls(Archive(folder, habitat_key), StateDB(folder))

    def keep(self, times_ns: np.ndarray, channels: list[str], values_si: np.ndarray) -> int:
        """Archive rows (SI); return the rows the archive did not have."""
        if not channels:
            return 0
        frame = pd.DataFrame(
            {
                "time": pd.to_datetime(times_ns, utc=True),
                "channel": channels,
                "value": values_si,
            }
        )
        frame = frame.drop_duplicates().sort_values(["channel", "time"], kind="stable")
        report = self.archive.ingest(Telemetry(frame.reset_index(drop=True), "serve"), "serve")
        return int(report.rows_added)

    def read(self, habitat: Habitat, channel: str, start_ms: int, end_ms: int) -> tuple[Any, Any]:
        """One raw channel from the archive: times [ms] and values in its own unit."""
        if end_ms < start_ms:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        start = np.datetime64(max(start_ms, 0), "ms")
        end = np.datetime64(min(end_ms, 2**53), "ms")
        telemetry = self.archive.read(habitat, start, end, channels=[channel])
        if channel not in telemetry.channels():
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        times, values = telemetry.channel(channel)
        times_ms = times.astype("datetime64[ms]").astype(np.int64)
        keep = (times_ms >= start_ms) & (times_ms <= end_ms)
        unit = habitat.channel_map[channel].unit
        return times_ms[keep], np.asarray(from_si(values[keep], unit), dtype=np.float64)


def create_app(
    detector: LeakDetector,
    *,
    token: str,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    history_points: int = 20_000,
    archive: Path | None = None,
    openmct_dir: Path | None = None,
    risk: RiskAssessor | None = None,
    archive_key: str = "ISS",
) -> FastAPI:
    """Build the service.

    Parameters
    ----------
    detector : LeakDetector
        Configured (possibly fitted) detector; its habitat is the service's.
    token : str
        The write token (:mod:`hullwatch.service.security`).
    max_body_bytes : int
        Largest request body. [bytes]
    history_points : int
        Points kept in memory per series.
    archive : Path, optional
        Archive folder: rows, alarms and events are also stored there.
    openmct_dir : Path, optional
        A folder served at ``/openmct/`` (the Open MCT page of ``web/openmct``, with
        its ``node_modules``); chosen by whoever starts the service, never by a request.
    risk : callable, optional
        Risk assessor (:data:`~hullwatch.service.state.RiskAssessor`).
    archive_key : str
        The habitat's partition in the archive (``hullwatch.cli.inputs.archive_key``:
        ``"ISS"`` for the built-in habitat, else the habitat file's name), so that the
        analysis commands read with ``--archive`` what the service wrote.

    Returns
    -------
    FastAPI
    """
    sink = ArchiveSink.open(archive, archive_key) if archive is not None else None
    reader = None
    if sink is not None:
        opened = sink

        def reader(channel: str, start_ms: int, end_ms: int) -> tuple[Any, Any]:
            return opened.read(detector.habitat, channel, start_ms, end_ms)

    state = LiveState(detector, history_points=history_points, risk=risk, archive_reader=reader)
    hub = Hub()
    guard = TokenGuard(token)
    files = static_files()
    layout = habitat_layout(detector.habitat)
    app = FastAPI(
        title="hullwatch live service",
        version="0.1.0",
        description="Live leak detection for a pressurized habitat: ingest, state, "
        "alarms, history, a push stream, a dashboard and an Open MCT provider. "
        "Write endpoints need the token (Authorization: Bearer <token>).",
    )
    app.state.live = state
    app.state.hub = hub

    @app.exception_handler(HullwatchError)
    async def _hullwatch_error(request: Request, exc: HullwatchError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    # ---------------------------------------------------------------- dashboard

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def dashboard() -> Response:
        index = Path(str(resources.files("hullwatch.service") / "static" / "index.html"))
        return HTMLResponse(index.read_text(encoding="utf-8"))

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in files:
            raise HTTPException(404, "no such file")
        path, media = files[name]
        return FileResponse(path, media_type=media)

    # ---------------------------------------------------------------- REST

    @app.get("/api/health", tags=["state"], summary="Liveness and counts")
    def health() -> dict[str, Any]:
        return {
            "status": "ok",
            "habitat": detector.habitat.name,
            "rows_ingested": state.rows_ingested,
            "subscribers": len(hub),
            "archive": sink is not None,
        }

    @app.get("/api/habitat", tags=["state"], summary="Modules, hatches and schematic layout")
    def habitat() -> dict[str, Any]:
        return layout

    @app.get("/api/state", tags=["state"], summary="Current state per compartment")
    def current_state() -> dict[str, Any]:
        return state.state()

    @app.get("/api/risk", tags=["state"], summary="The risk matrix and the current cell")
    def risk_matrix() -> dict[str, Any]:
        try:
            table = load_risk_table().to_dict()
        except HullwatchError as exc:
            return {"table": None, "current": state.risk, "reason": str(exc)}
        return {"table": table, "current": state.risk}

    @app.get("/api/alarms", tags=["alarms"], summary="Alarms, newest last")
    def alarms(
        active: bool = Query(False, description="Only unacknowledged alarms."),
        limit: int = Query(200, ge=1, le=MAX_LIST),
    ) -> dict[str, Any]:
        with state.lock:
            records = [r for r in state.alarms if not active or r.acknowledged_by is None]
            return {"alarms": [r.to_dict() for r in records[-limit:]]}

    @app.post(
        "/api/alarms/{alarm_id}/acknowledge",
        tags=["alarms"],
        summary="Acknowledge an alarm (needs the token)",
        dependencies=[Depends(guard)],
    )
    def acknowledge(alarm_id: int, body: AckRequest | None = None) -> dict[str, Any]:
        by = body.by if body is not None else "operator"
        record = state.acknowledge(alarm_id, by)
        if record is None:
            raise HTTPException(404, "no such alarm")
        if sink is not None and record.stored_id is not None:
            sink.statedb.acknowledge_alarm(record.stored_id, by)
        # Every dashboard shows the acknowledgement at once.
        hub.publish(
            Update(np.zeros(0, dtype=np.int64), {}, {}, [record], hatches=state.hatch_states())
        )
        return record.to_dict()

    @app.get("/api/events", tags=["events"], summary="Events, newest last")
    def events(limit: int = Query(200, ge=1, le=MAX_LIST)) -> dict[str, Any]:
        with state.lock:
            return {"events": [e.to_dict() for e in list(state.events)[-limit:]]}

    @app.get("/api/measurements", tags=["history"], summary="Every series /api/history knows")
    def measurements() -> dict[str, Any]:
        return {"measurements": [m.to_dict() for m in state.measurements()]}

    @app.get("/api/history", tags=["history"], summary="One series in a time window")
    def history(
        key: str = Query(..., max_length=200, description="A key of /api/measurements."),
        start: str = Query("0", max_length=40, description="ms since 1970 or ISO 8601"),
        end: str = Query("9999999999999", max_length=40, description="ms since 1970 or ISO 8601"),
        strategy: str = Query("all", max_length=10, description="all, latest or minmax"),
        size: int = Query(MAX_HISTORY_POINTS, ge=2, le=MAX_HISTORY_POINTS),
    ) -> dict[str, Any]:
        meas = state.measurement(key)
        if meas is None:
            raise HTTPException(404, "no such measurement")
        if strategy not in STRATEGIES:
            raise HTTPException(422, f"strategy must be one of {', '.join(STRATEGIES)}")
        times, values = state.series(key, parse_time_ms(start, "start"), parse_time_ms(end, "end"))
        times, values = apply_strategy(times, values, strategy, size)
        return {
            "key": key,
            "unit": meas.unit,
            "time_ms": times.tolist(),
            "values": [round(v, 6) for v in values.tolist()],
        }

    @app.post(
        "/api/ingest",
        tags=["ingest"],
        summary="Ingest telemetry rows (CSV or JSON lines; needs the token)",
        response_model=IngestAnswer,
        dependencies=[Depends(guard)],
        openapi_extra={
            "requestBody": {
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/x-ndjson": {"schema": {"type": "string"}},
                },
                "required": True,
            }
        },
    )
    async def ingest(request: Request) -> dict[str, Any]:
        body = await read_limited_body(request, max_body_bytes)
        content_type = request.headers.get("content-type", "text/csv")
        summary = await run_in_threadpool(_ingest, body, content_type)
        return summary.to_dict()

    def _ingest(body: bytes, content_type: str) -> IngestSummary:
        rows = parse_body(body, content_type, detector.habitat)
        summary, update = state.ingest(rows)
        if sink is not None:
            archived = sink.keep(rows.times_ns, rows.channels, rows.values_si)
            if update.alarms:
                ids = sink.statedb.append_alarms([r.alarm for r in update.alarms])
                for record, stored in zip(update.alarms, ids, strict=True):
                    record.stored_id = stored
            if update.events:
                sink.statedb.append_events(update.events)
            summary = IngestSummary(**{**summary.__dict__, "archived_rows": archived})
        if len(hub):
            hub.publish(update)
        return summary

    @app.websocket("/api/stream")
    async def stream(websocket: WebSocket) -> None:
        """New grid samples per module, estimates, events and alarms (JSON messages)."""
        await websocket.accept()
        subscriber = hub.subscribe(dashboard_message)

        async def ignore(text: str) -> None:
            return None

        try:
            await websocket.send_text(json.dumps({"type": "hello", **state.state()}))
            await pump(websocket, subscriber.queue, ignore)
        except WebSocketDisconnect:
            pass
        finally:
            hub.unsubscribe(subscriber)

    app.include_router(openmct_router(state, hub))
    if openmct_dir is not None:
        app.mount("/openmct", StaticFiles(directory=openmct_dir, html=True), name="openmct")
    return app
