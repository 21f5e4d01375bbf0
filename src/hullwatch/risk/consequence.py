r"""Consequence: reserve time and gas lost under a credible worst-case leak.

The worst case is chosen from :data:`WORST_CASES` by name:

* ``largest_step`` (default): the upper 95 % bound of today's rate, raised by the
  largest step increase seen so far (by nothing when none was seen, and the output says so);
* ``hole``: a crack grown to a stated effective hole area, as a choked orifice
  (:class:`~hullwatch.physics.leakflow.Orifice`) at the reference pressure;
* ``rate``: a stated worst-case rate.

The worst-case rate is taken to the reference pressure (station pressure, hatch open)
with the flow exponent ``n`` (``m-dot ~ P^n``), and the exposed volume ``V`` (by default
the whole habitat) is let down to the floor.  For ``dP/dt = -k P^n`` with
``k = R T m-dot_ref / (V P_ref^n)`` the reserve time is
:func:`~hullwatch.physics.leakflow.power_law_time_to_pressure_s`; for a choked leak
(``n = 1``) it is ``T = tau ln(P/P_min)`` with ``tau = M / m-dot`` the gas mass over the
leak rate (iss-facts.md, "Reserve time").  Operational impact is the gas lost per 30 days
at the worst-case rate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from hullwatch.errors import InputError
from hullwatch.physics.gas import AIR, Gas
from hullwatch.physics.leakflow import Orifice, power_law_time_to_pressure_s
from hullwatch.risk.matrix import RiskTable
from hullwatch.units import SECONDS_PER_DAY, kg_per_day_to_lb_per_day, pa_to_mmhg

#: Days in the gas-loss period of the operational-impact metric. [days]
GAS_PERIOD_DAYS = 30.0


@dataclass(frozen=True)
class ConsequenceInputs:
    """Everything the worst case needs besides the rate itself.

    Attributes
    ----------
    rate_upper_kg_per_day : float
        Upper 95 % bound of today's rate. [kg/day]
    pressure_pa : float
        Pressure at which today's rate was measured. [Pa]
    largest_step_factor : float or None
        Largest step increase seen. [-]
    flow_exponent : float
        ``n`` of ``m-dot ~ P^n``; 1 for a choked hole, 2 for a viscous crack. [-]
    exposed_volume_m3 : float
        Volume the leak empties in the worst case (the habitat, hatch open). [m^3]
    reference_pressure_pa : float
        Pressure of that volume now. [Pa]
    floor_pressure_pa : float
        Reserve-time floor; 520 mmHg by default (iss-facts.md). [Pa]
    temperature_k : float
        Gas temperature. [K]
    hole_area_m2, discharge_coefficient : float
        For the ``hole`` worst case. [m^2], [-]
    worst_rate_kg_per_day : float or None
        For the ``rate`` worst case. [kg/day]
    """

    rate_upper_kg_per_day: float
    pressure_pa: float
    largest_step_factor: float | None
    flow_exponent: float
    exposed_volume_m3: float
    reference_pressure_pa: float
    floor_pressure_pa: float
    temperature_k: float = 295.0
    hole_area_m2: float | None = None
    discharge_coefficient: float = 0.61
    worst_rate_kg_per_day: float | None = None


def _largest_step(inp: ConsequenceInputs, gas: Gas) -> tuple[float, float, str]:
    factor = inp.largest_step_factor or 1.0
    rate = inp.rate_upper_kg_per_day * factor
    how = (
        f"upper 95% bound of today's rate x the largest step seen (x{factor:.2f})"
        if inp.largest_step_factor
        else "upper 95% bound of today's rate (no step increase seen to scale it by)"
    )
    return rate, inp.pressure_pa, how


def _hole(inp: ConsequenceInputs, gas: Gas) -> tuple[float, float, str]:
    if inp.hole_area_m2 is None or not inp.hole_area_m2 > 0:
        raise InputError(
            "the 'hole' worst case needs a hole area > 0", field="--worst-case-area-mm2"
        )
    hole = Orifice(area_m2=inp.hole_area_m2, discharge_coefficient=inp.discharge_coefficient)
    flow = hole.mass_flow_kg_per_s(inp.reference_pressure_pa, 0.0, inp.temperature_k, gas)
    how = (
        f"a crack grown to {inp.hole_area_m2 * 1e6:.3g} mm^2 (choked orifice, "
        f"Cd {inp.discharge_coefficient:g})"
    )
    return float(flow) * SECONDS_PER_DAY, inp.reference_pressure_pa, how


def _rate(inp: ConsequenceInputs, gas: Gas) -> tuple[float, float, str]:
    if inp.worst_rate_kg_per_day is None or not inp.worst_rate_kg_per_day > 0:
        raise InputError("the 'rate' worst case needs a rate > 0", field="--worst-case-rate")
    return inp.worst_rate_kg_per_day, inp.pressure_pa, "a stated worst-case rate"


#: Worst-case leaks by name: each returns (rate [kg/day], pressure it holds at [Pa], words).
WORST_CASES: dict[str, Callable[[ConsequenceInputs, Gas], tuple[float, float, str]]] = {
    "largest_step": _largest_step,
    "hole": _hole,
    "rate": _rate,
}


def reserve_time_s(
    rate_kg_per_s: float,
    volume_m3: float,
    pressure_pa: float,
    floor_pressure_pa: float,
    flow_exponent: float = 1.0,
    temperature_k: float = 295.0,
    gas: Gas = AIR,
) -> float:
    r"""Time for a closed volume leaking to vacuum to fall from ``pressure_pa`` to the floor.

    .. math::

        \frac{dP}{dt} = -k P^n, \quad k = \frac{R T \dot m}{V P^n}, \qquad
        T = \tau \ln\frac{P}{P_\mathrm{min}},\; \tau = \frac{M}{\dot m} \text{ for } n = 1

    Parameters
    ----------
    rate_kg_per_s : float
        Leak rate at ``pressure_pa``. [kg/s]
    volume_m3 : float
        Volume. [m^3]
    pressure_pa : float
        Pressure now. [Pa]
    floor_pressure_pa : float
        Floor. [Pa]
    flow_exponent : float
        ``n``. [-]
    temperature_k : float
        Temperature (isothermal). [K]
    gas : Gas
        The gas.

    Returns
    -------
    float
        Reserve time; 0 at or below the floor, ``inf`` for no leak. [s]

    Examples
    --------
    A 2 mm hole (Cd = 1) in the 916 m^3 station passes about 0.75 g/s at 1 atm; the
    station then takes about 6.4 days to fall to 520 mmHg:

    >>> rate = Orifice(np.pi * 0.001**2, 1.0).mass_flow_kg_per_s(101325.0, 0.0, 295.0)
    >>> round(reserve_time_s(rate, 916.0, 101325.0, 69328.0) / 86400, 1)
    6.4
    """
    if not volume_m3 > 0:
        raise InputError(f"the exposed volume must be > 0 m^3, got {volume_m3:g}")
    if pressure_pa <= floor_pressure_pa:
        return 0.0
    if not rate_kg_per_s > 0:
        return float("inf")
    rate_coefficient = (
        rate_kg_per_s
        * gas.gas_constant_j_per_kg_k
        * temperature_k
        / (volume_m3 * pressure_pa**flow_exponent)
    )
    return float(
        power_law_time_to_pressure_s(
            pressure_pa, floor_pressure_pa, rate_coefficient, flow_exponent
        )
    )


@dataclass(frozen=True)
class Consequence:
    """The consequence level and the figures behind it.

    Attributes
    ----------
    level : int
        1-5: the highest of the metrics' levels.
    worst_case : str
        Name in :data:`WORST_CASES`.
    description : str
        The worst case in words.
    worst_rate_kg_per_day : float
        Worst-case rate at the pressure it was stated at. [kg/day]
    worst_rate_at_reference_kg_per_day : float
        The same at the reference pressure (hatch open). [kg/day]
    metrics : dict of str to float
        ``reserve_time_days`` and ``gas_loss_kg_per_30d``.
    levels : dict of str to int
        Level of each metric under the table.
    inputs : ConsequenceInputs
        What it was computed from.
    """

    level: int
    worst_case: str
    description: str
    worst_rate_kg_per_day: float
    worst_rate_at_reference_kg_per_day: float
    metrics: dict[str, float]
    levels: dict[str, int]
    inputs: ConsequenceInputs

    @property
    def driver(self) -> str:
        """The metric that set the level."""
        return max(self.levels, key=lambda k: self.levels[k])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``inf`` reserve time written as null)."""
        inp = self.inputs
        return {
            "level": self.level,
            "driver": self.driver,
            "worst_case": self.worst_case,
            "description": self.description,
            "worst_rate_kg_per_day": self.worst_rate_kg_per_day,
            "worst_rate_lb_per_day": float(kg_per_day_to_lb_per_day(self.worst_rate_kg_per_day)),
            "worst_rate_at_reference_kg_per_day": self.worst_rate_at_reference_kg_per_day,
            "metrics": {k: (None if not np.isfinite(v) else v) for k, v in self.metrics.items()},
            "levels": dict(self.levels),
            "inputs": {
                "rate_upper_kg_per_day": inp.rate_upper_kg_per_day,
                "pressure_mmHg": float(pa_to_mmhg(inp.pressure_pa)),
                "largest_step_factor": inp.largest_step_factor,
                "flow_exponent": inp.flow_exponent,
                "exposed_volume_m3": inp.exposed_volume_m3,
                "reference_pressure_mmHg": float(pa_to_mmhg(inp.reference_pressure_pa)),
                "floor_pressure_mmHg": float(pa_to_mmhg(inp.floor_pressure_pa)),
                "temperature_k": inp.temperature_k,
                "hole_area_mm2": None if inp.hole_area_m2 is None else inp.hole_area_m2 * 1e6,
                "discharge_coefficient": inp.discharge_coefficient,
            },
        }


