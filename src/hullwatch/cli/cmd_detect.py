"""``hullwatch detect TELEMETRY``: causal leak detection (leak onset, increase, rapid depress)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from hullwatch.analysis.rate import DEFAULT_SETTINGS
from hullwatch.cli.app import app, console, print_json, print_notes
from hullwatch.cli.inputs import load_input, window_with_state
from hullwatch.cli.options import (
    ArchiveOption,
    BlockOption,
    ConfigOption,
    EndOption,
    FalseAlarmsOption,
    HistoryOption,
    IssliveYearOption,
    JsonOption,
    OptionalTelemetryArgument,
    RapidRateOption,
    SkipBadRowsOption,
    StartOption,
    WarmupOption,
)
from hullwatch.detect import DetectResult, LeakDetector, detect_leaks
from hullwatch.detect.detector import DEFAULT_STATISTIC
from hullwatch.detect.glr import DEFAULT_ORBITAL_PERIOD_ERROR_S
from hullwatch.detect.registry import AUTO_GLR_MIN_VOLUME_M3, CHOICES
from hullwatch.habitat import load_habitat
from hullwatch.simulate.timeparse import parse_duration_s
from hullwatch.telemetry import load_telemetry

#: ``--statistic``: the detection statistic, by its registry name (shared with ``watch``).
StatisticOption = Annotated[
    str,
    typer.Option(
        "--statistic",
        help=f"Detection statistic: {', '.join(CHOICES)} (auto: glr-level for compartments "
        f"of at least {AUTO_GLR_MIN_VOLUME_M3:g} m3, else cusum-ar; see docs/detection.md).",
    ),
]


#: ``--orbit``: the period of the orbital swing ``glr-level`` carries (shared with ``watch``).
OrbitOption = Annotated[
    str | None,
    typer.Option(
        "--orbit",
        help="Orbital period of the unseen temperature swing (glr-level), e.g. 92.7min "
        "(default 92 min; the ISS's is 91.5-93 min with altitude).",
    ),
]
#: ``--orbit-error``: the largest error of that period (shared with ``watch``).
OrbitErrorOption = Annotated[
    str | None,
    typer.Option(
        "--orbit-error",
        help="Largest error of --orbit (default 1 min); 0s makes the cycle deterministic.",
    ),
]


def detector_options(
    habitat_path: Path | None,
    false_alarms_per_year: float,
    warmup: str,
    block: str | None,
    rapid_rate: float,
    statistic: str = DEFAULT_STATISTIC,
    orbit: str | None = None,
    orbit_error: str | None = None,
) -> LeakDetector:
    """A detector configured from command-line options (shared with ``watch``)."""
    period_s = DEFAULT_SETTINGS.orbital_period_s
    if orbit is not None:
        period_s = parse_duration_s(orbit, "--orbit")
    period_error_s = DEFAULT_ORBITAL_PERIOD_ERROR_S
    if orbit_error is not None:
        period_error_s = parse_duration_s(orbit_error, "--orbit-error")
    return LeakDetector(
        load_habitat(habitat_path),
        false_alarms_per_year=false_alarms_per_year,
        warmup_s=parse_duration_s(warmup, "--warmup"),
        block_s=None if block is None else parse_duration_s(block, "--block"),
        rapid_rate_mmhg_per_min=rapid_rate,
        statistic=statistic,
        orbital_period_s=period_s,
        orbital_period_error_s=period_error_s,
    )


@app.command("detect")
def detect_command(
    telemetry: OptionalTelemetryArgument = None,
    archive: ArchiveOption = None,
    start: StartOption = None,
    end: EndOption = None,
    config: ConfigOption = None,
    false_alarms_per_year: FalseAlarmsOption = 1.0,
    history: HistoryOption = None,
    warmup: WarmupOption = "2d",
    block: BlockOption = None,
    rapid_rate: RapidRateOption = 0.5,
    as_json: JsonOption = False,
    skip_bad_rows: SkipBadRowsOption = False,
    isslive_year: IssliveYearOption = None,
    statistic: StatisticOption = DEFAULT_STATISTIC,
    orbit: OrbitOption = None,
    orbit_error: OrbitErrorOption = None,
) -> None:
    """Leak alarms raised causally, as a live monitor would have raised them: each from
    the samples up to its time alone. With --start/--end, only the samples in the window
    (and each hatch's state at its start) are used."""
    detector = detector_options(
        config, false_alarms_per_year, warmup, block, rapid_rate, statistic, orbit, orbit_error
    )
    habitat = detector.habitat
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
    print_notes(payload["warnings"])
