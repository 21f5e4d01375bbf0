"""The live state of ``hullwatch serve``: the ``watch`` machinery plus bounded history.

Rows from ``POST /api/ingest`` go through exactly what ``hullwatch watch`` runs
(:class:`~hullwatch.detect.StreamAssembler` turns rows into causal gas-mass grid
snapshots, :class:`~hullwatch.detect.Monitor` runs the
:class:`~hullwatch.detect.LeakDetector` and reports hatch changes, gas steps,
losses of signal and alarms).  This module only keeps what that produces, for the
REST endpoints, the push stream and the Open MCT provider:

- the raw channels, in each channel's own unit (the unit of the telemetry file);
- per module, at every grid time: the pressure and gas mass of the compartment that
  holds it, the compartment's current leak-rate estimate with its 95 % interval,
  and its alarm state;
- the events and alarms, with acknowledgement.

The leak-rate estimate is the detector's own, read causally: the reference loss
rate of the compartment's fitted noise model (its mean block rate, ``+-1.96``
standard errors, :class:`~hullwatch.detect.whiten.ARNoise`) from the time it is
fitted, and the rate of the latest leak alarm (with its interval) from the time
that is raised, until the detector re-learns.  Between those updates the value is
held.  Nothing is re-estimated here.

Every series is a :class:`~hullwatch.service.history.Ring` of fixed capacity, so
memory is flat however long the service runs.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hullwatch.detect import Alarm, LeakDetector, Monitor, Snapshot, StreamAssembler, StreamEvent
from hullwatch.errors import InputError
from hullwatch.habitat import Compartment, Habitat
from hullwatch.quantiles import Z95
from hullwatch.service.history import Ring
from hullwatch.service.ingest import ParsedRows
from hullwatch.telemetry import iso_z
from hullwatch.units import from_si, kg_per_s_to_kg_per_day, pa_to_mmhg

#: Fields kept per module at every grid time (the derived measurements).
MODULE_FIELDS = (
    "pressure",
    "gas_mass",
    "leak_rate",
    "leak_rate_lo95",
    "leak_rate_hi95",
    "alarm_state",
)
#: Display unit of each derived field.
FIELD_UNITS = {
    "pressure": "mmHg",
    "gas_mass": "kg",
    "leak_rate": "kg/day",
    "leak_rate_lo95": "kg/day",
    "leak_rate_hi95": "kg/day",
    "alarm_state": "",
}
#: Alarm state of a module: no unacknowledged alarm, a leak alarm, a rapid depress.
ALARM_STATES = {"none": 0, "leak": 1, "rapid_depress": 2}
#: Key of the habitat risk index measurement.
RISK_KEY = "habitat.risk_index"
#: Prefix of raw channel measurement keys.
RAW_PREFIX = "raw."

#: A risk assessor: the live state -> ``{"index": float, "likelihood": int,
#: "consequence": int, ...}`` or None when it cannot say.
RiskAssessor = Callable[["LiveState"], dict[str, Any] | None]
#: Reads one raw channel from an archive: (channel, start_ms, end_ms) -> (times in ms,
#: values in the channel's unit), both inclusive.
ArchiveReader = Callable[[str, int, int], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Measurement:
    """One series the service offers (to REST history queries and Open MCT).

    Attributes
    ----------
    key : str
        ``raw.<channel>``, ``<module>.<field>`` or :data:`RISK_KEY`.
    name : str
        Human name.
    unit : str
        Display unit of the values.
    kind : str
        ``raw``, ``derived`` or ``risk``.
    """

    key: str
    name: str
    unit: str
    kind: str

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {"key": self.key, "name": self.name, "unit": self.unit, "kind": self.kind}


@dataclass
class AlarmRecord:
    """An alarm the service raised, with its acknowledgement.

    Attributes
    ----------
    id : int
        Service-wide id (1, 2, ...).
    alarm : Alarm
        The detector's alarm.
    received_ms : int
        Wall-clock time the service raised it. [ms since 1970]
    acknowledged_by : str or None
    acknowledged_at_ms : int or None
    stored_id : int or None
        Its id in the archive's state database, when the service has an archive.
    """

    id: int
    alarm: Alarm
    received_ms: int
    acknowledged_by: str | None = None
    acknowledged_at_ms: int | None = None
    stored_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The alarm's JSON (formats.md section 3) plus ``id`` and acknowledgement."""
        return {
            "id": self.id,
            **self.alarm.to_dict(),
            "acknowledged": self.acknowledged_by is not None,
            "acknowledged_by": self.acknowledged_by,
            "acknowledged_at": None
            if self.acknowledged_at_ms is None
            else iso_z(np.datetime64(self.acknowledged_at_ms, "ms")),
        }


