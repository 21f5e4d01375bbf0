"""Leak-flow model registry: published decay figures, round trips, ODE agreement, kernel basis.

Sources:
- iss-facts.md "Emergencies": Soyuz MS-09 ~2 mm hole in 916 m^3: a choked orifice gives
  tau ~ 17 d (Cd = 1) to 28 d (Cd = 0.6) (derived); a 6 mm hole: 17-29 h to 520 mmHg
  (derived); reserve time T = tau ln(P_now / P_min), tau = V / (Cd A c*).
- iss-facts.md "The PrK leak": Oct 2020 isolated PrK 733 -> 643 mmHg in about 12 h;
  an exponential fit gives tau ~ 92 h (derived: tau = 12 h / ln(733 / 643)).
- iss-facts.md "Physics": choked air at 295 K is the reference condition; cabin 19-23 degC.
- Analytic: a closed rigid volume V at fixed T leaking m-dot = C P^n to vacuum obeys
  dP/dt = -(C R T / V) P^n.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from hullwatch.errors import InputError
from hullwatch.habitat import load_habitat
from hullwatch.physics import flowlaws
from hullwatch.physics.gas import AIR, Gas
from hullwatch.physics.leakflow import (
    KERNEL_BASIS,
    LEAK_MODELS,
    LeakModel,
    Molecular,
    Orifice,
    PowerLaw,
    ViscousCrack,
    effective_areas_m2,
    leak_model,
    power_law_decay_pressure_pa,
    power_law_time_to_pressure_s,
)
from hullwatch.units import MMHG_PA, SECONDS_PER_DAY, SECONDS_PER_HOUR

T_CABIN = 295.0  # K, the iss-facts reference temperature for the choked-flow figures
P_ATM = 101325.0
STATION_M3 = 916.0  # iss-facts: pressurized volume

# One sized instance of every registered model, several shapes where the model has them.
SIZED: dict[str, LeakModel] = {
    "orifice_cd0.61": leak_model("orifice", area_m2=1e-6),
    "orifice_cd1": leak_model("orifice", area_m2=3e-7, discharge_coefficient=1.0),
    "viscous_crack": leak_model("viscous_crack", diameter_m=4e-5),
    "viscous_crack_long": leak_model("viscous_crack", diameter_m=8e-5, length_m=0.02),
    "molecular": leak_model("molecular", area_m2=2e-8, transmission=0.5),
    "power_law_n0.8": leak_model("power_law", coefficient=1e-9, exponent=0.8),
    "power_law_n1": leak_model("power_law", coefficient=1e-10, exponent=1.0),
    "power_law_n1.5": leak_model("power_law", coefficient=1e-13, exponent=1.5),
    "power_law_n2": leak_model("power_law", coefficient=1e-15, exponent=2.0),
}
# The same, plus every model at its default (zero) size, for resizing.
RESIZABLE: dict[str, LeakModel] = {
    **SIZED,
    **{f"{name}_default": leak_model(name) for name in LEAK_MODELS},
}


def test_fixtures_cover_every_registered_model() -> None:
    assert {type(m) for m in SIZED.values()} == set(LEAK_MODELS.values())
    assert set(LEAK_MODELS) == {"orifice", "viscous_crack", "molecular", "power_law"}
    for name, cls in LEAK_MODELS.items():
        assert cls.name == name


# --- published figures -------------------------------------------------------------------


@pytest.mark.parametrize(("cd", "tau_days"), [(1.0, 17.0), (0.6, 28.0)])
def test_soyuz_ms09_2mm_hole_time_constant(cd: float, tau_days: float) -> None:
    # iss-facts: "tau ~ 17 d (Cd = 1) to 28 d (Cd = 0.6)", printed to 1 d.
    hole = leak_model("orifice", area_m2=np.pi * 0.001**2, discharge_coefficient=cd)
    tau = hole.time_constant_s(STATION_M3, T_CABIN) / SECONDS_PER_DAY
    assert tau == pytest.approx(tau_days, abs=0.5)


def test_time_constant_is_v_over_cd_a_c_star() -> None:
    # iss-facts: tau = V / (Cd A c*), c* = choked mass flux per unit pressure times R T,
    # i.e. c* = sqrt(gamma R T) (2 / (gamma + 1))^((gamma + 1) / (2 (gamma - 1))).
    g, r = AIR.heat_capacity_ratio, AIR.gas_constant_j_per_kg_k
    c_star = np.sqrt(g * r * T_CABIN) * (2 / (g + 1)) ** ((g + 1) / (2 * (g - 1)))
    hole = Orifice(area_m2=np.pi * 0.001**2, discharge_coefficient=0.61)
    expected = STATION_M3 / (0.61 * hole.area_m2 * c_star)
    assert hole.time_constant_s(STATION_M3, T_CABIN) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("cd", "hours"), [(1.0, 17.0), (0.6, 29.0)])
def test_6mm_hole_reaches_520_mmhg_in_17_to_29_hours(cd: float, hours: float) -> None:
    # iss-facts: "6 mm choked gives 17-29 h to 520 mmHg" (Cd 1 to 0.6), printed to 1 h;
    # 760 mmHg nominal start, 520 mmHg the "safe physiological limit".
    hole = leak_model("orifice", area_m2=np.pi * 0.003**2, discharge_coefficient=cd)
    t = hole.time_to_pressure_s(760 * MMHG_PA, 520 * MMHG_PA, STATION_M3, T_CABIN)
    assert t / SECONDS_PER_HOUR == pytest.approx(hours, abs=0.5)
    # Reserve time T = tau ln(P_now / P_min) (iss-facts, ESA).
    tau = hole.time_constant_s(STATION_M3, T_CABIN)
    assert t == pytest.approx(tau * np.log(760 / 520), rel=1e-12)


def test_oct_2020_prk_decay_time_constant_is_92_hours() -> None:
    # iss-facts: 733 -> 643 mmHg in about 12 h; exponential fit tau ~ 92 h (printed to 1 h).
    tau_h = 12.0 / np.log(733.0 / 643.0)
    assert tau_h == pytest.approx(92.0, abs=0.5)
    # A choked hole with that tau in the built-in PrK volume reproduces the observation.
    volume = load_habitat().module("PrK").volume_m3
    unit_hole = Orifice(area_m2=1e-6)
    hole = unit_hole.scaled(unit_hole.time_constant_s(volume, T_CABIN) / (tau_h * 3600.0))
    assert hole.time_constant_s(volume, T_CABIN) == pytest.approx(tau_h * 3600.0, rel=1e-12)
    t = hole.time_to_pressure_s(733 * MMHG_PA, 643 * MMHG_PA, volume, T_CABIN)
    assert t / SECONDS_PER_HOUR == pytest.approx(12.0, rel=1e-12)
    p_12h = hole.decay_pressure_pa(12.0 * SECONDS_PER_HOUR, 733 * MMHG_PA, volume, T_CABIN)
    assert p_12h / MMHG_PA == pytest.approx(643.0, rel=1e-12)


def test_prk_calibration_volume_gives_1_5_kg_per_day() -> None:
    # iss.toml comment: PrK = 5.0 m^3 makes the Oct-2020 decay (tau = 92 h) a leak of
    # 1.5 kg/day at 733 mmHg, matching the Sep-2020 "up to 1.4 kg/day" (iss-facts).
    # Derivation: m-dot = m / tau = P V / (R T tau) at the start of the decay.
    volume = load_habitat().module("PrK").volume_m3
    tau_s = 12.0 / np.log(733.0 / 643.0) * SECONDS_PER_HOUR
    hole = Orifice(area_m2=1e-6)
    hole = hole.scaled(hole.time_constant_s(volume, T_CABIN) / tau_s)
    rate = float(hole.mass_flow_kg_per_s(733 * MMHG_PA, 0.0, T_CABIN)) * SECONDS_PER_DAY
    assert rate == pytest.approx(1.5, abs=0.05)


# --- round trips --------------------------------------------------------------------------

CONDITIONS = [
    (P_ATM, 0.0, 295.0),  # to vacuum
    (733 * MMHG_PA, 0.0, 292.0),  # the PrK in Oct 2020
    (P_ATM, 0.9 * P_ATM, 298.0),  # into a neighbouring module: subcritical
]


@pytest.mark.parametrize("key", sorted(RESIZABLE))
@pytest.mark.parametrize("rate_kg_per_day", [0.2, 1.4, 3.7 * 0.45359237])  # iss-facts rates
@pytest.mark.parametrize(("p_up", "p_down", "temperature"), CONDITIONS)
def test_with_mass_flow_round_trips(
    key: str, rate_kg_per_day: float, p_up: float, p_down: float, temperature: float
) -> None:
    model = RESIZABLE[key]
    rate = rate_kg_per_day / SECONDS_PER_DAY
    resized = model.with_mass_flow(rate, p_up, p_down, temperature)
    assert type(resized) is type(model)
    assert resized.mass_flow_kg_per_s(p_up, p_down, temperature) == pytest.approx(rate, rel=1e-12)
    # Only the size changes: Cd, crack length, transmission and exponent are kept.
    for f in dataclasses.fields(model):
        if f.name != model.size_field:
            assert getattr(resized, f.name) == getattr(model, f.name)


def test_with_mass_flow_uses_the_gas() -> None:
    heavy = Gas(gas_constant_j_per_kg_k=200.0, heat_capacity_ratio=1.3)
    for model in SIZED.values():
        resized = model.with_mass_flow(1e-5, P_ATM, 0.0, 295.0, heavy)
        assert resized.mass_flow_kg_per_s(P_ATM, 0.0, 295.0, heavy) == pytest.approx(
            1e-5, rel=1e-12
        )


@pytest.mark.parametrize("model", list(SIZED.values()), ids=list(SIZED))
@pytest.mark.parametrize("rate", [-1e-6, float("nan"), float("inf")])
def test_with_mass_flow_rejects_negative_or_non_finite_rates(model: LeakModel, rate: float) -> None:
    # A noisy measured rate can come out negative; resizing must say so, not return a
    # negative area or a complex crack diameter.
    with pytest.raises(InputError, match=model.name):
        model.with_mass_flow(rate, P_ATM)


def test_with_mass_flow_zero_rate_gives_zero_size_and_no_flow_raises() -> None:
    assert Orifice(area_m2=1e-6).with_mass_flow(0.0, P_ATM).area_m2 == 0.0
    with pytest.raises(InputError, match="no flow"):
        Orifice(area_m2=1e-6).with_mass_flow(1e-6, P_ATM, P_ATM)
    with pytest.raises(InputError, match="no flow"):
        Orifice(area_m2=1e-6).with_mass_flow(1e-6, 0.5 * P_ATM, P_ATM)


@pytest.mark.parametrize("model", list(SIZED.values()), ids=list(SIZED))
@pytest.mark.parametrize("factor", [0.01, 0.5, 7.0])
def test_scaled_scales_flow_at_every_condition(model: LeakModel, factor: float) -> None:
    big = model.scaled(factor)
    for p_up, p_down, temperature in CONDITIONS:
        assert big.mass_flow_kg_per_s(p_up, p_down, temperature) == pytest.approx(
            factor * model.mass_flow_kg_per_s(p_up, p_down, temperature), rel=1e-12
        )


@pytest.mark.parametrize("rate_kg_per_day", [0.1, 1.0, 3.7 * 0.45359237])
@pytest.mark.parametrize(("p_up", "p_down", "temperature"), CONDITIONS)
def test_effective_areas_rebuild_the_rate(
    rate_kg_per_day: float, p_up: float, p_down: float, temperature: float
) -> None:
    rate = rate_kg_per_day / SECONDS_PER_DAY
    areas = effective_areas_m2(
        rate, p_up, temperature, p_down, discharge_coefficients=(0.6, 0.61, 1.0)
    )
    assert set(areas) == {
        "choked_cd_0.6",
        "choked_cd_0.61",
        "choked_cd_1",
        "viscous_crack",
        "molecular",
    }
    rebuilt: dict[str, LeakModel] = {
        "choked_cd_0.6": leak_model(
            "orifice", area_m2=areas["choked_cd_0.6"], discharge_coefficient=0.6
        ),
        "choked_cd_0.61": leak_model("orifice", area_m2=areas["choked_cd_0.61"]),
        "choked_cd_1": leak_model(
            "orifice", area_m2=areas["choked_cd_1"], discharge_coefficient=1.0
        ),
        # area = pi d^2 / 4 of the capillary, default 5 mm wall.
        "viscous_crack": leak_model(
            "viscous_crack", diameter_m=float(np.sqrt(4 * areas["viscous_crack"] / np.pi))
        ),
        "molecular": leak_model("molecular", area_m2=areas["molecular"]),
    }
    for key, model in rebuilt.items():
        assert model.area_m2 == pytest.approx(areas[key], rel=1e-12)
        assert model.mass_flow_kg_per_s(p_up, p_down, temperature) == pytest.approx(
            rate, rel=1e-10
        ), key
    # Cd A is what the flow fixes: the geometric area scales as 1 / Cd.
    assert areas["choked_cd_0.61"] * 0.61 == pytest.approx(areas["choked_cd_1"], rel=1e-12)


def test_effective_area_of_a_known_hole() -> None:
    # Forward then back: the 2 mm Soyuz MS-09 hole (iss-facts) at Cd = 0.61, 1 atm, 295 K.
    hole = Orifice(area_m2=np.pi * 0.001**2)
    rate = float(hole.mass_flow_kg_per_s(P_ATM, 0.0, T_CABIN))
    areas = effective_areas_m2(rate, P_ATM, T_CABIN)
    assert areas["choked_cd_0.61"] == pytest.approx(np.pi * 0.001**2, rel=1e-12)


def test_effective_areas_reject_a_negative_rate() -> None:
    with pytest.raises(InputError):
        effective_areas_m2(-1e-6, P_ATM, T_CABIN)


def test_area_property() -> None:
    assert Orifice(area_m2=2e-6).area_m2 == 2e-6
    assert Molecular(area_m2=2e-6).area_m2 == 2e-6
    assert ViscousCrack(diameter_m=2e-3).area_m2 == pytest.approx(np.pi * 1e-6, rel=1e-15)
    assert PowerLaw(coefficient=1.0).area_m2 is None


# --- decay against a numerical ODE solution ------------------------------------------------


@pytest.mark.parametrize("key", sorted(SIZED))
def test_decay_pressure_matches_numerical_ode(key: str) -> None:
    model = SIZED[key]
    volume, temperature, p0 = 5.0, 295.0, 733 * MMHG_PA
    r = AIR.gas_constant_j_per_kg_k
    # Integrate the mass balance dm/dt = -m-dot(P), P = m R T / V, over a fall to P0 / 3.
    t_end = model.time_to_pressure_s(p0, p0 / 3, volume, temperature)
    t_eval = np.linspace(0.0, t_end, 41)

    def rhs(_t: float, m: np.ndarray) -> list[float]:
        p = m[0] * r * temperature / volume
        return [-float(model.mass_flow_kg_per_s(p, 0.0, temperature))]

    m0 = p0 * volume / (r * temperature)
    solution = solve_ivp(
        rhs, (0.0, t_end), [m0], method="DOP853", t_eval=t_eval, rtol=1e-10, atol=1e-14 * m0
    )
    assert solution.success
    numerical = solution.y[0] * r * temperature / volume
    analytic = model.decay_pressure_pa(t_eval, p0, volume, temperature)
    np.testing.assert_allclose(analytic, numerical, rtol=1e-8)
    assert analytic[-1] == pytest.approx(p0 / 3, rel=1e-10)


@pytest.mark.parametrize("key", sorted(SIZED))
@pytest.mark.parametrize("fraction", [0.999, 0.9, 520 / 760, 0.3, 0.01])
def test_time_to_pressure_inverts_decay(key: str, fraction: float) -> None:
    model = SIZED[key]
    volume, temperature, p0 = 75.0, 293.0, P_ATM
    t = model.time_to_pressure_s(p0, fraction * p0, volume, temperature)
    assert t > 0
    p = model.decay_pressure_pa(t, p0, volume, temperature)
    assert p == pytest.approx(fraction * p0, rel=1e-9)
    assert model.time_to_pressure_s(p0, p0, volume, temperature) == 0.0


@pytest.mark.parametrize("key", sorted(SIZED))
def test_decay_is_monotone_and_starts_at_p0(key: str) -> None:
    model = SIZED[key]
    t = np.linspace(0.0, 30 * SECONDS_PER_DAY, 200)
    p = model.decay_pressure_pa(t, P_ATM, 75.0, 295.0)
    assert p[0] == pytest.approx(P_ATM, rel=1e-14)
    assert np.all(np.diff(p) <= 0)
    assert np.all(p >= 0)


@pytest.mark.parametrize("end", [P_ATM * 1.01, 0.0, -1.0])
def test_time_to_pressure_rejects_end_outside_zero_to_start(end: float) -> None:
    with pytest.raises(InputError):
        SIZED["orifice_cd1"].time_to_pressure_s(P_ATM, end, 75.0, 295.0)


def test_power_law_solutions_at_the_exponents_of_a_hole_and_a_crack() -> None:
    # n = 1: P = P0 exp(-k t). n = 2: 1/P = 1/P0 + k t.
    k1, k2, p0, t = 1e-6, 1e-11, P_ATM, 3e5
    assert power_law_decay_pressure_pa(t, p0, k1, 1.0) == pytest.approx(
        p0 * np.exp(-k1 * t), rel=1e-14
    )
    assert power_law_decay_pressure_pa(t, p0, k2, 2.0) == pytest.approx(
        1 / (1 / p0 + k2 * t), rel=1e-12
    )
    assert power_law_time_to_pressure_s(p0, p0 / np.e, k1, 1.0) == pytest.approx(1 / k1, rel=1e-14)


def test_time_constant_only_for_exponent_one() -> None:
    volume = 10.0
    for key in ("orifice_cd1", "molecular", "power_law_n1"):
        tau = SIZED[key].time_constant_s(volume, 295.0)
        p = SIZED[key].decay_pressure_pa(tau, P_ATM, volume, 295.0)
        assert p == pytest.approx(P_ATM / np.e, rel=1e-12)
    for key in ("viscous_crack", "power_law_n1.5", "power_law_n2"):
        with pytest.raises(InputError, match="no single time constant"):
            SIZED[key].time_constant_s(volume, 295.0)


@pytest.mark.parametrize("key", sorted(SIZED))
def test_vacuum_power_law_matches_mass_flow_to_vacuum(key: str) -> None:
    model = SIZED[key]
    c, n = model.vacuum_power_law(295.0)
    for p in (1e3, 5e4, P_ATM):
        assert model.mass_flow_kg_per_s(p, 0.0, 295.0) == pytest.approx(c * p**n, rel=1e-12)
    expected_n = {Orifice: 1.0, Molecular: 1.0, ViscousCrack: 2.0}.get(type(model))
    if expected_n is not None:
        assert n == expected_n


# --- kernel basis ---------------------------------------------------------------------------


def _from_kernel_basis(
    coefficients: np.ndarray, p_up: float, p_down: float, temperature: float, gas: Gas
) -> float:
    """Sum the basis laws with the model's weights, as the simulator's kernel does."""
    weights = dict(zip(KERNEL_BASIS, coefficients, strict=True))
    r = gas.gas_constant_j_per_kg_k
    return (
        flowlaws.orifice_mass_flow(
            p_up, p_down, temperature, weights["orifice_cd_area_m2"], r, gas.heat_capacity_ratio
        )
        + flowlaws.viscous_mass_flow(
            p_up,
            p_down,
            temperature,
            weights["viscous_geometry_m3"],
            r,
            gas.viscosity_pa_s(temperature),
        )
        + flowlaws.molecular_mass_flow(p_up, p_down, temperature, weights["molecular_area_m2"], r)
        + flowlaws.power_law_mass_flow(
            p_up, p_down, weights["power_coefficient"], weights["power_exponent"]
        )
    )


def test_kernel_basis_order() -> None:
    assert KERNEL_BASIS == (
        "orifice_cd_area_m2",
        "viscous_geometry_m3",
        "molecular_area_m2",
        "power_coefficient",
        "power_exponent",
    )


@pytest.mark.parametrize("key", sorted(SIZED))
@pytest.mark.parametrize(
    ("p_up", "p_down", "temperature"),
    [*CONDITIONS, (0.3 * P_ATM, P_ATM, 295.0), (P_ATM, P_ATM, 295.0), (500.0, 0.0, 250.0)],
)
def test_kernel_coefficients_reproduce_mass_flow(
    key: str, p_up: float, p_down: float, temperature: float
) -> None:
    model = SIZED[key]
    coefficients = model.kernel_coefficients()
    assert coefficients.shape == (len(KERNEL_BASIS),)
    mixture = Gas(gas_constant_j_per_kg_k=289.0, heat_capacity_ratio=1.4)
    for gas in (AIR, mixture):
        expected = float(model.mass_flow_kg_per_s(p_up, p_down, temperature, gas))
        got = float(_from_kernel_basis(coefficients, p_up, p_down, temperature, gas))
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-300)


def test_kernel_coefficients_put_weight_on_one_law_only() -> None:
    # Each model is exactly one basis law (the power law uses two slots: C and n).
    slots = {
        Orifice: {"orifice_cd_area_m2"},
        ViscousCrack: {"viscous_geometry_m3"},
        Molecular: {"molecular_area_m2"},
        PowerLaw: {"power_coefficient", "power_exponent"},
    }
    for model in SIZED.values():
        nonzero = {k for k, v in zip(KERNEL_BASIS, model.kernel_coefficients(), strict=True) if v}
        assert nonzero == slots[type(model)]


# --- registry errors -------------------------------------------------------------------------


def test_unknown_model_lists_valid_names() -> None:
    with pytest.raises(InputError) as info:
        leak_model("nope")
    message = str(info.value)
    assert "'nope'" in message
    for name in LEAK_MODELS:
        assert name in message


def test_unknown_parameter_raises_and_names_valid_ones() -> None:
    with pytest.raises(InputError) as info:
        leak_model("orifice", area_m2=1e-6, diameter_m=1e-3)
    message = str(info.value)
    assert "diameter_m" in message
    assert "area_m2" in message and "discharge_coefficient" in message


@pytest.mark.parametrize(
    ("name", "parameter"),
    [
        ("orifice", "area_m2"),
        ("orifice", "discharge_coefficient"),
        ("viscous_crack", "diameter_m"),
        ("viscous_crack", "length_m"),
        ("molecular", "area_m2"),
        ("power_law", "coefficient"),
    ],
)
@pytest.mark.parametrize("value", [-1e-6, float("nan"), float("inf")])
def test_negative_or_non_finite_size_raises(name: str, parameter: str, value: float) -> None:
    with pytest.raises(InputError, match=parameter):
        leak_model(name, **{parameter: value})


def test_leak_model_builds_the_registered_class() -> None:
    for name, cls in LEAK_MODELS.items():
        assert type(leak_model(name)) is cls
    hole = leak_model("orifice", area_m2=1e-6, discharge_coefficient=0.7)
    assert hole == Orifice(area_m2=1e-6, discharge_coefficient=0.7)


@pytest.mark.parametrize("exponent", [1.0 - 1e-9, 1.000009, 0.99999])
def test_power_law_decay_is_continuous_through_n_equal_one(exponent: float) -> None:
    """Near n = 1 the closed form must tend to the exponential, with no switch-over jump."""
    rate, p0 = 2e-6, 101_325.0
    k_eff = rate * p0 ** (exponent - 1.0)
    t = np.linspace(0.0, 5.0 / k_eff, 7)
    exact_n1 = p0 * np.exp(-k_eff * t)
    pressure = power_law_decay_pressure_pa(t, p0, rate, exponent)
    # d ln P / d n at n = 1 is (k t)^2 / 2 in these units: bound the difference by it.
    bound = abs(exponent - 1.0) * (k_eff * t) ** 2 + 1e-12
    assert np.all(np.abs(np.log(pressure / exact_n1)) <= bound)
    back = [power_law_time_to_pressure_s(p0, p, rate, exponent) for p in pressure[1:]]
    np.testing.assert_allclose(back, t[1:], rtol=1e-9)


def test_temperature_exponent_of_a_hole_and_a_crack() -> None:
    """Choked flow goes as T^-1/2; viscous flow as 1/(mu T), mu from Sutherland's law."""
    from hullwatch.physics.gas import AIR
    from hullwatch.physics.leakflow import temperature_exponent

    assert temperature_exponent(1.0, 295.0) == 0.5
    assert temperature_exponent(0.5, 295.0) == 0.5
    # d ln(1/(mu T)) / d ln T, numerically from the gas's own viscosity.
    t, h = 295.0, 1e-3
    slope = (
        np.log(AIR.viscosity_pa_s(t * (1 + h)) * t * (1 + h))
        - np.log(AIR.viscosity_pa_s(t * (1 - h)) * t * (1 - h))
    ) / (2 * h)
    assert abs(temperature_exponent(2.0, t) - slope) < 1e-5
    assert abs(temperature_exponent(1.5, t) - (0.5 + slope) / 2) < 1e-5
