"""``hullwatch watch TELEMETRY|-``: follow a live feed; print events and alarms as they come."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Annotated

import typer

from hullwatch.cli.app import app, console
from hullwatch.cli.cmd_detect import (
    OrbitErrorOption,
    OrbitOption,
    StatisticOption,
    detector_options,
)
from hullwatch.cli.options import (
    BlockOption,
    ConfigOption,
    FalseAlarmsOption,
    HistoryOption,
    RapidRateOption,
    WarmupOption,
)
from hullwatch.detect import Alarm, Monitor, StreamAssembler, StreamEvent
from hullwatch.detect.detector import DEFAULT_STATISTIC
from hullwatch.detect.feed import FeedParser
from hullwatch.errors import InputError
from hullwatch.telemetry import load_telemetry

#: Lines parsed per batch.
BATCH_LINES = 2000


def _batches(stream: IO[str], follow: bool, poll_s: float) -> Iterator[list[str]]:
    """Batches of complete lines; at the end of the data, wait for more if ``follow``."""
    pending = ""
    while True:
        lines = stream.readlines(BATCH_LINES * 64)
        if lines:
            lines[0] = pending + lines[0]
            pending = ""
            if not lines[-1].endswith("\n"):
                pending = lines.pop()
            if lines:
                yield lines
            continue
        if not follow:
            if pending:
                yield [pending]
            return
        time.sleep(poll_s)


def _line(item: Alarm | StreamEvent) -> str:
    data = item.to_dict()
    if isinstance(item, Alarm):
        return f"{data['time'][:19]}Z ALARM {data['kind']}: {data['message']}"
    where = data.get("hatch") or ", ".join(data.get("compartment", [])[:3])
    extra = ""
    if "mass_change_kg" in data:
        extra = f" {data['mass_change_kg']:+.3f} kg"
    if item.kind == "model_ready":
        extra = (
            f" monitoring: reference {data['reference_rate_kg_per_day']:.3f} kg/day, "
            f"noise {data['noise_kg_per_day']:.3f} kg/day per block"
        )
    return f"{data['start'][:19]}Z {item.kind} {where}{extra}"


def watch_feed(
    stream: IO[str],
    monitor: Monitor,
    parser: FeedParser,
    *,
    follow: bool,
    as_jsonl: bool,
    poll_s: float = 1.0,
) -> int:
    """Run ``monitor`` over a feed; print each event and alarm; return the alarm count."""
    assembler = StreamAssembler(
        monitor.detector.habitat,
        grid_s=monitor.detector.grid_s,
        stale_s=monitor.detector.stale_s,
        gas=monitor.detector.gas,
    )
    alarms = 0

    def emit(items: list[Alarm | StreamEvent]) -> None:
        nonlocal alarms
        for item in items:
            alarms += isinstance(item, Alarm)
            if as_jsonl:
                sys.stdout.write(json.dumps(item.to_dict(), allow_nan=False) + "\n")
            else:
                console.print(_line(item), highlight=False, soft_wrap=True)
        if items:
            sys.stdout.flush()

    for lines in _batches(stream, follow, poll_s):
        for time_ns, channel, value, line in parser.rows(lines):
            for snapshot in assembler.push(
                time_ns, channel, value, source=parser.source, line=line
            ):
                emit(monitor.feed(snapshot))
    for snapshot in assembler.flush():
        emit(monitor.feed(snapshot))
    emit(list(monitor.finish()))
    return alarms


@app.command("watch")
def watch_command(
    telemetry: Annotated[str, typer.Argument(help="Long-form CSV telemetry file, or - (stdin).")],
    config: ConfigOption = None,
    as_jsonl: Annotated[bool, typer.Option("--jsonl", help="One JSON object per line.")] = False,
    follow: Annotated[
        bool,
        typer.Option("--follow/--no-follow", help="Wait for a file to grow (stdin ends at EOF)."),
    ] = True,
    false_alarms_per_year: FalseAlarmsOption = 1.0,
    history: HistoryOption = None,
    warmup: WarmupOption = "2d",
    block: BlockOption = None,
    rapid_rate: RapidRateOption = 0.5,
    statistic: StatisticOption = DEFAULT_STATISTIC,
    orbit: OrbitOption = None,
    orbit_error: OrbitErrorOption = None,
) -> None:
    """Follow a growing long-form CSV file (or stdin) and print hatch changes, gas steps,
    losses of signal and alarms as they happen; Ctrl-C or the end of stdin stops it."""
    detector = detector_options(
        config, false_alarms_per_year, warmup, block, rapid_rate, statistic, orbit, orbit_error
    )
    if history is not None:
        detector.fit(load_telemetry(history, detector.habitat))
    monitor = Monitor(detector)
    if telemetry == "-":
        parser = FeedParser(detector.habitat, "<stdin>")
        watch_feed(sys.stdin, monitor, parser, follow=False, as_jsonl=as_jsonl)
        return
    path = Path(telemetry)
    if not path.is_file():
        raise InputError("no such file", source=telemetry)
    parser = FeedParser(detector.habitat, telemetry)
    try:
        with path.open(encoding="utf-8") as stream:
            watch_feed(stream, monitor, parser, follow=follow, as_jsonl=as_jsonl)
    except KeyboardInterrupt:
        console.print("stopped", highlight=False)
