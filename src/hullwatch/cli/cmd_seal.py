"""``hullwatch verify-seal TELEMETRY --module M --repair-time T``."""

from __future__ import annotations

from typing import Annotated

import typer

from hullwatch.analysis.seal import verify_seal
from hullwatch.cli.app import app, console, print_json
from hullwatch.cli.inputs import load_input
from hullwatch.cli.options import (
    ArchiveOption,
    ConfigOption,
    IssliveYearOption,
    JsonOption,
    OptionalTelemetryArgument,
)
from hullwatch.habitat import load_habitat
from hullwatch.simulate.timeparse import parse_duration_s
from hullwatch.telemetry import to_utc_datetime64


@app.command("verify-seal")
def verify_seal_command(
    telemetry: OptionalTelemetryArgument = None,
    *,
    archive: ArchiveOption = None,
    module: Annotated[str, typer.Option("--module", help="A module of the compartment.")],
    repair_time: Annotated[str, typer.Option("--repair-time", help="When the seal was applied.")],
    settle: Annotated[str, typer.Option("--settle", help="Time left out after the repair.")] = "6h",
    config: ConfigOption = None,
    as_json: JsonOption = False,
    isslive_year: IssliveYearOption = None,
) -> None:
    """Compare the leak before and after a repair: ratio, zero, background, resolution."""
    habitat = load_habitat(config)
    data = load_input(telemetry, archive, habitat, config, isslive_year=isslive_year)
    verdict = verify_seal(
        data,
        habitat,
        module,
        to_utc_datetime64(repair_time),
        settle_s=parse_duration_s(settle, "--settle"),
    ).to_dict()
    if as_json:
        print_json(verdict)
        return
    b, a = verdict["before"], verdict["after"]
    console.print(f"before: {b['leak_rate_kg_per_day']:.3f} kg/day {b['ci95_kg_per_day']}")
    console.print(f"after:  {a['leak_rate_kg_per_day']:.3f} kg/day {a['ci95_kg_per_day']}")
    console.print(f"after/before: {verdict['ratio_after_to_before']:.2f} {verdict['ratio_ci95']}")
    mdl = verdict["minimum_detectable_leak_kg_per_day"]
    if mdl is not None:
        console.print(f"minimum detectable leak of the after-hold: {mdl:.3f} kg/day")
    console.print(f"background allowed: {verdict['background_kg_per_day']:.3f} kg/day")
    console.print(f"[bold]{verdict['verdict']}[/]")
