"""Unit conversions: the one home of every conversion constant in hullwatch.

hullwatch computes in SI (Pa, K, m^3, kg, s) and converts only at its edges:
reading telemetry and habitat files, and printing results.  Every constant
below is exact by definition unless its comment says otherwise.

Examples
--------
>>> round(to_si(760.0, "mmHg"))
101325
>>> round(from_si(101325.0, "psi"), 3)
14.696
>>> round(kg_per_day_to_lb_per_day(1.0), 4)
2.2046
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from hullwatch.errors import InputError

FloatLike = TypeVar("FloatLike", float, npt.NDArray[np.float64])

#: Standard atmosphere [Pa] (exact, ISO 2533).
STANDARD_ATMOSPHERE_PA = 101_325.0
#: One millimetre of mercury [Pa] (conventional, 101325/760; iss-facts.md quotes 133.322).
MMHG_PA = STANDARD_ATMOSPHERE_PA / 760.0
#: One torr [Pa]: 1/760 atm, equal to the conventional mmHg to 1e-7.
TORR_PA = STANDARD_ATMOSPHERE_PA / 760.0
#: Avoirdupois pound [kg] (exact, 1959 international agreement).
POUND_KG = 0.45359237
#: Standard gravity [m/s^2] (exact, used for the pound-force).
STANDARD_GRAVITY = 9.80665
#: Inch [m] (exact).
INCH_M = 0.0254
#: Pound-force per square inch [Pa].
PSI_PA = POUND_KG * STANDARD_GRAVITY / INCH_M**2
#: Zero of the Celsius scale [K] (exact).
ZERO_CELSIUS_K = 273.15
#: Seconds per week [s].
SECONDS_PER_WEEK = 604_800.0
#: Seconds per day [s].
SECONDS_PER_DAY = 86_400.0
#: Seconds per Julian year of 365.25 days [s] (false-alarm rates are per year).
SECONDS_PER_YEAR = 365.25 * SECONDS_PER_DAY
#: Seconds per hour [s].
SECONDS_PER_HOUR = 3_600.0
#: Seconds per minute [s].
SECONDS_PER_MINUTE = 60.0
#: Molar gas constant [J/(mol K)] (exact since the 2019 SI redefinition).
MOLAR_GAS_CONSTANT = 8.314462618
#: Standard conditions of the sccm unit: 0 degC and 1 atm (as mass-flow controllers define it).
SCCM_REFERENCE_TEMPERATURE_K = ZERO_CELSIUS_K
SCCM_REFERENCE_PRESSURE_PA = STANDARD_ATMOSPHERE_PA

# Pressure units: multiply a value in the unit by the factor to get Pa.
PRESSURE_UNITS_TO_PA: dict[str, float] = {
    "Pa": 1.0,
    "hPa": 100.0,
    "kPa": 1_000.0,
    "bar": 100_000.0,
    "mbar": 100.0,
    "mmHg": MMHG_PA,
    "torr": TORR_PA,
    "psi": PSI_PA,
    "atm": STANDARD_ATMOSPHERE_PA,
}

# Temperature units: (scale, offset) with K = value * scale + offset.
TEMPERATURE_UNITS_TO_K: dict[str, tuple[float, float]] = {
    "K": (1.0, 0.0),
    "degC": (1.0, ZERO_CELSIUS_K),
    "degF": (5.0 / 9.0, ZERO_CELSIUS_K - 32.0 * 5.0 / 9.0),
}

# Dimensionless units (hatch state, switch status).
DIMENSIONLESS_UNITS = ("1",)

# Mass-flow units: multiply a value in the unit by the factor to get kg/s.
MASS_FLOW_UNITS_TO_KG_PER_S: dict[str, float] = {
    "kg/s": 1.0,
    "kg/day": 1.0 / SECONDS_PER_DAY,
    "lb/day": POUND_KG / SECONDS_PER_DAY,
    "g/h": 1e-3 / SECONDS_PER_HOUR,
}


def _affine(unit: str) -> tuple[float, float]:
    if unit in PRESSURE_UNITS_TO_PA:
        return PRESSURE_UNITS_TO_PA[unit], 0.0
    if unit in TEMPERATURE_UNITS_TO_K:
        return TEMPERATURE_UNITS_TO_K[unit]
    if unit in MASS_FLOW_UNITS_TO_KG_PER_S:
        return MASS_FLOW_UNITS_TO_KG_PER_S[unit], 0.0
    if unit in DIMENSIONLESS_UNITS:
        return 1.0, 0.0
    raise InputError(f"unknown unit {unit!r}; known: {', '.join(known_units())}")


def known_units() -> list[str]:
    """All unit names hullwatch converts, pressure first.

    Returns
    -------
    units : list of str
        Unit names as they are written in habitat files.
    """
    return [
        *PRESSURE_UNITS_TO_PA,
        *TEMPERATURE_UNITS_TO_K,
        *MASS_FLOW_UNITS_TO_KG_PER_S,
        *DIMENSIONLESS_UNITS,
    ]


def to_si(value: FloatLike, unit: str) -> FloatLike:
    """Convert a value in ``unit`` to SI (Pa, K, kg/s, or dimensionless).

    Parameters
    ----------
    value : float or ndarray
        Value in ``unit``.
    unit : str
        One of :func:`known_units`.

    Returns
    -------
    value_si : float or ndarray
        The value in SI. [Pa], [K], [kg/s] or [-]

    Raises
    ------
    InputError
        If the unit is unknown.
    """
    scale, offset = _affine(unit)
    return value * scale + offset


def from_si(value_si: FloatLike, unit: str) -> FloatLike:
    """Convert an SI value to ``unit``; the inverse of :func:`to_si`.

    Parameters
    ----------
    value_si : float or ndarray
        Value in SI. [Pa], [K], [kg/s] or [-]
    unit : str
        One of :func:`known_units`.

    Returns
    -------
    value : float or ndarray
        The value in ``unit``.
    """
    scale, offset = _affine(unit)
    return (value_si - offset) / scale


def converter(unit: str) -> Callable[[FloatLike], FloatLike]:
    """Return a function converting values in ``unit`` to SI (validates ``unit`` once)."""
    scale, offset = _affine(unit)
    return lambda value: value * scale + offset


def pa_to_mmhg(pressure_pa: FloatLike) -> FloatLike:
    """Pressure [Pa] to [mmHg]."""
    return pressure_pa / MMHG_PA


def mmhg_to_pa(pressure_mmhg: FloatLike) -> FloatLike:
    """Pressure [mmHg] to [Pa]."""
    return pressure_mmhg * MMHG_PA


def kg_per_day_to_lb_per_day(rate_kg_per_day: FloatLike) -> FloatLike:
    """Mass rate [kg/day] to [lb/day]."""
    return rate_kg_per_day / POUND_KG


def lb_per_day_to_kg_per_day(rate_lb_per_day: FloatLike) -> FloatLike:
    """Mass rate [lb/day] to [kg/day]."""
    return rate_lb_per_day * POUND_KG


def kg_per_s_to_kg_per_day(rate_kg_per_s: FloatLike) -> FloatLike:
    """Mass rate [kg/s] to [kg/day]."""
    return rate_kg_per_s * SECONDS_PER_DAY


def kg_per_day_to_kg_per_s(rate_kg_per_day: FloatLike) -> FloatLike:
    """Mass rate [kg/day] to [kg/s]."""
    return rate_kg_per_day / SECONDS_PER_DAY


def mass_flow_to_pv_flow(
    rate_kg_per_s: FloatLike, gas_constant_j_per_kg_k: float, temperature_k: float
) -> FloatLike:
    """Mass flow [kg/s] to throughput ``Q = P V-dot`` [Pa m^3/s] at ``temperature_k``.

    Parameters
    ----------
    rate_kg_per_s : float or ndarray
        Mass flow. [kg/s]
    gas_constant_j_per_kg_k : float
        Specific gas constant of the gas. [J/(kg K)]
    temperature_k : float
        Temperature at which the throughput is stated. [K]

    Returns
    -------
    throughput : float or ndarray
        Throughput, the leak unit of vacuum practice. [Pa m^3/s]

    Examples
    --------
    1 kg/day of air near 20 degC is about 0.97 Pa m^3/s (iss-facts.md):

    >>> round(mass_flow_to_pv_flow(1 / 86400, 287.05, 293.15), 3)
    0.974
    """
    return rate_kg_per_s * gas_constant_j_per_kg_k * temperature_k


def mass_flow_to_sccm(rate_kg_per_s: FloatLike, gas_constant_j_per_kg_k: float) -> FloatLike:
    """Mass flow [kg/s] to standard cubic centimetres per minute [sccm] (0 degC, 1 atm).

    Examples
    --------
    1 kg/day of air is about 537 sccm at the 0 degC reference (577 at a 20 degC reference;
    iss-facts.md quotes about 575):

    >>> round(mass_flow_to_sccm(1 / 86400, 287.05))
    537
    """
    volume_flow_m3_per_s = (
        rate_kg_per_s
        * gas_constant_j_per_kg_k
        * SCCM_REFERENCE_TEMPERATURE_K
        / SCCM_REFERENCE_PRESSURE_PA
    )
    return volume_flow_m3_per_s * 1e6 * 60.0
