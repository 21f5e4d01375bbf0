"""Repress plan: the small repressurizations that hold a compartment in a pressure band.

A compartment isolated behind a closed hatch and leaking to vacuum with the power
law ``m-dot = C P^n`` falls from the band's top ``P_H`` to its bottom ``P_L`` in

.. math::

    t_\\mathrm{decay} = \\frac{P_L^{1-n} - P_H^{1-n}}{(n-1) k}, \\qquad
    k = \\frac{C R T}{V} \\qquad (t = \\ln(P_H/P_L)/k \\text{ for } n = 1)

(:func:`~hullwatch.physics.leakflow.power_law_time_to_pressure_s`). Each repress
then puts back the gas of the band, ``m = V (P_H - P_L) / (R T)``; with a finite
repress rate ``q`` the fill takes ``t_fill = \\int_{P_L}^{P_H} dP / (a - k P^n)``,
``a = q R T / V``, and delivers ``q t_fill`` (the band plus what leaks meanwhile).
One cycle lasts ``t_decay + t_fill``; in steady state the gas added per day equals the
mean leak rate in the band.  Holding lower cuts the leak by ``(P/P_0)^n``: a crack
(``n`` about 2) gains more than a hole (``n`` about 1).

Intervals: the 95 % interval of the leak rate (at the pressure where it was measured)
and of the flow exponent (which matters as the band moves away from that pressure)
are combined in quadrature as relative half-widths of the leak's size in the band
(a first-order delta method treating the two as independent).  Gas per repress does
not depend on the leak (it is the band's gas); represses per day and gas per month
scale with it.

Notes
-----
=================================  ============================================
Assumption                         Why it holds / where it does not
=================================  ============================================
Isothermal decay at the mean       a 1 K swing moves a closed compartment by
temperature                        ~2.6 mmHg (iss-facts.md): a narrow band is
                                   crossed by thermal swings too, which this plan
                                   does not model
Leak to vacuum, ``C P^n``          the fitted law of ``hullwatch rate``
Rigid volume, ideal gas            as everywhere in hullwatch (physics.gas)
Station source: the gas comes      the station's own make-up (from tanks) is
from the rest of the station       not modelled; its drop is the gas it must
                                   then make up, as pressure
=================================  ============================================
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import integrate

from hullwatch.analysis.leakrate import LeakRateResult
from hullwatch.analysis.reserve import FLOOR_PA, plausible_exponents
from hullwatch.errors import AnalysisError, InputError
from hullwatch.habitat import Habitat
from hullwatch.physics.gas import CABIN_AIR, Gas, gas_mass_kg
from hullwatch.physics.leakflow import LeakModel, leak_model
from hullwatch.units import (
    MMHG_PA,
    SECONDS_PER_DAY,
    SECONDS_PER_HOUR,
    ZERO_CELSIUS_K,
    kg_per_day_to_lb_per_day,
    pa_to_mmhg,
)

#: Nominal station pressure: the Russian segment typically reports about 750 mmHg
#: (iss-facts.md [A]/[B]). [Pa]
NOMINAL_STATION_PRESSURE_PA = 750.0 * MMHG_PA
#: Cabin temperature used when none is measured: 22 degC, inside the usual 19-23 degC
#: setpoint range (iss-facts.md). [K]
DEFAULT_TEMPERATURE_K = ZERO_CELSIUS_K + 22.0
#: Reference pressure of a given leak rate (formats.md: ``..._at_760mmHg``). [Pa]
REFERENCE_PRESSURE_PA = 760.0 * MMHG_PA
#: A month, for the "gas per month" figures: 30 days. [day]
DAYS_PER_MONTH = 30.0
#: Tops of the comparison bands below the station pressure (the request's width is kept). [Pa]
COMPARISON_HIGHS_PA = tuple(p * MMHG_PA for p in (700.0, 650.0, 600.0, 560.0))
#: Where the repress gas comes from.
SOURCES = ("tank", "station")


@dataclass(frozen=True)
class PlanLeak:
    """A leak to vacuum as the plan uses it: ``m-dot = C P^n``, anchored where measured.

    Parameters
    ----------
    rate_kg_per_day : float
        Leak rate at ``pressure_pa``. [kg/day]
    pressure_pa : float
        Pressure at which the rate holds (measured or reference). [Pa]
    flow_exponent : float
        ``n``: about 1 for a choked hole, about 2 for a viscous crack. [-]
    temperature_k : float
        Gas temperature of the compartment. [K]
    rate_ci95_kg_per_day : tuple of float, optional
        95 % interval of the rate at ``pressure_pa``. [kg/day]
    flow_exponent_ci95 : tuple of float, optional
        95 % interval of ``n``. [-]
    origin : str
        ``"telemetry"`` or ``"given"``.
    """

    rate_kg_per_day: float
    pressure_pa: float
    flow_exponent: float
    temperature_k: float = DEFAULT_TEMPERATURE_K
    rate_ci95_kg_per_day: tuple[float, float] | None = None
    flow_exponent_ci95: tuple[float, float] | None = None
    origin: str = "given"
    assumptions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        checks = {
            "rate_kg_per_day": self.rate_kg_per_day > 0,
            "pressure_pa": self.pressure_pa > 0,
            "flow_exponent": 0.0 < self.flow_exponent <= 3.0,
            "temperature_k": self.temperature_k > 0,
        }
        for name, ok in checks.items():
            value = getattr(self, name)
            if not (np.isfinite(value) and ok):
                raise InputError(f"{value!r} is not a usable leak figure", field=name)

    @property
    def model(self) -> LeakModel:
        """The leak as a registry model (``power_law``), in kg/s and Pa."""
        coefficient = self.rate_kg_per_day / SECONDS_PER_DAY / self.pressure_pa**self.flow_exponent
        return leak_model("power_law", coefficient=coefficient, exponent=self.flow_exponent)

    def rate_kg_per_day_at(self, pressure_pa: float) -> float:
        """Leak rate at ``pressure_pa``. [kg/day]"""
        return float(self.model.mass_flow_kg_per_s(pressure_pa, 0.0, self.temperature_k)) * (
            SECONDS_PER_DAY
        )

    def size_factors_at(self, pressure_pa: float) -> tuple[float, float] | None:
        """95 % interval of the leak's size at ``pressure_pa``, as factors on ``C``. [-]

        The rate's relative half-widths and the exponent's effect ``exp(dn |ln(P/P0)|) - 1``
        are added in quadrature, each side separately; the lower factor is clipped at 0.
        ``None`` when neither interval is known.
        """
        if self.rate_ci95_kg_per_day is None and self.flow_exponent_ci95 is None:
            return None
        lo_rel = hi_rel = 0.0
        if self.rate_ci95_kg_per_day is not None:
            lo_rel = max(0.0, 1.0 - self.rate_ci95_kg_per_day[0] / self.rate_kg_per_day)
            hi_rel = max(0.0, self.rate_ci95_kg_per_day[1] / self.rate_kg_per_day - 1.0)
        lo_n = hi_n = 0.0
        if self.flow_exponent_ci95 is not None:
            log_ratio = float(np.log(pressure_pa / self.pressure_pa))
            n_lo, n_hi = self.flow_exponent_ci95
            # Below the anchor a larger n means a smaller leak; above it, a larger one.
            shrink = (n_hi - self.flow_exponent) if log_ratio < 0 else (self.flow_exponent - n_lo)
            grow = (self.flow_exponent - n_lo) if log_ratio < 0 else (n_hi - self.flow_exponent)
            lo_n = 1.0 - float(np.exp(-max(shrink, 0.0) * abs(log_ratio)))
            hi_n = float(np.exp(max(grow, 0.0) * abs(log_ratio))) - 1.0
        return max(0.0, 1.0 - float(np.hypot(lo_rel, lo_n))), 1.0 + float(np.hypot(hi_rel, hi_n))


def leak_from_rate(result: LeakRateResult) -> PlanLeak:
    """The plan's leak from a fitted leak rate (its last hatch configuration).

    Parameters
    ----------
    result : LeakRateResult
        From :func:`hullwatch.analysis.leakrate.leak_rate`.

    Returns
    -------
    PlanLeak
        Anchored at the segment's mean pressure, with the rate's and exponent's
        intervals; an unidentified exponent takes ``n = 1`` (the estimator's choice,
        conservative when holding lower) with the interval 1 to 2 (hole to crack).

    Raises
    ------
    AnalysisError
        When the last segment has no leak estimate or no leak.
    """
    last = result.last
    if last.leak_rate_kg_per_day is None:
        raise AnalysisError(f"no leak rate for {result.module}'s compartment: {last.reason}")
    if not last.leak_rate_kg_per_day > 0:
        raise AnalysisError(
            f"the fitted leak of {result.module}'s compartment is "
            f"{last.leak_rate_kg_per_day:.3g} kg/day: there is no leak to plan represses for"
        )
    assumptions = list(last.assumptions)
    exponents = plausible_exponents(last)
    if exponents.note is not None:
        assumptions.append(exponents.note)
    if not exponents.identified:
        assumptions.append(
            "the data cannot tell a hole from a crack: the plan takes n = 1 and widens its "
            "intervals over n = 1 to 2"
        )
    return PlanLeak(
        rate_kg_per_day=last.leak_rate_kg_per_day,
        pressure_pa=last.mean_pressure_pa,
        flow_exponent=exponents.central,
        temperature_k=last.mean_temperature_k,
        rate_ci95_kg_per_day=last.ci95_kg_per_day,
        flow_exponent_ci95=exponents.range,
        origin="telemetry",
        assumptions=tuple(assumptions),
    )


@dataclass(frozen=True)
class BandFigures:
    """What holding one band costs. Interval fields are 95 % ``(low, high)`` or ``None``."""

    low_pa: float
    high_pa: float
    decay_time_s: float
    fill_time_s: float
    gas_per_repress_kg: float
    represses_per_day: float
    gas_per_day_kg: float
    leak_rate_at_high_kg_per_day: float
    period_ci95_s: tuple[float, float] | None
    represses_per_day_ci95: tuple[float, float] | None
    gas_per_day_ci95_kg: tuple[float, float] | None
    station_drop_per_repress_pa: float | None
    requested: bool = False

    @property
    def period_s(self) -> float:
        """One cycle: decay plus fill. [s]"""
        return self.decay_time_s + self.fill_time_s

    @property
    def gas_per_month_kg(self) -> float:
        """Gas added per 30 days; equals the leak's loss in the band. [kg]"""
        return self.gas_per_day_kg * DAYS_PER_MONTH

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe figures in mmHg, hours, kg and lb."""

        def scaled(pair: tuple[float, float] | None, factor: float) -> list[float | None] | None:
            if pair is None:
                return None
            return [float(v * factor) if np.isfinite(v) else None for v in pair]

        out: dict[str, Any] = {
            "low_mmHg": float(pa_to_mmhg(self.low_pa)),
            "high_mmHg": float(pa_to_mmhg(self.high_pa)),
            "requested": self.requested,
            "decay_time_h": self.decay_time_s / SECONDS_PER_HOUR,
            "fill_time_h": self.fill_time_s / SECONDS_PER_HOUR,
            "period_h": self.period_s / SECONDS_PER_HOUR,
            "period_ci95_h": scaled(self.period_ci95_s, 1.0 / SECONDS_PER_HOUR),
            "gas_per_repress_kg": self.gas_per_repress_kg,
            "represses_per_day": self.represses_per_day,
            "represses_per_day_ci95": scaled(self.represses_per_day_ci95, 1.0),
            "mean_leak_rate_kg_per_day": self.gas_per_day_kg,
            "mean_leak_rate_lb_per_day": float(kg_per_day_to_lb_per_day(self.gas_per_day_kg)),
            "mean_leak_rate_ci95_kg_per_day": scaled(self.gas_per_day_ci95_kg, 1.0),
            "leak_rate_at_high_kg_per_day": self.leak_rate_at_high_kg_per_day,
            "gas_per_month_kg": self.gas_per_month_kg,
            "gas_per_month_ci95_kg": scaled(self.gas_per_day_ci95_kg, DAYS_PER_MONTH),
        }
        if self.station_drop_per_repress_pa is not None:
            per_repress = float(pa_to_mmhg(self.station_drop_per_repress_pa))
            out["station_drop_per_repress_mmHg"] = per_repress
            out["station_drop_per_month_mmHg"] = (
                per_repress * self.represses_per_day * DAYS_PER_MONTH
            )
        return out


@dataclass(frozen=True)
class RepressPlan:
    """The schedule that holds a compartment in a band, and the comparison of bands."""

    module: str
    compartment: tuple[str, ...]
    volume_m3: float
    source: str
    station_volume_m3: float
    station_pressure_pa: float
    repress_rate_kg_per_s: float | None
    leak: PlanLeak
    band: BandFigures
    comparison: list[BandFigures]
    gas: Gas = CABIN_AIR
    assumptions: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The ``hullwatch plan-repress --json`` object."""
        leak = self.leak
        exponent_ci = leak.flow_exponent_ci95
        return {
            "module": self.module,
            "compartment": list(self.compartment),
            "volume_m3": self.volume_m3,
            "source": self.source,
            "station_volume_m3": self.station_volume_m3,
            "station_pressure_mmHg": float(pa_to_mmhg(self.station_pressure_pa)),
            "repress_rate_kg_per_h": None
            if self.repress_rate_kg_per_s is None
            else self.repress_rate_kg_per_s * SECONDS_PER_HOUR,
            "temperature_K": leak.temperature_k,
            "leak": {
                "origin": leak.origin,
                "leak_rate_kg_per_day": leak.rate_kg_per_day,
                "leak_rate_lb_per_day": float(kg_per_day_to_lb_per_day(leak.rate_kg_per_day)),
                "ci95_kg_per_day": None
                if leak.rate_ci95_kg_per_day is None
                else list(leak.rate_ci95_kg_per_day),
                "at_pressure_mmHg": float(pa_to_mmhg(leak.pressure_pa)),
                "flow_exponent": {
                    "value": leak.flow_exponent,
                    "ci95": None if exponent_ci is None else list(exponent_ci),
                },
            },
            "band": self.band.to_dict(),
            "comparison": [b.to_dict() for b in self.comparison],
            "days_per_month": DAYS_PER_MONTH,
            "assumptions": list(self.assumptions),
        }


