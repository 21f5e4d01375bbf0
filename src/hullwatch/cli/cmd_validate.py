"""``hullwatch validate TELEMETRY``: read a telemetry file and report its data quality."""

from __future__ import annotations

from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from hullwatch.cli.app import app, console, print_json
from hullwatch.cli.options import ConfigOption, IssliveYearOption, JsonOption, SkipBadRowsOption
from hullwatch.habitat import load_habitat
from hullwatch.telemetry import QualityReport, load_telemetry, quality_report


@app.command("validate")
def validate_command(
    telemetry: Annotated[
        str,
        typer.Argument(
            help="Telemetry file (long or wide CSV, Parquet), an ISS-Mimic recording, "
            "or - for CSV on standard input."
        ),
    ],
    config: ConfigOption = None,
    as_json: JsonOption = False,
    skip_bad_rows: SkipBadRowsOption = False,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Fail on a (time, channel) given twice with two values."),
    ] = False,
    isslive_year: IssliveYearOption = None,
) -> None:
    """Read TELEMETRY and report per channel: samples, span, gaps, duplicates, flat lines,
    spikes; unknown and missing channels; hatch configurations."""
    habitat = load_habitat(config)
    data = load_telemetry(
        telemetry,
        habitat,
        skip_bad_rows=skip_bad_rows,
        strict=strict,
        isslive_year=isslive_year,
    )
    report = quality_report(data, habitat)
    if as_json:
        print_json(report.to_dict())
        return
    _print_report(report)


def _short(iso: str) -> str:
    """``2019-10-12T04:59:15.201Z`` -> ``10-12 04:59`` (the summary gives the full span)."""
    return iso[5:10] + " " + iso[11:16]


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if value >= 100 else f"{value:.3g}"


def _print_report(report: QualityReport) -> None:
    table = Table(
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        collapse_padding=True,
        pad_edge=False,
        show_edge=False,
    )
    table.add_column("channel", no_wrap=True)
    for name in ("samples", "from", "to", "dt [s]", "gaps", "flat", "spike", "dup"):
        table.add_column(escape(name), justify="right", no_wrap=True)
    for row in report.to_dict()["channels"]:
        duplicates = row["duplicates_dropped"] + row["conflicting_duplicates"]
        table.add_row(
            row["channel"],
            f"{row['samples']:,}",
            _short(row["start"]),
            _short(row["end"]),
            _seconds(row["median_interval_s"]),
            str(row["gap_count"]),
            str(row["flat_line_count"]),
            str(row["spike_count"]),
            str(duplicates),
        )
    console.print(table)
    for line in report.summary_lines():
        console.print(line, highlight=False, markup=False)
    for line in report.assumptions[:3]:
        console.print(f"assumed: {line}", highlight=False, markup=False)
    if len(report.assumptions) > 3:
        console.print(
            f"assumed: ... and {len(report.assumptions) - 3} more hatches",
            highlight=False,
            markup=False,
        )
