"""The PrK leak-history case study: what ``risk`` would have said at each published date.

:func:`run_case_study` replays the rate history (by default the shipped
``data/prk_leak_history.csv``, the published 2019-2026 figures of iss-facts.md) **causally**:
at each date with a figure it scores the risk from the figures up to that date alone.
It then asks the case study's question: when would hullwatch first have scored 5 x 5,
against the programme's "5 x 5 since mid-2024"?  Because the answer hangs on the
threshold (the programme's is not public), it repeats the replay over a range of
thresholds, and it states what so few, so sparse figures cannot tell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hullwatch.risk.assess import RiskAssessment, assess_risk
from hullwatch.risk.likelihood import (
    DEFAULT_FIGURE_REL_UNCERTAINTY,
    DEFAULT_TREND_WINDOW_DAYS,
    fit_log_trend,
    fit_step_model,
    steps_from_history,
)
from hullwatch.risk.matrix import RiskTable, load_risk_table
from hullwatch.risk.records import RateObservation
from hullwatch.telemetry import iso_z
from hullwatch.units import SECONDS_PER_DAY, lb_per_day_to_kg_per_day

#: Thresholds of the sensitivity replay. [lb/day]
SENSITIVITY_THRESHOLDS_LB_PER_DAY = (1.0, 2.0, 3.0, 4.0, 5.0)
#: The same in SI-ish units. [kg/day]
SENSITIVITY_THRESHOLDS_KG_PER_DAY = tuple(
    float(lb_per_day_to_kg_per_day(value)) for value in SENSITIVITY_THRESHOLDS_LB_PER_DAY
)

#: What the case study can and cannot say, printed with every run.
LIMITATIONS = (
    "Only {n_rates} published rate figures over {years:.1f} years, most dated to the month or "
    "the year (placed mid-month or mid-year), one derived ('cut by about a third'); gaps of up "
    "to {max_gap:.1f} years between figures.",
    "With so few points a trend and a step cannot be told apart: a rise across a multi-year gap "
    "is counted as a step if the ranges do not overlap, and it also steepens the trend.",
    "The step frequency rests on {n_steps} step(s): its 95 % interval spans about a factor of "
    "ten, and so would any probability built on it.",
    "Figures from May 2026 on were taken with the tunnel held at a lower pressure (and the Jun "
    "2026 figure during Progress operations): a change between them can be an operating "
    "change, not crack growth, but the replay counts it as a step.",
    "Repairs before Sep 2024 (the 2020-2021 sealing) are not in iss-facts.md and are not marked; "
    "the fall from 2020 to 2024 shows only as a gap.",
    "The threshold and the level tables are hullwatch's documented defaults, not the "
    "programme's (which are not public): agreement with the programme's 5 x 5 can only be "
    "about timing and direction, and the sensitivity table shows how the answer moves with "
    "the threshold.",
)


@dataclass(frozen=True)
class CaseStudy:
    """The replay and its summary.

    Attributes
    ----------
    history : list of RateObservation
        The rate history.
    assessments : list of RiskAssessment
        One per date with a rate figure, each from the figures up to that date.
    threshold_kg_per_day, horizon_days : float
        The replay's threshold and horizon. [kg/day], [days]
    first_5x5 : numpy.datetime64 or None
        First date scored 5 x 5.
    programme_5x5 : numpy.datetime64 or None
        The programme's published 5 x 5 date (the ``risk`` row of the history).
    sensitivity : list of dict
        Per threshold: the first date at likelihood 5 and at 5 x 5.
    overall : dict
        The trend and step frequency fitted on every figure.
    limitations : list of str
        What the data cannot tell.
    """

    history: list[RateObservation]
    assessments: list[RiskAssessment]
    threshold_kg_per_day: float
    horizon_days: float
    first_5x5: np.datetime64 | None
    programme_5x5: np.datetime64 | None
    sensitivity: list[dict[str, Any]]
    overall: dict[str, Any]
    limitations: list[str] = field(default_factory=list)

    def verdict(self) -> str:
        """The answer to the case study's question, in one sentence."""
        if self.first_5x5 is None:
            return "hullwatch never scores 5 x 5 on these figures with this threshold and table."
        first = iso_z(self.first_5x5)[:10]
        if self.programme_5x5 is None:
            return f"hullwatch first scores 5 x 5 on {first}."
        days = float((self.first_5x5 - self.programme_5x5) / np.timedelta64(1, "D"))
        when = "before" if days < 0 else "after"
        return (
            f"hullwatch first scores 5 x 5 on {first}, {abs(days) / 365.25:.1f} years {when} the "
            f"programme's 5 x 5 (mid-2024, placed {iso_z(self.programme_5x5)[:10]})."
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "threshold_kg_per_day": self.threshold_kg_per_day,
            "horizon_days": self.horizon_days,
            "first_5x5": None if self.first_5x5 is None else iso_z(self.first_5x5),
            "programme_5x5": None if self.programme_5x5 is None else iso_z(self.programme_5x5),
            "verdict": self.verdict(),
            "timeline": [_row(a) for a in self.assessments],
            "sensitivity": self.sensitivity,
            "overall": self.overall,
            "history": [o.to_dict() for o in self.history],
            "limitations": list(self.limitations),
            "table": self.assessments[0].table.to_dict() if self.assessments else None,
        }


