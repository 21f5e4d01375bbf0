"""Open MCT telemetry provider: dictionary, historical requests and realtime subscription.

Open MCT (https://github.com/nasa/openmct) reads telemetry through three things a
plugin provides; the hullwatch plugin (``service/static/openmct-plugin.js``) gets
them from these endpoints:

- ``GET /api/openmct/dictionary``: the measurements, in the shape of Open MCT's
  telemetry tutorial: ``{"name", "key", "measurements": [{"key", "name", "values":
  [{"key": "value", "unit", "format": "float", "hints": {"range": 1}}, {"key": "utc",
  "source": "timestamp", "format": "utc", "hints": {"domain": 1}}]}]}``.  Raw
  channels (``raw.<id>``) and the derived series per module (``<module>.pressure``,
  ``.gas_mass``, ``.leak_rate``, ``.leak_rate_lo95``, ``.leak_rate_hi95``,
  ``.alarm_state``) and ``habitat.risk_index``.
- ``GET /api/openmct/history/{key}?start=&end=&strategy=&size=``: points
  ``{"id", "timestamp", "value"}`` (timestamp in ms since 1970, UTC); ``strategy``
  is ``latest`` (the last point in the window) or ``minmax`` (the min and max of
  each of ``size / 2`` buckets), as Open MCT's telemetry API passes them.
- ``WS /api/openmct/realtime``: the client sends ``subscribe <key>`` and
  ``unsubscribe <key>``; the server sends ``{"id", "timestamp", "value"}`` for
  every new point of a subscribed key.

References
----------
.. [1] NASA Open MCT, "Telemetry API" and "Open MCT tutorials: historical and
   realtime telemetry", https://github.com/nasa/openmct-tutorial.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from fastapi import APIRouter, HTTPException, Query, WebSocket, WebSocketDisconnect

from hullwatch.service.history import STRATEGIES, apply_strategy
from hullwatch.service.push import Hub, pump
from hullwatch.service.state import MODULE_FIELDS, RAW_PREFIX, RISK_KEY, LiveState, Update
from hullwatch.service.timeparse import parse_time_ms

#: Most points one historical request returns.
MAX_POINTS = 20_000
#: Most keys one realtime connection may subscribe to.
MAX_SUBSCRIPTIONS = 1_000


def dictionary(state: LiveState) -> dict[str, Any]:
    """The measurement dictionary in Open MCT's tutorial shape."""
    return {
        "name": f"hullwatch: {state.habitat.name}",
        "key": "hullwatch",
        "measurements": [
            {
                "key": m.key,
                "name": m.name,
                "kind": m.kind,
                "values": [
                    {
                        "key": "value",
                        "name": "Value",
                        "unit": m.unit,
                        "format": "float",
                        "hints": {"range": 1},
                    },
                    {
                        "key": "utc",
                        "source": "timestamp",
                        "name": "Timestamp",
                        "format": "utc",
                        "hints": {"domain": 1},
                    },
                ],
            }
            for m in state.measurements()
        ],
    }


def historical(
    state: LiveState, key: str, start_ms: int, end_ms: int, strategy: str, size: int
) -> list[dict[str, Any]]:
    """Points of ``key`` in ``[start_ms, end_ms]`` after ``strategy``.

    Raises
    ------
    KeyError
        For a key not in the dictionary.
    """
    times, values = state.series(key, start_ms, end_ms)
    times, values = apply_strategy(times, values, strategy, size)
    return [
        {"id": key, "timestamp": t, "value": v}
        for t, v in zip(times.tolist(), values.tolist(), strict=True)
    ]


def realtime_points(update: Update, keys: set[str]) -> list[dict[str, Any]]:
    """The new points of the subscribed ``keys`` in one update."""
    out: list[dict[str, Any]] = []
    for key in keys:
        if key.startswith(RAW_PREFIX):
            found = update.raw.get(key[len(RAW_PREFIX) :])
            if found is None:
                continue
            times, values = found
        elif key == RISK_KEY:
            if update.risk is None or "index" not in update.risk or not update.grid_ms.size:
                continue
            times = update.grid_ms[-1:]
            values = np.array([float(update.risk["index"])])
        else:
            module, _, name = key.rpartition(".")
            rows = update.modules.get(module)
            if rows is None or name not in MODULE_FIELDS:
                continue
            times, values = update.grid_ms, rows[:, MODULE_FIELDS.index(name)]
        out.extend(
            {"id": key, "timestamp": t, "value": v}
            for t, v in zip(times.tolist(), values.tolist(), strict=True)
            if v == v
        )
    return out


def openmct_router(state: LiveState, hub: Hub) -> APIRouter:
    """The three Open MCT endpoints over a live state."""
    router = APIRouter(prefix="/api/openmct", tags=["Open MCT"])

    @router.get("/dictionary", summary="Measurement dictionary")
    def get_dictionary() -> dict[str, Any]:
        return dictionary(state)

    @router.get("/history/{key}", summary="Historical telemetry of one measurement")
    def get_history(
        key: str,
        start: str = Query(..., max_length=40, description="ms since 1970 or ISO 8601"),
        end: str = Query(..., max_length=40, description="ms since 1970 or ISO 8601"),
        strategy: str = Query("all", max_length=10, description="all, latest or minmax"),
        size: int = Query(MAX_POINTS, ge=2, le=MAX_POINTS),
    ) -> list[dict[str, Any]]:
        if state.measurement(key) is None:
            raise HTTPException(404, "no such measurement")
        if strategy not in STRATEGIES:
            raise HTTPException(422, f"strategy must be one of {', '.join(STRATEGIES)}")
        start_ms, end_ms = parse_time_ms(start, "start"), parse_time_ms(end, "end")
        return historical(state, key, start_ms, end_ms, strategy, size)

    @router.websocket("/realtime")
    async def realtime(websocket: WebSocket) -> None:
        await websocket.accept()
        keys: set[str] = set()

        def render(update: Update) -> list[str]:
            points = realtime_points(update, set(keys))
            return [json.dumps(points, allow_nan=False)] if points else []

        async def command(text: str) -> None:
            verb, _, key = text[:300].strip().partition(" ")
            if state.measurement(key) is None:
                await websocket.send_text(json.dumps({"error": "no such measurement"}))
            elif verb == "subscribe" and len(keys) < MAX_SUBSCRIPTIONS:
                keys.add(key)
            elif verb == "unsubscribe":
                keys.discard(key)

        subscriber = hub.subscribe(render)
        try:
            await pump(websocket, subscriber.queue, command)
        except WebSocketDisconnect:
            pass
        finally:
            hub.unsubscribe(subscriber)

    return router
