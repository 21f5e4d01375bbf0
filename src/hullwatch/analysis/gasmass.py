"""Compartment gas mass over time, cut at every change of hatch configuration.

This is the one derived series every analysis reads (docs/architecture):

.. math::

    m(t) = \\frac{P(t)}{R} \\sum_i \\frac{V_i}{T_i(t)}

over the modules ``i`` of the compartment, with ``P`` the compartment pressure
(the mean of its pressure channels: one gas volume at one pressure) and ``T_i``
each module's temperature channel, or the compartment's mean temperature where a
module has none.  Report-on-change channels are held between samples, as a
ground display holds the last value received.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from hullwatch.errors import AnalysisError
from hullwatch.habitat import Compartment, Habitat
from hullwatch.physics.gas import CABIN_AIR, Gas
from hullwatch.telemetry import Telemetry, to_utc_datetime64

FloatArray = npt.NDArray[np.float64]
TimeArray = npt.NDArray[np.datetime64]
#: Temperature series by module, to override the channels (e.g. the true gas
#: temperature, for an oracle baseline): ``{module: (times, kelvin)}``.
TemperatureOverride = Mapping[str, tuple[TimeArray, FloatArray]]


@dataclass(frozen=True)
class GasMassSegment:
    """The gas mass of one compartment under one hatch configuration.

    Attributes
    ----------
    compartment : tuple of str
        Its modules.
    time : ndarray of datetime64[ns]
        The regular grid.
    elapsed_s : ndarray
        Seconds since the segment's start. [s]
    mass_kg : ndarray
        Gas mass; NaN where a channel had no value yet. [kg]
    pressure_pa : ndarray
        Compartment pressure. [Pa]
    temperature_k : ndarray
        Effective temperature ``V / sum(V_i / T_i)``. [K]
    volume_m3 : float
        Free volume. [m^3]
    pressure_channels, temperature_channels : list of str
        Channels used.
    assumptions : list of str
        What was assumed rather than measured.
    """

    compartment: Compartment
    start: np.datetime64
    end: np.datetime64
    time: TimeArray
    elapsed_s: FloatArray
    mass_kg: FloatArray
    pressure_pa: FloatArray
    temperature_k: FloatArray
    volume_m3: float
    pressure_channels: list[str]
    temperature_channels: list[str]
    assumptions: list[str] = field(default_factory=list)

    @property
    def valid(self) -> npt.NDArray[np.bool_]:
        """Grid points with a finite mass."""
        return np.isfinite(self.mass_kg)


def hold_on_grid(times: TimeArray, values: FloatArray, grid: TimeArray) -> FloatArray:
    """Step-hold samples onto ``grid``: each grid point takes the last value at or before it.

    Points before the first sample are NaN.

    Examples
    --------
    >>> t = np.array(["2026-01-01T00:00", "2026-01-01T00:02"], dtype="datetime64[ns]")
    >>> g = np.array(["2026-01-01T00:01", "2026-01-01T00:03"], dtype="datetime64[ns]")
    >>> hold_on_grid(t, np.array([1.0, 2.0]), g).tolist()
    [1.0, 2.0]
    """
    index = np.searchsorted(times, grid, side="right") - 1
    out = np.where(index >= 0, values[np.maximum(index, 0)], np.nan)
    return np.asarray(out, dtype=float)


def _mean_of(series: list[FloatArray], n: int) -> FloatArray:
    if not series:
        return np.full(n, np.nan)
    with np.errstate(invalid="ignore"):
        stacked = np.vstack(series)
        counts = np.isfinite(stacked).sum(axis=0)
        total = np.nansum(stacked, axis=0)
        return np.where(counts > 0, total / np.maximum(counts, 1), np.nan)


def gas_mass_segments(
    telemetry: Telemetry,
    habitat: Habitat,
    module: str,
    start: np.datetime64 | None = None,
    end: np.datetime64 | None = None,
    *,
    grid_s: float = 60.0,
    gas: Gas = CABIN_AIR,
    temperature_override: TemperatureOverride | None = None,
    quantity: str = "pressure",
) -> list[GasMassSegment]:
    """Gas mass of the compartment holding ``module``, one segment per hatch configuration.

    Parameters
    ----------
    telemetry : Telemetry
        Samples in SI.
    habitat : Habitat
        The habitat.
    module : str
        The module whose compartment is wanted.
    start, end : numpy.datetime64, optional
        Window; the telemetry's span by default.
    grid_s : float
        Grid spacing. [s]
    gas : Gas
        The cabin gas (its gas constant converts P V / T to mass).
    temperature_override : mapping, optional
        Module temperatures to use instead of the channels. [K]
    quantity : str
        ``"pressure"`` for the whole gas, or a partial pressure such as ``"ppN2"``
        (with that species as ``gas``) for one species' mass.

    Returns
    -------
    list of GasMassSegment

    Raises
    ------
    AnalysisError
        When the compartment has no pressure channel with data.
    """
    habitat.module(module)
    span_start, span_end = telemetry.span()
    t0 = to_utc_datetime64(span_start if start is None else start)
    t1 = to_utc_datetime64(span_end if end is None else end)
    if not t1 > t0:
        raise AnalysisError(f"the window {t0}..{t1} is empty")
    timeline = telemetry.hatch_timeline(habitat)
    base_assumptions = timeline.assumptions_for(t0)
    segments: list[GasMassSegment] = []
    merged: list[tuple[np.datetime64, np.datetime64, Compartment]] = []
    for config in timeline.configurations(t0, t1):
        compartment = config.compartment_of(module)
        if merged and merged[-1][2] == compartment:
            merged[-1] = (merged[-1][0], config.end, compartment)
        else:
            merged.append((config.start, config.end, compartment))
    present = set(telemetry.channels())
    step = np.timedelta64(round(grid_s * 1e9), "ns")
    for seg_start, seg_end, compartment in merged:
        grid = np.arange(seg_start, seg_end, step)
        if grid.size < 2:
            continue
        segments.append(
            _segment(
                telemetry,
                habitat,
                compartment,
                grid,
                present,
                gas,
                temperature_override,
                list(base_assumptions),
                quantity,
            )
        )
    if not segments:
        raise AnalysisError("the window holds less than two grid points")
    return segments


def _segment(
    telemetry: Telemetry,
    habitat: Habitat,
    compartment: Compartment,
    grid: TimeArray,
    present: set[str],
    gas: Gas,
    override: TemperatureOverride | None,
    assumptions: list[str],
    quantity: str,
) -> GasMassSegment:
    n = grid.size
    pressure_ids = [
        c.id for m in compartment for c in habitat.channels_for(m, quantity) if c.id in present
    ]
    if not pressure_ids:
        raise AnalysisError(
            f"compartment {', '.join(compartment)} has no {quantity} channel with data"
        )
    pressure = _mean_of([hold_on_grid(*telemetry.channel(c), grid) for c in pressure_ids], n)
    module_temps: dict[str, FloatArray] = {}
    temperature_ids: list[str] = []
    for m in compartment:
        if override is not None and m in override:
            module_temps[m] = hold_on_grid(*override[m], grid)
            continue
        ids = [c.id for c in habitat.channels_for(m, "temperature") if c.id in present]
        if ids:
            temperature_ids += ids
            module_temps[m] = _mean_of([hold_on_grid(*telemetry.channel(c), grid) for c in ids], n)
    if not module_temps:
        raise AnalysisError(
            f"compartment {', '.join(compartment)} has no temperature channel with data: "
            "gas mass cannot be temperature-compensated"
        )
    compartment_temp = _mean_of(list(module_temps.values()), n)
    missing = [m for m in compartment if m not in module_temps]
    if missing:
        assumptions.append(
            "modules without a temperature channel take the compartment's mean: "
            + ", ".join(missing)
        )
    volumes = np.array([habitat.module(m).volume_m3 for m in compartment])
    inverse_t = np.vstack([1.0 / module_temps.get(m, compartment_temp) for m in compartment])
    v_over_t = volumes @ inverse_t
    mass = pressure * v_over_t / gas.gas_constant_j_per_kg_k
    elapsed = (grid - grid[0]) / np.timedelta64(1, "s")
    return GasMassSegment(
        compartment,
        grid[0],
        grid[-1],
        grid,
        elapsed.astype(float),
        mass,
        pressure,
        volumes.sum() / v_over_t,
        float(volumes.sum()),
        pressure_ids,
        temperature_ids,
        assumptions,
    )
