"""Basis flow laws for gas escaping through a leak path [kg/s].

Each function takes upstream and downstream pressure and returns the mass flow
from up to down (negative when the downstream side is higher).  They use only
NumPy ufuncs and arithmetic, so the same code runs vectorized on arrays and,
compiled by numba, inside the simulator's time-stepping kernel.

References
----------
.. [1] NASA GUNNS, ``GunnsFluidHiFiOrifice``: compressible orifice with discharge
   coefficient, critical (choked) and subcritical regimes.
.. [2] F. M. White, *Fluid Mechanics*, 7th ed., McGraw-Hill, 2011, sec. 9.4
   (isentropic nozzle flow) and sec. 6.4 (Hagen-Poiseuille flow).
.. [3] J. M. Lafferty (ed.), *Foundations of Vacuum Science and Technology*,
   Wiley, 1998, ch. 2 (free-molecular effusion).
"""

from __future__ import annotations

from typing import Any

import numpy as np

_TWO_PI = 2.0 * np.pi


def critical_pressure_ratio(heat_capacity_ratio: float) -> float:
    """Downstream/upstream pressure ratio at which an orifice chokes. [-]

    Examples
    --------
    >>> round(critical_pressure_ratio(1.4), 4)
    0.5283
    """
    g = heat_capacity_ratio
    return float((2.0 / (g + 1.0)) ** (g / (g - 1.0)))


def orifice_mass_flow(
    pressure_up_pa: Any,
    pressure_down_pa: Any,
    temperature_k: Any,
    discharge_area_m2: Any,
    gas_constant_j_per_kg_k: float,
    heat_capacity_ratio: float,
) -> Any:
    r"""Compressible (isentropic) orifice flow with choking.

    .. math::

        \dot m = C_d A\, P_1 \sqrt{\frac{2\gamma}{(\gamma-1) R T_1}
                 \left(r^{2/\gamma} - r^{(\gamma+1)/\gamma}\right)},
        \quad r = \max\!\left(\frac{P_2}{P_1}, r^*\right)

    Clamping ``r`` at the critical ratio ``r*`` gives the choked flow, so one
    formula covers both regimes without a branch.

    Parameters
    ----------
    pressure_up_pa, pressure_down_pa : numeric
        Pressures on the two sides. [Pa]
    temperature_k : numeric
        Stagnation temperature of the gas that flows. [K]
    discharge_area_m2 : numeric
        Discharge coefficient times geometric area, ``Cd A``. [m^2]
    gas_constant_j_per_kg_k : float
        Specific gas constant. [J/(kg K)]
    heat_capacity_ratio : float
        Ratio of specific heats. [-]

    Returns
    -------
    numeric
        Mass flow from up to down. [kg/s]

    Examples
    --------
    Air at 295 K and 1 atm through a choked orifice: about 238 kg/s per m^2 of ``Cd A``
    (iss-facts.md):

    >>> round(float(orifice_mass_flow(101325.0, 0.0, 295.0, 1.0, 287.05, 1.4)), 1)
    238.4
    """
    g = heat_capacity_ratio
    p_hi = np.maximum(pressure_up_pa, pressure_down_pa)
    p_lo = np.minimum(pressure_up_pa, pressure_down_pa)
    sign = np.sign(pressure_up_pa - pressure_down_pa)
    r_crit = (2.0 / (g + 1.0)) ** (g / (g - 1.0))
    r = np.maximum(p_lo / np.maximum(p_hi, 1e-300), r_crit)
    psi = np.sqrt(np.maximum(2.0 * g / (g - 1.0) * (r ** (2.0 / g) - r ** ((g + 1.0) / g)), 0.0))
    return sign * discharge_area_m2 * p_hi * psi / np.sqrt(gas_constant_j_per_kg_k * temperature_k)


