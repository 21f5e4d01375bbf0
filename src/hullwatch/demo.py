"""The main job on the built-in default: the 2026 PrK story, simulated and read back.

The demo simulates the story, reads the telemetry back through the I/O layer, and
runs the analyses on it next to the ground truth: the data-quality report, the
leak rate per hatch configuration, the causal detector's alarm for the returning
leak with its delay after the true onset, and where the leak is, located from that
onset on.  It ends with the search as it would run if the leak had returned with every
hatch open: a short isolation campaign whose closures the planner chose, simulated,
with the posterior on the PrK after each hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from hullwatch.analysis.forecast import ForecastResult, forecast_pressure
from hullwatch.analysis.gas_budget import GasBudget
from hullwatch.analysis.leakrate import LeakRateResult, leak_rate
from hullwatch.analysis.outlook import budget_for_leak, risk_for_leak
from hullwatch.analysis.repress_plan import RepressPlan, leak_from_rate, plan_repress
from hullwatch.detect.monitor import DetectResult, detect_leaks
from hullwatch.habitat import Habitat
from hullwatch.locate import LocateResult, locate_leak
from hullwatch.locate.campaign import Campaign, CampaignStep, run_campaign
from hullwatch.report.data import LEAK_ALARM_KINDS
from hullwatch.risk import RiskAssessment
from hullwatch.simulate import SimulationResult, scenario_from_dict, simulate
from hullwatch.simulate.output import write_simulation
from hullwatch.telemetry import QualityReport, Telemetry, quality_report, read_telemetry
from hullwatch.units import mmhg_to_pa
from hullwatch.validation.rate_mc import true_mean_rate

DEMO_SCENARIO = "demo_prk.toml"


@dataclass
class DemoOutlook:
    """The PrK's forecast, repress plan, gas margin and 5 x 5 cell, each with its picture."""

    fit: LeakRateResult
    forecast: ForecastResult
    plan: RepressPlan
    budget: GasBudget
    risk: RiskAssessment
    pictures: dict[str, Path]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: each analysis's own JSON, and the picture paths."""
        return {
            "fit": self.fit.to_dict(),
            "forecast": self.forecast.to_dict(),
            "repress_plan": self.plan.to_dict(),
            "gas_budget": self.budget.to_dict(),
            "risk": self.risk.to_dict(),
            "pictures": {k: str(v) for k, v in self.pictures.items()},
        }


def demo_outlook(
    telemetry: Telemetry,
    habitat: Habitat,
    detection: DetectResult,
    fallback: LeakRateResult,
    out_dir: Path,
) -> DemoOutlook:
    """Forecast, repress plan in the story's band, gas margin and risk, drawn to ``out_dir``.

    The leak is fitted from the latest leak alarm's onset estimate on, as the report
    does (the whole window mixes the sealed days with the leak), or ``fallback``
    without an alarm.
    """
    from hullwatch.report.budget_plot import plot_gas_budget
    from hullwatch.report.forecast_plot import plot_forecast
    from hullwatch.report.repress_plot import plot_repress_plan
    from hullwatch.risk import load_risk_table
    from hullwatch.risk.plot import plot_risk_matrix

    # The same fit the report quotes: from the latest leak alarm's onset estimate.
    leaks = [a for a in detection.alarms if a.kind in LEAK_ALARM_KINDS and "PrK" in a.compartment]
    fit = leak_rate(telemetry, habitat, "PrK", leaks[-1].onset_estimate) if leaks else fallback
    forecast = forecast_pressure(telemetry, habitat, "PrK", start=fit.start, fit=fit)
    plan = plan_repress(
        habitat,
        "PrK",
        mmhg_to_pa(HOLD_BAND_MMHG[0]),
        mmhg_to_pa(HOLD_BAND_MMHG[1]),
        leak_from_rate(fit),
        source="station",
    )
    budget = budget_for_leak(fit)
    table = load_risk_table()
    alarms = [a for a in detection.alarms if "PrK" in a.compartment]
    risk = risk_for_leak(fit, habitat, "PrK", alarms, table)
    pictures = {
        "forecast": plot_forecast(forecast, out_dir / "forecast.png"),
        "repress_plan": plot_repress_plan(plan, out_dir / "repress_plan.png"),
        "gas_budget": plot_gas_budget(budget, out_dir / "gas_budget.png"),
        "risk_matrix": plot_risk_matrix(
            table,
            (risk.likelihood, risk.consequence_level),
            out_dir / "risk_matrix.png",
            title="PrK leak risk (hullwatch default table, not NASA's)",
        ),
    }
    return DemoOutlook(fit, forecast, plan, budget, risk, pictures)


