"""Simulator physics against analytic solutions, conservation and equalization."""

from __future__ import annotations

import numpy as np
import pytest

from hullwatch.habitat import load_habitat
from hullwatch.physics.gas import cabin_gas
from hullwatch.physics.leakflow import PowerLaw, leak_model
from hullwatch.simulate import scenario_from_dict, simulate
from hullwatch.units import MMHG_PA


def _isolated_decay(two_modules, model: str, parameters: dict, quiet) -> tuple:
    doc = quiet(
        simulation={"duration": "4d", "output_interval_s": 60.0},
        hatch_events=[{"time": 0, "hatch": "Big-Tunnel", "state": "closed"}],
        leaks=[{"module": "Tunnel", "model": model, "parameters": parameters}],
    )
    result = simulate(scenario_from_dict(doc), two_modules, truth_interval_s=60.0)
    series = result.truth_series[result.truth_series.module == "Tunnel"]
    t = (series.time - series.time.iloc[0]).dt.total_seconds().to_numpy()
    temperature = float(series.gas_temperature_k.iloc[0])
    return t, series.pressure_pa.to_numpy(), temperature, result


def test_isolated_choked_leak_matches_analytic_tau(two_modules, quiet) -> None:
    area = np.pi * 0.0005**2
    t, p, temperature, _ = _isolated_decay(two_modules, "orifice", {"area_m2": area}, quiet)
    gas = cabin_gas(755.0, 165.0, 2.5)
    tau = leak_model("orifice", area_m2=area).time_constant_s(5.0, temperature, gas)
    fitted_tau = -1.0 / np.polyfit(t, np.log(p), 1)[0]
    assert fitted_tau == pytest.approx(tau, rel=1e-3)
    assert p[-1] / p[0] < 0.5  # the run covers more than one e-folding


def test_isolated_viscous_crack_matches_analytic_decay(two_modules, quiet) -> None:
    t, p, temperature, result = _isolated_decay(
        two_modules, "viscous_crack", {"diameter_m": 6e-5, "length_m": 0.005}, quiet
    )
    gas = cabin_gas(755.0, 165.0, 2.5)
    model = result.setup.leaks[0].model
    expected = model.decay_pressure_pa(t, p[0], 5.0, temperature, gas)
    assert np.max(np.abs(p / expected - 1.0)) < 1e-3
    # A crack slows as pressure falls: the instantaneous time constant grows.
    assert p[0] / (p[0] - p[1]) < p[-2] / (p[-2] - p[-1])


def test_power_law_exponent_two_equals_viscous_form(two_modules, quiet) -> None:
    coefficient = 1e-14
    t, p, temperature, _ = _isolated_decay(
        two_modules, "power_law", {"coefficient": coefficient, "exponent": 2.0}, quiet
    )
    gas = cabin_gas(755.0, 165.0, 2.5)
    expected = PowerLaw(coefficient, 2.0).decay_pressure_pa(t, p[0], 5.0, temperature, gas)
    assert np.max(np.abs(p / expected - 1.0)) < 1e-3


def test_mass_is_conserved_across_hatch_operations(quiet) -> None:
    iss = load_habitat()
    events = []
    for day, hatch in enumerate(["Zvezda-PrK", "Unity-Destiny", "Harmony-Columbus"]):
        events.append({"time": f"{day * 4 + 1}h", "hatch": hatch, "state": "closed"})
        events.append({"time": f"{day * 4 + 3}h", "hatch": hatch, "state": "open"})
    doc = quiet(
        simulation={"duration": "14h"},
        initial={
            "modules": {"PrK": {"pressure_mmHg": 700.0}, "Columbus": {"pressure_mmHg": 770.0}}
        },
        hatch_events=events,
        thermal={"orbital_amplitude_K": 0.5, "module_spread_K": 1.0},
    )
    result = simulate(scenario_from_dict(doc), iss)
    total = result.truth_series.groupby("time", observed=True).gas_mass_kg.sum().to_numpy()
    assert np.max(np.abs(total / total[0] - 1.0)) < 1e-9


def test_hatch_opening_equalizes_with_stated_time_constant(two_modules, quiet) -> None:
    doc = quiet(
        simulation={
            "duration": "20min",
            "output_interval_s": 1.0,
            "hatch_equalization_time_s": 60.0,
            "hatch_ventilation_m3_per_s": 0.0,
        },
        initial={"modules": {"Tunnel": {"pressure_mmHg": 650.0}}},
        hatch_events=[
            {"time": 0, "hatch": "Big-Tunnel", "state": "closed"},
            {"time": "2min", "hatch": "Big-Tunnel", "state": "open"},
        ],
    )
    result = simulate(scenario_from_dict(doc), two_modules, truth_interval_s=1.0)
    wide = result.truth_series.pivot(index="time", columns="module", values="pressure_pa")
    difference = (wide["Big"] - wide["Tunnel"]).to_numpy()
    assert difference[100] == pytest.approx(105 * MMHG_PA, rel=1e-3)  # closed: held apart
    after = difference[120:]
    t = np.arange(after.size)
    fitted_tau = -1.0 / np.polyfit(t[:200], np.log(after[:200]), 1)[0]
    assert fitted_tau == pytest.approx(60.0, rel=0.02)
    assert abs(after[-1]) < 1e-3 * after[0]  # equalized within 18 min: finite, minutes


