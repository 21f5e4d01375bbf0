"""``hullwatch forecast TELEMETRY --module M``: pressure forecast and time to a threshold."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hullwatch.analysis.forecast import ForecastResult, forecast_pressure
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
from hullwatch.habitat import load_habitat
from hullwatch.simulate.timeparse import parse_duration_s
from hullwatch.telemetry import to_utc_datetime64
from hullwatch.units import mmhg_to_pa


@app.command("forecast")
def forecast_command(
    telemetry: OptionalTelemetryArgument = None,
    *,
    archive: ArchiveOption = None,
    module: Annotated[str, typer.Option("--module", help="A module of the compartment.")],
    threshold_mmhg: Annotated[
        float | None,
        typer.Option("--threshold-mmhg", help="Pressure to time the crossing of (default 520)."),
    ] = None,
    horizon: Annotated[str, typer.Option("--horizon", help="How far ahead, e.g. 7d, 36h.")] = "7d",
    start: StartOption = None,
    end: EndOption = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
    skip_bad_rows: SkipBadRowsOption = False,
    isslive_year: IssliveYearOption = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Draw the forecast to this PNG/SVG.")
    ] = None,
) -> None:
    """Pressure of MODULE's compartment from the last sample on, with a 95 % band, from
    the fitted leak (rate and flow exponent), and the time to reach a threshold."""
    horizon_s = parse_duration_s(horizon, "--horizon")
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
        context_s=CONTEXT_S,
    )
    result = forecast_pressure(
        data,
        habitat,
        module,
        None if threshold_mmhg is None else mmhg_to_pa(threshold_mmhg),
        horizon_s,
        to_utc_datetime64(start) if start else None,
        to_utc_datetime64(end) if end else None,
    )
    if plot is not None:
        from hullwatch.report.forecast_plot import plot_forecast

        plot_forecast(result, plot)
    if as_json:
        print_json(result.to_dict())
        return
    _print(result)


def _print(result: ForecastResult) -> None:
    d = result.to_dict()
    console.rule(f"Pressure forecast: {d['module']} (compartment: {', '.join(d['compartment'])})")
    first, last = d["trajectory"][0], d["trajectory"][-1]
    console.print(
        f"Now ({d['last_sample']}): {first['pressure_mmHg']:.1f} mmHg. "
        f"In {d['horizon_h']:g} h: {last['pressure_mmHg']:.1f} mmHg "
        f"(95% band {last['lo95']:.1f} to {last['hi95']:.1f})."
    )
    exponent = d["flow_exponent"]
    lo_n, hi_n = exponent["range"]
    console.print(
        f"Leak: {d['leak_rate_kg_per_day']:.3f} kg/day ({d['leak_rate_lb_per_day']:.3f} lb/day) "
        f"at {d['rate_at_pressure_mmHg']:.1f} mmHg, flow exponent n = {exponent['value']:.2f} "
        f"({'estimated' if exponent['identified'] else 'assumed'}; band over {lo_n:.2f} to "
        f"{hi_n:.2f})."
    )
    hours, ci = d["time_to_threshold_h"], d["ci95_h"]
    ci_text = ""
    if ci is not None:
        upper = "beyond the horizon" if ci[1] is None else f"{ci[1]:.1f} h"
        ci_text = f" (95% interval {ci[0]:.1f} h to {upper})"
    if hours is None:
        console.print(f"[bold]{d['threshold_mmHg']:g} mmHg not reached[/]: {d['reason']}{ci_text}")
    else:
        console.print(
            f"[bold]{d['threshold_mmHg']:g} mmHg in {hours:.1f} h[/]{ci_text}; "
            f"{d['probability_reached_in_horizon']:.0%} of the draws reach it within the horizon."
        )
    print_notes(d["assumptions"])