def _fill_time_s(low_pa: float, high_pa: float, a: float, k: float, n: float) -> float:
    """Time for ``dP/dt = a - k P^n`` to rise from ``low_pa`` to ``high_pa``. [s]"""
    value, _ = integrate.quad(lambda p: 1.0 / (a - k * p**n), low_pa, high_pa)
    return float(value)


def _band_figures(
    low_pa: float,
    high_pa: float,
    leak: PlanLeak,
    volume_m3: float,
    gas: Gas,
    repress_rate_kg_per_s: float | None,
    station_volume_m3: float | None,
    requested: bool,
) -> BandFigures:
    rt = gas.gas_constant_j_per_kg_k * leak.temperature_k
    coefficient, n = leak.model.vacuum_power_law(leak.temperature_k, gas)

    def cycle(size: float) -> tuple[float, float, float]:
        """(decay time [s], fill time [s], gas per repress [kg]) for the leak times ``size``."""
        k = size * coefficient * rt / volume_m3
        decay = leak.model.scaled(size).time_to_pressure_s(
            high_pa, low_pa, volume_m3, leak.temperature_k, gas
        )
        band_kg = float(
            gas_mass_kg(
                high_pa - low_pa, volume_m3, leak.temperature_k, gas.gas_constant_j_per_kg_k
            )
        )
        if repress_rate_kg_per_s is None:
            return decay, 0.0, band_kg
        a = repress_rate_kg_per_s * rt / volume_m3
        if a <= k * high_pa**n:
            raise InputError(
                f"a repress of {repress_rate_kg_per_s * SECONDS_PER_HOUR:.3g} kg/h cannot "
                f"outpace a leak of {size * coefficient * high_pa**n * SECONDS_PER_DAY:.3g} "
                f"kg/day at {pa_to_mmhg(high_pa):.1f} mmHg",
                field="repress_rate",
            )
        fill = _fill_time_s(low_pa, high_pa, a, k, n)
        return decay, fill, repress_rate_kg_per_s * fill

    decay, fill, per_repress = cycle(1.0)
    per_day = SECONDS_PER_DAY / (decay + fill)
    factors = leak.size_factors_at(0.5 * (low_pa + high_pa))
    period_ci = represses_ci = gas_ci = None
    if factors is not None:
        bounds = []
        for factor in factors:
            if factor <= 0.0:
                bounds.append((np.inf, 0.0, 0.0))
                continue
            d, f, m = cycle(factor)
            bounds.append((d + f, SECONDS_PER_DAY / (d + f), m * SECONDS_PER_DAY / (d + f)))
        (p_lo_leak, r_lo, g_lo), (p_hi_leak, r_hi, g_hi) = bounds
        period_ci = (p_hi_leak, p_lo_leak)
        represses_ci = (r_lo, r_hi)
        gas_ci = (g_lo, g_hi)
    drop = None
    if station_volume_m3 is not None:
        drop = per_repress * rt / station_volume_m3
    return BandFigures(
        low_pa=low_pa,
        high_pa=high_pa,
        decay_time_s=decay,
        fill_time_s=fill,
        gas_per_repress_kg=per_repress,
        represses_per_day=per_day,
        gas_per_day_kg=per_repress * per_day,
        leak_rate_at_high_kg_per_day=leak.rate_kg_per_day_at(high_pa),
        period_ci95_s=period_ci,
        represses_per_day_ci95=represses_ci,
        gas_per_day_ci95_kg=gas_ci,
        station_drop_per_repress_pa=drop,
        requested=requested,
    )


