"""``hullwatch locate TELEMETRY``: a posterior over where the (single) leak is."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from hullwatch.cli.app import app, console, print_json, print_notes
from hullwatch.cli.inputs import CONTEXT_S, load_input
from hullwatch.cli.options import (
    ArchiveOption,
    ConfigOption,
    EndOption,
    IssliveYearOption,
    JsonOption,
    OptionalTelemetryArgument,
    SkipBadRowsOption,
    StartOption,
)
from hullwatch.cli.text import compartment_label, literal_table, table_time, word_safe_table
from hullwatch.habitat import load_habitat
from hullwatch.locate import locate_leak
from hullwatch.telemetry import to_utc_datetime64

#: Hypotheses listed in the text output.
TOP = 8


@app.command("locate")
def locate_command(
    telemetry: OptionalTelemetryArgument = None,
    archive: ArchiveOption = None,
    start: StartOption = None,
    end: EndOption = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
    skip_bad_rows: SkipBadRowsOption = False,
    isslive_year: IssliveYearOption = None,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Draw gas mass per compartment, configurations shaded."),
    ] = None,
) -> None:
    """Where the leak is: a posterior over modules, closed-hatch seals and "no leak",
    from each compartment's gas loss under each hatch configuration. Assumes one leak."""
    habitat = load_habitat(config)
    data = load_input(
        telemetry,
        archive,
        habitat,
        config,
        start=start,
        end=end,
        skip_bad_rows=skip_bad_rows,
        isslive_year=isslive_year,
        context_s=CONTEXT_S,
    )
    t0 = to_utc_datetime64(start) if start else None
    t1 = to_utc_datetime64(end) if end else None
    result = locate_leak(data, habitat, t0, t1)
    if plot is not None:
        from hullwatch.locate.plot import plot_locate

        plot_locate(result, plot)
    if as_json:
        payload = result.to_dict()
        payload["skipped_rows"] = data.skipped_rows
        print_json(payload)
        return
    _print(result.to_dict())


def _print(d: dict[str, Any]) -> None:
    console.rule("Where is the leak? (one leak assumed)")
    console.print(
        f"Most likely module: [bold]{d['most_likely']}[/] "
        f"(P = {d['posterior'][d['most_likely']]:.3f} given a leak in a module), "
        f"about {d['leak_rate_kg_per_day']:.3f} kg/day = {d['leak_rate_lb_per_day']:.3f} lb/day"
    )
    console.print(
        f"P(no leak above background) = {d['p_no_leak']:.3f};  "
        f"P(leak in a module) = {d['p_module_leak']:.3f}"
    )
    table = literal_table(
        "Hypotheses (most probable first)", ("hypothesis", "probability", "leak rate [kg/day]")
    )
    ranked = sorted(d["hypotheses"], key=lambda h: -h["probability"])
    for h in ranked[:TOP]:
        table.add_row(h["name"], f"{h['probability']:.4f}", f"{h['leak_rate_kg_per_day']:.3f}")
    console.print(table)
    if len(ranked) > TOP:
        console.print(f"… and {len(ranked) - TOP} more (see --json)")
    rows = []
    for e in d["evidence"]:
        fit = "-" if e["leak_rate_kg_per_day"] is None else f"{e['leak_rate_kg_per_day']:.3f}"
        ci = e["ci95_kg_per_day"]
        rows.append(
            [
                table_time(e["start"]),
                table_time(e["end"]),
                compartment_label(e["compartment"]),
                f"{e['duration_h']:.1f}",
                fit,
                "-" if ci is None else f"[{ci[0]:.3f}, {ci[1]:.3f}]",
                f"{e['depress_kg']:.2f}",
                f"{e['loss_rate_kg_per_day']:.3f} ± {e['sigma_kg_per_day']:.3f}",
            ]
        )
    headers = (
        "start (UTC)",
        "end (UTC)",
        "compartment",
        "hours",
        "leak fit",
        "95% interval",
        "depress kg",
        "loss kg/day ± 1σ",
    )
    evidence = word_safe_table(
        "Evidence (one row per compartment and configuration)", headers, rows
    )
    console.print(evidence)
    print_notes(d["assumptions"] + d["skipped"])