@dataclass
class Update:
    """What one ingest added (for the push stream).

    Attributes
    ----------
    grid_ms : ndarray of int64
        New grid times. [ms since 1970]
    modules : dict
        Module -> array ``(len(grid_ms), len(MODULE_FIELDS))``.
    raw : dict
        Channel id -> (times in ms, values in the channel's unit).
    alarms : list of AlarmRecord
    events : list of StreamEvent
    hatches : dict
        Hatch -> "open" / "closed" after the update.
    risk : dict or None
    rows_ingested : int
        Rows ingested since the start, after the update.
    """

    grid_ms: np.ndarray
    modules: dict[str, np.ndarray]
    raw: dict[str, tuple[np.ndarray, np.ndarray]]
    alarms: list[AlarmRecord] = field(default_factory=list)
    events: list[StreamEvent] = field(default_factory=list)
    hatches: dict[str, str] = field(default_factory=dict)
    risk: dict[str, Any] | None = None
    rows_ingested: int = 0


@dataclass(frozen=True)
class IngestSummary:
    """Counts of one ingest request (the JSON answer of ``POST /api/ingest``)."""

    rows_accepted: int
    unknown_rows: int
    grid_samples: int
    alarms: list[dict[str, Any]]
    events: int
    archived_rows: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "rows_accepted": self.rows_accepted,
            "unknown_rows": self.unknown_rows,
            "grid_samples": self.grid_samples,
            "alarms": self.alarms,
            "events": self.events,
            "archived_rows": self.archived_rows,
        }


def _wall_ms() -> int:
    return int(np.datetime64("now", "ms").astype(np.int64))


