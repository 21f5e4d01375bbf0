"""What next and how bad, from one fitted leak: the gas budget and the 5 x 5 risk.

The report and the demo ask the same two questions of the leak they quote, so the
choices (budget period, risk threshold and horizon, the exposed volume) live here
once.  The forecast and the repress plan are single calls already
(:func:`~hullwatch.analysis.forecast.forecast_pressure`,
:func:`~hullwatch.analysis.repress_plan.plan_repress`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hullwatch.analysis.gas_budget import BudgetLeak, GasBudget, gas_budget, load_gas_stores
from hullwatch.analysis.leakrate import LeakRateResult
from hullwatch.errors import AnalysisError
from hullwatch.habitat import Habitat
from hullwatch.units import lb_per_day_to_kg_per_day

if TYPE_CHECKING:
    from hullwatch.detect import Alarm
    from hullwatch.risk import RiskAssessment, RiskTable

#: Budget period. [day]
BUDGET_PERIOD_DAYS = 30.0
#: Programme threshold of the risk likelihood: the station's 2 lb/day leak requirement
#: (iss-facts.md), as ``hullwatch risk`` takes by default; not a published PrK criterion.
RISK_THRESHOLD_LB_PER_DAY = 2.0
#: Horizon of the risk likelihood, as ``hullwatch risk --horizon`` by default. [day]
RISK_HORIZON_DAYS = 90.0


def budget_for_leak(fit: LeakRateResult, period_days: float = BUDGET_PERIOD_DAYS) -> GasBudget:
    """Gas budget of the leak of ``fit``'s last hatch configuration, on the default stores.

    Raises
    ------
    AnalysisError
        When the last configuration has no leak estimate.
    """
    last = fit.last
    if last.leak_rate_kg_per_day is None:
        raise AnalysisError(f"no leak rate to budget for: {last.reason}")
    label = ", ".join(last.compartment[:3]) + ("…" if len(last.compartment) > 3 else "")
    leak = BudgetLeak(
        label,
        max(0.0, last.leak_rate_kg_per_day),
        last.ci95_kg_per_day,
        "the fitted leak rate",
    )
    return gas_budget([leak], load_gas_stores(), period_days)


def risk_for_leak(
    fit: LeakRateResult,
    habitat: Habitat,
    module: str,
    alarms: Sequence[Alarm] = (),
    table: RiskTable | None = None,
) -> RiskAssessment:
    """The 5 x 5 score of ``fit``'s leak, with the detector's alarms as step history.

    The likelihood is that of exceeding :data:`RISK_THRESHOLD_LB_PER_DAY` within
    :data:`RISK_HORIZON_DAYS`; the worst case empties the whole habitat.
    """
    from hullwatch.risk import assess_risk, load_risk_table
    from hullwatch.risk.assess import current_rate_from_leak_rate
    from hullwatch.risk.records import steps_from_alarms

    times = [a.time for a in alarms]
    return assess_risk(
        module,
        threshold_kg_per_day=float(lb_per_day_to_kg_per_day(RISK_THRESHOLD_LB_PER_DAY)),
        horizon_days=RISK_HORIZON_DAYS,
        exposed_volume_m3=habitat.volume_m3(habitat.module_names),
        current=current_rate_from_leak_rate(fit),
        alarm_steps=steps_from_alarms([a.to_dict() for a in alarms], "the detector's alarms"),
        alarm_exposure_start=min(times) if times else None,
        table=table if table is not None else load_risk_table(),
    )
