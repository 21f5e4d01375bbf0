"""``hullwatch simulate SCENARIO --out DIR``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from hullwatch.cli.app import app, console, err_console, print_json
from hullwatch.errors import InputError
from hullwatch.simulate import load_scenario, simulate
from hullwatch.simulate.output import write_simulation


@app.command("simulate")
def simulate_command(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file (docs/scenario.md).")],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("sim-out"),
    fmt: Annotated[str, typer.Option("--format", help="Telemetry format: csv or parquet.")] = "csv",
    as_json: Annotated[bool, typer.Option("--json", help="Print the file paths as JSON.")] = False,
) -> None:
    """Simulate a scenario; write telemetry, habitat.toml and truth.json to --out."""
    if fmt not in ("csv", "parquet"):
        raise InputError(f"unknown format {fmt!r}; use csv or parquet", field="--format")
    spec = load_scenario(scenario)
    with Progress(console=err_console, transient=True, disable=as_json) as progress:
        task = progress.add_task("simulating", total=1.0)
        result = simulate(spec, progress=lambda f: progress.update(task, completed=f))
    paths = write_simulation(result, out, fmt)
    if as_json:
        print_json({role: str(path) for role, path in paths.items()})
        return
    console.print(
        f"{len(result.telemetry):,} telemetry rows from {result.truth['start']} "
        f"to {result.truth['end']}"
    )
    for role, path in paths.items():
        console.print(f"  {role:13s} {path}")
