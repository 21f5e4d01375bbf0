"""Ideal-gas mass of cabin air, dry or humid.

Notes
-----
=========================  ==========================================
Assumption                 Why it holds for cabin air
=========================  ==========================================
Ideal gas                  compressibility factor of air at 1 atm,
                           295 K differs from 1 by < 0.05 %
Well-mixed volume          cabin fans mix a module in minutes
Rigid volume               pressure-decay practice (ASTM E2930); not
                           valid for inflatables such as BEAM
=========================  ==========================================

References
----------
.. [1] ASTM E2930-13, "Standard Practice for Pressure Decay Leak Test Method", 2013.
.. [2] A. L. Buck, "New equations for computing vapor pressure and enhancement
   factor", J. Appl. Meteor. 20, 1527-1532, 1981.
   :doi:`10.1175/1520-0450(1981)020<1527:NEFCVP>2.0.CO;2`
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hullwatch.units import MOLAR_GAS_CONSTANT, ZERO_CELSIUS_K

ArrayLike = float | npt.NDArray[np.float64]

#: Molar masses [kg/mol] of the species hullwatch tracks.
MOLAR_MASS_KG_PER_MOL: dict[str, float] = {
    "N2": 0.0280134,
    "O2": 0.0319988,
    "CO2": 0.0440095,
    "H2O": 0.01801528,
    "Ar": 0.039948,
}


def specific_gas_constant(molar_mass_kg_per_mol: float) -> float:
    """Specific gas constant ``R = R0 / M``.

    Parameters
    ----------
    molar_mass_kg_per_mol : float
        Molar mass. [kg/mol]

    Returns
    -------
    float
        Specific gas constant. [J/(kg K)]

    Examples
    --------
    >>> round(specific_gas_constant(0.0289647), 2)
    287.05
    """
    return MOLAR_GAS_CONSTANT / molar_mass_kg_per_mol


@dataclass(frozen=True)
class Gas:
    """Thermodynamic properties of a gas, as needed by the leak-flow models.

    Parameters
    ----------
    gas_constant_j_per_kg_k : float
        Specific gas constant. [J/(kg K)]
    heat_capacity_ratio : float
        Ratio of specific heats gamma. [-]
    sutherland_mu0_pa_s, sutherland_t0_k, sutherland_s_k : float
        Sutherland's law constants for the dynamic viscosity. [Pa s], [K], [K]
    """

    gas_constant_j_per_kg_k: float
    heat_capacity_ratio: float
    sutherland_mu0_pa_s: float = 1.716e-5
    sutherland_t0_k: float = 273.15
    sutherland_s_k: float = 110.4

    def viscosity_pa_s(self, temperature_k: ArrayLike) -> ArrayLike:
        """Dynamic viscosity by Sutherland's law. [Pa s]

        Examples
        --------
        Air at 295 K is about 1.82e-5 Pa s:

        >>> round(AIR.viscosity_pa_s(295.0) * 1e5, 2)
        1.82
        """
        t = np.asarray(temperature_k, dtype=float)
        ratio = t / self.sutherland_t0_k
        mu = (
            self.sutherland_mu0_pa_s
            * ratio**1.5
            * (self.sutherland_t0_k + self.sutherland_s_k)
            / (t + self.sutherland_s_k)
        )
        return mu if mu.ndim else float(mu)


#: Dry air: M = 28.9647 g/mol, gamma = 1.4.
AIR = Gas(gas_constant_j_per_kg_k=specific_gas_constant(0.0289647), heat_capacity_ratio=1.4)


def gas_mass_kg(
    pressure_pa: ArrayLike,
    volume_m3: ArrayLike,
    temperature_k: ArrayLike,
    gas_constant_j_per_kg_k: float = AIR.gas_constant_j_per_kg_k,
) -> ArrayLike:
    """Ideal-gas mass ``m = P V / (R T)``.

    Parameters
    ----------
    pressure_pa : numeric
        Absolute pressure. [Pa]
    volume_m3 : numeric
        Free gas volume. [m^3]
    temperature_k : numeric
        Gas temperature. [K]
    gas_constant_j_per_kg_k : float, default dry air
        Specific gas constant. [J/(kg K)]

    Returns
    -------
    numeric
        Gas mass. [kg]

    Examples
    --------
    The 916 m^3 of the ISS at 1 atm and 22 degC hold about 1.1 t of air:

    >>> round(gas_mass_kg(101325.0, 916.0, 295.15))
    1095
    """
    return pressure_pa * volume_m3 / (gas_constant_j_per_kg_k * temperature_k)


def saturation_vapour_pressure_pa(temperature_k: ArrayLike) -> ArrayLike:
    """Saturation vapour pressure of water over liquid, Buck (1981) [2]_.

    Parameters
    ----------
    temperature_k : numeric
        Temperature. [K]

    Returns
    -------
    numeric
        Saturation vapour pressure. [Pa]

    Examples
    --------
    >>> round(saturation_vapour_pressure_pa(293.15))
    2338
    """
    t_c = np.asarray(temperature_k, dtype=float) - ZERO_CELSIUS_K
    p = 611.21 * np.exp((18.678 - t_c / 234.5) * (t_c / (257.14 + t_c)))
    return p if p.ndim else float(p)


def humid_air_mass_kg(
    pressure_pa: ArrayLike,
    volume_m3: ArrayLike,
    temperature_k: ArrayLike,
    relative_humidity: ArrayLike,
) -> tuple[ArrayLike, ArrayLike]:
    """Masses of dry air and water vapour in a volume of humid air (Dalton's law).

    Parameters
    ----------
    pressure_pa : numeric
        Total pressure. [Pa]
    volume_m3 : numeric
        Free gas volume. [m^3]
    temperature_k : numeric
        Temperature. [K]
    relative_humidity : numeric
        Relative humidity, 0 to 1. [-]

    Returns
    -------
    dry_air_kg, water_vapour_kg : numeric
        Masses of dry air and of water vapour. [kg]

    Examples
    --------
    At 50 % RH and 22 degC water is about 0.8 % of the gas mass:

    >>> dry, vapour = humid_air_mass_kg(101325.0, 1.0, 295.15, 0.5)
    >>> round(float(vapour / (dry + vapour)), 4)
    0.0082
    """
    vapour_pa = np.asarray(relative_humidity) * saturation_vapour_pressure_pa(temperature_k)
    r_vapour = specific_gas_constant(MOLAR_MASS_KG_PER_MOL["H2O"])
    dry = gas_mass_kg(pressure_pa - vapour_pa, volume_m3, temperature_k)
    vapour = gas_mass_kg(vapour_pa, volume_m3, temperature_k, r_vapour)
    return dry, vapour


def cabin_gas(
    pressure_pa: float, pp_o2_pa: float, pp_co2_pa: float, heat_capacity_ratio: float = 1.4
) -> Gas:
    """Cabin gas of N2, O2 and CO2 (N2 the balance), as a :class:`Gas`.

    A spacecraft cabin is not standard air: it is made from N2 and O2 supplies,
    with little argon, so its gas constant differs from dry air's by about 0.1 %.

    Parameters
    ----------
    pressure_pa : float
        Total pressure. [Pa]
    pp_o2_pa, pp_co2_pa : float
        Partial pressures of O2 and CO2. [Pa]
    heat_capacity_ratio : float
        Ratio of specific heats. [-]

    Returns
    -------
    Gas
        With the mixture's specific gas constant ``R = R0 / sum(x_i M_i)``.

    Examples
    --------
    >>> round(cabin_gas(755.0, 165.0, 2.5).gas_constant_j_per_kg_k, 2)
    287.33
    """
    mole_fractions = {
        "N2": (pressure_pa - pp_o2_pa - pp_co2_pa) / pressure_pa,
        "O2": pp_o2_pa / pressure_pa,
        "CO2": pp_co2_pa / pressure_pa,
    }
    molar_mass = sum(x * MOLAR_MASS_KG_PER_MOL[s] for s, x in mole_fractions.items())
    return Gas(specific_gas_constant(molar_mass), heat_capacity_ratio)


#: Nominal ISS cabin gas: 755 mmHg total, 165 mmHg ppO2, 2.5 mmHg ppCO2 (iss-facts.md,
#: and the real 2019 Lab partial pressures of about 172, 561 and 2.5 mmHg).
CABIN_AIR = cabin_gas(755.0, 165.0, 2.5)
