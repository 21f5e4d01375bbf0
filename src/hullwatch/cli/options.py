"""Command-line options shared by several commands, defined once.

Each is a typed ``Annotated`` alias, so a command declares e.g. ``config: ConfigOption = None``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

TelemetryArgument = Annotated[
    str, typer.Argument(help="Telemetry file, ISS-Mimic recording, or -.")
]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="Habitat TOML (default: built-in ISS).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
SkipBadRowsOption = Annotated[
    bool, typer.Option("--skip-bad-rows", help="Skip and count unparseable rows.")
]
IssliveYearOption = Annotated[
    int | None, typer.Option("--isslive-year", help="Year of an ISS-Mimic recording.")
]
StartOption = Annotated[str | None, typer.Option("--start", help="Window start (ISO 8601).")]
EndOption = Annotated[str | None, typer.Option("--end", help="Window end (ISO 8601).")]

# The detector's settings, shared by ``detect`` and ``watch``.
FalseAlarmsOption = Annotated[
    float,
    typer.Option("--false-alarms-per-year", help="Allowed leak false alarms per compartment."),
]
HistoryOption = Annotated[
    str | None,
    typer.Option("--history", help="Leak-free telemetry to learn the noise from first."),
]
WarmupOption = Annotated[
    str, typer.Option("--warmup", help="Data a compartment without history learns from.")
]
BlockOption = Annotated[
    str | None,
    typer.Option(
        "--block",
        help="Averaging block of the statistic (default: the statistic's own, "
        "10min for glr-level, 30min for cusum-ar and auto).",
    ),
]
RapidRateOption = Annotated[
    float, typer.Option("--rapid-rate", help="Rapid-depress alarm rate [mmHg/min].")
]
ArchiveOption = Annotated[
    Path | None,
    typer.Option("--archive", help="Read from this archive folder instead of a file."),
]
OptionalTelemetryArgument = Annotated[
    str | None,
    typer.Argument(help="Telemetry file, ISS-Mimic recording, or -; or give --archive DIR."),
]
FloorOption = Annotated[
    float,
    typer.Option(
        "--floor-mmhg", help="Reserve-time floor (520: the ISS 'safe physiological limit')."
    ),
]
