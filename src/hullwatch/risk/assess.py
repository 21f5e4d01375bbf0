"""``assess_risk``: the 5 x 5 likelihood x consequence score, with every input behind it.

Likelihood comes from :mod:`hullwatch.risk.likelihood` (trend and step increases),
consequence from :mod:`hullwatch.risk.consequence` (reserve time and gas lost under a
credible worst case); both are mapped to levels through a :class:`~hullwatch.risk.matrix.RiskTable`.
When the table is hullwatch's default the result says it is not NASA's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hullwatch.analysis.reserve import FLOOR_PA, plausible_exponents
from hullwatch.errors import InputError
from hullwatch.quantiles import Z95
from hullwatch.risk.consequence import Consequence, ConsequenceInputs, assess_consequence
from hullwatch.risk.likelihood import (
    DEFAULT_FIGURE_REL_UNCERTAINTY,
    DEFAULT_TREND_WINDOW_DAYS,
    Exceedance,
    LogRateTrend,
    StepModel,
    exceedance_probability,
    fit_log_trend,
    fit_step_model,
    log_sd,
    steps_from_history,
)
from hullwatch.risk.matrix import DEFAULT_DISCLAIMER, RiskTable, load_risk_table
from hullwatch.risk.records import RateObservation, StepEvent
from hullwatch.telemetry import iso_z
from hullwatch.units import SECONDS_PER_DAY, kg_per_day_to_lb_per_day, mmhg_to_pa, pa_to_mmhg

#: Reserve-time floor: the ISS "safe physiological limit" (iss-facts.md). [Pa]
DEFAULT_FLOOR_PA = float(FLOOR_PA)
#: Reference (station) pressure of the hatch-open worst case: 760 mmHg. [Pa]
DEFAULT_REFERENCE_PA = float(mmhg_to_pa(760.0))


@dataclass(frozen=True)
class CurrentRate:
    """Today's leak rate, from telemetry, from the command line, or from the history.

    Attributes
    ----------
    rate_kg_per_day : float
        The rate. [kg/day]
    ci95_kg_per_day : (float, float) or None
        Its 95 % interval; None when not known (then the history's default relative
        uncertainty applies). [kg/day]
    time : numpy.datetime64
        When (UTC).
    pressure_pa : float
        Pressure it was measured at. [Pa]
    temperature_k : float
        Gas temperature. [K]
    flow_exponent : float or None
        Fitted ``n`` of ``m-dot ~ P^n``, if any. [-]
    origin : str
        ``telemetry``, ``given`` or ``history``.
    """

    rate_kg_per_day: float
    ci95_kg_per_day: tuple[float, float] | None
    time: np.datetime64
    pressure_pa: float = DEFAULT_REFERENCE_PA
    temperature_k: float = 295.0
    flow_exponent: float | None = None
    origin: str = "given"

    def log_sd(self, min_rel_uncertainty: float) -> float:
        """Standard deviation of ``ln(rate)``. [-]"""
        if self.ci95_kg_per_day is None:
            return log_sd(self.rate_kg_per_day, self.rate_kg_per_day, min_rel_uncertainty)
        lo, hi = self.ci95_kg_per_day
        if lo > 0:
            return float(np.log(hi / lo)) / (2.0 * Z95)
        return (hi - lo) / (2.0 * Z95 * self.rate_kg_per_day)

    def upper_kg_per_day(self, min_rel_uncertainty: float) -> float:
        """Upper 95 % bound. [kg/day]"""
        if self.ci95_kg_per_day is not None:
            return float(self.ci95_kg_per_day[1])
        return self.rate_kg_per_day * float(np.exp(Z95 * self.log_sd(min_rel_uncertainty)))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        ci = self.ci95_kg_per_day
        return {
            "origin": self.origin,
            "time": iso_z(self.time),
            "leak_rate_kg_per_day": self.rate_kg_per_day,
            "ci95_kg_per_day": None if ci is None else [float(ci[0]), float(ci[1])],
            "leak_rate_lb_per_day": float(kg_per_day_to_lb_per_day(self.rate_kg_per_day)),
            "pressure_mmHg": float(pa_to_mmhg(self.pressure_pa)),
            "temperature_k": self.temperature_k,
            "flow_exponent": self.flow_exponent,
        }


def current_rate_from_leak_rate(result: Any) -> CurrentRate:
    """Today's rate from a :class:`~hullwatch.analysis.leakrate.LeakRateResult` (last segment).

    Raises
    ------
    InputError
        When the last segment has no estimate.
    """
    last = result.last
    if last.leak_rate_kg_per_day is None or not last.leak_rate_kg_per_day > 0:
        raise InputError(
            "no positive leak rate in the telemetry's last configuration "
            f"({last.reason or 'none'}); give --rate for a what-if"
        )
    exponents = plausible_exponents(last)
    return CurrentRate(
        rate_kg_per_day=float(last.leak_rate_kg_per_day),
        ci95_kg_per_day=None if last.ci95_kg_per_day is None else tuple(last.ci95_kg_per_day),
        time=last.end,
        pressure_pa=float(last.mean_pressure_pa),
        temperature_k=float(last.mean_temperature_k),
        # A leak to vacuum has 1 <= n <= 2: the fitted exponent moved into that range.
        flow_exponent=exponents.central if exponents.identified else None,
        origin="telemetry",
    )


@dataclass(frozen=True)
class RiskAssessment:
    """A scored 5 x 5 assessment and everything that produced it."""

    module: str
    time: np.datetime64
    likelihood: int
    consequence_level: int
    exceedance: Exceedance
    threshold_kg_per_day: float
    horizon_days: float
    current: CurrentRate
    trend: LogRateTrend
    steps: StepModel
    consequence: Consequence
    table: RiskTable
    history: tuple[RateObservation, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def cell(self) -> str:
        """``"LxC"``, e.g. ``"5x5"``."""
        return f"{self.likelihood}x{self.consequence_level}"

    @property
    def zone(self) -> tuple[str, str]:
        """(zone name, colour) of the cell under the table."""
        return self.table.zone(self.likelihood, self.consequence_level)

    def reasoning(self) -> list[str]:
        """The score in sentences."""
        lb = kg_per_day_to_lb_per_day
        t = self.trend.to_dict()
        s = self.steps.to_dict()
        e = self.exceedance
        lines = [
            f"Likelihood {self.likelihood} ({self.table.likelihood.label(self.likelihood)}): "
            f"P(rate > {lb(self.threshold_kg_per_day):.3g} lb/day within {self.horizon_days:g} d)"
            f" = {e.probability:.3f} (already above now: {e.now:.3f}; trend alone: "
            f"{e.trend_only:.3f})"
            + (
                f"; Monte Carlo of the path maximum (± {e.mc_standard_error:.3f}), as the trend"
                " may fall and a step peak mid-horizon."
                if e.mc_standard_error is not None
                else "."
            ),
            f"Today's rate {lb(self.current.rate_kg_per_day):.3g} lb/day ({self.current.origin});"
            + (
                f" trend {t['slope_per_year'] * 100:+.0f} % ± {t['slope_sd_per_year'] * 100:.0f} %"
                f" per year (log-rate slope, {t['points_used']} figures)."
                if self.trend.fitted
                else f" no trend fitted ({t['points_used']} figure(s) in the window)."
            ),
        ]
        if self.steps.active:
            lines.append(
                f"Step increases: {s['count']} in {s['exposure_days']:.0f} d, "
                f"{s['rate_per_year']:.2f}/yr (95% {s['rate_per_year_ci95'][0]:.2f}-"
                f"{s['rate_per_year_ci95'][1]:.2f}), mean factor x{s['mean_factor']:.2f}."
            )
        else:
            lines.append("Step increases: none seen, so steps do not enter the likelihood.")
        c = self.consequence
        worst = lb(c.worst_rate_at_reference_kg_per_day)
        reference = pa_to_mmhg(c.inputs.reference_pressure_pa)
        floor = pa_to_mmhg(c.inputs.floor_pressure_pa)
        reserve, gas = c.metrics["reserve_time_days"], c.metrics["gas_loss_kg_per_30d"]
        lines.append(
            f"Consequence {c.level} ({self.table.consequence[c.driver].label(c.level)}), set by "
            f"{c.driver}: worst case = {c.description}: {worst:.3g} lb/day at "
            f"{reference:.0f} mmHg into {c.inputs.exposed_volume_m3:.0f} m^3; reserve time to "
            f"{floor:.0f} mmHg {reserve:.3g} d (level {c.levels.get('reserve_time_days', '-')}), "
            f"gas lost {gas:.3g} kg/30 d (level {c.levels.get('gas_loss_kg_per_30d', '-')})."
        )
        lines.append(
            f"Table: {self.table.name} ({self.table.source})"
            + (f". {DEFAULT_DISCLAIMER}." if self.table.is_default else ".")
        )
        return lines

    def to_dict(self) -> dict[str, Any]:
        """JSON with every input that produced the score."""
        zone, color = self.zone
        return {
            "module": self.module,
            "time": iso_z(self.time),
            "score": {
                "likelihood": self.likelihood,
                "consequence": self.consequence_level,
                "cell": self.cell,
                "zone": zone,
                "color": color,
            },
            "likelihood": {
                "level": self.likelihood,
                "label": self.table.likelihood.label(self.likelihood),
                "threshold_kg_per_day": self.threshold_kg_per_day,
                "threshold_lb_per_day": float(kg_per_day_to_lb_per_day(self.threshold_kg_per_day)),
                "horizon_days": self.horizon_days,
                **self.exceedance.to_dict(),
                "current_rate": self.current.to_dict(),
                "trend": self.trend.to_dict(),
                "steps": self.steps.to_dict(),
            },
            "consequence": self.consequence.to_dict(),
            "table": self.table.to_dict(),
            "rate_history": [o.to_dict() for o in self.history],
            "reasoning": self.reasoning(),
            "notes": list(self.notes),
        }


def assess_risk(
    module: str,
    *,
    threshold_kg_per_day: float,
    horizon_days: float,
    exposed_volume_m3: float,
    current: CurrentRate | None = None,
    history: Sequence[RateObservation] = (),
    alarm_steps: Sequence[StepEvent] = (),
    alarm_exposure_start: np.datetime64 | None = None,
    time: np.datetime64 | None = None,
    table: RiskTable | None = None,
    worst_case: str = "largest_step",
    hole_area_m2: float | None = None,
    worst_rate_kg_per_day: float | None = None,
    discharge_coefficient: float = 0.61,
    flow_exponent: float | None = None,
    reference_pressure_pa: float = DEFAULT_REFERENCE_PA,
    floor_pressure_pa: float = DEFAULT_FLOOR_PA,
    trend_window_days: float = DEFAULT_TREND_WINDOW_DAYS,
    min_rel_uncertainty: float = DEFAULT_FIGURE_REL_UNCERTAINTY,
) -> RiskAssessment:
    """Score a leak on the 5 x 5 matrix.

    Parameters
    ----------
    module : str
        The module (label only).
    threshold_kg_per_day : float
        Programme threshold of the leak rate, e.g. the rate at which the hatch must be
        closed for good. [kg/day]
    horizon_days : float
        Horizon of the likelihood. [days]
    exposed_volume_m3 : float
        Volume the worst-case leak empties (hatch open: the habitat). [m^3]
    current : CurrentRate, optional
        Today's rate; by default the latest figure of ``history``.
    history : sequence of RateObservation
        Rate figures and events; only those up to the assessment time are used.
    alarm_steps : sequence of StepEvent
        Step increases from ``leak_increase`` alarms.
    alarm_exposure_start : numpy.datetime64, optional
        Start of the span the alarms watched.
    time : numpy.datetime64, optional
        Assessment time; by default the current rate's, else the latest figure's.
    table : RiskTable, optional
        Level tables; the built-in default (not NASA's) when omitted.
    worst_case : str
        A key of :data:`~hullwatch.risk.consequence.WORST_CASES`.
    hole_area_m2, worst_rate_kg_per_day, discharge_coefficient : float, optional
        Parameters of the ``hole`` and ``rate`` worst cases. [m^2], [kg/day], [-]
    flow_exponent : float, optional
        ``n`` for taking rates to the reference pressure; the fitted value of the
        telemetry when there is one, else 1 (a choked hole). [-]
    reference_pressure_pa, floor_pressure_pa : float
        Station pressure (hatch open) and the reserve-time floor. [Pa]
    trend_window_days : float
        Trailing window of the trend fit. [days]
    min_rel_uncertainty : float
        Relative 95 % half-width given to figures published without one. [-]

    Returns
    -------
    RiskAssessment
    """
    table = table or load_risk_table()
    history = sorted(history, key=lambda o: o.time)
    rates = [o for o in history if o.kind == "rate"]
    if time is None:
        if current is not None:
            time = current.time
        elif rates:
            time = rates[-1].time
        else:
            raise InputError("no leak rate: give --rate, telemetry, or --rate-history")
    used = tuple(o for o in history if o.time <= time)
    notes: list[str] = []
    if current is None:
        latest = [o for o in used if o.kind == "rate"]
        if not latest:
            raise InputError("the rate history has no figure up to the assessment time")
        o = latest[-1]
        assert o.low_kg_per_day is not None and o.high_kg_per_day is not None
        ci = (
            None if o.low_kg_per_day == o.high_kg_per_day else (o.low_kg_per_day, o.high_kg_per_day)
        )
        current = CurrentRate(float(o.mid_kg_per_day or 0.0), ci, o.time, origin="history")
        notes.append(
            f"today's rate is the latest published figure ({iso_z(o.time)[:10]}), taken at "
            f"{pa_to_mmhg(reference_pressure_pa):.0f} mmHg"
        )
    trend = fit_log_trend(
        used,
        time,
        current=(current.rate_kg_per_day, current.log_sd(min_rel_uncertainty)),
        window_days=trend_window_days,
        min_rel_uncertainty=min_rel_uncertainty,
    )
    steps = [*steps_from_history(used, time, min_rel_uncertainty=min_rel_uncertainty)]
    steps += [s for s in alarm_steps if s.time <= time]
    starts = [o.time for o in used if o.kind == "rate"]
    if alarm_exposure_start is not None:
        starts.append(alarm_exposure_start)
    exposure = (time - min(starts)) / np.timedelta64(1, "s") / SECONDS_PER_DAY if starts else 0.0
    step_model = fit_step_model(steps, max(float(exposure), 0.0))
    exceed = exceedance_probability(trend, step_model, threshold_kg_per_day, horizon_days)
    likelihood = table.likelihood.level(exceed.probability)
    n = flow_exponent if flow_exponent is not None else current.flow_exponent
    if n is None:
        n = 1.0
        notes.append(
            "flow exponent not known: n = 1 (choked hole) taken to scale rates in pressure"
        )
    consequence = assess_consequence(
        ConsequenceInputs(
            rate_upper_kg_per_day=current.upper_kg_per_day(min_rel_uncertainty),
            pressure_pa=current.pressure_pa,
            largest_step_factor=step_model.largest_factor,
            flow_exponent=float(n),
            exposed_volume_m3=exposed_volume_m3,
            reference_pressure_pa=reference_pressure_pa,
            floor_pressure_pa=floor_pressure_pa,
            temperature_k=current.temperature_k,
            hole_area_m2=hole_area_m2,
            discharge_coefficient=discharge_coefficient,
            worst_rate_kg_per_day=worst_rate_kg_per_day,
        ),
        table,
        worst_case,
    )
    return RiskAssessment(
        module=module,
        time=time,
        likelihood=likelihood,
        consequence_level=consequence.level,
        exceedance=exceed,
        threshold_kg_per_day=threshold_kg_per_day,
        horizon_days=horizon_days,
        current=current,
        trend=trend,
        steps=step_model,
        consequence=consequence,
        table=table,
        history=used,
        notes=tuple(notes),
    )
