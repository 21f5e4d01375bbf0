"""What next and how bad: the report's forecast, gas-budget and risk sections.

Each function here turns one analysis of issue 6 into an :class:`Outlook`: the
sentence the summary quotes and the section's HTML. Each runs its analysis once per
report (through :meth:`ReportData.once`), so the summary and the section agree, and
raises :class:`~hullwatch.errors.AnalysisError` with the reason when it cannot run;
the section then shows "not available: <reason>".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from hullwatch.analysis.outlook import (
    BUDGET_PERIOD_DAYS,
    RISK_HORIZON_DAYS,
    RISK_THRESHOLD_LB_PER_DAY,
)
from hullwatch.report.html import bullet_list, embed_figure, paragraph, table

if TYPE_CHECKING:
    from hullwatch.report.data import ReportData


#: How the report names the gas-budget cases.
_CASE_NAMES = {
    "current": "current rate",
    "upper95": "upper end of its 95 % interval",
    "worst_case": "worst case",
}


@dataclass(frozen=True)
class Outlook:
    """One outlook analysis as the report shows it.

    Attributes
    ----------
    summary : str
        One sentence for the summary (plain text).
    body_html : str
        The section's body.
    """

    summary: str
    body_html: str


def forecast(data: ReportData) -> Outlook:
    """The pressure forecast of the module of interest's compartment."""
    return data.once("outlook.forecast", lambda: _forecast(data))


def gas_budget(data: ReportData) -> Outlook:
    """Gas used by the leak and represses against stores: the days of margin."""
    return data.once("outlook.gas_budget", lambda: _gas_budget(data))


def risk(data: ReportData) -> Outlook:
    """The 5 x 5 likelihood x consequence cell and its matrix."""
    return data.once("outlook.risk", lambda: _risk(data))


def _hours(value: float | None) -> str:
    return "beyond the horizon" if value is None else f"{value:.1f} h"


def _forecast(data: ReportData) -> Outlook:
    """:func:`hullwatch.analysis.forecast.forecast_pressure` on the current leak fit."""
    from hullwatch.analysis.forecast import forecast_pressure
    from hullwatch.report.forecast_plot import plot_forecast

    # The fit the summary quotes (from the alarm's onset on, when there is one).
    result = forecast_pressure(
        data.telemetry, data.habitat, data.module, start=data.rate_start, fit=data.current_rate
    )
    d = result.to_dict()
    threshold = d["threshold_mmHg"]
    first, last = d["trajectory"][0], d["trajectory"][-1]
    hours, ci = d["time_to_threshold_h"], d["ci95_h"]
    interval = "" if ci is None else f" (95 %: {_hours(ci[0])} to {_hours(ci[1])})"
    if hours is None:
        summary = (
            f"{threshold:.0f} mmHg not reached within {d['horizon_h']:g} h: {d['reason']}"
            f"{interval}; in {d['horizon_h']:g} h {last['pressure_mmHg']:.1f} mmHg "
            f"(95 % {last['lo95']:.1f} to {last['hi95']:.1f}), without represses."
        )
    else:
        summary = (
            f"{', '.join(result.compartment)} reaches {threshold:.0f} mmHg {hours:.1f} h after "
            f"the last sample{interval} if nothing is repressed; "
            f"{d['probability_reached_in_horizon']:.0%} of the forecast draws reach it "
            f"within {d['horizon_h']:g} h."
        )
    exponent = d["flow_exponent"]
    rows = [
        ("last sample", f"{d['last_sample'][:16]} UTC, {first['pressure_mmHg']:.1f} mmHg"),
        ("threshold", f"{threshold:.1f} mmHg"),
        ("time to threshold", f"{_hours(hours)}{interval}"),
        (
            f"pressure in {d['horizon_h']:g} h",
            f"{last['pressure_mmHg']:.1f} mmHg (95 % {last['lo95']:.1f} to {last['hi95']:.1f})",
        ),
        (
            "leak used",
            f"{d['leak_rate_kg_per_day']:.3f} kg/day at {d['rate_at_pressure_mmHg']:.1f} mmHg, "
            f"95 % [{d['ci95_kg_per_day'][0]:.3f}, {d['ci95_kg_per_day'][1]:.3f}]",
        ),
        (
            "flow exponent",
            f"{exponent['value']:.2f} ({'estimated' if exponent['identified'] else 'assumed'}; "
            f"band over {exponent['range'][0]:.2f} to {exponent['range'][1]:.2f})",
        ),
    ]
    body = (
        table(("", "forecast"), rows)
        + embed_figure(
            partial(plot_forecast, result),
            data.image_format,
            "Pressure forecast with its 95 % band and the threshold",
            "Measured pressure, the forecast from the last sample with its 95 % prediction "
            "band, and the threshold (no represses assumed).",
        )
        + bullet_list(d["assumptions"])
    )
    return Outlook(summary, body)


