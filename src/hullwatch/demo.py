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

from hullwatch.analysis.leakrate import LeakRateResult, leak_rate
from hullwatch.detect.monitor import DetectResult, detect_leaks
from hullwatch.locate import LocateResult, locate_leak
from hullwatch.locate.campaign import Campaign, CampaignStep, run_campaign
from hullwatch.simulate import SimulationResult, scenario_from_dict, simulate
from hullwatch.simulate.output import write_simulation
from hullwatch.telemetry import QualityReport, quality_report, read_telemetry
from hullwatch.validation.rate_mc import true_mean_rate

DEMO_SCENARIO = "demo_prk.toml"


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
    )
