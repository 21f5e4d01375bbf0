"""``hullwatch rate TELEMETRY --module M``: leak rate with a 95 % interval."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from hullwatch.analysis.leakrate import EXTRA_UNITS, LeakRateResult, leak_rate
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
from hullwatch.cli.text import compartment_label, table_time, word_safe_table
from hullwatch.errors import InputError
from hullwatch.habitat import load_habitat
from hullwatch.simulate.timeparse import parse_duration_s
from hullwatch.telemetry import iso_z, to_utc_datetime64


@app.command("rate")
def rate_command(
    telemetry: OptionalTelemetryArgument = None,
    *,
    module: Annotated[str, typer.Option("--module", help="A module of the compartment.")],
    archive: ArchiveOption = None,
    start: StartOption = None,
    end: EndOption = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
    units: Annotated[
        list[str] | None,
        typer.Option("--units", help=f"Also give the rate in: {', '.join(EXTRA_UNITS)}."),
    ] = None,
    skip_bad_rows: SkipBadRowsOption = False,
    isslive_year: IssliveYearOption = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Draw the gas mass and fit to this PNG/SVG.")
    ] = None,
    noise_history: Annotated[
        str | None,
        typer.Option(
            "--noise-history",
            help="Also learn the noise from this much earlier data of the compartment "
            "(e.g. 14d; needs --start). Narrows an honest interval.",
        ),
    ] = None,
) -> None:
    """Leak rate of MODULE's compartment as gas mass per day, temperature-compensated,
    through repressurizations, with a 95 % interval."""
    extra = tuple(units or ())
    for unit in extra:
        if unit not in EXTRA_UNITS:
            raise InputError(
                f"unknown unit {unit!r}; use {', '.join(EXTRA_UNITS)}", field="--units"
            )
    history_s = 0.0
    if noise_history is not None:
        history_s = parse_duration_s(noise_history, "--noise-history")
        if start is None:
            raise InputError(
                "--noise-history needs --start: the history is the data before the window",
                field="--noise-history",
            )
    habitat = load_habitat(config)
    load_start = start
    if start is not None and history_s > 0:
        history = np.timedelta64(round(history_s * 1e9), "ns")
        load_start = iso_z(to_utc_datetime64(start) - history)
    data = load_input(
        telemetry,
        archive,
        habitat,
        config,
        start=load_start,
        end=end,
        skip_bad_rows=skip_bad_rows,
        isslive_year=isslive_year,
        context_s=CONTEXT_S,
    )
    t0 = to_utc_datetime64(start) if start else None
    t1 = to_utc_datetime64(end) if end else None
    result = leak_rate(data, habitat, module, t0, t1, noise_history_s=history_s)
    if plot is not None:
        from hullwatch.report.rate_plot import plot_leak_rate

        plot_leak_rate(result, plot)
    if as_json:
        print_json(result.to_dict(extra))
        return
    _print(result, extra)


def _interval(pair: list[float] | None, digits: int = 3) -> str:
    return "-" if pair is None else f"[{pair[0]:.{digits}f}, {pair[1]:.{digits}f}]"


def _print(result: LeakRateResult, units: tuple[str, ...]) -> None:
    d = result.to_dict(units)
    console.rule(f"Leak rate: {d['module']} (compartment: {compartment_label(d['compartment'])})")
    if d["leak_rate_kg_per_day"] is None:
        console.print(f"No estimate for the last configuration: {d.get('reason')}")
    else:
        console.print(
            f"[bold]{d['leak_rate_kg_per_day']:.3f} kg/day[/] 95% {_interval(d['ci95_kg_per_day'])}"
            f"  =  [bold]{d['leak_rate_lb_per_day']:.3f} lb/day[/] "
            f"{_interval(d['ci95_lb_per_day'])}   (method: {d['method']})"
        )
        exponent = d["flow_exponent"]
        if exponent is None:
            console.print("Flow regime: the pressure range cannot tell a hole from a crack.")
        else:
            n = exponent["value"]
            regime = "a choked hole" if n < 1.5 else "a viscous crack"
            console.print(
                f"Flow exponent n = {n:.2f} {_interval(exponent['ci95'], 2)}: like {regime}."
            )
        at_ref = d["leak_rate_kg_per_day_at_760mmHg"]
        console.print(f"At 760 mmHg it would be {at_ref:.3f} kg/day.")
        if d["effective_area_mm2"]:
            areas = ", ".join(f"{k} {v:.4g}" for k, v in d["effective_area_mm2"].items())
            console.print(f"Effective hole area (mm²): {areas}", markup=False)
        for unit, value in d.get("leak_rate_other_units", {}).items():
            console.print(f"  = {value:.4g} {unit}")
    rows = []
    for s in d["segments"]:
        represses = [st for st in s["steps"] if st["kind"] == "repress"]
        rate = "-" if s["leak_rate_kg_per_day"] is None else f"{s['leak_rate_kg_per_day']:.3f}"
        rows.append(
            [
                table_time(s["start"]),
                table_time(s["end"]),
                compartment_label(s["compartment"]),
                rate,
                _interval(s["ci95_kg_per_day"]),
                str(len(represses)),
                f"{s['gas_added_kg']:.3f}",
            ]
        )
    headers = (
        "start (UTC)",
        "end (UTC)",
        "compartment",
        "kg/day",
        "95% interval",
        "represses",
        "gas added [kg]",
    )
    table = word_safe_table("Segments (one per hatch configuration)", headers, rows)
    console.print(table)
    print_notes(d["assumptions"] + d["warnings"])