def _finite(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _row(a: RiskAssessment) -> dict[str, Any]:
    return {
        "time": iso_z(a.time),
        "leak_rate_kg_per_day": a.current.rate_kg_per_day,
        "likelihood": a.likelihood,
        "consequence": a.consequence_level,
        "cell": a.cell,
        "probability": a.exceedance.probability,
        "reserve_time_days": _finite(a.consequence.metrics["reserve_time_days"]),
        "gas_loss_kg_per_30d": a.consequence.metrics["gas_loss_kg_per_30d"],
        "steps_seen": a.steps.count,
        "trend_slope_per_year": a.trend.slope_per_day * 365.25 if a.trend.fitted else None,
    }


def _replay(
    history: Sequence[RateObservation], threshold_kg_per_day: float, **kwargs: Any
) -> list[RiskAssessment]:
    dates = sorted({o.time for o in history if o.kind == "rate"})
    return [
        assess_risk(
            "PrK", threshold_kg_per_day=threshold_kg_per_day, history=history, time=d, **kwargs
        )
        for d in dates
    ]


def _first(assessments: Sequence[RiskAssessment], predicate: Any) -> np.datetime64 | None:
    return next((a.time for a in assessments if predicate(a)), None)


def run_case_study(
    history: Sequence[RateObservation],
    *,
    threshold_kg_per_day: float,
    horizon_days: float,
    exposed_volume_m3: float,
    table: RiskTable | None = None,
    sensitivity_thresholds_kg_per_day: Sequence[float] = SENSITIVITY_THRESHOLDS_KG_PER_DAY,
    trend_window_days: float = DEFAULT_TREND_WINDOW_DAYS,
    min_rel_uncertainty: float = DEFAULT_FIGURE_REL_UNCERTAINTY,
) -> CaseStudy:
    """Replay the rate history causally and summarise when 5 x 5 would have been reached.

    Parameters
    ----------
    history : sequence of RateObservation
        Rate figures and events.
    threshold_kg_per_day : float
        Threshold of the main replay. [kg/day]
    horizon_days : float
        Likelihood horizon. [days]
    exposed_volume_m3 : float
        Volume of the hatch-open worst case. [m^3]
    table : RiskTable, optional
        Level tables; the built-in default (not NASA's) when omitted.
    sensitivity_thresholds_kg_per_day : sequence of float
        Thresholds of the sensitivity replay. [kg/day]
    trend_window_days, min_rel_uncertainty : float
        As for :func:`~hullwatch.risk.assess.assess_risk`. [days], [-]

    Returns
    -------
    CaseStudy
    """
    table = table or load_risk_table()
    history = sorted(history, key=lambda o: o.time)
    common: dict[str, Any] = {
        "horizon_days": horizon_days,
        "exposed_volume_m3": exposed_volume_m3,
        "table": table,
        "trend_window_days": trend_window_days,
        "min_rel_uncertainty": min_rel_uncertainty,
    }
    assessments = _replay(history, threshold_kg_per_day, **common)
    sensitivity = []
    for threshold in sensitivity_thresholds_kg_per_day:
        replay = _replay(history, threshold, **common)
        five = _first(replay, lambda a: a.likelihood == 5)
        both = _first(replay, lambda a: a.likelihood == 5 and a.consequence_level == 5)
        sensitivity.append(
            {
                "threshold_kg_per_day": threshold,
                "threshold_lb_per_day": threshold / lb_per_day_to_kg_per_day(1.0),
                "first_likelihood_5": None if five is None else iso_z(five),
                "first_5x5": None if both is None else iso_z(both),
                "cells": [a.cell for a in replay],
            }
        )
    rates = [o for o in history if o.kind == "rate"]
    end = rates[-1].time if rates else np.datetime64("1970-01-01")
    overall: dict[str, Any] = {}
    limitations: list[str] = []
    if rates:
        trend = fit_log_trend(
            rates, end, window_days=float("inf"), min_rel_uncertainty=min_rel_uncertainty
        )
        steps = steps_from_history(rates, end, min_rel_uncertainty=min_rel_uncertainty)
        span_days = float((end - rates[0].time) / np.timedelta64(1, "s")) / SECONDS_PER_DAY
        step_model = fit_step_model(steps, span_days)
        overall = {"trend_all_figures": trend.to_dict(), "steps": step_model.to_dict()}
        gaps = np.diff([o.time for o in rates]) / np.timedelta64(1, "D") / 365.25
        facts = {
            "n_rates": len(rates),
            "years": span_days / 365.25,
            "max_gap": float(np.max(gaps)) if len(gaps) else 0.0,
            "n_steps": len(steps),
        }
        limitations = [text.format(**facts) for text in LIMITATIONS]
    programme = next((o.time for o in history if o.kind == "risk"), None)
    return CaseStudy(
        history=list(history),
        assessments=assessments,
        threshold_kg_per_day=threshold_kg_per_day,
        horizon_days=horizon_days,
        first_5x5=_first(assessments, lambda a: a.likelihood == 5 and a.consequence_level == 5),
        programme_5x5=programme,
        sensitivity=sensitivity,
        overall=overall,
        limitations=limitations,
    )


def plot_case_study(study: CaseStudy, path: str | Path) -> Path:
    """Draw the rate history (steps and events marked) over the replayed score.

    Parameters
    ----------
    study : CaseStudy
        The replay.
    path : str or Path
        PNG or SVG.

    Returns
    -------
    Path
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import ScalarFormatter

    from hullwatch.report.figures import save_figure
    from hullwatch.risk.matrix import DEFAULT_DISCLAIMER

    lb = 1.0 / lb_per_day_to_kg_per_day(1.0)
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(9.0, 6.4), sharex=True, gridspec_kw={"height_ratios": [3, 2]}
    )
    rates = [o for o in study.history if o.kind == "rate"]
    times = [o.time.astype("datetime64[D]").astype(object) for o in rates]
    mids = np.array([(o.mid_kg_per_day or 0.0) * lb for o in rates])
    lows = np.array([(o.low_kg_per_day or 0.0) * lb for o in rates])
    highs = np.array([(o.high_kg_per_day or 0.0) * lb for o in rates])
    top.errorbar(
        times,
        mids,
        yerr=[mids - lows, highs - mids],
        fmt="o",
        color="C0",
        capsize=3,
        label="published figure (range where sources differ)",
    )
    top.axhline(study.threshold_kg_per_day * lb, color="C3", ls="--", lw=1, label="threshold")
    steps = steps_from_history(rates, rates[-1].time) if rates else []
    for s in steps:
        top.axvline(s.time.astype("datetime64[D]").astype(object), color="C1", lw=1.2, alpha=0.7)
        top.annotate(
            f"step x{s.factor:.2f}",
            (s.time.astype("datetime64[D]").astype(object), 0.98),
            xycoords=("data", "axes fraction"),
            fontsize=7,
            color="C1",
            rotation=90,
            va="top",
            ha="right",
        )
    styles = {
        "repair": ("C2", "repair"),
        "stable": ("C4", "stable"),
        "config": ("C5", "config"),
        "located": ("C7", "located"),
        "risk": ("C3", "programme 5x5"),
    }
    for o in study.history:
        if o.kind in styles:
            color, label = styles[o.kind]
            t = o.time.astype("datetime64[D]").astype(object)
            for ax in (top, bottom):
                ax.axvline(t, color=color, ls=":", lw=1.2)
            top.annotate(
                label,
                (t, 0.02),
                xycoords=("data", "axes fraction"),
                fontsize=7,
                color=color,
                rotation=90,
                va="bottom",
                ha="left",
            )
    top.set_ylabel("PrK leak rate [lb/day]")
    top.set_yscale("log")
    top.yaxis.set_major_formatter(ScalarFormatter())
    top.yaxis.set_minor_formatter(ScalarFormatter())
    top.legend(fontsize=7, loc="lower right")
    top.set_title("PrK leak history and the causal 5 x 5 replay", fontsize=10)
    a_times = [a.time.astype("datetime64[D]").astype(object) for a in study.assessments]
    bottom.step(
        a_times,
        [a.likelihood for a in study.assessments],
        where="post",
        color="C0",
        marker="o",
        label="likelihood",
    )
    bottom.step(
        a_times,
        [a.consequence_level + 0.08 for a in study.assessments],
        where="post",
        color="C3",
        marker="s",
        label="consequence",
    )
    bottom.set_ylim(0.5, 5.5)
    bottom.set_yticks(range(1, 6))
    bottom.set_ylabel("level")
    bottom.legend(fontsize=7, loc="lower right")
    fig.suptitle(DEFAULT_DISCLAIMER, fontsize=6)
    return save_figure(fig, path)
