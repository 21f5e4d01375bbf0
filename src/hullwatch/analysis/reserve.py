"""Reserve time: how long until a compartment (or the station) falls to the pressure floor.

Reserve time is the first figure a crew computes in a depress (iss-facts.md, ESA).  A
leak to vacuum following ``m-dot = C P^n`` in an isothermal volume ``V`` gives

.. math::

    \\frac{dP}{dt} = -k P^n, \\qquad k = \\frac{C R T}{V}, \\qquad
    T_\\mathrm{reserve} = \\frac{P_\\mathrm{min}^{1-n} - P_0^{1-n}}{(n-1) k}

and for a choked hole (``n = 1``) the classic

.. math::

    T_\\mathrm{reserve} = \\tau \\ln\\frac{P_0}{P_\\mathrm{min}}, \\qquad
    \\tau = \\frac{V}{C_d A c^*}

with ``c*`` the choked mass flux per unit pressure (``C = C_d A c^*``).

Two modes, one result (:class:`ReserveTimeResult`):

* :func:`reserve_time_what_if`: a hole of a given size, or a given leak rate, in a given
  volume from a given pressure (defaults: the habitat's whole pressurized volume, 760
  mmHg, the 520 mmHg floor).  The leak is a model of the leak-flow registry
  (:data:`hullwatch.physics.leakflow.LEAK_MODELS`), a choked orifice by default.
* :func:`reserve_time_live`: from telemetry, the fitted leak of a module's compartment
  (rate, its 95 % interval and flow exponent), for that compartment or for the whole
  station with its hatches open.

:func:`reserve_time` picks the mode from its arguments.

References
----------
.. [1] iss-facts.md, "Emergencies": T = tau ln(P_now/P_min), floor 520 mmHg, the Soyuz
   MS-09 2 mm hole (tau of 17 to 28 days) and the 0.6 cm hole (17 to 29 h).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hullwatch.analysis.leakrate import leak_rate
from hullwatch.analysis.rate import SegmentRate
from hullwatch.errors import AnalysisError, InputError
from hullwatch.habitat import Habitat
from hullwatch.physics.gas import AIR, CABIN_AIR, Gas
from hullwatch.physics.leakflow import LeakModel, leak_model, power_law_time_to_pressure_s
from hullwatch.telemetry import Telemetry, iso_z
from hullwatch.units import (
    SECONDS_PER_DAY,
    SECONDS_PER_HOUR,
    ZERO_CELSIUS_K,
    kg_per_day_to_lb_per_day,
    mmhg_to_pa,
    pa_to_mmhg,
)

#: The "safe physiological limit" of the ISS (2017), iss-facts.md: the one home of the
#: reserve-time floor that repress plans, risk and the rapid-depress message use. [mmHg]
FLOOR_MMHG = 520.0
#: The same floor. [Pa]
FLOOR_PA = mmhg_to_pa(FLOOR_MMHG)
#: Nominal cabin pressure, 14.7 psia = 760 mmHg (iss-facts.md). [Pa]
NOMINAL_PRESSURE_PA = mmhg_to_pa(760.0)
#: Cabin air temperature of the what-if: 22 degC, inside the usual 19-23 degC setpoints
#: (iss-facts.md). [K]
DEFAULT_TEMPERATURE_K = ZERO_CELSIUS_K + 22.0
#: Discharge coefficient of a sharp-edged hole, the common default (iss-facts.md). [-]
DEFAULT_DISCHARGE_COEFFICIENT = 0.61
#: The flow exponent of a leak to vacuum: a choked hole (1) to a viscous crack (2). [-]
PLAUSIBLE_EXPONENT_RANGE = (1.0, 2.0)


@dataclass(frozen=True)
class ExponentSet:
    """The flow exponents a prediction from a fitted leak must hold for.

    Attributes
    ----------
    central : float
        The exponent of the central prediction. [-]
    range : tuple of float
        The exponents the interval spans. [-]
    identified : bool
        Whether the data estimated the exponent.
    note : str or None
        An assumption to report when the rate fit's interval was cut.
    """

    central: float
    range: tuple[float, float]
    identified: bool
    note: str | None


def plausible_exponents(segment: SegmentRate) -> ExponentSet:
    """The exponents of a fitted leak to vacuum: its 95 % interval cut to 1-2, or all of 1-2.

    A leak to vacuum lies between a choked hole (``n = 1``) and a viscous crack
    (``n = 2``), so the rate fit's interval is cut to :data:`PLAUSIBLE_EXPONENT_RANGE`
    (a confidence set cut to the parameter space keeps its coverage), and the central
    exponent is the fitted one moved into the cut interval.  An interval wholly outside
    the range leaves its nearer end.  When the data cannot tell a hole from a crack,
    the central exponent is the rate fit's assumed one and the range all of 1-2.
    """
    low, high = PLAUSIBLE_EXPONENT_RANGE
    if segment.flow_exponent is None or segment.flow_exponent_ci95 is None:
        return ExponentSet(segment.exponent_used, PLAUSIBLE_EXPONENT_RANGE, False, None)
    ci_low, ci_high = segment.flow_exponent_ci95
    cut = (float(np.clip(ci_low, low, high)), float(np.clip(ci_high, low, high)))
    note = None
    if cut != (ci_low, ci_high):
        note = (
            f"the flow exponent's 95 % interval {ci_low:.2f}-{ci_high:.2f} is cut to "
            f"{cut[0]:.2f}-{cut[1]:.2f}: a leak to vacuum lies between a choked hole "
            "(n = 1) and a viscous crack (n = 2)"
        )
    return ExponentSet(float(np.clip(segment.flow_exponent, *cut)), cut, True, note)


@dataclass(frozen=True)
class ReserveTimeResult:
    """Time until a volume leaking to vacuum falls from ``pressure_pa`` to ``floor_pa``.

    Attributes
    ----------
    mode : str
        ``"what_if"`` or ``"live"``.
    reserve_time_s : float or None
        Time to the floor [s]; ``None`` when the leak does not take it there.
    ci95_s : tuple of float or None, or None
        Its 95 % interval [s] (live mode); an upper end of ``None`` means never.
    volume_m3 : float
        The leaking volume. [m^3]
    pressure_pa, floor_pa : float
        Starting pressure and floor. [Pa]
    temperature_k : float
        Gas temperature (isothermal decay). [K]
    leak_model : str
        Registry name of the flow model used.
    flow_exponent : float
        ``n`` of ``m-dot = C P^n``. [-]
    initial_rate_kg_per_s : float
        Leak rate at the starting pressure. [kg/s]
    time_constant_s : float or None
        ``tau = V / (C R T)`` for ``n = 1``. [s]
    hole : dict
        The hole's size where one was given or implied (area, diameter, Cd).
    module, compartment : str and tuple of str, or None
        What the live mode analysed.
    assumptions : list of str
        What was assumed rather than measured.
    reason : str or None
        Why ``reserve_time_s`` is ``None``.
    """

    mode: str
    reserve_time_s: float | None
    ci95_s: tuple[float, float | None] | None
    volume_m3: float
    pressure_pa: float
    floor_pa: float
    temperature_k: float
    leak_model: str
    flow_exponent: float
    initial_rate_kg_per_s: float
    time_constant_s: float | None
    hole: dict[str, float] = field(default_factory=dict)
    module: str | None = None
    compartment: tuple[str, ...] | None = None
    assumptions: list[str] = field(default_factory=list)
    reason: str | None = None
    gas_constant_j_per_kg_k: float = AIR.gas_constant_j_per_kg_k

    @property
    def time_at_constant_rate_s(self) -> float | None:
        """Time to the floor if the leak kept its initial rate (a pessimistic bound). [s]"""
        if self.initial_rate_kg_per_s <= 0.0:
            return None
        r = self.gas_constant_j_per_kg_k
        mass_to_lose = (
            (self.pressure_pa - self.floor_pa) * self.volume_m3 / (r * self.temperature_k)
        )
        return float(mass_to_lose / self.initial_rate_kg_per_s)

    def to_dict(self) -> dict[str, Any]:
        """The ``hullwatch reserve-time --json`` object."""
        rate_kg_per_day = self.initial_rate_kg_per_s * SECONDS_PER_DAY
        payload: dict[str, Any] = {
            "mode": self.mode,
            "reserve_time_h": _hours(self.reserve_time_s),
            "reserve_time_d": None
            if self.reserve_time_s is None
            else self.reserve_time_s / SECONDS_PER_DAY,
            "ci95_h": None
            if self.ci95_s is None
            else [_hours(self.ci95_s[0]), _hours(self.ci95_s[1])],
            "volume_m3": self.volume_m3,
            "pressure_mmHg": float(pa_to_mmhg(self.pressure_pa)),
            "floor_mmHg": float(pa_to_mmhg(self.floor_pa)),
            "temperature_k": self.temperature_k,
            "leak_model": self.leak_model,
            "flow_exponent": self.flow_exponent,
            "initial_leak_rate_kg_per_day": rate_kg_per_day,
            "initial_leak_rate_lb_per_day": float(kg_per_day_to_lb_per_day(rate_kg_per_day)),
            "time_constant_d": None
            if self.time_constant_s is None
            else self.time_constant_s / SECONDS_PER_DAY,
            "time_at_constant_rate_h": _hours(self.time_at_constant_rate_s),
            "hole": dict(self.hole),
            "assumptions": list(self.assumptions),
        }
        if self.module is not None:
            payload["module"] = self.module
            payload["compartment"] = list(self.compartment or ())
        if self.reason is not None:
            payload["reason"] = self.reason
        return payload


def _inf(seconds: float | None) -> float:
    """Sort key: ``None`` (never reached) is infinitely long."""
    return np.inf if seconds is None else seconds


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else float(seconds / SECONDS_PER_HOUR)


def _check_pressures(
    pressure_pa: float, floor_pa: float, field: str = "--pressure-mmhg/--floor-mmhg"
) -> None:
    if not (np.isfinite(floor_pa) and floor_pa > 0.0):
        raise InputError(
            f"the floor must be a positive pressure, not {pa_to_mmhg(floor_pa):g} mmHg",
            field="--floor-mmhg",
        )
    if not np.isfinite(pressure_pa) or pressure_pa <= floor_pa:
        raise InputError(
            f"the starting pressure {pa_to_mmhg(pressure_pa):.1f} mmHg is not above the floor "
            f"{pa_to_mmhg(floor_pa):.1f} mmHg: there is no reserve to compute",
            field=field,
        )


def decay_time_s(
    pressure_pa: float,
    floor_pa: float,
    rate_at_pivot_kg_per_s: float,
    pivot_pressure_pa: float,
    exponent: float,
    volume_m3: float,
    temperature_k: float,
    gas: Gas = AIR,
) -> float | None:
    """Time for ``dP/dt = -k P^n`` to fall from ``pressure_pa`` to ``floor_pa``. [s]

    The leak law is pinned where it was measured: ``m-dot(P) = rate (P / P_pivot)^n``.

    Parameters
    ----------
    pressure_pa, floor_pa : float
        Start and end pressures. [Pa]
    rate_at_pivot_kg_per_s : float
        Leak rate at ``pivot_pressure_pa``. [kg/s]
    pivot_pressure_pa : float
        Pressure at which that rate holds. [Pa]
    exponent : float
        ``n``. [-]
    volume_m3 : float
        Volume. [m^3]
    temperature_k : float
        Gas temperature. [K]
    gas : Gas
        The gas.

    Returns
    -------
    float or None
        Seconds; ``None`` when the rate is not positive (the floor is never reached).

    Examples
    --------
    A choked hole with tau = 1 day from 760 to 520 mmHg takes ln(760/520) days:

    >>> v, t = 1.0, 295.0
    >>> rate = 101325.0 * v / (287.05 * t) / 86400  # m-dot at P0 for tau = 1 day
    >>> round(decay_time_s(101325.0, 69327.6, rate, 101325.0, 1.0, v, t, AIR) / 86400, 4)
    0.3795
    """
    if not rate_at_pivot_kg_per_s > 0.0:
        return None
    k = (
        rate_at_pivot_kg_per_s
        * gas.gas_constant_j_per_kg_k
        * temperature_k
        / volume_m3
        / pivot_pressure_pa**exponent
    )
    return power_law_time_to_pressure_s(pressure_pa, floor_pa, k, exponent)


def reserve_time_what_if(
    *,
    hole_diameter_m: float | None = None,
    hole_area_m2: float | None = None,
    rate_kg_per_s: float | None = None,
    volume_m3: float,
    pressure_pa: float = NOMINAL_PRESSURE_PA,
    floor_pa: float = FLOOR_PA,
    discharge_coefficient: float = DEFAULT_DISCHARGE_COEFFICIENT,
    model: str = "orifice",
    temperature_k: float = DEFAULT_TEMPERATURE_K,
    gas: Gas = AIR,
) -> ReserveTimeResult:
    """Reserve time of a what-if leak: a hole of a given size, or a given rate.

    Parameters
    ----------
    hole_diameter_m, hole_area_m2 : float, optional
        The hole, by diameter [m] or area [m^2] (a choked orifice with ``Cd``).
    rate_kg_per_s : float, optional
        Or the leak rate at ``pressure_pa`` [kg/s]; the leak is then a ``model`` of the
        registry resized to pass it (a choked hole by default).
    volume_m3 : float
        The leaking volume. [m^3]
    pressure_pa : float
        Starting pressure. [Pa]
    floor_pa : float
        The floor. [Pa]
    discharge_coefficient : float
        ``Cd`` of the hole, in (0, 1]. [-]
    model : str
        Registry name of the leak model for a given rate.
    temperature_k : float
        Gas temperature. [K]
    gas : Gas
        The gas.

    Returns
    -------
    ReserveTimeResult

    Raises
    ------
    InputError
        For none or more than one of size and rate, a non-positive size, rate or
        volume, ``Cd`` outside (0, 1], or a floor at or above the starting pressure.

    Examples
    --------
    A 0.6 cm hole in 916 m^3 (iss-facts.md: 17-29 h to 520 mmHg):

    >>> r = reserve_time_what_if(hole_diameter_m=0.006, volume_m3=916.0)
    >>> round(r.reserve_time_s / 3600, 1)
    28.1
    """
    given = {
        "--hole-diameter-mm": hole_diameter_m,
        "--hole-area-mm2": hole_area_m2,
        "--rate": rate_kg_per_s,
    }
    named = [k for k, v in given.items() if v is not None]
    if len(named) != 1:
        raise InputError(
            "give exactly one of a hole diameter, a hole area or a leak rate"
            + (f" (got {', '.join(named)})" if named else ""),
            field="/".join(given),
        )
    for name, value in given.items():
        if value is not None and not (np.isfinite(value) and value > 0.0):
            raise InputError(f"must be a positive number, not {value:g}", field=name)
    if not (np.isfinite(volume_m3) and volume_m3 > 0.0):
        raise InputError(f"the volume must be positive, not {volume_m3:g} m^3", field="--volume-m3")
    if not 0.0 < discharge_coefficient <= 1.0:
        raise InputError(
            f"the discharge coefficient must lie in (0, 1], not {discharge_coefficient:g}",
            field="--cd",
        )
    _check_pressures(pressure_pa, floor_pa)
    hole: dict[str, float] = {}
    if rate_kg_per_s is None:
        area = hole_area_m2 if hole_area_m2 is not None else np.pi * hole_diameter_m**2 / 4.0  # type: ignore[operator]
        leak: LeakModel = leak_model(
            "orifice", area_m2=float(area), discharge_coefficient=discharge_coefficient
        )
        assumptions = [
            f"a sharp-edged hole, choked to vacuum, Cd = {discharge_coefficient:g}",
        ]
    else:
        # Resize a registry model to pass the given rate at the starting pressure; a
        # Cd is a parameter of the orifice only.
        parameters = {"discharge_coefficient": discharge_coefficient} if model == "orifice" else {}
        leak = leak_model(model, **parameters).with_mass_flow(
            rate_kg_per_s, pressure_pa, 0.0, temperature_k, gas
        )
        assumptions = [
            f"the given rate holds at the starting pressure; the leak follows the "
            f"{model!r} flow law as the pressure falls",
        ]
    area_m2 = leak.area_m2
    if area_m2 is not None:
        hole = {"area_mm2": area_m2 * 1e6, "diameter_mm": 2e3 * float(np.sqrt(area_m2 / np.pi))}
        if model == "orifice" or rate_kg_per_s is None:
            hole["discharge_coefficient"] = discharge_coefficient
    _, exponent = leak.vacuum_power_law(temperature_k, gas)
    assumptions.append(
        f"isothermal decay at {temperature_k:.1f} K, to vacuum, with no repressurization"
    )
    return ReserveTimeResult(
        mode="what_if",
        reserve_time_s=leak.time_to_pressure_s(
            pressure_pa, floor_pa, volume_m3, temperature_k, gas
        ),
        ci95_s=None,
        volume_m3=volume_m3,
        pressure_pa=pressure_pa,
        floor_pa=floor_pa,
        temperature_k=temperature_k,
        leak_model=leak.name,
        flow_exponent=exponent,
        initial_rate_kg_per_s=float(leak.mass_flow_kg_per_s(pressure_pa, 0.0, temperature_k, gas)),
        time_constant_s=leak.time_constant_s(volume_m3, temperature_k, gas)
        if np.isclose(exponent, 1.0)
        else None,
        hole=hole,
        assumptions=assumptions,
        gas_constant_j_per_kg_k=gas.gas_constant_j_per_kg_k,
    )


def last_pressure_pa(
    telemetry: Telemetry, habitat: Habitat, modules: tuple[str, ...], end: np.datetime64
) -> tuple[float, list[str]]:
    """Volume-weighted mean of the last pressure readings at or before ``end``. [Pa]

    Returns the pressure and the modules whose channels gave it.

    Raises
    ------
    AnalysisError
        When no module of ``modules`` has a pressure reading.
    """
    values, volumes, used = [], [], []
    window = telemetry.window(None, end)
    available = set(window.channels())
    for module in modules:
        readings = [
            float(window.channel(c.id)[1][-1])
            for c in habitat.channels_for(module, "pressure")
            if c.id in available
        ]
        if readings:
            values.append(float(np.mean(readings)))
            volumes.append(habitat.module(module).volume_m3)
            used.append(module)
    if not values:
        raise AnalysisError(f"no pressure reading of {', '.join(modules)} before {iso_z(end)}")
    return float(np.average(values, weights=volumes)), used


def reserve_time_live(
    telemetry: Telemetry,
    habitat: Habitat,
    module: str,
    *,
    whole_station: bool = False,
    floor_pa: float = FLOOR_PA,
    start: np.datetime64 | None = None,
    end: np.datetime64 | None = None,
    gas: Gas = CABIN_AIR,
) -> ReserveTimeResult:
    """Reserve time of the fitted leak of ``module``'s compartment, with a 95 % interval.

    The leak is the last segment's fitted ``m-dot = rate (P / P_mean)^n``.  The interval
    spans the rate's 95 % interval and the exponent's (its 95 % interval cut to 1-2, or
    1 to 2 when the data cannot tell a hole from a crack, :func:`plausible_exponents`):
    the time is monotone in the rate and convex in the exponent.

    Parameters
    ----------
    telemetry : Telemetry
        The data.
    habitat : Habitat
        The habitat.
    module : str
        A module of the leaking compartment.
    whole_station : bool
        Leak the whole habitat volume (every hatch open) instead of the compartment,
        starting from the volume-weighted mean of the last pressure readings.
    floor_pa : float
        The floor. [Pa]
    start, end : numpy.datetime64, optional
        The window of the rate fit.
    gas : Gas
        The cabin gas (the rate fit's).

    Returns
    -------
    ReserveTimeResult

    Raises
    ------
    InputError
        For an unknown module, an empty window, or a floor at or above the pressure.
    AnalysisError
        When the leak cannot be estimated.
    """
    fit = leak_rate(telemetry, habitat, module, start, end, gas=gas)
    last = fit.last
    if last.leak_rate_kg_per_day is None or last.ci95_kg_per_day is None:
        raise AnalysisError(f"no leak rate for the last hatch configuration: {last.reason}")
    assumptions = list(last.assumptions)
    if whole_station:
        modules = habitat.module_names
        volume = habitat.volume_m3(modules)
        pressure, used = last_pressure_pa(telemetry, habitat, modules, last.end)
        assumptions.append(
            f"the whole station ({volume:.1f} m^3) with every hatch open, starting from the "
            f"volume-weighted mean of the last pressure readings of {len(used)} modules"
        )
    else:
        modules = last.compartment
        volume = last.volume_m3
        pressure, _ = last_pressure_pa(telemetry, habitat, modules, last.end)
    _check_pressures(pressure, floor_pa, field="--floor-mmhg")
    exponents = plausible_exponents(last)
    n_range = exponents.range
    if exponents.note is not None:
        assumptions.append(exponents.note)
    if not exponents.identified:
        assumptions.append(
            f"the flow exponent is not identified by the data: the estimate uses n = "
            f"{last.exponent_used:g} and the interval spans n = 1 (hole) to 2 (crack)"
        )
    assumptions.append(
        "the fitted leak holds from the last sample on, isothermal, with no repressurization"
    )
    temperature = last.mean_temperature_k
    rate = last.leak_rate_kg_per_day / SECONDS_PER_DAY

    def time_at(rate_kg_per_s: float, exponent: float) -> float | None:
        return decay_time_s(
            pressure,
            floor_pa,
            rate_kg_per_s,
            last.mean_pressure_pa,
            exponent,
            volume,
            temperature,
            gas,
        )

    n = exponents.central
    estimate = time_at(rate, n)
    rate_lo, rate_hi = (v / SECONDS_PER_DAY for v in last.ci95_kg_per_day)
    # The time falls with the rate; in n it is convex (an integral of (P_mean/P)^n), so
    # its largest value over the exponent's range is at an end, its smallest on a grid.
    grid = np.linspace(min(n_range), max(n_range), 21)
    shortest = min((time_at(rate_hi, float(e)) for e in grid), default=None, key=_inf)
    longest = max((time_at(rate_lo, float(e)) for e in grid), default=None, key=_inf)
    initial_rate = rate * (pressure / last.mean_pressure_pa) ** n
    reason = None
    if estimate is None:
        reason = "the fitted leak rate is not positive: the floor is not reached"
    return ReserveTimeResult(
        mode="live",
        reserve_time_s=estimate,
        ci95_s=None if shortest is None else (shortest, longest),
        volume_m3=volume,
        pressure_pa=pressure,
        floor_pa=floor_pa,
        temperature_k=temperature,
        leak_model="power_law",
        flow_exponent=n,
        initial_rate_kg_per_s=initial_rate,
        time_constant_s=volume
        / (rate / last.mean_pressure_pa * gas.gas_constant_j_per_kg_k * temperature)
        if np.isclose(n, 1.0) and rate > 0
        else None,
        module=module,
        compartment=tuple(modules),
        assumptions=assumptions,
        reason=reason,
        gas_constant_j_per_kg_k=gas.gas_constant_j_per_kg_k,
    )


def reserve_time(
    telemetry: Telemetry | None = None,
    habitat: Habitat | None = None,
    module: str | None = None,
    **options: Any,
) -> ReserveTimeResult:
    """Reserve time, live (telemetry and module given) or what-if (a hole or rate given).

    Parameters
    ----------
    telemetry, habitat, module : optional
        For the live mode (see :func:`reserve_time_live`).
    **options
        Keyword arguments of :func:`reserve_time_live` or :func:`reserve_time_what_if`.

    Returns
    -------
    ReserveTimeResult

    Raises
    ------
    InputError
        When the arguments mix the two modes or give neither.
    """
    if telemetry is not None:
        if habitat is None or module is None:
            raise InputError(
                "the live reserve time needs the habitat and a module", field="--module"
            )
        return reserve_time_live(telemetry, habitat, module, **options)
    if module is not None:
        raise InputError("a module needs telemetry to fit its leak", field="TELEMETRY")
    return reserve_time_what_if(**options)
