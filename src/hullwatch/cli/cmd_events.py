"""``hullwatch events TELEMETRY``: represses, depresses, hatch changes, thermal transients."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

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
from hullwatch.cli.text import compartment_label
from hullwatch.events import DEFAULT_EVENT_SETTINGS, EventsResult, detect_events, read_ops_log
from hullwatch.habitat import load_habitat
from hullwatch.simulate.timeparse import parse_duration_s
from hullwatch.telemetry import to_utc_datetime64


@app.command("events")
def events_command(
    telemetry: OptionalTelemetryArgument = None,
    archive: ArchiveOption = None,
    config: ConfigOption = None,
    ops_log: Annotated[
        Path | None,
        typer.Option("--ops-log", help="Operations log CSV: start,end,kind,text[,module]."),
    ] = None,
    module: Annotated[
        str | None,
        typer.Option("--module", help="Module whose leak rate is compared around operations."),
    ] = None,
    window: Annotated[
        str, typer.Option("--window", help="Length of the leak-rate windows around operations.")
    ] = "12h",
    start: StartOption = None,
    end: EndOption = None,
    as_json: JsonOption = False,
    skip_bad_rows: SkipBadRowsOption = False,
    isslive_year: IssliveYearOption = None,
) -> None:
    """Represses (gas added, with a 95 % interval), depresses (rate in mmHg/min), hatch
    openings and closings (inferred from the pressures where no hatch channel exists),
    thermal transients, and operations with the leak rate around them."""
    habitat = load_habitat(config)
    settings = replace(
        DEFAULT_EVENT_SETTINGS, operation_window_s=parse_duration_s(window, "--window")
    )
    operations = read_ops_log(ops_log, habitat) if ops_log is not None else []
    if module is not None:
        habitat.module(module)
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
    result = detect_events(
        data,
        habitat,
        start=to_utc_datetime64(start) if start else None,
        end=to_utc_datetime64(end) if end else None,
        operations=operations,
        module=module,
        settings=settings,
    )
    if as_json:
        print_json(result.to_dict())
        return
    _print(result)


def _where(event: dict[str, Any]) -> str:
    """Short place of an event: its hatch, or its compartment's modules (or a count)."""
    if "hatch" in event:
        return str(event["hatch"])
    modules = event.get("compartment") or ([event["module"]] if event.get("module") else [])
    return compartment_label(modules)


def _interval(pair: list[float] | None, digits: int = 3) -> str:
    return "" if pair is None else f" [{pair[0]:.{digits}f}, {pair[1]:.{digits}f}]"


def _detail(event: dict[str, Any]) -> str:
    kind = event["kind"]
    if kind == "repress":
        text = f"+{event['mass_added_kg']:.3f} kg{_interval(event['ci95_kg'])}"
        text += f", {event['pressure_start_mmHg']:.1f} -> {event['pressure_end_mmHg']:.1f} mmHg"
        if "from_compartment" in event:
            text += f", from {_where({'compartment': event['from_compartment']})}"
        return text
    if kind == "depress":
        text = (
            f"{event['rate_mmHg_per_min']:.2f} mmHg/min (peak {event['max_rate_mmHg_per_min']:.1f})"
        )
        text += f", {event['pressure_start_mmHg']:.1f} -> {event['pressure_end_mmHg']:.1f} mmHg"
        text += f", -{event['mass_removed_kg']:.3f} kg{_interval(event['ci95_kg'])}"
        return text
    if kind in ("hatch_open", "hatch_close"):
        return "inferred from pressures" if event["inferred"] else "hatch channel"
    if kind == "thermal_transient":
        return (
            f"{event['temperature_change_K']:+.2f} K moved {event['pressure_change_mmHg']:+.2f} "
            f"mmHg; gas mass {event['mass_change_kg']:+.4f} kg"
        )
    return f"{event['operation']}: {event['text']}"


def _print(result: EventsResult) -> None:
    payload = result.to_dict()
    console.rule(f"Events {payload['start'][:16]} to {payload['end'][:16]}")
    table = Table(box=box.SIMPLE_HEAD)
    for column in ("start (UTC)", "end", "kind"):
        table.add_column(column, no_wrap=True)
    table.add_column("where", max_width=20)
    table.add_column("detail", min_width=30)
    for event in payload["events"]:
        table.add_row(
            event["start"][5:16].replace("T", " "),
            event["end"][11:16],
            event["kind"],
            _where(event),
            _detail(event),
        )
    console.print(table)
    operations = [e for e in payload["events"] if e["kind"] == "operation"]
    for op in operations:
        rates = op["leak_rate"]
        console.print(
            f"[bold]{op['operation']}[/] {op['start'][:16]}: {op['text']}", highlight=False
        )
        for name in ("baseline", "before", "during", "after"):
            w = rates[name]
            if w["leak_rate_kg_per_day"] is None:
                figure = w.get("reason", "no estimate")
            else:
                figure = f"{w['leak_rate_kg_per_day']:.3f} kg/day{_interval(w['ci95_kg_per_day'])}"
                if w.get("change_vs_baseline_kg_per_day") is not None:
                    change = w["change_vs_baseline_kg_per_day"]
                    figure += f", {change:+.3f}{_interval(w['change_ci95_kg_per_day'])} vs baseline"
            console.print(f"  {name:8s} {figure}", highlight=False)
    print_notes(payload["assumptions"] + payload["warnings"])