class LiveState:
    """Live detection and bounded history for one habitat.

    Parameters
    ----------
    detector : LeakDetector
        Configured (and possibly fitted) detector; its habitat is the service's.
    history_points : int
        Points kept per series in memory.
    max_records : int
        Alarms and events kept in memory.
    risk : callable, optional
        A :data:`RiskAssessor`; without one the risk is reported as unavailable.
    archive_reader : callable, optional
        An :data:`ArchiveReader` for raw-channel history older than the rings hold.
    """

    def __init__(
        self,
        detector: LeakDetector,
        *,
        history_points: int = 20_000,
        max_records: int = 10_000,
        risk: RiskAssessor | None = None,
        archive_reader: ArchiveReader | None = None,
    ) -> None:
        self.detector = detector
        self.archive_reader = archive_reader
        self.habitat: Habitat = detector.habitat
        self.monitor = Monitor(detector)
        self.assembler = StreamAssembler(
            self.habitat, grid_s=detector.grid_s, stale_s=detector.stale_s, gas=detector.gas
        )
        self.lock = threading.RLock()
        self.risk_assessor = risk
        self.modules = list(self.habitat.module_names)
        self.channels = {c.id: c for c in self.habitat.channels}
        self.module_history = {m: Ring(history_points, len(MODULE_FIELDS)) for m in self.modules}
        self.raw_history = {c: Ring(history_points) for c in self.channels}
        self.risk_history = Ring(history_points)
        self.alarms: deque[AlarmRecord] = deque(maxlen=max_records)
        self.events: deque[StreamEvent] = deque(maxlen=max_records)
        self.estimates: dict[Compartment, tuple[float, float, float, str]] = {}
        self.latest: dict[str, np.ndarray] = {}
        self.closed_hatches: frozenset[str] | None = None
        self.last_grid_ms: int | None = None
        self.rows_ingested = 0
        self.risk: dict[str, Any] | None = None
        self._next_alarm_id = 1
        self._states: dict[str, int] | None = None
        self._measurements = self._build_measurements()

    # ------------------------------------------------------------ measurements

    def _build_measurements(self) -> dict[str, Measurement]:
        out: dict[str, Measurement] = {}
        for channel in self.habitat.channels:
            where = channel.module or channel.hatch or ""
            key = RAW_PREFIX + channel.id
            out[key] = Measurement(
                key, f"{channel.id} ({channel.quantity}, {where})", channel.unit, "raw"
            )
        names = {
            "pressure": "pressure",
            "gas_mass": "gas mass",
            "leak_rate": "leak rate",
            "leak_rate_lo95": "leak rate, 95 % lower bound",
            "leak_rate_hi95": "leak rate, 95 % upper bound",
            "alarm_state": "alarm state (0 none, 1 leak, 2 rapid depress)",
        }
        for module in self.modules:
            for name in MODULE_FIELDS:
                key = f"{module}.{name}"
                out[key] = Measurement(
                    key, f"{module}: compartment {names[name]}", FIELD_UNITS[name], "derived"
                )
        out[RISK_KEY] = Measurement(RISK_KEY, "habitat risk index", "", "risk")
        return out

    def measurements(self) -> list[Measurement]:
        """Every series offered: raw channels, derived per module, the risk index."""
        return list(self._measurements.values())

    def measurement(self, key: str) -> Measurement | None:
        """The measurement of ``key``, or None (keys are looked up, never parsed as paths)."""
        return self._measurements.get(key)

    def series(self, key: str, start_ms: int, end_ms: int) -> tuple[np.ndarray, np.ndarray]:
        """Times [ms] and values of a measurement within ``[start_ms, end_ms]``.

        Raises
        ------
        KeyError
            For a key not in :meth:`measurements`.
        """
        meas = self._measurements[key]
        with self.lock:
            if meas.kind == "raw":
                channel = key[len(RAW_PREFIX) :]
                ring = self.raw_history[channel]
                times, values = ring.window(start_ms, end_ms)
                oldest = ring.ordered()[0][:1]
                if self.archive_reader is None or (oldest.size and start_ms >= oldest[0]):
                    return times.copy(), values[:, 0].copy()
                # Older than the ring holds: the archive has it (everything ingested).
                limit = int(oldest[0]) - 1 if oldest.size else end_ms
                old_t, old_v = self.archive_reader(channel, start_ms, min(end_ms, limit))
                return np.r_[old_t, times], np.r_[old_v, values[:, 0]]
            if meas.kind == "risk":
                times, values = self.risk_history.window(start_ms, end_ms)
                return times.copy(), values[:, 0].copy()
            module, name = key.rsplit(".", 1)
            times, values = self.module_history[module].window(start_ms, end_ms)
            return times.copy(), values[:, MODULE_FIELDS.index(name)].copy()

    # ------------------------------------------------------------ ingest

    def ingest(self, rows: ParsedRows) -> tuple[IngestSummary, Update]:
        """Run the detector over new rows and keep what it produces.

        Parameters
        ----------
        rows : ParsedRows
            Parsed rows, in time order.

        Returns
        -------
        IngestSummary, Update

        Raises
        ------
        InputError
            Rows earlier than the last row already ingested (a live feed is in time order).
        """
        with self.lock:
            if (
                len(rows)
                and self.assembler.last_row_ns is not None
                and int(rows.times_ns[0]) < self.assembler.last_row_ns
            ):
                last = iso_z(np.datetime64(self.assembler.last_row_ns, "ns"))
                raise InputError(
                    "rows must be in time order for a live feed: the first row is earlier "
                    f"than the last one ingested ({last})",
                    source="<request body>",
                    line=rows.lines[0],
                    field="time",
                )
            snapshots: list[Snapshot] = []
            push = self.assembler.push
            for time_ns, channel, value, line in zip(
                rows.times_ns.tolist(),
                rows.channels,
                rows.values_si.tolist(),
                rows.lines,
                strict=True,
            ):
                out = push(time_ns, channel, value, source="<request body>", line=line)
                if out:
                    snapshots.extend(out)
            self.rows_ingested += len(rows)
            raw = self._keep_raw(rows)
            update = self._run(snapshots, raw)
            summary = IngestSummary(
                rows_accepted=len(rows),
                unknown_rows=rows.unknown_rows,
                grid_samples=len(snapshots),
                alarms=[a.to_dict() for a in update.alarms],
                events=len(update.events),
            )
            return summary, update

    def _keep_raw(self, rows: ParsedRows) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        if not len(rows):
            return out
        names, codes = np.unique(np.array(rows.channels, dtype=object), return_inverse=True)
        order = np.argsort(codes, kind="stable")  # rows grouped by channel, in time order
        bounds = np.searchsorted(codes[order], np.arange(names.size + 1))
        times_ms = rows.times_ns // 1_000_000
        for k, channel in enumerate(names.tolist()):
            picked = order[bounds[k] : bounds[k + 1]]
            unit = self.channels[channel].unit
            values = np.asarray(from_si(rows.values_si[picked], unit), dtype=np.float64)
            times = times_ms[picked]
            self.raw_history[channel].extend(times, values)
            out[channel] = (times, values)
        return out

    def _run(
        self, snapshots: list[Snapshot], raw: dict[str, tuple[np.ndarray, np.ndarray]]
    ) -> Update:
        n = len(snapshots)
        grid_ms = np.zeros(n, dtype=np.int64)
        table = {m: np.full((n, len(MODULE_FIELDS)), np.nan) for m in self.modules}
        new_alarms: list[AlarmRecord] = []
        new_events: list[StreamEvent] = []
        risk_times: list[int] = []
        risk_values: list[float] = []
        for k, snapshot in enumerate(snapshots):
            for item in self.monitor.feed(snapshot):
                if isinstance(item, Alarm):
                    record = AlarmRecord(self._next_alarm_id, item, _wall_ms())
                    self._next_alarm_id += 1
                    self.alarms.append(record)
                    self._states = None
                    new_alarms.append(record)
                    self._estimate_from_alarm(item)
                else:
                    self.events.append(item)
                    new_events.append(item)
                    if item.kind == "model_ready":
                        self._estimate_from_model(tuple(item.detail["compartment"]))
            grid_ms[k] = int(snapshot.time.astype("datetime64[ms]").astype(np.int64))
            states = self._alarm_states()
            for sample in snapshot.samples:
                rate, lo, hi, _ = self.estimates.get(
                    sample.compartment, (np.nan, np.nan, np.nan, "")
                )
                pressure = float(pa_to_mmhg(sample.pressure_pa))
                for module in sample.compartment:
                    table[module][k] = (
                        pressure,
                        sample.mass_kg,
                        rate,
                        lo,
                        hi,
                        states.get(module, 0),
                    )
            self.closed_hatches = snapshot.closed_hatches
        for module, rows in table.items():
            if n:
                self.module_history[module].extend(grid_ms, rows)
                filled = np.flatnonzero(np.isfinite(rows[:, 0]))
                if filled.size:
                    self.latest[module] = np.r_[grid_ms[filled[-1]], rows[filled[-1]]]
        if n:
            self.last_grid_ms = int(grid_ms[-1])
            self.risk = self.risk_assessor(self) if self.risk_assessor is not None else None
            if self.risk is not None and "index" in self.risk:
                risk_times.append(self.last_grid_ms)
                risk_values.append(float(self.risk["index"]))
                self.risk_history.extend(np.array(risk_times), np.array(risk_values))
        return Update(
            grid_ms,
            table,
            raw,
            new_alarms,
            new_events,
            self.hatch_states(),
            self.risk,
            self.rows_ingested,
        )

    def _estimate_from_model(self, compartment: Compartment) -> None:
        noise = self.detector.noise_models().get(compartment)
        if noise is None:
            return
        rate = float(kg_per_s_to_kg_per_day(noise.mean_kg_per_s))
        half = float(kg_per_s_to_kg_per_day(Z95 * noise.mean_se_kg_per_s))
        self.estimates[compartment] = (rate, rate - half, rate + half, "noise_model_reference")

    def _estimate_from_alarm(self, alarm: Alarm) -> None:
        rate = float(kg_per_s_to_kg_per_day(alarm.leak_rate_kg_per_s))
        if alarm.leak_rate_ci95_kg_per_s is None:
            lo = hi = float("nan")
        else:
            lo, hi = (float(kg_per_s_to_kg_per_day(v)) for v in alarm.leak_rate_ci95_kg_per_s)
        self.estimates[alarm.compartment] = (rate, lo, hi, alarm.kind)

    def _alarm_states(self) -> dict[str, int]:
        if self._states is not None:
            return self._states
        states: dict[str, int] = {}
        for record in self.alarms:
            if record.acknowledged_by is not None:
                continue
            level = ALARM_STATES[
                "rapid_depress" if record.alarm.kind == "rapid_depress" else "leak"
            ]
            for module in record.alarm.compartment:
                states[module] = max(states.get(module, 0), level)
        self._states = states
        return states

    # ------------------------------------------------------------ queries

    def hatch_states(self) -> dict[str, str]:
        """Each hatch: ``open``, ``closed``, or ``unknown`` before the first grid sample."""
        if self.closed_hatches is None:
            return {h: "unknown" for h in self.habitat.hatch_names}
        return {
            h: "closed" if h in self.closed_hatches else "open" for h in self.habitat.hatch_names
        }

    def acknowledge(self, alarm_id: int, by: str) -> AlarmRecord | None:
        """Acknowledge an alarm; None if there is no alarm with that id."""
        with self.lock:
            for record in self.alarms:
                if record.id == alarm_id:
                    if record.acknowledged_by is None:
                        record.acknowledged_by = by
                        record.acknowledged_at_ms = _wall_ms()
                        self._states = None
                    return record
        return None

    def state(self) -> dict[str, Any]:
        """Current state per compartment (the JSON of ``GET /api/state``)."""
        with self.lock:
            open_hatches = (
                set(self.habitat.hatch_names)
                if self.closed_hatches is None
                else set(self.habitat.hatch_names) - self.closed_hatches
            )
            active = [r for r in self.alarms if r.acknowledged_by is None]
            compartments = []
            for compartment in self.habitat.compartments(open_hatches):
                latest = [self.latest[m] for m in compartment if m in self.latest]
                row = max(latest, key=lambda r: r[0]) if latest else None
                rate, lo, hi, source = self.estimates.get(
                    compartment, (float("nan"), float("nan"), float("nan"), "")
                )
                compartments.append(
                    {
                        "compartment": list(compartment),
                        "time": None if row is None else iso_z(np.datetime64(int(row[0]), "ms")),
                        "pressure_mmHg": None if row is None else _num(row[1], 3),
                        "gas_mass_kg": None if row is None else _num(row[2], 4),
                        "leak_rate_kg_per_day": _num(rate, 4),
                        "ci95_kg_per_day": None
                        if not np.isfinite(lo)
                        else [_num(lo, 4), _num(hi, 4)],
                        "leak_rate_source": source or None,
                        "alarms": [
                            r.id for r in active if set(r.alarm.compartment) & set(compartment)
                        ],
                    }
                )
            return {
                "habitat": self.habitat.name,
                "time": None
                if self.last_grid_ms is None
                else iso_z(np.datetime64(self.last_grid_ms, "ms")),
                "rows_ingested": self.rows_ingested,
                "compartments": compartments,
                "hatches": self.hatch_states(),
                "active_alarms": len(active),
                "risk": self.risk,
            }


def _num(value: float, digits: int) -> float | None:
    """A finite float rounded for JSON, or None."""
    return round(float(value), digits) if np.isfinite(value) else None
