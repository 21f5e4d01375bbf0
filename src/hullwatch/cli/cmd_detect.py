"""``hullwatch detect TELEMETRY``: causal leak detection (leak onset, increase, rapid depress)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from hullwatch.cli.app import app, console, print_json
from hullwatch.detect import DetectResult, LeakDetector, detect_leaks
from hullwatch.habitat import load_habitat
from hullwatch.simulate.timeparse import parse_duration_s
from hullwatch.telemetry import load_telemetry


def detector_options(
    habitat_path: Path | None,
    false_alarms_per_year: float,
    warmup: str,
    block: str,
    rapid_rate: float,
) -> LeakDetector:
    """A detector configured from command-line options (shared with ``watch``)."""
    return LeakDetector(
        load_habitat(habitat_path),
        false_alarms_per_year=false_alarms_per_year,
        warmup_s=parse_duration_s(warmup, "--warmup"),
        block_s=parse_duration_s(block, "--block"),
        rapid_rate_mmhg_per_min=rapid_rate,
    )


@app.command("detect")
def detect_command(
    telemetry: Annotated[str, typer.Argument(help="Telemetry file, ISS-Mimic recording, or -.")],
    config: Annotated[
        Path | None, typer.Option("--config", help="Habitat TOML (default: built-in ISS).")
    ] = None,
    false_alarms_per_year: Annotated[
        float,
        typer.Option("--false-alarms-per-year", help="Allowed leak false alarms per compartment."),
    ] = 1.0,
    history: Annotated[
        str | None,
        typer.Option("--history", help="Leak-free telemetry to learn the noise from first."),
    ] = None,
    warmup: Annotated[
        str, typer.Option("--warmup", help="Data a compartment without history learns from.")
    ] = "2d",
    block: Annotated[str, typer.Option("--block", help="Averaging block of the statistic.")] = (
        "30min"
    ),
    rapid_rate: Annotated[
        float, typer.Option("--rapid-rate", help="Rapid-depress alarm rate [mmHg/min].")
    ] = 0.5,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    skip_bad_rows: Annotated[
        bool, typer.Option("--skip-bad-rows", help="Skip and count unparseable rows.")
    ] = False,
    isslive_year: Annotated[
        int | None, typer.Option("--isslive-year", help="Year of an ISS-Mimic recording.")
    ] = None,
) -> None:
    """Leak alarms raised causally, as a live monitor would have raised them: each from
    the samples up to its time alone."""
    detector = detector_options(config, false_alarms_per_year, warmup, block, rapid_rate)
    habitat = detector.habitat
    data = load_telemetry(
        telemetry, habitat, skip_bad_rows=skip_bad_rows, isslive_year=isslive_year
    )
    past = (
        load_telemetry(history, habitat, skip_bad_rows=skip_bad_rows, isslive_year=isslive_year)
        if history is not None
        else None
    )
    result = detect_leaks(data, habitat, detector=detector, history=past)
    if as_json:
        print_json(result.to_dict())
        return
    _print(result)


def _print(result: DetectResult) -> None:
    payload = result.to_dict()
    console.rule(
        f"Leak detection {str(payload['start'])[:16]} to {str(payload['end'])[:16]} "
        f"(threshold {payload['threshold']}, {payload['false_alarms_per_year']} false alarms "
        "per year per compartment)"
    )
    if not payload["alarms"]:
        console.print("no alarm", highlight=False)
    else:
        table = Table(box=box.SIMPLE_HEAD)
        for column in ("time (UTC)", "kind", "onset [95 %]", "kg/day", "message"):
            table.add_column(column)
        for alarm in payload["alarms"]:
            lo, hi = alarm["onset_ci95"]
            table.add_row(
                alarm["time"][5:16].replace("T", " "),
                alarm["kind"],
                f"{alarm['onset_estimate'][5:16]} [{lo[5:16]}, {hi[5:16]}]".replace("T", " "),
                f"{alarm['leak_rate_kg_per_day']:.3f}",
                alarm["message"],
            )
        console.print(table)
    for note in payload["warnings"]:
        console.print(f"note: {note}", highlight=False)