@dataclass
class DemoResult:
    """What the demo produced: files, the simulation, and the quality report of its telemetry."""

    paths: dict[str, Path]
    simulation: SimulationResult
    quality: QualityReport
    rate: LeakRateResult
    detection: DetectResult
    #: Where the leak is, from the first alarm's onset on (None without an alarm).
    location: LocateResult | None
    #: The planner's isolation campaign for the same leak with every hatch open.
    campaign: Campaign
    #: What next and how bad, from the leak fitted since the detected onset.
    outlook: DemoOutlook

    def alarms_versus_truth(self) -> list[dict[str, Any]]:
        """Each leak alarm with its delay after the true onset of the leak it found. [h]"""
        onsets = {
            leak["module"]: np.datetime64(leak["onset"].rstrip("Z"), "ns")
            for leak in self.simulation.truth["leaks"]
        }
        rows = []
        for alarm in self.detection.alarms:
            onset = next((onsets[m] for m in alarm.compartment if m in onsets), None)
            delay_h = (
                None if onset is None else float((alarm.time - onset) / np.timedelta64(1, "h"))
            )
            rows.append({"alarm": alarm, "true_onset": onset, "delay_h": delay_h})
        return rows

    def rate_versus_truth(self) -> list[dict[str, Any]]:
        """Per hatch configuration: the PrK compartment's estimated and true leak rate."""
        rows = []
        for segment in self.rate.segments:
            rows.append(
                {
                    "start": segment.start,
                    "end": segment.end,
                    "compartment": segment.compartment,
                    "estimate_kg_per_day": segment.leak_rate_kg_per_day,
                    "ci95_kg_per_day": segment.ci95_kg_per_day,
                    "truth_kg_per_day": true_mean_rate(self.simulation, segment.start, segment.end),
                }
            )
        return rows

    def truth_summary(self) -> dict[str, Any]:
        """The PrK story's ground truth in a few numbers."""
        truth = self.simulation.truth
        represses = [t for t in truth["gas_transfers"] if t["kind"] == "repress"]
        return {
            "leaks": [
                {
                    k: leak[k]
                    for k in (
                        "name",
                        "module",
                        "model",
                        "onset",
                        "mass_lost_kg",
                        "mean_rate_kg_per_day",
                        "mean_rate_lb_per_day",
                    )
                }
                for leak in truth["leaks"]
            ],
            "repress_count": len(represses),
            "repress_mass_kg": sum(t["mass_kg"] for t in represses),
            "first_repress": represses[0]["start"] if represses else None,
            "hatch_events": truth["hatch_events"],
        }


def demo_scenario_text() -> str:
    """The built-in demo scenario (TOML)."""
    return resources.files("hullwatch.data").joinpath(DEMO_SCENARIO).read_text("utf-8")


#: The band the story holds the PrK in from day 9 (demo_prk.toml). [mmHg]
HOLD_BAND_MMHG = (660.0, 675.0)
#: The demo campaign: the story's leak, but found from an all-open station.
CAMPAIGN_MODULE, CAMPAIGN_MODEL, CAMPAIGN_RATE_LB_PER_DAY = "PrK", "viscous_crack", 1.0
CAMPAIGN_MAX_STEPS = 5


def run_demo(
    out_dir: str | Path = "hullwatch-demo",
    progress: Callable[[float], None] | None = None,
    on_campaign_step: Callable[[CampaignStep], None] | None = None,
) -> DemoResult:
    """Simulate the PrK story, write its files, and read them back through the I/O layer.

    Parameters
    ----------
    out_dir : str or Path
        Folder for ``telemetry.csv``, ``habitat.toml``, ``truth.json`` and
        ``truth_series.parquet``.
    progress : callable, optional
        Called with the fraction of the simulation done.
    on_campaign_step : callable, optional
        Called after each configuration of the isolation campaign.
    """
    import tomllib

    scenario = scenario_from_dict(
        tomllib.loads(demo_scenario_text()), f"<built-in {DEMO_SCENARIO}>"
    )
    result = simulate(scenario, progress=progress)
    paths = write_simulation(result, out_dir)
    telemetry = read_telemetry(paths["telemetry"], result.habitat)
    rate = leak_rate(telemetry, result.habitat, "PrK")
    detection = detect_leaks(telemetry, result.habitat)
    # A steady-leak model needs the window to start at the onset the detector found.
    location = (
        locate_leak(telemetry, result.habitat, start=detection.alarms[0].onset_estimate)
        if detection.alarms
        else None
    )
    outlook = demo_outlook(telemetry, result.habitat, detection, rate, Path(out_dir))
    from hullwatch.report.build import build_report

    report = build_report(
        telemetry,
        result.habitat,
        module="PrK",
        source=str(paths["telemetry"]),
        precomputed={"detection": detection, "rate": rate, "current_rate": outlook.fit}
        | ({"location": location} if location is not None else {}),
    )
    paths["report"] = report.write(Path(out_dir) / "report.html")
    campaign = run_campaign(
        "planner",
        CAMPAIGN_MODULE,
        seed=scenario.simulation.seed,
        rate_lb_per_day=CAMPAIGN_RATE_LB_PER_DAY,
        model=CAMPAIGN_MODEL,
        max_steps=CAMPAIGN_MAX_STEPS,
        on_step=on_campaign_step,
    )
    return DemoResult(
        paths,
        result,
        quality_report(telemetry, result.habitat),
        rate,
        detection,
        location,
        campaign,
        outlook,
    )
