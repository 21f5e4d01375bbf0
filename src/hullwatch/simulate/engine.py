"""The multi-compartment simulator: scenario in, telemetry and ground truth out.

The engine walks the output grid in chunks (one day by default), so memory stays
bounded for year-long runs: per chunk it draws temperatures, builds the hatch and
leak schedules vectorized, lets the compiled kernel step the gas, and turns the
true state into sensor reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from hullwatch.habitat import Channel, Habitat
from hullwatch.simulate import kernel
from hullwatch.simulate.scenario import Scenario, SensorSpec
from hullwatch.simulate.sensors import Sensor, draw_loss_of_signal, loss_of_signal_mask
from hullwatch.simulate.setup import (
    SPECIES,
    SPECIES_GAS_CONSTANT,
    SimulationSetup,
    build_setup,
)
from hullwatch.simulate.thermal import ThermalModel
from hullwatch.simulate.truth import TruthRecorder
from hullwatch.telemetry import Telemetry, assemble
from hullwatch.units import MMHG_PA, SECONDS_PER_DAY, from_si

FloatArray = npt.NDArray[np.float64]

#: Display unit of each sensor family; noise and quantum in a scenario are in these.
_DISPLAY_SCALE_SI = {"pressure": MMHG_PA, "temperature": 1.0, "partial_pressure": MMHG_PA}


@dataclass
class SimulationResult:
    """What a simulation produced.

    Attributes
    ----------
    habitat : Habitat
    telemetry : pandas.DataFrame
        Long form ``time, channel, value``: values in each channel's file unit,
        exactly what would be written to ``telemetry.csv``.
    truth : dict
        JSON-safe ground truth (leaks, represses, depresses, hatch events).
    truth_series : pandas.DataFrame
        Per module, every ``truth_interval_s``: ``time, module, pressure_pa,
        gas_mass_kg, gas_temperature_k, sensed_temperature_k``.
    """

    habitat: Habitat
    telemetry: pd.DataFrame
    truth: dict[str, Any]
    truth_series: pd.DataFrame
    setup: SimulationSetup = field(repr=False)

    def to_telemetry(self) -> Telemetry:
        """The telemetry as the I/O layer would read it from the written file (SI)."""
        frame = self.telemetry
        return assemble(
            pd.DatetimeIndex(frame.time).asi8,
            frame.channel.cat.codes.to_numpy(),
            list(frame.channel.cat.categories),
            frame.value.to_numpy(dtype=float),
            self.habitat,
            "<simulation>",
        )

    def true_gas_temperature(self) -> dict[str, tuple[npt.NDArray[np.datetime64], FloatArray]]:
        """True gas temperature of every module ``{module: (times, K)}``, for oracle baselines."""
        out = {}
        for module, rows in self.truth_series.groupby("module", observed=True):
            times = rows.time.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
            out[str(module)] = (times, rows.gas_temperature_k.to_numpy(dtype=float))
        return out


def _sensor_family(quantity: str) -> str | None:
    if quantity in ("pressure", "temperature"):
        return quantity
    if quantity.startswith("pp"):
        return "partial_pressure"
    return None


def simulate(
    scenario: Scenario,
    habitat: Habitat | None = None,
    *,
    chunk_s: float = SECONDS_PER_DAY,
    truth_interval_s: float = 60.0,
    progress: Callable[[float], None] | None = None,
) -> SimulationResult:
    """Run a scenario.

    Parameters
    ----------
    scenario : Scenario
        What to simulate.
    habitat : Habitat, optional
        Overrides the scenario's habitat.
    chunk_s : float
        Length of one chunk of the output grid. [s]
    truth_interval_s : float
        Spacing of ``truth_series``. [s]
    progress : callable, optional
        Called with the fraction done after each chunk.

    Returns
    -------
    SimulationResult
    """
    setup = build_setup(scenario, habitat)
    hab = setup.habitat
    rng = np.random.default_rng(scenario.simulation.seed)
    dt = setup.dt_s
    n_total = int(np.floor(setup.duration_s / dt)) + 1
    n_mod = len(hab.modules)
    thermal = ThermalModel(scenario.thermal, n_mod, dt, rng)
    sensors = scenario.sensors
    gaps = draw_loss_of_signal(
        setup.duration_s,
        sensors.loss_of_signal.per_day,
        sensors.loss_of_signal.mean_duration_min,
        rng,
    )
    channels: list[tuple[Channel, Sensor]] = []
    for ch in hab.channels:
        family = _sensor_family(ch.quantity)
        # Discrete channels (hatch, pump status) are exact and sent on change.
        spec = getattr(sensors, family) if family is not None else SensorSpec()
        scale = _DISPLAY_SCALE_SI[family] if family is not None else 1.0
        channels.append((ch, Sensor(spec, scale, dt, rng)))

    r_sp = SPECIES_GAS_CONSTANT
    init = scenario.initial
    mole_fraction = (
        np.array(
            [init.pressure_mmHg - init.ppO2_mmHg - init.ppCO2_mmHg, init.ppO2_mmHg, init.ppCO2_mmHg]
        )
        / init.pressure_mmHg
    )
    m = np.zeros((n_mod, len(SPECIES)))  # set from the first temperatures below
    truth = TruthRecorder(setup, truth_interval_s)

    leak_coef = np.array([lk.model.kernel_coefficients() for lk in setup.leaks]).reshape(-1, 5)
    leak_src = np.array([hab.module_names.index(lk.module) for lk in setup.leaks], dtype=np.int64)
    leak_dst = np.array(
        [-1 if lk.to == "vacuum" else hab.module_names.index(lk.to) for lk in setup.leaks],
        dtype=np.int64,
    )
    trs = setup.transfers
    tr_arrays = dict(
        tr_src=np.array([t.source for t in trs], dtype=np.int64),
        tr_dst=np.array([t.destination for t in trs], dtype=np.int64),
        tr_kind=np.array([t.mode for t in trs], dtype=np.int64),
        tr_rate=np.array([t.rate for t in trs], dtype=float),
        tr_comp=np.array([t.composition for t in trs], dtype=float).reshape(-1, len(SPECIES)),
        tr_low=np.array([t.low_pa for t in trs], dtype=float),
        tr_high=np.array([t.high_pa for t in trs], dtype=float),
    )
    tr_state = np.zeros(len(trs), dtype=np.bool_)
    leak_cum = np.zeros(len(setup.leaks))
    tr_cum = np.zeros(len(trs))
    co2_index = SPECIES.index("CO2")

    reports: list[tuple[npt.NDArray[np.int32], FloatArray, FloatArray]] = []
    steps_per_chunk = max(1, round(chunk_s / dt))
    for first in range(0, n_total, steps_per_chunk):
        n = min(steps_per_chunk, n_total - first)
        time_s = np.arange(first, first + n, dtype=np.float64) * dt
        sensed, gas = thermal.chunk(time_s)
        if first == 0:
            m[:] = (
                setup.initial_pressure_pa[:, None]
                * mole_fraction[None, :]
                * setup.volume_m3[:, None]
                / (r_sp[None, :] * gas[0][:, None])
            )
        hatch_open = _hatch_states(setup, time_s)
        leak_scale = _leak_scales(setup, time_s)
        tr_window = (
            np.stack([(time_s >= t.start_s) & (time_s < t.end_s) for t in trs], axis=1)
            if trs
            else np.zeros((n, 0), dtype=np.bool_)
        )
        pressure = np.empty((n, n_mod))
        species = np.empty((n, n_mod, len(SPECIES)))
        leak_cum_out = np.empty((n, len(setup.leaks)))
        tr_cum_out = np.empty((n, len(trs)))
        tr_on_out = np.zeros((n, len(trs)), dtype=np.bool_)
        kernel.integrate_chunk(
            m,
            gas,
            dt,
            setup.substeps,
            setup.volume_m3,
            r_sp,
            setup.hatch_a,
            setup.hatch_b,
            hatch_open,
            setup.g_open,
            setup.g_seal,
            setup.ventilation_m3_per_s,
            leak_src,
            leak_dst,
            leak_coef,
            leak_scale,
            setup.source_rate,
            setup.co2_removal_per_s,
            co2_index,
            tr_arrays["tr_src"],
            tr_arrays["tr_dst"],
            tr_arrays["tr_kind"],
            tr_arrays["tr_rate"],
            tr_arrays["tr_comp"],
            tr_window,
            tr_arrays["tr_low"],
            tr_arrays["tr_high"],
            tr_state,
            pressure,
            species,
            leak_cum,
            tr_cum,
            leak_cum_out,
            tr_cum_out,
            tr_on_out,
        )
        truth.record_chunk(
            time_s, pressure, species, sensed, gas, leak_cum_out, tr_cum_out, tr_on_out
        )
        visible = loss_of_signal_mask(time_s, gaps)
        chunk_reports = []
        for code, (ch, sensor) in enumerate(channels):
            true_si = _true_value(
                ch, hab, pressure, species, sensed, gas, hatch_open, tr_on_out, setup
            )
            idx, values = sensor.read(true_si, visible)
            chunk_reports.append((code, time_s[idx], from_si(values, ch.unit)))
        # Sorting each chunk by (time, channel) sorts the whole run: chunks follow in time.
        reports.append(_sorted_chunk(chunk_reports))
        if progress is not None:
            progress(min(1.0, (first + n) / n_total))

    telemetry = _long_frame(reports, [ch.id for ch, _ in channels], setup.start)
    return SimulationResult(hab, telemetry, truth.to_dict(gaps), truth.series_frame(), setup)


def _hatch_states(setup: SimulationSetup, time_s: FloatArray) -> npt.NDArray[np.bool_]:
    """Open/closed state of every hatch at every step (all open before the first event)."""
    state = np.ones((time_s.size, len(setup.hatch_a)), dtype=np.bool_)
    for t_event, hatch, is_open in setup.hatch_events:
        state[time_s >= t_event, hatch] = is_open
    return state


def _leak_scales(setup: SimulationSetup, time_s: FloatArray) -> FloatArray:
    """Flow multiplier of each leak: 0 outside its life, growing linearly inside it."""
    scales = np.zeros((time_s.size, len(setup.leaks)))
    for k, leak in enumerate(setup.leaks):
        alive = (time_s >= leak.onset_s) & (time_s < leak.end_s)
        scales[alive, k] = np.maximum(1.0 + leak.growth_per_s * (time_s[alive] - leak.onset_s), 0.0)
    return scales


def _true_value(ch, hab, pressure, species, sensed, gas, hatch_open, tr_on, setup):  # type: ignore[no-untyped-def]
    """True SI value a channel would measure, at every step of the chunk."""
    if ch.quantity == "hatch":
        return hatch_open[:, hab.hatch_names.index(ch.hatch)].astype(float)
    i = hab.module_names.index(ch.module)
    if ch.quantity == "pressure":
        return pressure[:, i]
    if ch.quantity == "temperature":
        return sensed[:, i]
    if ch.quantity.startswith("pp"):
        s = SPECIES.index(ch.quantity[2:])
        return species[:, i, s] * SPECIES_GAS_CONSTANT[s] * gas[:, i] / setup.volume_m3[i]
    # status: a pump drawing on this module is running
    pumps = [k for k, t in enumerate(setup.transfers) if t.kind == "depress" and t.source == i]
    return tr_on[:, pumps].any(axis=1).astype(float) if pumps else np.zeros(pressure.shape[0])


def _sorted_chunk(
    reports: list[tuple[int, FloatArray, FloatArray]],
) -> tuple[npt.NDArray[np.int32], FloatArray, FloatArray]:
    """One chunk's reports as (channel codes, times [s], values), ordered by time then channel."""
    codes = np.concatenate(
        [np.full(t.size, c, dtype=np.int32) for c, t, _ in reports] + [np.zeros(0, dtype=np.int32)]
    )
    times = np.concatenate([t for _, t, _ in reports] + [np.zeros(0)])
    values = np.concatenate([v for _, _, v in reports] + [np.zeros(0)])
    order = np.lexsort((codes, times))
    return codes[order], times[order], values[order]


def _long_frame(
    reports: list[tuple[npt.NDArray[np.int32], FloatArray, FloatArray]],
    channel_ids: list[str],
    start: np.datetime64,
) -> pd.DataFrame:
    codes = np.concatenate([c for c, _, _ in reports] + [np.zeros(0, dtype=np.int32)])
    times = np.concatenate([t for _, t, _ in reports] + [np.zeros(0)])
    values = np.concatenate([v for _, _, v in reports] + [np.zeros(0)])
    stamp = start + np.round(times * 1e9).astype("timedelta64[ns]")
    return pd.DataFrame(
        {
            "time": pd.DatetimeIndex(stamp, tz="UTC"),
            "channel": pd.Categorical.from_codes(codes, categories=pd.Index(channel_ids)),
            "value": values,
        }
    )
