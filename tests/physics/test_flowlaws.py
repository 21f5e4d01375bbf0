"""Basis flow laws against their textbook forms and limits.

Sources:
- iss-facts.md "Physics": choked orifice to vacuum
  m-dot = Cd A P0 sqrt(gamma / (R T0)) (2 / (gamma + 1))^((gamma + 1) / (2 (gamma - 1)));
  air at 295 K, 1 atm: ~238 Cd kg/s per m^2.  Viscous crack flow ~ P1^2 - P2^2,
  molecular ~ P1 - P2, power law C P^n.
- F. M. White, *Fluid Mechanics*, 7th ed.: sec. 9.4, critical pressure ratio
  p*/p0 = (2/(gamma+1))^(gamma/(gamma-1)) = 0.5283 for gamma = 1.4 (Table B.1);
  sec. 6.4, Hagen-Poiseuille Q = pi d^4 dp / (128 mu L); Bernoulli orifice
  m-dot = Cd A sqrt(2 rho dp) in the incompressible limit.
- Kinetic theory (Lafferty, ch. 2): effusion mass flux = rho v_mean / 4 with
  v_mean = sqrt(8 R T / pi), i.e. P / sqrt(2 pi R T).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hullwatch.physics.flowlaws import (
    critical_pressure_ratio,
    linear_mass_flow,
    molecular_mass_flow,
    orifice_mass_flow,
    power_law_mass_flow,
    viscous_mass_flow,
)
from hullwatch.physics.gas import AIR

R = AIR.gas_constant_j_per_kg_k
GAMMA = AIR.heat_capacity_ratio
P_ATM = 101325.0
R_CRIT = critical_pressure_ratio(GAMMA)

pressures = st.floats(min_value=0.0, max_value=2e5, allow_nan=False)
positive_pressures = st.floats(min_value=1.0, max_value=2e5, allow_nan=False)
temperatures = st.floats(min_value=200.0, max_value=400.0)


def _orifice(p_up, p_down, temperature=295.0, cd_area=1.0):
    return orifice_mass_flow(p_up, p_down, temperature, cd_area, R, GAMMA)


# --- orifice -------------------------------------------------------------------------------


def test_critical_pressure_ratio_of_air() -> None:
    # White Table B.1: p*/p0 = 0.5283 for gamma = 1.4 (printed to 1e-4).
    assert critical_pressure_ratio(1.4) == pytest.approx(0.5283, abs=5e-5)
    # Analytic: (2/2.4)^3.5.
    assert critical_pressure_ratio(1.4) == pytest.approx((2 / 2.4) ** 3.5, rel=1e-15)


@pytest.mark.parametrize("cd", [0.6, 0.61, 1.0])
def test_choked_air_at_295_k_one_atm_is_238_cd_kg_per_s_per_m2(cd: float) -> None:
    # iss-facts: ~238 Cd kg/s per m^2 (printed to 1 kg/s per m^2).
    flux = _orifice(P_ATM, 0.0, 295.0, cd_area=cd)
    assert flux == pytest.approx(238.0 * cd, abs=0.5 * cd)


@given(p0=positive_pressures, temperature=temperatures, cd_area=st.floats(1e-9, 1.0))
def test_choked_flow_matches_the_iss_facts_formula(
    p0: float, temperature: float, cd_area: float
) -> None:
    g = GAMMA
    expected = (
        cd_area * p0 * np.sqrt(g / (R * temperature)) * (2 / (g + 1)) ** ((g + 1) / (2 * (g - 1)))
    )
    assert _orifice(p0, 0.0, temperature, cd_area) == pytest.approx(expected, rel=1e-12)


@given(p_up=positive_pressures, ratio=st.floats(0.0, R_CRIT))
def test_choked_below_critical_ratio_flow_independent_of_downstream(
    p_up: float, ratio: float
) -> None:
    assert _orifice(p_up, ratio * p_up) == pytest.approx(_orifice(p_up, 0.0), rel=1e-12)


def test_orifice_continuous_at_the_critical_ratio() -> None:
    p_up = P_ATM
    at = _orifice(p_up, R_CRIT * p_up)
    eps = 1e-9
    below = _orifice(p_up, R_CRIT * (1 - eps) * p_up)
    above = _orifice(p_up, R_CRIT * (1 + eps) * p_up)
    # psi(r) has a maximum at r*, so the subcritical branch meets the choked value with zero
    # slope: the jump is second order in eps.
    assert below == at
    assert above == pytest.approx(at, rel=1e-12)
    assert above <= at


def test_orifice_subcritical_decreases_to_zero_at_equal_pressure() -> None:
    ratios = np.linspace(R_CRIT, 1.0, 501)
    flow = _orifice(P_ATM, ratios * P_ATM)
    assert np.all(np.diff(flow) < 0)
    assert flow[-1] == 0.0


@given(p=pressures, temperature=temperatures)
def test_orifice_zero_at_equal_pressures(p: float, temperature: float) -> None:
    assert _orifice(p, p, temperature) == 0.0


@given(p1=pressures, p2=pressures, temperature=temperatures)
def test_orifice_antisymmetric(p1: float, p2: float, temperature: float) -> None:
    forward = _orifice(p1, p2, temperature)
    assert _orifice(p2, p1, temperature) == -forward
    # The flow's magnitude may underflow to zero for sub-normal pressures; its sign never flips.
    assert np.sign(forward) in (np.sign(p1 - p2), 0.0)


@pytest.mark.parametrize("p_up", [1e3, P_ATM, 2e5])
def test_orifice_incompressible_limit_is_bernoulli(p_up: float) -> None:
    # White: for dp << p the compressible formula tends to Cd A sqrt(2 rho dp); the
    # expansibility correction is O(dp / p), here 1e-6.
    dp = 1e-6 * p_up
    rho = p_up / (R * 295.0)
    assert _orifice(p_up, p_up - dp) == pytest.approx(np.sqrt(2 * rho * dp), rel=1e-5)


def test_orifice_scaling() -> None:
    # Linear in Cd A; at fixed ratio linear in P1; choked flux ~ 1 / sqrt(T0).
    base = _orifice(P_ATM, 0.3 * P_ATM, 295.0, 1e-6)
    assert _orifice(P_ATM, 0.3 * P_ATM, 295.0, 3e-6) == pytest.approx(3 * base, rel=1e-12)
    assert _orifice(2 * P_ATM, 0.6 * P_ATM, 295.0, 1e-6) == pytest.approx(2 * base, rel=1e-12)
    assert _orifice(P_ATM, 0.3 * P_ATM, 4 * 295.0, 1e-6) == pytest.approx(base / 2, rel=1e-12)


def test_orifice_vectorizes() -> None:
    p_down = np.array([0.0, 0.5, 0.9, 1.0, 1.2]) * P_ATM
    flow = _orifice(P_ATM, p_down)
    assert flow.shape == (5,)
    # Equal to rounding: numpy's vectorized power and sqrt may differ from the scalar
    # path by a few ulp (numpy 2.4 does, by 2e-15), so not bit for bit.
    np.testing.assert_allclose(flow, [_orifice(P_ATM, float(p)) for p in p_down], rtol=1e-13)


def test_orifice_zero_at_vacuum_on_both_sides() -> None:
    assert _orifice(0.0, 0.0) == 0.0


# --- viscous --------------------------------------------------------------------------------


@given(p1=pressures, p2=pressures, temperature=temperatures)
def test_viscous_flow_proportional_to_difference_of_squares(
    p1: float, p2: float, temperature: float
) -> None:
    geometry, mu = 1e-20, AIR.viscosity_pa_s(temperature)
    flow = viscous_mass_flow(p1, p2, temperature, geometry, R, mu)
    assert flow == pytest.approx(geometry * (p1**2 - p2**2) / (mu * R * temperature), rel=1e-12)
    assert viscous_mass_flow(p2, p1, temperature, geometry, R, mu) == -flow


def test_viscous_is_hagen_poiseuille_at_the_mean_density() -> None:
    # Round capillary: G = pi d^4 / (256 L). Since P1^2 - P2^2 = 2 P_mean dp,
    # m-dot = rho_mean pi d^4 dp / (128 mu L): Hagen-Poiseuille at the mean density (White 6.4).
    d, length, t = 20e-6, 5e-3, 295.0
    mu = AIR.viscosity_pa_s(t)
    p1, p2 = P_ATM, 0.7 * P_ATM
    rho_mean = (p1 + p2) / 2 / (R * t)
    expected = rho_mean * np.pi * d**4 * (p1 - p2) / (128 * mu * length)
    geometry = np.pi * d**4 / (256 * length)
    assert viscous_mass_flow(p1, p2, t, geometry, R, mu) == pytest.approx(expected, rel=1e-12)


def test_viscous_to_vacuum_quarters_when_pressure_halves() -> None:
    mu = AIR.viscosity_pa_s(295.0)
    full = viscous_mass_flow(P_ATM, 0.0, 295.0, 1e-20, R, mu)
    half = viscous_mass_flow(P_ATM / 2, 0.0, 295.0, 1e-20, R, mu)
    assert half == pytest.approx(full / 4, rel=1e-12)


# --- molecular ------------------------------------------------------------------------------


@given(p1=pressures, p2=pressures, temperature=temperatures)
def test_molecular_flow_proportional_to_difference(
    p1: float, p2: float, temperature: float
) -> None:
    area = 1e-12
    flow = molecular_mass_flow(p1, p2, temperature, area, R)
    assert flow == pytest.approx(
        area * (p1 - p2) / np.sqrt(2 * np.pi * R * temperature), rel=1e-12, abs=1e-300
    )
    assert molecular_mass_flow(p2, p1, temperature, area, R) == -flow


def test_molecular_is_kinetic_theory_effusion() -> None:
    # Effusion: mass flux = rho v_mean / 4, v_mean = sqrt(8 R T / pi).
    t = 295.0
    rho = P_ATM / (R * t)
    v_mean = np.sqrt(8 * R * t / np.pi)
    assert molecular_mass_flow(P_ATM, 0.0, t, 1.0, R) == pytest.approx(rho * v_mean / 4, rel=1e-12)


# --- power law and linear ---------------------------------------------------------------------


@given(p1=pressures, p2=pressures, n=st.floats(0.5, 2.5))
def test_power_law(p1: float, p2: float, n: float) -> None:
    c = 1e-9
    flow = power_law_mass_flow(p1, p2, c, n)
    assert flow == pytest.approx(c * (p1**n - p2**n), rel=1e-12, abs=1e-300)
    assert power_law_mass_flow(p2, p1, c, n) == -flow


def test_power_law_to_vacuum_scales_as_p_to_the_n() -> None:
    for n in (1.0, 1.5, 2.0):
        ratio = power_law_mass_flow(P_ATM, 0.0, 1.0, n) / power_law_mass_flow(P_ATM / 2, 0, 1.0, n)
        assert ratio == pytest.approx(2.0**n, rel=1e-12)


def test_power_law_with_n_2_is_the_viscous_law_and_n_1_is_linear() -> None:
    t, geometry = 295.0, 1e-20
    mu = AIR.viscosity_pa_s(t)
    c = geometry / (mu * R * t)
    p1, p2 = P_ATM, 0.4 * P_ATM
    assert power_law_mass_flow(p1, p2, c, 2.0) == pytest.approx(
        viscous_mass_flow(p1, p2, t, geometry, R, mu), rel=1e-12
    )
    assert power_law_mass_flow(p1, p2, 1e-9, 1.0) == pytest.approx(
        linear_mass_flow(p1, p2, 1e-9), rel=1e-12
    )


def test_power_law_clamps_negative_pressures_to_zero() -> None:
    # A slightly negative pressure from an integrator overshoot must not give NaN for n = 1.5.
    flow = power_law_mass_flow(P_ATM, -1.0, 1e-9, 1.5)
    assert flow == pytest.approx(1e-9 * P_ATM**1.5, rel=1e-12)


@given(p1=pressures, p2=pressures)
def test_linear_flow(p1: float, p2: float) -> None:
    assert linear_mass_flow(p1, p2, 2e-6) == pytest.approx(2e-6 * (p1 - p2), rel=1e-12)
    assert linear_mass_flow(p1, p2, 2e-6) == -linear_mass_flow(p2, p1, 2e-6)