def _gas_budget(data: ReportData) -> Outlook:
    """:func:`hullwatch.analysis.gas_budget.gas_budget` for the leak of the current fit."""
    from hullwatch.analysis.outlook import budget_for_leak
    from hullwatch.report.budget_plot import plot_gas_budget

    budget = budget_for_leak(data.current_rate, BUDGET_PERIOD_DAYS)
    parts = []
    for case in budget.cases:
        margin = case.days_of_margin
        name = _CASE_NAMES.get(case.name, case.name)
        if math.isinf(margin):
            parts.append(f"no limit at {case.rate_kg_per_day:.3f} kg/day ({name})")
        else:
            parts.append(
                f"{margin:.0f} days at {case.rate_kg_per_day:.3f} kg/day ({name}, "
                f"{case.limiting_gas} runs out first)"
            )
    summary = "; ".join(parts) + "."
    if budget.stores.placeholders:
        summary += " Some store figures are placeholders, so these margins are illustrative."
    rows = []
    for case in budget.cases:
        for gas, line in case.lines.items():
            rows.append(
                (
                    _CASE_NAMES.get(case.name, case.name),
                    f"{case.rate_kg_per_day:.3f}",
                    gas,
                    f"{line.used_kg:.1f}",
                    f"{line.delivered_kg:.1f}",
                    f"{line.end_stock_kg:.1f}",
                    "no limit" if math.isinf(line.days_of_margin) else f"{line.days_of_margin:.0f}",
                )
            )
    body = (
        table(
            (
                "case",
                "leak [kg/day]",
                "gas",
                f"used in {BUDGET_PERIOD_DAYS:g} d [kg]",
                "delivered [kg]",
                "stock at end [kg]",
                "days of margin",
            ),
            rows,
            (1, 3, 4, 5, 6),
        )
        + embed_figure(
            partial(plot_gas_budget, budget),
            data.image_format,
            "N2 and O2 stocks over the budget period at each leak case",
            "Stocks of N2 and O2 at each leak rate, with the resupply flights of the stores "
            f"file; the budget period is the first {BUDGET_PERIOD_DAYS:g} days.",
        )
        + bullet_list(budget.assumptions)
    )
    return Outlook(summary, body)


def _risk(data: ReportData) -> Outlook:
    """:func:`hullwatch.risk.assess_risk` on the current fit and the detector's steps."""
    from hullwatch.analysis.outlook import risk_for_leak
    from hullwatch.risk import load_risk_table
    from hullwatch.risk.plot import plot_risk_matrix

    risk_table = load_risk_table()
    assessment = risk_for_leak(
        data.current_rate, data.habitat, data.module, data.module_alarms, risk_table
    )
    zone, _ = assessment.zone
    table_name = (
        "hullwatch's default level table, not NASA's"
        if risk_table.is_default
        else f"level table {risk_table.name}"
    )
    summary = (
        f"{assessment.cell} (likelihood {assessment.likelihood} x consequence "
        f"{assessment.consequence_level}, zone {zone}) on {table_name}; likelihood of "
        f"exceeding {RISK_THRESHOLD_LB_PER_DAY:g} lb/day within {RISK_HORIZON_DAYS:g} days."
    )
    body = (
        paragraph(f"Cell {assessment.cell}, zone {zone}.")
        + embed_figure(
            partial(
                plot_risk_matrix,
                risk_table,
                (assessment.likelihood, assessment.consequence_level),
                title=f"{data.module} leak risk",
            ),
            data.image_format,
            "The 5 x 5 risk matrix with the current cell",
            "Likelihood (rows) by consequence (columns), the current cell marked.",
        )
        + "<h3>Reasoning</h3>"
        + bullet_list(assessment.reasoning())
        + bullet_list(assessment.notes)
    )
    return Outlook(summary, body)
