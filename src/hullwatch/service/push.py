"""The push stream: new samples, estimates, events and alarms to WebSocket clients.

Ingest runs in a worker thread; it hands each message to every subscriber's queue
on that subscriber's event loop (``call_soon_threadsafe``).  Queues are bounded: a
client too slow to keep up loses its oldest messages and is told how many
(``{"type": "lagged", "dropped": n}``), so one slow client never holds memory or
the ingest up.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from starlette.websockets import WebSocket, WebSocketDisconnect

from hullwatch.service.state import MODULE_FIELDS, Update
from hullwatch.telemetry import iso_z

#: Messages queued per client before the oldest are dropped.
QUEUE_LIMIT = 256


@dataclass(eq=False)
class Subscriber:
    """One connected client.

    Attributes
    ----------
    loop : asyncio.AbstractEventLoop
        The loop its connection runs on.
    queue : asyncio.Queue
        Text messages to send.
    render : callable
        Update -> list of text messages for this client (empty: nothing for it).
    dropped : int
        Messages dropped since the last ``lagged`` notice.
    """

    loop: asyncio.AbstractEventLoop
    render: Callable[[Update], list[str]]
    queue: asyncio.Queue[str] = field(default_factory=lambda: asyncio.Queue(QUEUE_LIMIT))
    dropped: int = 0

    def offer(self, message: str) -> None:
        """Queue a message (on the subscriber's loop), dropping the oldest if full."""
        while self.queue.full():
            self.queue.get_nowait()
            self.dropped += 1
        if self.dropped:
            notice = json.dumps({"type": "lagged", "dropped": self.dropped})
            self.dropped = 0
            if not self.queue.full():
                self.queue.put_nowait(notice)
        if not self.queue.full():
            self.queue.put_nowait(message)


class Hub:
    """Fan-out of updates to subscribers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: set[Subscriber] = set()

    def subscribe(self, render: Callable[[Update], list[str]]) -> Subscriber:
        """Register a client on the running loop."""
        subscriber = Subscriber(asyncio.get_running_loop(), render)
        with self._lock:
            self._subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        """Forget a client."""
        with self._lock:
            self._subscribers.discard(subscriber)

    def __len__(self) -> int:
        return len(self._subscribers)

    def publish(self, update: Update) -> None:
        """Render ``update`` for every subscriber and queue it (callable from any thread)."""
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            for message in subscriber.render(update):
                try:
                    subscriber.loop.call_soon_threadsafe(subscriber.offer, message)
                except RuntimeError:  # its loop is closed: the client is gone
                    self.unsubscribe(subscriber)


async def pump(
    websocket: WebSocket, queue: asyncio.Queue[str], on_text: Callable[[str], Awaitable[None]]
) -> None:
    """Send queued messages while reading the client's; return when the client goes.

    Reading matters even for a client that only listens: it is how a closed
    connection is noticed (and how the server can shut down with clients attached).
    """

    async def send() -> None:
        while True:
            await websocket.send_text(await queue.get())

    async def receive() -> None:
        while True:
            await on_text(await websocket.receive_text())

    tasks = [asyncio.create_task(send()), asyncio.create_task(receive())]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            error = task.exception()
            if error is not None and not isinstance(error, WebSocketDisconnect | RuntimeError):
                raise error
    finally:
        for task in tasks:
            task.cancel()


def _values(array: np.ndarray, digits: int) -> list[float | None]:
    return [round(v, digits) if v == v else None for v in array.tolist()]


def dashboard_message(update: Update) -> list[str]:
    """The dashboard's message: grid samples per module, estimates, events, alarms.

    ``{"type": "update", "time_ms": [...], "modules": {module: {field: [...]}},
    "alarms": [...], "events": [...], "hatches": {...}, "risk": ...}`` with the
    fields of :data:`~hullwatch.service.state.MODULE_FIELDS`; NaN is ``null``.
    """
    if not update.grid_ms.size and not update.alarms and not update.events:
        return []
    digits = {"pressure": 3, "gas_mass": 4, "alarm_state": 0}
    modules = {
        module: {
            name: _values(rows[:, k], digits.get(name, 6)) for k, name in enumerate(MODULE_FIELDS)
        }
        for module, rows in update.modules.items()
    }
    payload: dict[str, Any] = {
        "type": "update",
        "time_ms": update.grid_ms.tolist(),
        "modules": modules,
        "alarms": [a.to_dict() for a in update.alarms],
        "events": [e.to_dict() for e in update.events],
        "hatches": update.hatches,
        "risk": update.risk,
        "rows_ingested": update.rows_ingested,
        "time": iso_z(np.datetime64(int(update.grid_ms[-1]), "ms"))
        if update.grid_ms.size
        else None,
    }
    return [json.dumps(payload, allow_nan=False)]
