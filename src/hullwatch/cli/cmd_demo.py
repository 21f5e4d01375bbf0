"""``hullwatch demo``: the main job on the built-in default."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table

from hullwatch.cli.app import app, console, err_console, print_json
from hullwatch.demo import CAMPAIGN_MAX_STEPS, run_demo
from hullwatch.locate.campaign import Campaign
from hullwatch.telemetry import iso_z


@app.command("demo")
def demo_command(
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("hullwatch-demo"),
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Simulate the 2026 PrK leak story on the built-in ISS and summarize it."""
    with Progress(console=err_console, transient=True, disable=as_json) as progress:
        task = progress.add_task("simulating the PrK story", total=1.0)
        search = progress.add_task("isolation campaign (planner)", total=CAMPAIGN_MAX_STEPS)
        demo = run_demo(
            out,
            progress=lambda f: progress.update(task, completed=f),
            on_campaign_step=lambda _: progress.advance(search),
        )
    truth = demo.truth_summary()
    if as_json:
        print_json(
            {
                "paths": {k: str(v) for k, v in demo.paths.items()},
                "truth": truth,
                "quality": demo.quality.to_dict(),
                "rate": demo.rate.to_dict(),
                "detect": demo.detection.to_dict(),
                "locate": None if demo.location is None else demo.location.to_dict(),
                "campaign": demo.campaign.to_dict(),
            }
        )
        return
    console.rule("hullwatch demo: the PrK leak returns (simulated, built-in ISS)")
    for line in demo.quality.summary_lines():
        console.print(line, highlight=False)
    table = Table(title="Ground truth (what later analyses must recover)")
    table.add_column("leak")
    table.add_column("model")
    table.add_column("onset")
    table.add_column("lost [kg]", justify="right")
    table.add_column("mean rate [kg/day]", justify="right")
    table.add_column("[lb/day]", justify="right")
    for leak in truth["leaks"]:
        table.add_row(
            leak["name"],
            leak["model"],
            leak["onset"],
            f"{leak['mass_lost_kg']:.3f}",
            f"{leak['mean_rate_kg_per_day']:.3f}",
            f"{leak['mean_rate_lb_per_day']:.3f}",
        )
    console.print(table)
    rates = Table(title="PrK leak rate by hatch configuration: hullwatch rate vs truth")
    for column in ("from (UTC)", "to", "compartment", "kg/day", "95% interval", "truth"):
        rates.add_column(column)
    for row in demo.rate_versus_truth():
        estimate = row["estimate_kg_per_day"]
        ci = row["ci95_kg_per_day"]
        rates.add_row(
            iso_z(row["start"])[5:16].replace("T", " "),
            iso_z(row["end"])[5:16].replace("T", " "),
            row["compartment"][0]
            + (f" +{len(row['compartment']) - 1}" if len(row["compartment"]) > 1 else ""),
            "-" if estimate is None else f"{estimate:.3f}",
            "-" if ci is None else f"{ci[0]:.3f} to {ci[1]:.3f}",
            f"{row['truth_kg_per_day']:.3f}",
        )
    console.print(rates)
    for row in demo.alarms_versus_truth():
        alarm, delay = row["alarm"], row["delay_h"]
        after = "" if delay is None else f", {delay:.1f} h after the true onset"
        console.print(
            f"Alarm {alarm.kind} in {alarm.compartment[0]} at {iso_z(alarm.time)[:16]}Z{after}: "
            f"{alarm.message}",
            highlight=False,
        )
    if not demo.detection.alarms:
        console.print("No leak alarm was raised.")
    if demo.location is not None:
        where = demo.location.to_dict()
        console.print(
            f"Located from the onset on: {where['most_likely_hypothesis']} "
            f"(P = {demo.location.probability(where['most_likely_hypothesis']):.3f}, "
            f"no leak {where['p_no_leak']:.1e}), "
            f"{where['leak_rate_kg_per_day']:.3f} kg/day.",
            highlight=False,
        )
    console.print(
        f"PrK held low: {truth['repress_count']} small repressurizations adding "
        f"{truth['repress_mass_kg']:.2f} kg, the first at {truth['first_repress']}."
    )
    for event in truth["hatch_events"]:
        console.print(f"  {event['time']}  hatch {event['hatch']} {event['state']}")
    _print_campaign(demo.campaign)
    console.print(f"Files: {demo.paths['telemetry'].parent}/")


def _print_campaign(campaign: Campaign) -> None:
    """The planner's search for the same leak, had it returned with every hatch open."""
    table = Table(
        title=(
            f"Had the leak returned with every hatch open: the planner's isolation campaign "
            f"(simulated, leak in {campaign.module})"
        )
    )
    for column in ("step", "close", "from day", "hold [h]", "most likely", "P(PrK)"):
        table.add_column(column)
    for i, step in enumerate(campaign.steps, 1):
        closed = ", ".join(step.closed_hatches)
        table.add_row(
            str(i),
            closed if len(closed) < 60 else f"{len(step.closed_hatches)} hatches",
            f"{step.start_day:.1f}",
            f"{step.hold_s / 3600:.0f}",
            step.most_likely,
            f"{step.posterior[campaign.module]:.3f}",
        )
    console.print(table)
    verdict = "found" if campaign.found else "not yet found (P < 0.95)"
    console.print(
        f"{campaign.module} {verdict} after {campaign.configurations} configurations "
        f"and {campaign.days:.1f} days.",
        highlight=False,
    )