def viscous_mass_flow(
    pressure_up_pa: Any,
    pressure_down_pa: Any,
    temperature_k: Any,
    geometry_m3: Any,
    gas_constant_j_per_kg_k: float,
    viscosity_pa_s: Any,
) -> Any:
    r"""Laminar (viscous) flow of a compressible gas through a crack or capillary.

    .. math::

        \dot m = \frac{G}{\mu R T}\left(P_1^2 - P_2^2\right)

    with the geometry factor ``G = pi d^4 / (256 L)`` for a round capillary of
    diameter ``d`` and length ``L``, or ``w h^3 / (24 L)`` for a slit of width
    ``w`` and gap ``h`` (isothermal Hagen-Poiseuille flow).

    Parameters
    ----------
    pressure_up_pa, pressure_down_pa : numeric
        Pressures on the two sides. [Pa]
    temperature_k : numeric
        Gas temperature. [K]
    geometry_m3 : numeric
        Geometry factor ``G``. [m^3]
    gas_constant_j_per_kg_k : float
        Specific gas constant. [J/(kg K)]
    viscosity_pa_s : numeric
        Dynamic viscosity. [Pa s]

    Returns
    -------
    numeric
        Mass flow from up to down. [kg/s]
    """
    return (
        geometry_m3
        * (pressure_up_pa * pressure_up_pa - pressure_down_pa * pressure_down_pa)
        / (viscosity_pa_s * gas_constant_j_per_kg_k * temperature_k)
    )


def molecular_mass_flow(
    pressure_up_pa: Any,
    pressure_down_pa: Any,
    temperature_k: Any,
    transmission_area_m2: Any,
    gas_constant_j_per_kg_k: float,
) -> Any:
    r"""Free-molecular effusion through a hole much smaller than the mean free path.

    .. math::

        \dot m = \frac{a A}{\sqrt{2\pi R T}}\left(P_1 - P_2\right)

    Parameters
    ----------
    pressure_up_pa, pressure_down_pa : numeric
        Pressures on the two sides. [Pa]
    temperature_k : numeric
        Gas temperature. [K]
    transmission_area_m2 : numeric
        Transmission probability (Clausing factor) times area, ``a A``. [m^2]
    gas_constant_j_per_kg_k : float
        Specific gas constant. [J/(kg K)]

    Returns
    -------
    numeric
        Mass flow from up to down. [kg/s]
    """
    return (
        transmission_area_m2
        * (pressure_up_pa - pressure_down_pa)
        / np.sqrt(_TWO_PI * gas_constant_j_per_kg_k * temperature_k)
    )


def power_law_mass_flow(
    pressure_up_pa: Any, pressure_down_pa: Any, coefficient: Any, exponent: Any
) -> Any:
    r"""Empirical power law ``m-dot = C (P1^n - P2^n)``.

    To vacuum this is the practical leak model ``m-dot = C P^n``: ``n`` near 1 means
    a choked hole, near 2 a viscous crack.

    Parameters
    ----------
    pressure_up_pa, pressure_down_pa : numeric
        Pressures on the two sides. [Pa]
    coefficient : numeric
        ``C``. [kg/(s Pa^n)]
    exponent : numeric
        ``n``. [-]

    Returns
    -------
    numeric
        Mass flow from up to down. [kg/s]
    """
    return coefficient * (
        np.power(np.maximum(pressure_up_pa, 0.0), exponent)
        - np.power(np.maximum(pressure_down_pa, 0.0), exponent)
    )


def linear_mass_flow(pressure_up_pa: Any, pressure_down_pa: Any, conductance: Any) -> Any:
    """Linear conductance ``m-dot = G (P1 - P2)``, for open hatches and seal leak-through.

    Parameters
    ----------
    pressure_up_pa, pressure_down_pa : numeric
        Pressures on the two sides. [Pa]
    conductance : numeric
        Mass conductance ``G``. [kg/(s Pa)]

    Returns
    -------
    numeric
        Mass flow from up to down. [kg/s]
    """
    return conductance * (pressure_up_pa - pressure_down_pa)
