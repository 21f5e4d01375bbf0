"""Ideal-gas mass of dry and humid air, vapour pressure and viscosity against published values.

Sources:
- CODATA 2018: R0 = 8.314462618 J/(mol K) (exact); molar volume of an ideal gas at
  273.15 K, 101325 Pa: 22.413969 L/mol.
- ICAO Doc 7488 / US Standard Atmosphere 1976: M_air = 28.9647 g/mol, R_air = 287.05 J/(kg K).
- IAPWS-95 (Wagner & Pruss, J. Phys. Chem. Ref. Data 31, 387, 2002): saturation pressure of
  water, printed to 5 significant figures.
- F. M. White, *Viscous Fluid Flow*, 3rd ed., Table 1-2: Sutherland constants of air
  mu0 = 1.716e-5 Pa s at T0 = 273 K, S = 111 K (hullwatch: 273.15 K, 110.4 K).
- Incropera & DeWitt, *Fundamentals of Heat and Mass Transfer*, Table A.4: air viscosity.
- iss-facts.md: 1 K ~ 0.34 % ~ 2.6 mmHg at fixed mass; 1 lb/day station-wide ~ 0.31 mmHg/day
  in 916 m^3.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hullwatch.physics.gas import (
    AIR,
    MOLAR_MASS_KG_PER_MOL,
    Gas,
    gas_mass_kg,
    humid_air_mass_kg,
    saturation_vapour_pressure_pa,
    specific_gas_constant,
)
from hullwatch.units import MMHG_PA, MOLAR_GAS_CONSTANT, POUND_KG

R_VAPOUR = MOLAR_GAS_CONSTANT / MOLAR_MASS_KG_PER_MOL["H2O"]


def test_air_gas_constant_is_287_05() -> None:
    # R = R0 / M_air with CODATA-2018 R0 and M_air = 28.9647 g/mol is 287.055 J/(kg K);
    # the 1976 standard atmosphere prints 287.05 (older R0): agree to 1e-4 relative.
    assert AIR.gas_constant_j_per_kg_k == pytest.approx(8.314462618 / 0.0289647, rel=1e-15)
    assert AIR.gas_constant_j_per_kg_k == pytest.approx(287.05, rel=1e-4)
    assert AIR.heat_capacity_ratio == 1.4
    assert specific_gas_constant(0.0289647) == pytest.approx(8.314462618 / 0.0289647, rel=1e-15)


@pytest.mark.parametrize("species", sorted(MOLAR_MASS_KG_PER_MOL))
def test_one_mole_at_stp_weighs_its_molar_mass(species: str) -> None:
    # CODATA molar volume: 22.413969 L/mol at 273.15 K and 101325 Pa (8 significant figures).
    molar_mass = MOLAR_MASS_KG_PER_MOL[species]
    mass = gas_mass_kg(101325.0, 22.413969e-3, 273.15, specific_gas_constant(molar_mass))
    assert mass == pytest.approx(molar_mass, rel=1e-7)


@pytest.mark.parametrize(
    ("temperature_k", "density"),
    [
        (288.15, 1.2250),  # US Standard Atmosphere 1976 sea-level density at 15 degC, 1 atm
        (293.15, 1.2041),  # dry air at 20 degC, 1 atm: 1.2041 kg/m^3 (Engineering Toolbox)
    ],
)
def test_dry_air_density_at_one_atmosphere(temperature_k: float, density: float) -> None:
    # Printed to 1e-4 kg/m^3.
    assert gas_mass_kg(101325.0, 1.0, temperature_k) == pytest.approx(density, abs=5e-5)


@given(
    pressure=st.floats(1.0, 2e5),
    volume=st.floats(1e-3, 1e3),
    temperature=st.floats(150.0, 400.0),
)
def test_ideal_gas_mass_is_linear_in_p_and_v_and_inverse_in_t(
    pressure: float, volume: float, temperature: float
) -> None:
    m = gas_mass_kg(pressure, volume, temperature)
    assert m * AIR.gas_constant_j_per_kg_k * temperature == pytest.approx(
        pressure * volume, rel=1e-12
    )
    assert gas_mass_kg(2 * pressure, volume, temperature) == pytest.approx(2 * m, rel=1e-12)
    assert gas_mass_kg(pressure, 3 * volume, temperature) == pytest.approx(3 * m, rel=1e-12)
    assert gas_mass_kg(pressure, volume, 2 * temperature) == pytest.approx(m / 2, rel=1e-12)


def test_gas_mass_vectorizes() -> None:
    p = np.array([90e3, 100e3, 101325.0])
    m = gas_mass_kg(p, 5.0, 295.0)
    np.testing.assert_allclose(m, [gas_mass_kg(float(x), 5.0, 295.0) for x in p], rtol=1e-15)


def test_one_kelvin_is_0_34_percent_or_2_6_mmhg_at_fixed_mass() -> None:
    # iss-facts (derived): 1 K ~ 0.34 % ~ 2.6 mmHg at fixed mass, for a cabin near 295 K and
    # 760 mmHg. At fixed m and V, P = m R T / V, so P(T + 1) / P(T) = (T + 1) / T.
    volume, temperature = 916.0, 295.0
    p0 = 760.0 * MMHG_PA
    mass = gas_mass_kg(p0, volume, temperature)
    p1 = mass * AIR.gas_constant_j_per_kg_k * (temperature + 1.0) / volume
    assert (p1 / p0 - 1.0) * 100 == pytest.approx(0.34, abs=5e-3)
    assert (p1 - p0) / MMHG_PA == pytest.approx(2.6, abs=0.05)


def test_one_pound_per_day_is_0_31_mmhg_per_day_in_the_station() -> None:
    # iss-facts (derived): 1 lb/day station-wide ~ 0.31 mmHg/day in 916 m^3.
    # dP = dm R T / V at cabin temperature (19-23 degC, iss-facts); 1 lb per day.
    for temperature in (292.15, 296.15):
        mass_at_1_pa = gas_mass_kg(1.0, 916.0, temperature)
        dp_mmhg = POUND_KG / mass_at_1_pa / MMHG_PA
        assert dp_mmhg == pytest.approx(0.31, abs=0.01)


# --- humid air ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("temperature_k", "pressure_pa"),
    [
        (273.16, 611.657),  # triple point
        (283.15, 1228.2),
        (293.15, 2339.3),
        (298.15, 3169.9),
        (303.15, 4247.0),
        (323.15, 12352.0),
    ],
)
def test_saturation_vapour_pressure_matches_iapws(temperature_k: float, pressure_pa: float) -> None:
    # IAPWS-95 values printed to 5 significant figures; Buck's fit claims about 0.05 %
    # accuracy over -40..50 degC, so 0.1 % covers both.
    assert saturation_vapour_pressure_pa(temperature_k) == pytest.approx(pressure_pa, rel=1e-3)


@given(
    pressure=st.floats(50e3, 110e3),
    temperature=st.floats(275.0, 320.0),
    rh=st.floats(0.0, 1.0),
)
def test_humid_air_masses_add_up_to_the_dalton_split(
    pressure: float, temperature: float, rh: float
) -> None:
    volume = 75.0
    dry, vapour = humid_air_mass_kg(pressure, volume, temperature, rh)
    p_vapour = rh * saturation_vapour_pressure_pa(temperature)
    # Dalton: each component fills the volume at its partial pressure.
    assert dry == pytest.approx(
        (pressure - p_vapour) * volume / (AIR.gas_constant_j_per_kg_k * temperature), rel=1e-12
    )
    assert vapour == pytest.approx(p_vapour * volume / (R_VAPOUR * temperature), rel=1e-12, abs=0)
    # Total moles are those of an ideal gas at the total pressure.
    moles = dry / 0.0289647 + vapour / MOLAR_MASS_KG_PER_MOL["H2O"]
    assert moles == pytest.approx(pressure * volume / (MOLAR_GAS_CONSTANT * temperature), rel=1e-12)
    # Water is lighter than air: humid air weighs less than dry air at the same P, T.
    assert dry + vapour <= gas_mass_kg(pressure, volume, temperature) * (1 + 1e-12)


def test_zero_humidity_gives_the_dry_mass() -> None:
    dry, vapour = humid_air_mass_kg(101325.0, 916.0, 295.15, 0.0)
    assert vapour == 0.0
    assert dry == pytest.approx(gas_mass_kg(101325.0, 916.0, 295.15), rel=1e-15)


def test_saturated_vapour_density_at_20_degc() -> None:
    # CRC Handbook: saturated water vapour holds 17.3 g/m^3 at 20 degC (printed to 0.1 g).
    _, vapour = humid_air_mass_kg(101325.0, 1.0, 293.15, 1.0)
    assert vapour * 1e3 == pytest.approx(17.3, abs=0.05)


def test_humid_air_vectorizes() -> None:
    rh = np.array([0.0, 0.4, 0.6])
    dry, vapour = humid_air_mass_kg(101325.0, 1.0, 295.15, rh)
    assert vapour[0] == 0.0
    assert np.all(np.diff(vapour) > 0) and np.all(np.diff(dry) < 0)


# --- viscosity --------------------------------------------------------------------------------


def test_sutherland_viscosity_of_air_at_273_15_k() -> None:
    # White, Viscous Fluid Flow, Table 1-2: mu0 = 1.716e-5 Pa s at the reference temperature.
    assert AIR.viscosity_pa_s(273.15) == pytest.approx(1.716e-5, abs=5e-9)


@pytest.mark.parametrize(
    ("temperature_k", "mu"),
    [(250.0, 159.6e-7), (300.0, 184.6e-7), (350.0, 208.2e-7)],
)
def test_sutherland_viscosity_against_incropera(temperature_k: float, mu: float) -> None:
    # Incropera Table A.4 (4 significant figures). Sutherland's law itself is good to about
    # 2 % over 170-1900 K (White); near room temperature it is within 1 %.
    assert AIR.viscosity_pa_s(temperature_k) == pytest.approx(mu, rel=1e-2)


def test_viscosity_scalar_in_float_out_and_arrays_elementwise() -> None:
    assert isinstance(AIR.viscosity_pa_s(295.0), float)
    t = np.array([250.0, 295.0, 350.0])
    mu = AIR.viscosity_pa_s(t)
    assert isinstance(mu, np.ndarray)
    np.testing.assert_allclose(mu, [AIR.viscosity_pa_s(float(x)) for x in t], rtol=1e-15)
    assert np.all(np.diff(mu) > 0)  # gas viscosity rises with temperature


def test_custom_gas_sutherland_constants() -> None:
    # At T = T0 Sutherland's law returns mu0 whatever S is.
    gas = Gas(
        gas_constant_j_per_kg_k=296.8,
        heat_capacity_ratio=1.4,
        sutherland_mu0_pa_s=1.663e-5,
        sutherland_t0_k=273.0,
        sutherland_s_k=107.0,
    )
    assert gas.viscosity_pa_s(273.0) == pytest.approx(1.663e-5, rel=1e-15)
