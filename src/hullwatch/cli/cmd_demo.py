"""``hullwatch demo``: the main job on the built-in default."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from hullwatch.cli.app import app, console, err_console, print_json
from hullwatch.cli.text import table_time, word_safe_table
from hullwatch.demo import CAMPAIGN_MAX_STEPS, DemoOutlook, run_demo
from hullwatch.locate.campaign import Campaign
from hullwatch.telemetry import iso_z
from hullwatch.units import pa_to_mmhg


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
                "outlook": demo.outlook.to_dict(),
            }
        )
        return
    console.rule("hullwatch demo: the PrK leak returns (simulated, built-in ISS)")
    for line in demo.quality.summary_lines():
        console.print(line, highlight=False)
    rows = [
        [
            leak["name"],
            leak["model"],
            table_time(leak["onset"]),
            f"{leak['mass_lost_kg']:.3f}",
            f"{leak['mean_rate_kg_per_day']:.3f}",
            f"{leak['mean_rate_lb_per_day']:.3f}",
        ]
        for leak in truth["leaks"]
    ]
    headers = ("leak", "model", "onset (UTC)", "lost [kg]", "mean rate [kg/day]", "[lb/day]")
    table = word_safe_table("Ground truth (what later analyses must recover)", headers, rows)
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
    _print_outlook(demo.outlook)
    _print_campaign(demo.campaign)
    console.print(f"Report (one self-contained HTML file): {demo.paths['report']}")
    console.print(f"Files: {demo.paths['telemetry'].parent}/")


def _print_outlook(outlook: DemoOutlook) -> None:
    """What next and how bad: forecast, repress plan, gas margin and the 5 x 5 cell."""
    console.rule("What next and how bad (PrK, from the leak fitted since the detected onset)")
    f = outlook.forecast.to_dict()
    ci = f["ci95_h"]
    when = (
        f"in {f['time_to_threshold_h']:.1f} h (95 %: {ci[0]:.1f} to {ci[1]:.1f} h)"
        if f["time_to_threshold_h"] is not None
        else f"not within {f['horizon_h']:g} h: {f.get('reason')}"
    )
    n = f["flow_exponent"]
    console.print(
        f"Forecast: without represses the PrK reaches {f['threshold_mmHg']:.0f} mmHg {when}; "
        f"flow exponent n = {n['value']:.2f} ({'fitted' if n['identified'] else 'assumed'}). "
        f"Picture: {outlook.pictures['forecast']}",
        highlight=False,
    )
    band = outlook.plan.to_dict()["band"]
    console.print(
        f"Repress plan at {band['low_mmHg']:.0f}-{band['high_mmHg']:.0f} mmHg: one repress of "
        f"{band['gas_per_repress_kg']:.3f} kg every {band['period_h']:.1f} h, "
        f"{band['gas_per_month_kg']:.1f} kg/month from the station (its pressure falls "
        f"{band['station_drop_per_repress_mmHg']:.3f} mmHg per repress). "
        f"Picture: {outlook.pictures['repress_plan']}",
        highlight=False,
    )
    lower = min(outlook.plan.comparison, key=lambda b: b.high_pa)
    console.print(
        f"  Holding lower, at {pa_to_mmhg(lower.low_pa):.0f}-{pa_to_mmhg(lower.high_pa):.0f} "
        f"mmHg: {lower.gas_per_month_kg:.1f} kg/month.",
        highlight=False,
    )
    cases = outlook.budget.cases
    margins = ", ".join(
        f"{c.days_of_margin:.0f} days at {c.rate_kg_per_day:.3f} kg/day ({c.name})" for c in cases
    )
    placeholder = " (store figures are placeholders: illustrative)" * bool(
        outlook.budget.stores.placeholders
    )
    console.print(
        f"Gas margin: {margins}{placeholder}. Picture: {outlook.pictures['gas_budget']}",
        highlight=False,
    )
    risk = outlook.risk
    zone, _ = risk.zone
    console.print(
        f"5 x 5 risk: cell {risk.cell} (likelihood {risk.likelihood}, consequence "
        f"{risk.consequence_level}, zone {zone}) on hullwatch's default table, not NASA's. "
        f"Picture: {outlook.pictures['risk_matrix']}",
        highlight=False,
    )
    for line in risk.reasoning()[:2]:
        console.print(f"  {line}", highlight=False)


def _print_campaign(campaign: Campaign) -> None:
    """The planner's search for the same leak, had it returned with every hatch open."""
    table = Table(
        title=(
            f"Had the leak returned with every hatch open: the planner's isolation campaign "
            f"(simulated, leak in {campaign.module})"
        )
    )
    for column in ("step", "close", "from day", "hold [h]", "most likely", "P(PrK)"):
        table.add_column(escape(column))
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
