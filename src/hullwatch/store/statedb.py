"""The state database of an archive: alarms (with acknowledgements) and events.

A small DuckDB file, ``state.duckdb``, next to the archive's manifest. Each alarm
and event is kept as the JSON object the command line prints for it (formats.md
section 3), with its time as UTC nanoseconds for queries. Appending is idempotent:
an alarm is identified by ``(time, kind, compartment)`` and an event by
``(start, kind, where)``, so a service that recomputes after a restart and appends
again stores nothing twice.

Every call opens its own connection and closes it, so several threads of one
process may share a :class:`StateDB`; DuckDB lets one process at a time write the
file.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import duckdb
import numpy as np

from hullwatch.errors import InputError
from hullwatch.telemetry import iso_z, to_utc_datetime64
from hullwatch.telemetry.frame import TimeLike

STATE_NAME = "state.duckdb"

_SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS alarm_id START 1;
CREATE SEQUENCE IF NOT EXISTS event_id START 1;
CREATE TABLE IF NOT EXISTS alarms (
    id BIGINT PRIMARY KEY DEFAULT nextval('alarm_id'),
    time_ns BIGINT NOT NULL,
    kind VARCHAR NOT NULL,
    place VARCHAR NOT NULL,
    payload VARCHAR NOT NULL,
    stored_ns BIGINT NOT NULL,
    acknowledged_by VARCHAR,
    acknowledged_ns BIGINT,
    UNIQUE (time_ns, kind, place)
);
CREATE TABLE IF NOT EXISTS events (
    id BIGINT PRIMARY KEY DEFAULT nextval('event_id'),
    start_ns BIGINT NOT NULL,
    end_ns BIGINT NOT NULL,
    kind VARCHAR NOT NULL,
    place VARCHAR NOT NULL,
    payload VARCHAR NOT NULL,
    stored_ns BIGINT NOT NULL,
    UNIQUE (start_ns, kind, place)
);
"""


