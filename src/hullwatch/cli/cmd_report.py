"""``hullwatch report (TELEMETRY | --archive DIR) --out report.html``: the one-file report."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from hullwatch.cli.app import app, console, print_json
from hullwatch.cli.inputs import load_input, window_with_state
from hullwatch.cli.options import (
    ArchiveOption,
    ConfigOption,
    EndOption,
    FalseAlarmsOption,
    IssliveYearOption,
    JsonOption,
    OptionalTelemetryArgument,
    SkipBadRowsOption,
    StartOption,
)
from hullwatch.errors import InputError
from hullwatch.habitat import load_habitat
from hullwatch.report.build import build_report
from hullwatch.report.rolling import DEFAULT_STEP_S, DEFAULT_WINDOW_S
from hullwatch.simulate.timeparse import parse_duration_s
from hullwatch.telemetry import Telemetry, to_utc_datetime64


@app.command("report")
def report_command(
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")],
    telemetry: OptionalTelemetryArgument = None,
    archive: ArchiveOption = None,
    start: StartOption = None,
    end: EndOption = None,
    module: Annotated[
        str | None,
        typer.Option("--module", help="Module of interest (default: where the analyses point)."),
    ] = None,
    config: ConfigOption = None,
    image_format: Annotated[
        str, typer.Option("--image-format", help="Embedded figures: svg or png.")
    ] = "svg",
    window: Annotated[
        str, typer.Option("--window", help="Window of the leak rate over time.")
    ] = f"{DEFAULT_WINDOW_S / 3600.0:g}h",
    step: Annotated[
        str, typer.Option("--step", help="Step of the windows of the leak rate over time.")
    ] = f"{DEFAULT_STEP_S / 3600.0:g}h",
    false_alarms_per_year: FalseAlarmsOption = 1.0,
    as_json: JsonOption = False,
    skip_bad_rows: SkipBadRowsOption = False,
    isslive_year: IssliveYearOption = None,
) -> None:
    """One self-contained HTML report, readable offline: the findings in words, then
    pressures and gas mass with events, the leak rate over time, the forecast, gas
    budget and risk, where the leak is, data quality, and the methods. A part whose
    analysis cannot run says why; the rest is still written."""
    if not out.parent.is_dir():
        raise InputError(f"folder {out.parent} does not exist", field="--out")
    window_s = parse_duration_s(window, "--window")
    step_s = parse_duration_s(step, "--step")
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
    )
    if telemetry is not None:
        data = window_with_state(data, habitat, start, end)
    data = _states_at_start(data, start)
    if len(data) == 0:
        raise InputError("no samples in the window", field="--start/--end")
    source = telemetry if telemetry is not None else f"archive {archive}"
    report = build_report(
        data,
        habitat,
        module=module,
        source=str(source),
        image_format=image_format,
        window_s=window_s,
        step_s=step_s,
        false_alarms_per_year=false_alarms_per_year,
    )
    report.write(out)
    if as_json:
        print_json(report.to_dict())
        return
    size_kb = len(report.html.encode("utf-8")) / 1024.0
    console.print(
        f"Report written to [bold]{out}[/] ({size_kb:,.0f} KiB, {report.seconds:.1f} s)",
        highlight=False,
    )
    for section in report.sections:
        if not section.available:
            console.print(
                f"  {section.title}: not available: {section.reason}", highlight=False, markup=False
            )


def _states_at_start(telemetry: Telemetry, start: str | None) -> Telemetry:
    """The window's data with the hatch states carried from before ``--start`` moved to it.

    Reading a window keeps each hatch channel's last sample before ``start`` (its state
    then); stamped at ``start`` it still gives the state, and the data's span, which
    every analysis of the report takes as its window, begins at ``start``.
    """
    if start is None:
        return telemetry
    t0 = pd.Timestamp(to_utc_datetime64(start)).tz_localize("UTC")
    samples = telemetry.samples
    early = (samples["time"] < t0).to_numpy()
    if not early.any():
        return telemetry
    if early.all():
        return replace(telemetry, samples=samples.iloc[:0].reset_index(drop=True))
    moved = samples.copy()
    moved.loc[early, "time"] = t0
    # A channel with a sample at ``start`` itself keeps that one (it sorts last).
    moved = moved.drop_duplicates(subset=["channel", "time"], keep="last")
    return replace(telemetry, samples=moved.reset_index(drop=True))
