"""What ``hullwatch events`` reports: typed events, their settings, and the JSON contract.

Every event has a ``kind``, a ``start`` and an ``end`` (UTC); :meth:`to_dict` gives
its entry in the ``events`` list of formats.md section 3.  Values are SI inside and
converted to mmHg, lb and minutes only in :meth:`to_dict`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hullwatch.analysis.rate import DEFAULT_SETTINGS, RateSettings
from hullwatch.habitat import Compartment
from hullwatch.telemetry import iso_z
from hullwatch.units import (
    SECONDS_PER_HOUR,
    SECONDS_PER_MINUTE,
    ZERO_CELSIUS_K,
    kg_per_day_to_lb_per_day,
    mmhg_to_pa,
    pa_to_mmhg,
)

#: Event kinds, in the order used to break ties between events that start together.
EVENT_KINDS = (
    "operation",
    "hatch_close",
    "depress",
    "repress",
    "hatch_open",
    "thermal_transient",
)


@dataclass(frozen=True)
class EventSettings:
    """Tuning of event detection (defaults suit ISS telemetry).

    Attributes
    ----------
    rate : RateSettings
        Gas-mass grid, step threshold and settling time, shared with the leak rate.
    hatch_grid_s : float
        Grid on which hatch states are inferred from pressures. [s]
    together_pa : float
        Two pressures this close (after removing the sensors' relative offset) are
        one gas volume. [Pa]
    apart_pa : float
        Two pressures this far apart are two gas volumes. [Pa]
    max_equalization_s : float
        Longest equalization still taken as a hatch (or its valve) opening: a slower
        convergence is a repress or a seal leaking through, not a hatch. [s]
    min_together_s : float
        How long two pressures must stay together after converging for an opening. [s]
    min_apart_s : float
        Pressures across an open hatch that part for less than this and come back
        together are gas flowing through it (after a depress or an opening nearby),
        not a closing. [s]
    join_settle_s : float
        Gas steps this soon after compartments join are the join itself (the
        compartment pressure is the mean of its channels while they equalize). [s]
    merge_gap_s : float
        Gas steps of one kind closer than this are one event (a depress in stages). [s]
    endpoint_window_s : float
        Span averaged either side of a step when its gas is measured from the mass
        before and after it (where the leak fit cannot give the step). [s]
    assumed_temperature_k : float
        Gas temperature of a compartment without a temperature channel: the middle of
        the ISS crew setpoint range, 19-23 degC (iss-facts.md). [K]
    assumed_temperature_sigma_k : float
        Standard uncertainty of that assumed temperature. [K]
    min_temperature_step_k : float
        Smallest temperature step reported as a thermal transient. [K]
    operation_window_s : float
        Length of the leak-rate windows before and after each operation. [s]
    """

    rate: RateSettings = DEFAULT_SETTINGS
    hatch_grid_s: float = 10.0
    together_pa: float = mmhg_to_pa(2.0)
    apart_pa: float = mmhg_to_pa(6.0)
    max_equalization_s: float = 20.0 * SECONDS_PER_MINUTE
    min_together_s: float = 10.0 * SECONDS_PER_MINUTE
    min_apart_s: float = 30.0 * SECONDS_PER_MINUTE
    join_settle_s: float = 10.0 * SECONDS_PER_MINUTE
    merge_gap_s: float = 15.0 * SECONDS_PER_MINUTE
    endpoint_window_s: float = 5.0 * SECONDS_PER_MINUTE
    assumed_temperature_k: float = ZERO_CELSIUS_K + 22.0
    assumed_temperature_sigma_k: float = 2.0
    min_temperature_step_k: float = 0.5
    operation_window_s: float = 12.0 * SECONDS_PER_HOUR


#: The defaults, shared (the settings are frozen).
DEFAULT_EVENT_SETTINGS = EventSettings()


def _pair(pair: tuple[float, float] | None, convert: Any = None) -> list[float] | None:
    if pair is None:
        return None
    return [float(convert(v)) if convert else float(v) for v in pair]


def _mmhg(pressure_pa: float | None) -> float | None:
    return None if pressure_pa is None else float(pa_to_mmhg(pressure_pa))


@dataclass(frozen=True)
class Event:
    """Base of every event: a kind and the interval it spans (UTC)."""

    kind: str
    start: np.datetime64
    end: np.datetime64

    def to_dict(self) -> dict[str, Any]:
        """The event's entry in the ``events`` list (formats.md section 3)."""
        return {"kind": self.kind, "start": iso_z(self.start), "end": iso_z(self.end)}


@dataclass(frozen=True)
class GasEvent(Event):
    """Gas added to (``repress``) or removed from (``depress``) a compartment.

    Attributes
    ----------
    compartment : tuple of str
        The compartment whose gas mass stepped.
    mass_change_kg : float
        Gas mass after minus before: positive for a repress. [kg]
    ci95_kg : tuple of float or None
        95 % interval of ``mass_change_kg``. [kg]
    method : str
        ``"intercept_jump"`` (the jump between the leak fit's intercepts either side,
        :mod:`hullwatch.analysis.rate`) or ``"endpoints"`` (the mean gas mass over a
        few minutes either side, where the segment is too short to fit).
    pressure_start_pa, pressure_end_pa : float
        Compartment pressure when the step began and ended. [Pa]
    max_rate_pa_per_s : float
        Fastest pressure change within the step, over one grid interval. [Pa/s]
    volume_m3 : float
        Free volume of the compartment. [m^3]
    temperature_assumed : bool
        No temperature channel: the gas mass used the assumed temperature.
    via_hatch : str or None
        The gas came through this hatch while it was (inferred to be) opening: an
        equalization with the neighbouring compartment rather than from a tank.
    status_on : tuple of str
        Status channels (pumps, valves) of the compartment that were on during it.
    from_compartment : tuple of str
        For a repress at the same time as a depress of a neighbouring compartment:
        where the gas came from (an airlock repressed from the cabin).
    to_compartment : tuple of str
        For a depress at the same time as a repress of a neighbouring compartment:
        where the gas went (an airlock pumped down into the cabin).
    """

    compartment: Compartment = ()
    mass_change_kg: float = 0.0
    ci95_kg: tuple[float, float] | None = None
    method: str = "intercept_jump"
    pressure_start_pa: float = float("nan")
    pressure_end_pa: float = float("nan")
    max_rate_pa_per_s: float = 0.0
    volume_m3: float = 0.0
    temperature_assumed: bool = False
    via_hatch: str | None = None
    status_on: tuple[str, ...] = ()
    from_compartment: Compartment = ()
    to_compartment: Compartment = ()

    @property
    def duration_s(self) -> float:
        """Length of the step. [s]"""
        return float((self.end - self.start) / np.timedelta64(1, "ns")) * 1e-9

    @property
    def mean_rate_pa_per_s(self) -> float:
        """Mean pressure change over the step. [Pa/s]"""
        if self.duration_s <= 0:
            return 0.0
        return (self.pressure_end_pa - self.pressure_start_pa) / self.duration_s

    def to_dict(self) -> dict[str, Any]:
        """The event's entry: ``mass_added_kg`` for a repress, rate in mmHg/min for a depress."""
        out = super().to_dict()
        out["compartment"] = list(self.compartment)
        sign = 1.0 if self.kind == "repress" else -1.0
        ci = None if self.ci95_kg is None else sorted(sign * v for v in self.ci95_kg)
        key = "mass_added_kg" if self.kind == "repress" else "mass_removed_kg"
        out[key] = sign * self.mass_change_kg
        out["ci95_kg"] = _pair(None if ci is None else (ci[0], ci[1]))
        out["method"] = self.method
        out["pressure_start_mmHg"] = _mmhg(self.pressure_start_pa)
        out["pressure_end_mmHg"] = _mmhg(self.pressure_end_pa)
        per_minute = float(pa_to_mmhg(self.mean_rate_pa_per_s)) * SECONDS_PER_MINUTE
        peak = float(pa_to_mmhg(self.max_rate_pa_per_s)) * SECONDS_PER_MINUTE
        if self.kind == "depress":
            out["rate_mmHg_per_min"] = -per_minute
            out["max_rate_mmHg_per_min"] = peak
        else:
            out["rate_mmHg_per_min"] = per_minute
        out["volume_m3"] = self.volume_m3
        out["temperature_assumed"] = self.temperature_assumed
        if self.via_hatch is not None:
            out["via_hatch"] = self.via_hatch
        if self.from_compartment:
            out["from_compartment"] = list(self.from_compartment)
        if self.to_compartment:
            out["to_compartment"] = list(self.to_compartment)
        if self.status_on:
            out["status_on"] = list(self.status_on)
        return out


@dataclass(frozen=True)
class HatchEvent(Event):
    """A hatch opening (``hatch_open``) or closing (``hatch_close``).

    For a hatch channel, ``start`` and ``end`` are the sample that reported the change.
    For an inferred opening they span the equalization (the hatch or its valve opened
    at ``start``; the pressures were one at ``end``); for an inferred closing, from
    the last time the pressures agreed to when they were clearly apart (the hatch was
    closed at or before ``start``).

    Attributes
    ----------
    hatch : str
        The hatch.
    modules : tuple of str
        The two modules it joins.
    inferred : bool
        From the pressures either side, not from a hatch channel.
    pressure_difference_pa : float or None
        For an inferred event, the largest pressure difference across the hatch in
        the equalization (opening) or when clearly apart (closing). [Pa]
    """

    hatch: str = ""
    modules: tuple[str, str] = ("", "")
    inferred: bool = False
    pressure_difference_pa: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The event's entry: ``hatch`` and whether it was ``inferred``."""
        out = super().to_dict()
        out["hatch"] = self.hatch
        out["modules"] = list(self.modules)
        out["inferred"] = self.inferred
        if self.pressure_difference_pa is not None:
            out["pressure_difference_mmHg"] = _mmhg(self.pressure_difference_pa)
        return out


@dataclass(frozen=True)
class ThermalTransient(Event):
    """A temperature step that moved the pressure but not the gas mass.

    Attributes
    ----------
    compartment : tuple of str
        Where it happened.
    temperature_change_k : float
        Effective compartment temperature after minus before. [K]
    pressure_change_pa : float
        Compartment pressure after minus before. [Pa]
    mass_change_kg : float
        Gas mass after minus before: small, which is what makes it thermal. [kg]
    """

    compartment: Compartment = ()
    temperature_change_k: float = 0.0
    pressure_change_pa: float = 0.0
    mass_change_kg: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The event's entry: the temperature, pressure and (small) mass changes."""
        out = super().to_dict()
        out["compartment"] = list(self.compartment)
        out["temperature_change_K"] = self.temperature_change_k
        out["pressure_change_mmHg"] = _mmhg(self.pressure_change_pa)
        out["mass_change_kg"] = self.mass_change_kg
        return out


@dataclass(frozen=True)
class Operation:
    """One row of an operations log (``start,end,kind,text[,module]``).

    Attributes
    ----------
    start, end : numpy.datetime64
        UTC; ``end`` equals ``start`` for an instant.
    kind : str
        As written in the log: cargo, docking, EVA, sealant, hatch_open, ...
    text : str
        Free text.
    module : str or None
        The module whose compartment's leak rate the operation may change.
    line : int
        Line in the log file, for messages.
    """

    start: np.datetime64
    end: np.datetime64
    kind: str
    text: str
    module: str | None = None
    line: int = 0


@dataclass(frozen=True)
class RateWindow:
    """The leak rate of one compartment over one window, or why there is none.

    Attributes
    ----------
    name : str
        ``"baseline"``, ``"before"``, ``"during"`` or ``"after"``.
    start, end : numpy.datetime64
        The window asked for (UTC).
    compartment : tuple of str
        The compartment of the hatch configuration used.
    leak_rate_kg_per_day : float or None
        Mean leak rate; ``None`` when it could not be estimated. [kg/day]
    ci95_kg_per_day : tuple of float or None
        Its 95 % interval. [kg/day]
    reason : str or None
        Why there is no estimate.
    """

    name: str
    start: np.datetime64
    end: np.datetime64
    compartment: Compartment = ()
    leak_rate_kg_per_day: float | None = None
    ci95_kg_per_day: tuple[float, float] | None = None
    reason: str | None = None

    def to_dict(self, baseline: RateWindow | None = None) -> dict[str, Any]:
        """The window as JSON, with its change from ``baseline`` where both are estimated."""
        rate = self.leak_rate_kg_per_day
        out: dict[str, Any] = {
            "start": iso_z(self.start),
            "end": iso_z(self.end),
            "compartment": list(self.compartment),
            "leak_rate_kg_per_day": rate,
            "ci95_kg_per_day": _pair(self.ci95_kg_per_day),
            "leak_rate_lb_per_day": None if rate is None else float(kg_per_day_to_lb_per_day(rate)),
            "ci95_lb_per_day": _pair(self.ci95_kg_per_day, kg_per_day_to_lb_per_day),
        }
        if self.reason is not None:
            out["reason"] = self.reason
        if baseline is not None:
            change, interval, why = self.change_from(baseline)
            out["change_vs_baseline_kg_per_day"] = change
            out["change_ci95_kg_per_day"] = _pair(interval)
            if why is not None:
                out["change_reason"] = why
        return out

    def change_from(
        self, baseline: RateWindow
    ) -> tuple[float | None, tuple[float, float] | None, str | None]:
        """This window's rate minus the baseline's, with a 95 % interval. [kg/day]

        The windows do not overlap, so their errors are taken as independent and the
        half-widths add in quadrature.

        Returns
        -------
        change, ci95, reason
            ``reason`` says why there is no change (either rate missing, or another
            compartment than the baseline's).
        """
        if self.leak_rate_kg_per_day is None or self.ci95_kg_per_day is None:
            return None, None, "no estimate in this window"
        if baseline.leak_rate_kg_per_day is None or baseline.ci95_kg_per_day is None:
            return None, None, "no baseline estimate"
        if tuple(self.compartment) != tuple(baseline.compartment):
            return None, None, "the compartment differs from the baseline's"
        change = self.leak_rate_kg_per_day - baseline.leak_rate_kg_per_day
        half_a = (self.ci95_kg_per_day[1] - self.ci95_kg_per_day[0]) / 2.0
        half_b = (baseline.ci95_kg_per_day[1] - baseline.ci95_kg_per_day[0]) / 2.0
        half = float(np.hypot(half_a, half_b))
        return change, (change - half, change + half), None


@dataclass(frozen=True)
class OperationEvent(Event):
    """An operation from the log, with the leak rate around it.

    Attributes
    ----------
    operation : Operation
        The log row.
    module : str
        Module whose compartment's leak rate is reported.
    windows : tuple of RateWindow
        ``baseline``, ``before``, ``during`` and ``after``.
    """

    operation: Operation | None = None
    module: str = ""
    windows: tuple[RateWindow, ...] = ()

    def window(self, name: str) -> RateWindow:
        """The window called ``name``."""
        return next(w for w in self.windows if w.name == name)

    def to_dict(self) -> dict[str, Any]:
        """The event's entry: the log row and its leak-rate windows against the baseline."""
        out = super().to_dict()
        op = self.operation
        out["operation"] = None if op is None else op.kind
        out["text"] = None if op is None else op.text
        out["module"] = self.module
        baseline = self.window("baseline")
        rates: dict[str, Any] = {"module": self.module, "baseline": baseline.to_dict()}
        for name in ("before", "during", "after"):
            rates[name] = self.window(name).to_dict(baseline)
        out["leak_rate"] = rates
        return out


def sort_key(event: Event) -> tuple[np.datetime64, int, str]:
    """Events in time order; ties by kind (see :data:`EVENT_KINDS`), then by place."""
    rank = EVENT_KINDS.index(event.kind) if event.kind in EVENT_KINDS else len(EVENT_KINDS)
    place = getattr(event, "hatch", "") or ",".join(getattr(event, "compartment", ()))
    return event.start, rank, place


@dataclass(frozen=True)
class EventsResult:
    """Everything ``hullwatch events`` found, in time order.

    Attributes
    ----------
    events : list of Event
        Sorted by :func:`sort_key`.
    start, end : numpy.datetime64
        The window searched (UTC).
    assumptions : list of str
        What was assumed rather than measured (hatch states, temperatures).
    warnings : list of str
        Reading problems and steps not reported, in words.
    skipped_rows : int
        Bad telemetry rows skipped.
    """

    events: list[Event]
    start: np.datetime64
    end: np.datetime64
    assumptions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped_rows: int = 0

    def of_kind(self, kind: str) -> list[Event]:
        """The events of one kind, in time order."""
        return [e for e in self.events if e.kind == kind]

    def to_dict(self) -> dict[str, Any]:
        """The ``hullwatch events --json`` object (formats.md section 3), plus extra keys."""
        return {
            "events": [e.to_dict() for e in self.events],
            "start": iso_z(self.start),
            "end": iso_z(self.end),
            "assumptions": list(self.assumptions),
            "warnings": list(self.warnings),
            "skipped_rows": self.skipped_rows,
        }