def assess_consequence(
    inputs: ConsequenceInputs, table: RiskTable, worst_case: str = "largest_step", gas: Gas = AIR
) -> Consequence:
    """Score the consequence of the credible worst case.

    Parameters
    ----------
    inputs : ConsequenceInputs
        The state and the worst-case parameters.
    table : RiskTable
        Level tables.
    worst_case : str
        A key of :data:`WORST_CASES`.
    gas : Gas
        The gas.

    Returns
    -------
    Consequence
    """
    try:
        rule = WORST_CASES[worst_case]
    except KeyError:
        raise InputError(
            f"unknown worst case {worst_case!r}; use {', '.join(WORST_CASES)}", field="--worst-case"
        ) from None
    if not inputs.floor_pressure_pa < inputs.reference_pressure_pa:
        raise InputError("the floor must be below the reference pressure", field="--floor-mmhg")
    rate, at_pressure, how = rule(inputs, gas)
    at_reference = rate * (inputs.reference_pressure_pa / at_pressure) ** inputs.flow_exponent
    reserve = reserve_time_s(
        at_reference / SECONDS_PER_DAY,
        inputs.exposed_volume_m3,
        inputs.reference_pressure_pa,
        inputs.floor_pressure_pa,
        inputs.flow_exponent,
        inputs.temperature_k,
        gas,
    )
    metrics = {
        "reserve_time_days": reserve / SECONDS_PER_DAY,
        "gas_loss_kg_per_30d": at_reference * GAS_PERIOD_DAYS,
    }
    levels = {
        k: table.consequence[k].level(v) for k, v in metrics.items() if k in table.consequence
    }
    return Consequence(
        level=max(levels.values()),
        worst_case=worst_case,
        description=how,
        worst_rate_kg_per_day=rate,
        worst_rate_at_reference_kg_per_day=at_reference,
        metrics=metrics,
        levels=levels,
        inputs=inputs,
    )