class _HasToDict(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


Record = Mapping[str, Any] | _HasToDict


class StateDB:
    """Alarms and events of an archive, in ``DIR/state.duckdb``.

    Parameters
    ----------
    folder : Path
        The archive folder (created if absent).
    """

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / STATE_NAME
        with self._connect() as con:
            con.execute(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        try:
            con = duckdb.connect(str(self.path))
        except duckdb.Error as exc:
            raise InputError(
                f"cannot open the state database ({exc})", source=str(self.path)
            ) from None
        try:
            yield con
        finally:
            con.close()

    # ------------------------------------------------------------------ alarms

    def append_alarms(self, alarms: Iterable[Record]) -> list[int]:
        """Store alarms (``Alarm`` objects or their ``to_dict()``); return their ids.

        An alarm already stored (same time, kind and compartment) keeps its id and
        its acknowledgement.

        Raises
        ------
        InputError
            If an alarm lacks ``time`` or ``kind``, or its time is not a time.
        """
        rows = [_row(_payload(a), "time", "alarm") for a in alarms]
        ids = []
        with self._connect() as con:
            for time_ns, kind, place, text in rows:
                con.execute(
                    "INSERT INTO alarms (time_ns, kind, place, payload, stored_ns) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    [time_ns, kind, place, text, _now_ns()],
                )
                found = con.execute(
                    "SELECT id FROM alarms WHERE time_ns = ? AND kind = ? AND place = ?",
                    [time_ns, kind, place],
                ).fetchone()
                assert found is not None
                ids.append(int(found[0]))
        return ids

    def alarms(
        self,
        start: TimeLike | None = None,
        end: TimeLike | None = None,
        *,
        unacknowledged: bool = False,
    ) -> list[dict[str, Any]]:
        """Stored alarms with ``start <= time <= end``, oldest first.

        Each is the alarm's JSON object plus ``id``, ``acknowledged_by`` and
        ``acknowledged_at`` (ISO 8601 UTC, or ``None``).
        """
        where, params = _window("time_ns", start, end)
        if unacknowledged:
            where.append("acknowledged_by IS NULL")
        sql = "SELECT id, payload, acknowledged_by, acknowledged_ns FROM alarms"
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._connect() as con:
            rows = con.execute(sql + " ORDER BY time_ns, id", params).fetchall()
        return [_alarm(*row) for row in rows]

    def acknowledge_alarm(self, alarm_id: int, by: str) -> dict[str, Any]:
        """Mark an alarm acknowledged by ``by``; return it.

        Acknowledging an acknowledged alarm keeps the first acknowledgement.

        Raises
        ------
        InputError
            If no alarm has this id, or ``by`` is empty.
        """
        if not by or not by.strip():
            raise InputError("who acknowledges must be named", field="by")
        with self._connect() as con:
            con.execute(
                "UPDATE alarms SET acknowledged_by = ?, acknowledged_ns = ? "
                "WHERE id = ? AND acknowledged_by IS NULL",
                [by.strip(), _now_ns(), int(alarm_id)],
            )
            row = con.execute(
                "SELECT id, payload, acknowledged_by, acknowledged_ns FROM alarms WHERE id = ?",
                [int(alarm_id)],
            ).fetchone()
        if row is None:
            raise InputError(f"no alarm with id {alarm_id}", field="id")
        return _alarm(*row)

    # ------------------------------------------------------------------ events

    def append_events(self, events: Iterable[Record]) -> list[int]:
        """Store events (``Event`` objects or their ``to_dict()``); return their ids."""
        rows = [(_row(e, "start", "event"), e) for e in (_payload(x) for x in events)]
        ids = []
        with self._connect() as con:
            for (start_ns, kind, place, text), payload in rows:
                end_ns = _time_ns(payload.get("end", payload["start"]), "event end")
                con.execute(
                    "INSERT INTO events (start_ns, end_ns, kind, place, payload, stored_ns) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    [start_ns, end_ns, kind, place, text, _now_ns()],
                )
                found = con.execute(
                    "SELECT id FROM events WHERE start_ns = ? AND kind = ? AND place = ?",
                    [start_ns, kind, place],
                ).fetchone()
                assert found is not None
                ids.append(int(found[0]))
        return ids

    def events(
        self, start: TimeLike | None = None, end: TimeLike | None = None
    ) -> list[dict[str, Any]]:
        """Stored events that overlap ``[start, end]``, by start time; each with ``id``."""
        where, params = [], []
        if start is not None:
            where.append("end_ns >= ?")
            params.append(_time_ns(start, "start"))
        if end is not None:
            where.append("start_ns <= ?")
            params.append(_time_ns(end, "end"))
        sql = "SELECT id, payload FROM events"
        if where:
            sql += " WHERE " + " AND ".join(where)
        with self._connect() as con:
            rows = con.execute(sql + " ORDER BY start_ns, id", params).fetchall()
        return [{"id": int(i), **json.loads(p)} for i, p in rows]


def _payload(record: Record) -> dict[str, Any]:
    """The record's JSON object; a value that is not finite becomes ``null``."""
    raw = dict(record) if isinstance(record, Mapping) else record.to_dict()
    clean = _finite(raw)
    assert isinstance(clean, dict)
    return clean


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, np.generic):
        return _finite(value.item())
    return value


def _row(payload: Mapping[str, Any], time_key: str, what: str) -> tuple[int, str, str, str]:
    """``(time_ns, kind, place, json)`` of an alarm or event."""
    for key in (time_key, "kind"):
        if key not in payload:
            raise InputError(f"{what} has no {key!r}: {dict(payload)!r}", field=key)
    place = payload.get("compartment") or payload.get("hatch") or payload.get("module") or ""
    text = json.dumps(dict(payload), allow_nan=False, sort_keys=True)
    return (
        _time_ns(payload[time_key], f"{what} {time_key}"),
        str(payload["kind"]),
        json.dumps(place, sort_keys=True),
        text,
    )


def _alarm(
    alarm_id: int, payload: str, by: str | None, acknowledged_ns: int | None
) -> dict[str, Any]:
    out: dict[str, Any] = {"id": int(alarm_id), **json.loads(payload)}
    out["acknowledged_by"] = by
    out["acknowledged_at"] = (
        None if acknowledged_ns is None else iso_z(np.datetime64(int(acknowledged_ns), "ns"))
    )
    return out


def _window(
    column: str, start: TimeLike | None, end: TimeLike | None
) -> tuple[list[str], list[int]]:
    where, params = [], []
    if start is not None:
        where.append(f"{column} >= ?")
        params.append(_time_ns(start, "start"))
    if end is not None:
        where.append(f"{column} <= ?")
        params.append(_time_ns(end, "end"))
    return where, params


def _time_ns(value: Any, what: str) -> int:
    try:
        return int(to_utc_datetime64(value).view(np.int64))
    except InputError as exc:
        raise InputError(exc.message, field=what) from None


def _now_ns() -> int:
    return int(np.datetime64("now", "ns").view(np.int64))
