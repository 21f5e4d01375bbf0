"""Simulated runs with known events, shared by the event tests (built once per session)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from hullwatch.analysis.gasmass import hold_on_grid
from hullwatch.events import EventsResult, detect_events
from hullwatch.habitat import Habitat
from hullwatch.simulate import SimulationResult, scenario_from_dict, simulate
from hullwatch.telemetry import Telemetry

START = "2026-05-01T00:00:00Z"
PRK_CLOSED = [
    {"time": 0, "hatch": "Zvezda-PrK", "state": "closed"},
    {"time": 0, "hatch": "PrK-Progress", "state": "closed"},
]

#: Two days of the station: the PrK closed at 6 h and reopened at 40 h, a 0.3 kg tank
#: repress of the PrK at 20 h, and an EVA: the crew lock closed at 10 h, pumped to
#: vacuum from 11 h, and repressed from the cabin by opening its hatch at 18 h.
STATION: dict[str, Any] = {
    "simulation": {"duration": "2d", "seed": 1, "start": START},
    "hatch_events": [
        {"time": "6h", "hatch": "Zvezda-PrK", "state": "closed"},
        {"time": "6h", "hatch": "PrK-Progress", "state": "closed"},
        {"time": "10h", "hatch": "Quest_EquipmentLock-Quest_CrewLock", "state": "closed"},
        {"time": "18h", "hatch": "Quest_EquipmentLock-Quest_CrewLock", "state": "open"},
        {"time": "40h", "hatch": "Zvezda-PrK", "state": "open"},
    ],
    "leaks": [{"module": "PrK", "model": "orifice", "rate_lb_per_day": 1.0}],
    "repress": [{"module": "PrK", "start": "20h", "duration": "15min", "rate_kg_per_h": 1.2}],
    "depress": [{"module": "Quest_CrewLock", "start": "11h", "to": "vacuum", "until_mmHg": 2.0}],
}


def at(text: str) -> np.datetime64:
    """A UTC instant as ``datetime64[ns]``."""
    return np.datetime64(text.rstrip("Z"), "ns")


def minutes(delta: np.timedelta64) -> float:
    """A time difference in minutes."""
    return float(delta / np.timedelta64(1, "s")) / 60.0


def true_mass_kg(result: SimulationResult, module: str, time: np.datetime64) -> float:
    """The simulator's true gas mass of one module at a time (linear between records). [kg]"""
    rows = result.truth_series[result.truth_series.module == module]
    times = rows.time.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]").astype(np.int64)
    return float(
        np.interp(np.int64(time.astype("datetime64[ns]").astype(np.int64)), times, rows.gas_mass_kg)
    )


def true_pressure_pa(result: SimulationResult, module: str, time: np.datetime64) -> float:
    """The simulator's true pressure of one module at a time. [Pa]"""
    rows = result.truth_series[result.truth_series.module == module]
    times = rows.time.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]").astype(np.int64)
    return float(
        np.interp(np.int64(time.astype("datetime64[ns]").astype(np.int64)), times, rows.pressure_pa)
    )


def true_leak_rate(result: SimulationResult, start: np.datetime64, end: np.datetime64) -> float:
    """Mass lost by every leak from ``start`` to ``end``, per day. [kg/day]"""
    total = 0.0
    for leak in result.truth["leaks"]:
        hours = np.array([at(t) for t in leak["hourly"]["time"]]).astype(np.int64).astype(float)
        cumulative = np.array(leak["hourly"]["cumulative_kg"])
        lo, hi = np.interp(
            [float(start.astype(np.int64)), float(end.astype(np.int64))], hours, cumulative
        )
        total += hi - lo
    return total / ((end - start) / np.timedelta64(1, "D"))


def without_hatch_channels(telemetry: Telemetry, habitat: Habitat) -> Telemetry:
    """The same samples with every hatch channel removed."""
    hatch_ids = [c.id for c in habitat.channels if c.quantity == "hatch"]
    samples = telemetry.samples[~telemetry.samples.channel.isin(hatch_ids)]
    return Telemetry(samples.reset_index(drop=True), "<no hatch channels>")


def with_thermal_step(
    telemetry: Telemetry,
    habitat: Habitat,
    module: str,
    when: str,
    delta_k: float,
    *,
    ramp_s: float = 300.0,
    pressure_follows: bool = True,
) -> Telemetry:
    """Add a temperature step to a module, and (by default) the pressure step it makes.

    The temperature channel rises by ``delta_k`` over ``ramp_s`` from ``when``; with
    ``pressure_follows`` the pressure channel is scaled by ``(T + dT) / T`` so that
    the gas mass is unchanged, as for a real change of gas temperature.  Without it,
    only the sensor moved.
    """
    p_id = habitat.channels_for(module, "pressure")[0].id
    t_id = habitat.channels_for(module, "temperature")[0].id
    t0 = at(when)
    extra = np.arange(
        t0 - np.timedelta64(10, "m"), t0 + np.timedelta64(30, "m"), np.timedelta64(30, "s")
    )

    def ramp(times: np.ndarray) -> np.ndarray:
        return delta_k * np.clip((times - t0) / np.timedelta64(1, "s") / ramp_s, 0.0, 1.0)

    t_times, t_values = telemetry.channel(t_id)
    p_times, p_values = telemetry.channel(p_id)
    tt = np.union1d(t_times, extra)
    pt = np.union1d(p_times, extra)
    kelvin = hold_on_grid(t_times, t_values, tt) + ramp(tt)
    pascal = hold_on_grid(p_times, p_values, pt)
    if pressure_follows:
        sensed = hold_on_grid(t_times, t_values, pt)
        pascal = pascal * (sensed + ramp(pt)) / sensed
    rest = telemetry.samples[~telemetry.samples.channel.isin([p_id, t_id])]
    frames = [
        rest,
        pd.DataFrame(
            {"time": pd.DatetimeIndex(tt).tz_localize("UTC"), "channel": t_id, "value": kelvin}
        ),
        pd.DataFrame(
            {"time": pd.DatetimeIndex(pt).tz_localize("UTC"), "channel": p_id, "value": pascal}
        ),
    ]
    samples = pd.concat(frames, ignore_index=True)
    samples = samples.sort_values(["channel", "time"], kind="stable", ignore_index=True)
    samples["channel"] = np.asarray(samples["channel"], dtype=object).astype(str)
    return Telemetry(samples, "<thermal step>")


def run(doc: dict[str, Any]) -> SimulationResult:
    """Simulate a scenario document."""
    return simulate(scenario_from_dict(doc))


@pytest.fixture(scope="session")
def station() -> SimulationResult:
    """The two-day station run with hatch channels (see :data:`STATION`)."""
    return run(STATION)


@pytest.fixture(scope="session")
def station_events(station: SimulationResult) -> EventsResult:
    """Events of the station run, hatches from their channels."""
    return detect_events(station.to_telemetry(), station.habitat)


@pytest.fixture(scope="session")
def inferred_events(station: SimulationResult) -> EventsResult:
    """Events of the station run with every hatch channel removed."""
    telemetry = without_hatch_channels(station.to_telemetry(), station.habitat)
    return detect_events(telemetry, station.habitat)


@pytest.fixture(scope="session")
def prk_day() -> SimulationResult:
    """One day of an isolated PrK with a 1 lb/day leak and nothing else."""
    return run(
        {
            "simulation": {"duration": "1d", "seed": 2, "start": START},
            "hatch_events": PRK_CLOSED,
            "leaks": [{"module": "PrK", "model": "orifice", "rate_lb_per_day": 1.0}],
        }
    )