def test_seal_leak_through_passes_gas_while_closed(quiet) -> None:
    from hullwatch.habitat import Habitat, Hatch, Module

    conductance = 1e-10
    leaky = Habitat(
        "pair",
        (Module("Big", 75.0), Module("Tunnel", 5.0)),
        (Hatch("Big-Tunnel", ("Big", "Tunnel"), conductance),),
    )
    doc = quiet(
        simulation={"duration": "1d", "output_interval_s": 60.0},
        initial={"modules": {"Tunnel": {"pressure_mmHg": 650.0}}},
        hatch_events=[{"time": 0, "hatch": "Big-Tunnel", "state": "closed"}],
    )
    result = simulate(scenario_from_dict(doc), leaky)
    tunnel = result.truth_series[result.truth_series.module == "Tunnel"].gas_mass_kg.to_numpy()
    gain = tunnel[-1] - tunnel[0]
    # Linear seal: dP decays with tau = 1 / (G R T (1/V1 + 1/V2)); gain = G dP0 tau (1 - e^-t/tau).
    rt = cabin_gas(755.0, 165.0, 2.5).gas_constant_j_per_kg_k * 295.15
    tau = 1.0 / (conductance * rt * (1 / 75.0 + 1 / 5.0))
    expected = conductance * 105 * MMHG_PA * tau * (1 - np.exp(-86400 / tau))
    assert gain == pytest.approx(expected, rel=2e-3)


def test_leak_truth_mass_matches_gas_lost(two_modules, quiet) -> None:
    doc = quiet(
        simulation={"duration": "2d", "output_interval_s": 10.0},
        hatch_events=[{"time": 0, "hatch": "Big-Tunnel", "state": "closed"}],
        leaks=[{"module": "Tunnel", "rate_lb_per_day": 1.0, "onset": "12h"}],
    )
    result = simulate(scenario_from_dict(doc), two_modules)
    leak = result.truth["leaks"][0]
    lost = result.truth["initial_gas_mass_kg"] - result.truth["final_gas_mass_kg"]
    assert leak["mass_lost_kg"] == pytest.approx(lost, rel=1e-9)
    # Sized at 760 mmHg to vacuum (choked, so m-dot ∝ P), the tunnel at 755 mmHg
    # leaks at (755/760) lb/day in the first hour after onset, less the hour's own decay.
    cumulative = np.array(leak["hourly"]["cumulative_kg"])
    first_hour_lb_per_day = (cumulative[13] - cumulative[12]) * 24 / 0.45359237
    mass_at_onset = result.truth_series.query("module == 'Tunnel'").gas_mass_kg.iloc[720]
    decay_per_hour = (755 / 760) * 0.45359237 / 24 / mass_at_onset
    hour_mean = (1 - np.exp(-decay_per_hour)) / decay_per_hour
    assert first_hour_lb_per_day == pytest.approx(755 / 760 * hour_mean, rel=2e-4)


def test_pressure_hold_keeps_band_and_books_every_repress(two_modules, quiet) -> None:
    doc = quiet(
        simulation={"duration": "3d", "output_interval_s": 10.0},
        initial={"modules": {"Tunnel": {"pressure_mmHg": 712.0}}},
        hatch_events=[{"time": 0, "hatch": "Big-Tunnel", "state": "closed"}],
        leaks=[{"module": "Tunnel", "rate_lb_per_day": 3.0}],
        pressure_holds=[
            {"module": "Tunnel", "low_mmHg": 700.0, "high_mmHg": 710.0, "rate_kg_per_h": 1.0}
        ],
    )
    result = simulate(scenario_from_dict(doc), two_modules)
    tunnel = result.truth_series[result.truth_series.module == "Tunnel"]
    late = tunnel.pressure_pa.to_numpy()[600:] / MMHG_PA
    assert late.min() > 699.5 and late.max() < 710.5
    represses = result.truth["gas_transfers"]
    assert len(represses) >= 3
    added = sum(r["mass_kg"] for r in represses)
    lost = result.truth["leaks"][0]["mass_lost_kg"]
    change = result.truth["final_gas_mass_kg"] - result.truth["initial_gas_mass_kg"]
    assert change == pytest.approx(added - lost, abs=1e-9 * result.truth["initial_gas_mass_kg"])
    for r in represses:
        hours = (np.datetime64(r["end"][:-1]) - np.datetime64(r["start"][:-1])) / np.timedelta64(
            1, "h"
        )
        assert r["mass_kg"] == pytest.approx(1.0 * hours, rel=1e-6)