def _check_band(low_pa: float, high_pa: float, station_pressure_pa: float, floor_pa: float) -> None:
    def mmhg(p: float) -> str:
        return f"{pa_to_mmhg(p):.1f} mmHg"

    if not (np.isfinite(low_pa) and np.isfinite(high_pa)):
        raise InputError("the band must be two finite pressures", field="--band")
    if low_pa >= high_pa:
        raise InputError(
            f"impossible band: LOW {mmhg(low_pa)} must be below HIGH {mmhg(high_pa)}",
            field="--band",
        )
    if low_pa < floor_pa:
        raise InputError(
            f"LOW {mmhg(low_pa)} is below the {mmhg(floor_pa)} floor (the ISS safe "
            "physiological limit, iss-facts.md)",
            field="--band",
        )
    if high_pa > station_pressure_pa:
        raise InputError(
            f"HIGH {mmhg(high_pa)} is above the station pressure {mmhg(station_pressure_pa)}: "
            "a band held by small represses must lie below the station (give "
            "--station-mmhg if the station is higher)",
            field="--band",
        )


def plan_repress(
    habitat: Habitat,
    module: str,
    low_pa: float,
    high_pa: float,
    leak: PlanLeak,
    *,
    compartment: tuple[str, ...] | None = None,
    source: str = "tank",
    station_pressure_pa: float = NOMINAL_STATION_PRESSURE_PA,
    repress_rate_kg_per_s: float | None = None,
    comparison_highs_pa: tuple[float, ...] = COMPARISON_HIGHS_PA,
    floor_pa: float = FLOOR_PA,
    gas: Gas = CABIN_AIR,
) -> RepressPlan:
    """Plan the small represses that hold ``module``'s compartment in ``[low_pa, high_pa]``.

    Parameters
    ----------
    habitat : Habitat
        The habitat (volumes).
    module : str
        A module of the held compartment.
    low_pa, high_pa : float
        The band: a repress starts at ``low_pa`` and stops at ``high_pa``. [Pa]
    leak : PlanLeak
        The leak, from :func:`leak_from_rate` (telemetry) or given.
    compartment : tuple of str, optional
        The modules of the held compartment; ``(module,)`` with all its hatches
        closed by default.
    source : {"tank", "station"}
        Where the repress gas comes from.
    station_pressure_pa : float
        Pressure of the rest of the station; the band must lie below it. [Pa]
    repress_rate_kg_per_s : float, optional
        Mass rate of one repress; ``None`` for represses much shorter than the decay. [kg/s]
    comparison_highs_pa : tuple of float
        Tops of the lower bands to compare (the station's band is always added). [Pa]
    floor_pa : float
        No band may reach below this. [Pa]
    gas : Gas
        The cabin gas.

    Returns
    -------
    RepressPlan

    Raises
    ------
    InputError
        For an impossible band, an unknown module or source, or a repress rate that
        cannot outpace the leak.

    Examples
    --------
    A 5 m^3 compartment leaking 1 lb/day at 760 mmHg through a crack, held at 660-675 mmHg:

    >>> from hullwatch.habitat import Habitat, Module
    >>> hab = Habitat("h", (Module("PrK", 5.0), Module("Zvezda", 75.0)), ())
    >>> leak = PlanLeak(0.4536, 760 * MMHG_PA, 2.0)
    >>> plan = plan_repress(hab, "PrK", 660 * MMHG_PA, 675 * MMHG_PA, leak)
    >>> round(plan.band.gas_per_repress_kg, 4), round(plan.band.represses_per_day, 2)
    (0.1179, 2.97)
    """
    if source not in SOURCES:
        raise InputError(f"unknown source {source!r}; use {' or '.join(SOURCES)}", field="--source")
    habitat.module(module)
    modules = (module,) if compartment is None else tuple(compartment)
    for name in modules:
        habitat.module(name)
    if module not in modules:
        raise InputError(f"the compartment {modules} does not hold {module!r}", field="compartment")
    if not (np.isfinite(station_pressure_pa) and station_pressure_pa > floor_pa):
        raise InputError(
            f"station pressure {pa_to_mmhg(station_pressure_pa):.1f} mmHg must be above the "
            f"{pa_to_mmhg(floor_pa):.0f} mmHg floor",
            field="--station-mmhg",
        )
    if repress_rate_kg_per_s is not None and not (
        np.isfinite(repress_rate_kg_per_s) and repress_rate_kg_per_s > 0
    ):
        raise InputError("the repress rate must be positive", field="--repress-rate-kg-per-h")
    _check_band(low_pa, high_pa, station_pressure_pa, floor_pa)
    volume = habitat.volume_m3(modules)
    station_volume = habitat.volume_m3(m.name for m in habitat.modules) - volume
    if source == "station" and not station_volume > 0:
        raise InputError(
            "the source is the station, but the habitat has no volume outside the compartment",
            field="--source",
        )
    station = station_volume if source == "station" else None

    def figures(lo: float, hi: float, requested: bool) -> BandFigures:
        return _band_figures(lo, hi, leak, volume, gas, repress_rate_kg_per_s, station, requested)

    band = figures(low_pa, high_pa, True)
    width = high_pa - low_pa
    tops = [station_pressure_pa, *comparison_highs_pa]
    comparison = [band]
    for top in tops:
        lo = top - width
        if lo < floor_pa or top > station_pressure_pa:
            continue
        if any(abs(b.high_pa - top) < 0.5 * MMHG_PA for b in comparison):
            continue
        comparison.append(figures(lo, top, False))
    comparison.sort(key=lambda b: -b.high_pa)
    assumptions = list(leak.assumptions)
    assumptions.append(
        f"isothermal at {leak.temperature_k:.1f} K; thermal swings (about 2.6 mmHg per K) "
        "cross a narrow band too and are not in the plan"
    )
    if repress_rate_kg_per_s is None:
        assumptions.append("represses are short next to the decay (no repress rate given)")
    if source == "station":
        assumptions.append(
            "station gas is not made up in the plan: its drop is what the station must then replace"
        )
    return RepressPlan(
        module=module,
        compartment=modules,
        volume_m3=volume,
        source=source,
        station_volume_m3=station_volume,
        station_pressure_pa=station_pressure_pa,
        repress_rate_kg_per_s=repress_rate_kg_per_s,
        leak=leak,
        band=band,
        comparison=comparison,
        gas=gas,
        assumptions=assumptions,
    )


def sawtooth(plan: RepressPlan, days: float, points_per_cycle: int = 60) -> tuple[Any, Any]:
    """The planned pressure over ``days``: decays from HIGH to LOW and the fills between.

    Parameters
    ----------
    plan : RepressPlan
        The plan.
    days : float
        Length of the trace. [day]
    points_per_cycle : int
        Samples per decay.

    Returns
    -------
    time_s, pressure_pa : ndarray
        Time since a repress ended [s] and the pressure [Pa]; fills are drawn as
        straight rises (they are short).
    """
    band = plan.band
    leak = plan.leak
    model = leak.model
    times: list[Any] = []
    pressures: list[Any] = []
    t0 = 0.0
    end = days * SECONDS_PER_DAY
    while t0 < end:
        t = np.linspace(0.0, band.decay_time_s, points_per_cycle)
        p = model.decay_pressure_pa(t, band.high_pa, plan.volume_m3, leak.temperature_k, plan.gas)
        times.append(t0 + t)
        pressures.append(p)
        t0 += band.period_s
        times.append(np.array([t0]))
        pressures.append(np.array([band.high_pa]))
    time_s = np.concatenate(times)
    keep = time_s <= end
    return time_s[keep], np.concatenate(pressures)[keep]
