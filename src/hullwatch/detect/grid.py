"""Causal gas-mass samples on a regular grid, one per compartment, from telemetry rows.

The detector reads what a live monitor would have had: at each grid time ``g``
every channel holds its last value at or before ``g`` (report-on-change channels
are held, as in :func:`hullwatch.analysis.gasmass.hold_on_grid`), hatch channels
give the compartments (a hatch without data is open, formats.md section 1), and
each compartment's gas mass is

.. math::

    m = \\frac{P}{R} \\sum_i \\frac{V_i}{T_i}

as in :mod:`hullwatch.analysis.gasmass`.  Grid times are multiples of ``grid_s``
since the Unix epoch, so a file read at once (:func:`grid_samples`) and the same
rows read one by one (:class:`StreamAssembler`) give the same samples.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hullwatch.analysis.gasmass import hold_on_grid
from hullwatch.errors import InputError
from hullwatch.habitat import Compartment, Habitat
from hullwatch.physics.gas import CABIN_AIR, Gas
from hullwatch.telemetry import Telemetry
from hullwatch.units import ZERO_CELSIUS_K

FloatArray = npt.NDArray[np.float64]

#: Gas temperature of a compartment without a temperature channel: the middle of the
#: ISS crew setpoint range, 19-23 degC (iss-facts.md), as the events use. [K]
ASSUMED_TEMPERATURE_K = ZERO_CELSIUS_K + 22.0


@dataclass(frozen=True)
class Snapshot:
    """Every compartment at one grid time.

    Attributes
    ----------
    time : numpy.datetime64
        Grid time (UTC).
    samples : list of GasSample
        One per compartment with a pressure value.
    stale : bool
        The grid time lies in a loss of signal (masses are NaN).
    closed_hatches : frozenset of str
        Hatches whose channel reads closed.
    """

    time: np.datetime64
    samples: list[GasSample]
    stale: bool
    closed_hatches: frozenset[str]


@dataclass(frozen=True)
class GasSample:
    """The gas in one compartment at one grid time.

    Attributes
    ----------
    time : numpy.datetime64
        Grid time, UTC (datetime64[ns]); only samples at or before it were used.
    compartment : tuple of str
        Its modules.
    mass_kg : float
        Gas mass; NaN when the data is stale (loss of signal). [kg]
    pressure_pa : float
        Compartment pressure (mean of its pressure channels). [Pa]
    temperature_k : float
        Effective temperature ``V / sum(V_i / T_i)``. [K]
    volume_m3 : float
        Free volume. [m^3]
    temperature_assumed : bool
        No temperature channel: :data:`ASSUMED_TEMPERATURE_K` was used.
    """

    time: np.datetime64
    compartment: Compartment
    mass_kg: float
    pressure_pa: float
    temperature_k: float
    volume_m3: float
    temperature_assumed: bool = False


class SnapshotBuilder:
    """Turns the channel values held at one grid time into one :class:`GasSample` per compartment.

    Parameters
    ----------
    habitat : Habitat
        Modules, hatches and channels.
    gas : Gas
        The cabin gas (its gas constant turns ``P V / T`` into mass).
    """

    def __init__(self, habitat: Habitat, gas: Gas = CABIN_AIR) -> None:
        self.habitat = habitat
        self.gas = gas
        self.pressure_ids = {
            m: [c.id for c in habitat.channels_for(m, "pressure")] for m in habitat.module_names
        }
        self.temperature_ids = {
            m: [c.id for c in habitat.channels_for(m, "temperature")] for m in habitat.module_names
        }
        self.hatch_of_channel = {c.id: h for h, c in habitat.hatch_channels().items()}
        self.channel_ids = sorted(
            {c for ids in self.pressure_ids.values() for c in ids}
            | {c for ids in self.temperature_ids.values() for c in ids}
            | set(self.hatch_of_channel)
        )
        self.volumes = {m: habitat.module(m).volume_m3 for m in habitat.module_names}
        self._compartments: dict[frozenset[str], list[Compartment]] = {}

    def compartments(self, closed: frozenset[str]) -> list[Compartment]:
        """Compartments when the hatches ``closed`` are closed and every other is open."""
        if closed not in self._compartments:
            open_hatches = set(self.habitat.hatch_names) - closed
            self._compartments[closed] = list(self.habitat.compartments(open_hatches))
        return self._compartments[closed]

    def closed_hatches(self, values: dict[str, float]) -> frozenset[str]:
        """Hatches whose channel reads closed (below 0.5)."""
        return frozenset(
            hatch
            for channel, hatch in self.hatch_of_channel.items()
            if channel in values and values[channel] < 0.5
        )

    def snapshot(self, time: np.datetime64, values: dict[str, float], stale: bool) -> Snapshot:
        """Every compartment at ``time`` (see :meth:`samples`)."""
        closed = self.closed_hatches(values)
        return Snapshot(time, self.samples(time, values, stale, closed), stale, closed)

    def samples(
        self,
        time: np.datetime64,
        values: dict[str, float],
        stale: bool = False,
        closed: frozenset[str] | None = None,
    ) -> list[GasSample]:
        """One sample per compartment with a pressure value at ``time``.

        Parameters
        ----------
        time : numpy.datetime64
            The grid time.
        values : dict
            Channel id -> value held at ``time`` (SI).
        stale : bool
            No row arrived for too long (loss of signal): masses are NaN.
        closed : frozenset of str, optional
            Closed hatches, if already known.
        """
        out: list[GasSample] = []
        if closed is None:
            closed = self.closed_hatches(values)
        r_gas = self.gas.gas_constant_j_per_kg_k
        for compartment in self.compartments(closed):
            pressures = [
                values[c] for m in compartment for c in self.pressure_ids[m] if c in values
            ]
            if not pressures:
                continue
            pressure = sum(pressures) / len(pressures)
            temps: dict[str, float] = {}
            for m in compartment:
                readings = [values[c] for c in self.temperature_ids[m] if c in values]
                if readings:
                    temps[m] = sum(readings) / len(readings)
            assumed = not temps
            mean_t = sum(temps.values()) / len(temps) if temps else ASSUMED_TEMPERATURE_K
            volume = 0.0
            v_over_t = 0.0
            for m in compartment:
                v = self.volumes[m]
                volume += v
                v_over_t += v / temps.get(m, mean_t)
            mass = pressure * v_over_t / r_gas
            out.append(
                GasSample(
                    time,
                    compartment,
                    float("nan") if stale else mass,
                    pressure,
                    volume / v_over_t,
                    volume,
                    assumed,
                )
            )
        return out


def _grid_ns(grid_s: float) -> int:
    step = round(grid_s * 1e9)
    if step <= 0:
        raise InputError("the grid step must be positive", field="grid_s")
    return step


def grid_samples(
    telemetry: Telemetry,
    habitat: Habitat,
    *,
    grid_s: float = 60.0,
    stale_s: float = 600.0,
    gas: Gas = CABIN_AIR,
) -> Iterator[Snapshot]:
    """Gas samples of every compartment at every grid time of ``telemetry``, in time order.

    Parameters
    ----------
    telemetry : Telemetry
        Samples in SI.
    habitat : Habitat
        The habitat.
    grid_s : float
        Grid spacing. [s]
    stale_s : float
        A grid time more than this after the last row of any channel is in a loss of
        signal: its masses are NaN. [s]
    gas : Gas
        The cabin gas.

    Yields
    ------
    Snapshot
    """
    builder = SnapshotBuilder(habitat, gas)
    present = [c for c in builder.channel_ids if c in set(telemetry.channels())]
    if not present:
        return
    step = _grid_ns(grid_s)
    first, last = (int(t.astype(np.int64)) for t in telemetry.span())
    grid = np.arange(-(-first // step) * step, last + 1, step, dtype=np.int64)
    if grid.size == 0:
        return
    grid_t = grid.astype("datetime64[ns]")
    held = [(c, hold_on_grid(*telemetry.channel(c), grid_t).tolist()) for c in present]
    every = np.unique(
        np.concatenate([telemetry.channel(c)[0].astype(np.int64) for c in telemetry.channels()])
    )
    index = np.searchsorted(every, grid, side="right") - 1
    stale = (grid - every[np.maximum(index, 0)]) > stale_s * 1e9
    for k, time in enumerate(grid_t):
        values = {c: v[k] for c, v in held if v[k] == v[k]}  # NaN: no value yet
        yield builder.snapshot(time, values, bool(stale[k]))


class StreamAssembler:
    """The same grid samples as :func:`grid_samples`, from rows arriving one by one.

    Memory is bounded: one value per channel.

    Parameters
    ----------
    habitat : Habitat
        The habitat.
    grid_s : float
        Grid spacing. [s]
    stale_s : float
        Loss-of-signal limit (see :func:`grid_samples`). [s]
    gas : Gas
        The cabin gas.
    """

    def __init__(
        self,
        habitat: Habitat,
        *,
        grid_s: float = 60.0,
        stale_s: float = 600.0,
        gas: Gas = CABIN_AIR,
    ) -> None:
        self.builder = SnapshotBuilder(habitat, gas)
        self.known = set(self.builder.channel_ids)
        self.step = _grid_ns(grid_s)
        self.stale_ns = stale_s * 1e9
        self.values: dict[str, float] = {}
        self.last_row_ns: int | None = None
        self.next_grid: int | None = None

    def _emit_until(self, limit_ns: int) -> list[Snapshot]:
        out: list[Snapshot] = []
        assert self.next_grid is not None and self.last_row_ns is not None
        while self.next_grid <= limit_ns:
            time = np.datetime64(self.next_grid, "ns")
            stale = (self.next_grid - self.last_row_ns) > self.stale_ns
            if self.values:
                out.append(self.builder.snapshot(time, dict(self.values), stale))
            self.next_grid += self.step
        return out

    def push(
        self, time_ns: int, channel: str, value: float, *, source: str = "<stream>", line: int = 0
    ) -> list[Snapshot]:
        """Take one row (time in ns since the epoch, UTC); return the grid times it completes.

        Raises
        ------
        InputError
            If the row is earlier than the previous one (a live feed is in time order).
        """
        if self.last_row_ns is not None and time_ns < self.last_row_ns:
            raise InputError(
                "rows must be in time order for a live feed", source=source, line=line, field="time"
            )
        out: list[Snapshot] = []
        if self.next_grid is None:
            self.next_grid = -(-time_ns // self.step) * self.step
        else:
            out = self._emit_until(time_ns - 1)
        self.last_row_ns = time_ns
        if channel in self.known and np.isfinite(value):
            self.values[channel] = float(value)
        return out

    def flush(self) -> list[Snapshot]:
        """At the end of input: the grid times up to the last row."""
        if self.last_row_ns is None:
            return []
        return self._emit_until(self.last_row_ns)