def test_eva_depress_pumps_crew_lock_to_its_floor_and_reports_pump_status(quiet) -> None:
    doc = quiet(
        simulation={"duration": "3h", "output_interval_s": 10.0},
        hatch_events=[
            {"time": "10min", "hatch": "Quest_EquipmentLock-Quest_CrewLock", "state": "closed"}
        ],
        depress=[
            {
                "module": "Quest_CrewLock",
                "to": "Unity",
                "start": "20min",
                "volumetric_flow_m3_per_min": 0.3,
                "until_mmHg": 260.0,
            }
        ],
        repress=[
            {
                "module": "Quest_CrewLock",
                "start": "2h",
                "duration": "10min",
                "rate_kg_per_h": 20.0,
                "source": "Unity",
            }
        ],
    )
    result = simulate(scenario_from_dict(doc))
    lock = result.truth_series.query("module == 'Quest_CrewLock'").set_index("time").pressure_pa
    depress = next(t for t in result.truth["gas_transfers"] if t["kind"] == "depress")
    end = np.datetime64(depress["end"][:-1])
    at_end = lock[lock.index.tz_localize(None) >= end].iloc[0] / MMHG_PA
    assert at_end == pytest.approx(260.0, abs=1.0)
    # The pump moved gas into Unity: none was lost overboard.
    total = result.truth_series.groupby("time", observed=True).gas_mass_kg.sum().to_numpy()
    assert np.max(np.abs(total / total[0] - 1.0)) < 1e-9
    pump = result.telemetry[result.telemetry.channel == "AIRLOCK000047"]
    on = pump[pump.value == 1.0].time.iloc[0].tz_localize(None).to_datetime64()
    assert abs((on - np.datetime64(depress["start"][:-1])) / np.timedelta64(1, "s")) <= 10
    repress = next(t for t in result.truth["gas_transfers"] if t["kind"] == "repress")
    assert repress["mass_kg"] == pytest.approx(20.0 / 6, rel=1e-6)


def test_ventilation_mixes_crew_co2_to_the_scrubber(two_modules, quiet) -> None:
    """Cabin fans carry CO2 from where the crew breathes to where it is removed."""
    doc = quiet(
        simulation={
            "duration": "2d",
            "output_interval_s": 60.0,
            "hatch_ventilation_m3_per_s": 0.06,
        },
        crew={
            "count": 2,
            "modules": ["Tunnel"],
            "o2_generation_module": "Tunnel",
            "co2_removal_modules": ["Big"],
            "co2_removal_time_constant_h": 3.0,
        },
    )
    result = simulate(scenario_from_dict(doc), two_modules)
    total = result.truth_series.groupby("time", observed=True).gas_mass_kg.sum().to_numpy()
    # CO2 produced at 2 kg/day is removed at the same rate once mixed: the mass settles.
    late_trend_kg_per_day = np.polyfit(np.arange(1440) / 1440, total[-1440:], 1)[0]
    assert abs(late_trend_kg_per_day) < 0.02


def test_ventilation_between_modules_at_different_temperatures_moves_no_net_gas(
    two_modules, quiet
) -> None:
    """Fans swap equal masses, so open modules sit at one pressure whatever their temperature.

    An equal-volume swap would carry gas from the colder, denser module, which the open
    hatch (sized for 60 s equalization) returns only at a pressure difference: 114 Pa
    (0.86 mmHg) here, before the swap was mass-balanced.  Real ISS telemetry shows Lab
    and airlock pressures 0.25 mmHg apart (a sensor offset) with a standard deviation of
    0.05 mmHg, the two channels' quantization (2019-10-12, docs/scenario.md).
    """
    doc = quiet(
        simulation={
            "duration": "6h",
            "output_interval_s": 60.0,
            "hatch_equalization_time_s": 60.0,
            "hatch_ventilation_m3_per_s": 0.06,
        },
        thermal={"module_spread_K": 3.0},  # seed 0 puts the modules 0.77 K apart
    )
    result = simulate(scenario_from_dict(doc), two_modules)
    wide = result.truth_series.pivot(index="time", columns="module", values="pressure_pa")
    temperature = result.truth_series.pivot(
        index="time", columns="module", values="gas_temperature_k"
    )
    assert abs(temperature["Big"] - temperature["Tunnel"]).min() > 0.5  # the premise
    assert np.max(np.abs(wide["Big"] - wide["Tunnel"]).to_numpy()[10:]) < 0.01  # [Pa]


def test_hatch_change_on_a_chunk_boundary_is_reported(two_modules, quiet) -> None:
    doc = quiet(
        simulation={"duration": "2d", "output_interval_s": 60.0},
        hatch_events=[{"time": "1d", "hatch": "Big-Tunnel", "state": "closed"}],
    )
    from hullwatch.habitat import Channel, Habitat

    with_channel = Habitat(
        two_modules.name,
        two_modules.modules,
        two_modules.hatches,
        (Channel("H", "hatch", "1", hatch="Big-Tunnel"),),
    )
    result = simulate(scenario_from_dict(doc), with_channel, chunk_s=86_400.0)
    hatch = result.telemetry[result.telemetry.channel == "H"]
    assert hatch.value.tolist() == [1.0, 0.0]
    assert str(hatch.time.iloc[1]) == "2026-04-26 00:00:00+00:00"
