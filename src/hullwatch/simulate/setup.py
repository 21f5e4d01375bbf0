"""Turn a scenario and a habitat into the arrays the kernel steps (all SI)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from hullwatch.errors import InputError
from hullwatch.habitat import Habitat, load_habitat
from hullwatch.physics.gas import (
    AIR,
    MOLAR_MASS_KG_PER_MOL,
    Gas,
    cabin_gas,
    specific_gas_constant,
)
from hullwatch.physics.leakflow import LeakModel, leak_model
from hullwatch.simulate.kernel import TRANSFER_MASS_RATE, TRANSFER_VOLUMETRIC
from hullwatch.simulate.scenario import Scenario
from hullwatch.simulate.timeparse import parse_duration_s, parse_instant, parse_time_s
from hullwatch.units import (
    MMHG_PA,
    SECONDS_PER_DAY,
    SECONDS_PER_HOUR,
    SECONDS_PER_MINUTE,
    STANDARD_ATMOSPHERE_PA,
    ZERO_CELSIUS_K,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Species tracked, in kernel order.
SPECIES = ("N2", "O2", "CO2")
SPECIES_GAS_CONSTANT = np.array([specific_gas_constant(MOLAR_MASS_KG_PER_MOL[s]) for s in SPECIES])
#: Mass fractions of tank gas by name (air: N2/O2 by mass, CO2-free).
TANK_COMPOSITION = {
    "air": np.array([0.767, 0.233, 0.0]),
    "O2": np.array([0.0, 1.0, 0.0]),
    "N2": np.array([1.0, 0.0, 0.0]),
}


@dataclass(frozen=True)
class LeakSetup:
    name: str
    module: str
    to: str
    model: LeakModel
    onset_s: float
    end_s: float
    growth_per_s: float


@dataclass(frozen=True)
class TransferSetup:
    """A repress (mass rate), a band hold (controlled repress) or a depress (pump)."""

    kind: str  # "repress" | "hold" | "depress"
    source: int  # module index, -1 for a tank or vacuum
    destination: int
    mode: int  # TRANSFER_MASS_RATE or TRANSFER_VOLUMETRIC
    rate: float  # [kg/s] or [m^3/s]
    composition: FloatArray
    start_s: float
    end_s: float
    low_pa: float  # -1 when not controlled
    high_pa: float  # band top, or the pump's stop pressure


@dataclass(frozen=True)
class SimulationSetup:
    """Everything the engine needs, in SI and module/hatch indices."""

    habitat: Habitat
    scenario: Scenario
    start: np.datetime64
    duration_s: float
    dt_s: float
    volume_m3: FloatArray
    initial_pressure_pa: FloatArray
    g_open: FloatArray
    g_seal: FloatArray
    hatch_a: IntArray
    hatch_b: IntArray
    hatch_events: list[tuple[float, int, bool]]  # (time_s, hatch index, open)
    leaks: list[LeakSetup]
    transfers: list[TransferSetup]
    ventilation_m3_per_s: float
    source_rate: FloatArray  # [module, species] kg/s
    co2_removal_per_s: FloatArray
    substeps: int


def _module_index(habitat: Habitat, name: str, field: str) -> int:
    if name not in habitat.module_names:
        raise InputError(
            f"unknown module {name!r}; modules: {', '.join(habitat.module_names)}", field=field
        )
    return habitat.module_names.index(name)


def build_setup(scenario: Scenario, habitat: Habitat | None = None) -> SimulationSetup:
    """Validate a scenario against its habitat and convert it to SI arrays.

    Raises
    ------
    InputError
        For a scenario entry that names an unknown module or hatch, or contradicts itself.
    """
    sim = scenario.simulation
    if habitat is None:
        hab_ref = sim.habitat
        if hab_ref is not None and hab_ref != "iss" and not Path(hab_ref).is_absolute():
            hab_ref = str(Path(scenario.base_dir) / hab_ref)
        habitat = load_habitat(hab_ref)
    start = parse_instant(sim.start, "simulation.start")
    duration_s = parse_duration_s(sim.duration, "simulation.duration")
    if duration_s <= 0:
        raise InputError("must be positive", field="simulation.duration")
    dt = sim.output_interval_s
    names = habitat.module_names
    volume = np.array([m.volume_m3 for m in habitat.modules])

    init = scenario.initial
    pressure0 = np.full(len(names), init.pressure_mmHg * MMHG_PA)
    for name, overrides in init.modules.items():
        i = _module_index(habitat, name, f"initial.modules.{name}")
        pressure0[i] = overrides.get("pressure_mmHg", init.pressure_mmHg) * MMHG_PA
    if init.ppO2_mmHg + init.ppCO2_mmHg >= init.pressure_mmHg:
        raise InputError("ppO2 + ppCO2 must be below the total pressure", field="initial")

    hatch_index = {h: k for k, h in enumerate(habitat.hatch_names)}
    hatch_a = np.array([names.index(h.between[0]) for h in habitat.hatches], dtype=np.int64)
    hatch_b = np.array([names.index(h.between[1]) for h in habitat.hatches], dtype=np.int64)
    # Open hatches (with their equalization valves) pass gas linearly; size the
    # conductance so two modules equalize with the stated time constant.
    rt = AIR.gas_constant_j_per_kg_k * (scenario.thermal.setpoint_degC + ZERO_CELSIUS_K)
    g_open = 1.0 / (
        sim.hatch_equalization_time_s * rt * (1 / volume[hatch_a] + 1 / volume[hatch_b])
    )
    g_seal = np.array([h.seal_conductance_kg_per_s_pa for h in habitat.hatches])

    events = []
    for k, ev in enumerate(scenario.hatch_events):
        field = f"hatch_events[{k}]"
        if ev.hatch not in hatch_index:
            raise InputError(
                f"unknown hatch {ev.hatch!r}; hatches: {', '.join(habitat.hatch_names)}",
                field=field,
            )
        events.append(
            (parse_time_s(ev.time, start, field), hatch_index[ev.hatch], ev.state == "open")
        )
    events.sort()

    leaks = [_leak_setup(scenario, habitat, k, start) for k in range(len(scenario.leaks))]
    transfers = _transfers(scenario, habitat, start, duration_s)
    source_rate, co2_k = _crew_sources(scenario, habitat)

    # Heun is stable for h * lambda <= 2; keep h * lambda <= 1 with lambda bounded above
    # (Gershgorin) by twice the largest row sum, so the true fast modes sit at <= 1.
    row = np.zeros(len(names))
    vent = sim.hatch_ventilation_m3_per_s
    np.add.at(row, hatch_a, np.maximum(g_open, g_seal) * rt + vent)
    np.add.at(row, hatch_b, np.maximum(g_open, g_seal) * rt + vent)
    lam = 2.0 * float(np.max(row / volume))
    substeps = max(1, int(np.ceil(dt * lam)))
    return SimulationSetup(
        habitat,
        scenario,
        start,
        duration_s,
        dt,
        volume,
        pressure0,
        g_open,
        g_seal,
        hatch_a,
        hatch_b,
        events,
        leaks,
        transfers,
        vent,
        source_rate,
        co2_k,
        substeps,
    )


def initial_gas(scenario: Scenario) -> Gas:
    """The initial cabin gas (N2/O2/CO2 by the scenario's partial pressures) as a :class:`Gas`."""
    init = scenario.initial
    return cabin_gas(init.pressure_mmHg, init.ppO2_mmHg, init.ppCO2_mmHg)


def _leak_setup(scenario: Scenario, habitat: Habitat, k: int, start: np.datetime64) -> LeakSetup:
    spec = scenario.leaks[k]
    field = f"leaks[{k}]"
    _module_index(habitat, spec.module, field + ".module")
    if spec.to != "vacuum":
        _module_index(habitat, spec.to, field + ".to")
        if spec.to == spec.module:
            raise InputError("a leak cannot flow into its own module", field=field + ".to")
    try:
        model = leak_model(spec.model, **spec.parameters)
    except InputError as exc:
        raise InputError(exc.message, field=field) from None
    rate_kg_day = spec.rate_kg_per_day
    if spec.rate_lb_per_day is not None:
        from hullwatch.units import lb_per_day_to_kg_per_day

        rate_kg_day = lb_per_day_to_kg_per_day(spec.rate_lb_per_day)
    temperature = scenario.thermal.setpoint_degC + ZERO_CELSIUS_K
    if rate_kg_day is not None:
        # The rate sizes the leak as if it vented the initial cabin gas to vacuum
        # at the reference pressure and the temperature setpoint.
        model = model.with_mass_flow(
            rate_kg_day / SECONDS_PER_DAY,
            spec.reference_pressure_mmHg * MMHG_PA,
            0.0,
            temperature,
            initial_gas(scenario),
        )
    elif float(model.mass_flow_kg_per_s(STANDARD_ATMOSPHERE_PA, 0.0, temperature)) <= 0.0:
        raise InputError(
            "give the leak a size: rate_kg_per_day, rate_lb_per_day, or the model's "
            f"{model.size_field}",
            field=field,
        )
    onset = parse_time_s(spec.onset, start, field + ".onset")
    end = parse_time_s(spec.end, start, field + ".end") if spec.end is not None else np.inf
    if end <= onset:
        raise InputError("the leak ends before it starts", field=field)
    return LeakSetup(
        spec.name or f"leak{k + 1}_{spec.module}",
        spec.module,
        spec.to,
        model,
        onset,
        end,
        spec.growth_per_day / SECONDS_PER_DAY,
    )


def _source(habitat: Habitat, source: str, field: str) -> tuple[int, FloatArray]:
    if source in TANK_COMPOSITION:
        return -1, TANK_COMPOSITION[source]
    if source == "tank":
        return -1, TANK_COMPOSITION["air"]
    return _module_index(habitat, source, field), np.zeros(3)


def _transfers(
    scenario: Scenario, habitat: Habitat, start: np.datetime64, duration_s: float
) -> list[TransferSetup]:
    out: list[TransferSetup] = []
    for k, r in enumerate(scenario.repress):
        field = f"repress[{k}]"
        src, comp = _source(habitat, r.source, field + ".source")
        t0 = parse_time_s(r.start, start, field + ".start")
        out.append(
            TransferSetup(
                "repress",
                src,
                _module_index(habitat, r.module, field + ".module"),
                TRANSFER_MASS_RATE,
                r.rate_kg_per_h / SECONDS_PER_HOUR,
                comp,
                t0,
                t0 + parse_duration_s(r.duration, field + ".duration"),
                -1.0,
                -1.0,
            )
        )
    for k, hold in enumerate(scenario.pressure_holds):
        field = f"pressure_holds[{k}]"
        src, comp = _source(habitat, hold.source, field + ".source")
        t0 = parse_time_s(hold.start, start, field + ".start")
        t1 = parse_time_s(hold.end, start, field + ".end") if hold.end is not None else duration_s
        out.append(
            TransferSetup(
                "hold",
                src,
                _module_index(habitat, hold.module, field + ".module"),
                TRANSFER_MASS_RATE,
                hold.rate_kg_per_h / SECONDS_PER_HOUR,
                comp,
                t0,
                t1,
                hold.low_mmHg * MMHG_PA,
                hold.high_mmHg * MMHG_PA,
            )
        )
    for k, d in enumerate(scenario.depress):
        field = f"depress[{k}]"
        dst = -1 if d.to == "vacuum" else _module_index(habitat, d.to, field + ".to")
        t0 = parse_time_s(d.start, start, field + ".start")
        out.append(
            TransferSetup(
                "depress",
                _module_index(habitat, d.module, field + ".module"),
                dst,
                TRANSFER_VOLUMETRIC,
                d.volumetric_flow_m3_per_min / SECONDS_PER_MINUTE,
                np.zeros(3),
                t0,
                t0 + parse_duration_s(d.max_duration, field + ".max_duration"),
                0.0,
                d.until_mmHg * MMHG_PA,
            )
        )
    return out


def _crew_sources(scenario: Scenario, habitat: Habitat) -> tuple[FloatArray, FloatArray]:
    crew = scenario.crew
    n = len(habitat.modules)
    rate = np.zeros((n, len(SPECIES)))
    co2_k = np.zeros(n)
    o2, co2 = SPECIES.index("O2"), SPECIES.index("CO2")
    if crew.count and crew.modules:
        per_module = crew.count / len(crew.modules) / SECONDS_PER_DAY
        for name in crew.modules:
            i = _module_index(habitat, name, "crew.modules")
            rate[i, o2] -= crew.o2_kg_per_person_day * per_module
            rate[i, co2] += crew.co2_kg_per_person_day * per_module
        if crew.o2_generation_module is not None:
            i = _module_index(habitat, crew.o2_generation_module, "crew.o2_generation_module")
            rate[i, o2] += (
                crew.o2_generation_fraction
                * crew.count
                * crew.o2_kg_per_person_day
                / SECONDS_PER_DAY
            )
    for name in crew.co2_removal_modules:
        co2_k[_module_index(habitat, name, "crew.co2_removal_modules")] = 1.0 / (
            crew.co2_removal_time_constant_h * SECONDS_PER_HOUR
        )
    return rate, co2_k
