"""``hullwatch history``: the PrK leak-history case study, replayed causally through ``risk``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hullwatch.cli.app import app, console, print_json, print_notes
from hullwatch.cli.cmd_risk import (
    DEFAULT_THRESHOLD_LB_PER_DAY,
    HorizonOption,
    TableOption,
    ThresholdOption,
)
from hullwatch.cli.options import ConfigOption, JsonOption
from hullwatch.cli.text import literal_table
from hullwatch.errors import InputError
from hullwatch.simulate.timeparse import parse_duration_s
from hullwatch.units import SECONDS_PER_DAY, kg_per_day_to_lb_per_day, lb_per_day_to_kg_per_day


@app.command("history")
def history_command(
    rate_history: Annotated[
        Path | None,
        typer.Option("--rate-history", help="Rate-history CSV (default: the shipped PrK figures)."),
    ] = None,
    threshold_lb_per_day: ThresholdOption = DEFAULT_THRESHOLD_LB_PER_DAY,
    horizon: HorizonOption = "90d",
    table: TableOption = None,
    volume_m3: Annotated[
        float | None,
        typer.Option("--volume-m3", help="Volume the worst case empties (default: whole habitat)."),
    ] = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Draw the history and the replay (PNG/SVG).")
    ] = None,
) -> None:
    """Replay the published PrK leak history through ``risk``, date by date, causally.

    Would hullwatch have scored 5 x 5 in mid-2024, as the programme did, and when?
    """
    from hullwatch.habitat import load_habitat
    from hullwatch.risk.history import plot_case_study, run_case_study
    from hullwatch.risk.matrix import load_risk_table
    from hullwatch.risk.records import read_rate_history

    if not threshold_lb_per_day > 0:
        raise InputError(
            f"must be > 0, got {threshold_lb_per_day:g}", field="--threshold-lb-per-day"
        )
    if volume_m3 is not None and not volume_m3 > 0:
        raise InputError(f"must be > 0, got {volume_m3:g}", field="--volume-m3")
    horizon_days = parse_duration_s(horizon, "--horizon") / SECONDS_PER_DAY
    if not horizon_days > 0:
        raise InputError("must be > 0", field="--horizon")
    habitat = load_habitat(config)
    study = run_case_study(
        read_rate_history(rate_history),
        threshold_kg_per_day=float(lb_per_day_to_kg_per_day(threshold_lb_per_day)),
        horizon_days=horizon_days,
        exposed_volume_m3=volume_m3 or habitat.volume_m3(habitat.module_names),
        table=load_risk_table(table),
    )
    if plot is not None:
        plot_case_study(study, plot)
    if as_json:
        print_json(study.to_dict())
        return
    d = study.to_dict()
    console.rule("PrK leak history, replayed causally through hullwatch risk")
    timeline = literal_table(
        f"Threshold {threshold_lb_per_day:g} lb/day, horizon {horizon}",
        ("date", "rate [lb/day]", "P(exceed)", "cell", "reserve [d]", "gas [kg/30d]", "steps"),
    )
    for row in d["timeline"]:
        timeline.add_row(
            row["time"][:10],
            f"{kg_per_day_to_lb_per_day(row['leak_rate_kg_per_day']):.3g}",
            f"{row['probability']:.3f}",
            row["cell"],
            "inf" if row["reserve_time_days"] is None else f"{row['reserve_time_days']:.0f}",
            f"{row['gas_loss_kg_per_30d']:.1f}",
            str(row["steps_seen"]),
        )
    console.print(timeline)
    console.print(study.verdict(), highlight=False)
    sens = literal_table(
        "How the answer moves with the threshold",
        ("threshold [lb/day]", "first likelihood 5", "first 5x5", "cells in order"),
    )
    for row in d["sensitivity"]:
        sens.add_row(
            f"{row['threshold_lb_per_day']:g}",
            (row["first_likelihood_5"] or "never")[:10],
            (row["first_5x5"] or "never")[:10],
            " ".join(row["cells"]),
        )
    console.print(sens)
    overall = d["overall"]
    if overall:
        t, s = overall["trend_all_figures"], overall["steps"]
        console.print(
            f"All figures: log-rate trend {t['slope_per_year'] * 100:+.0f} % ± "
            f"{t['slope_sd_per_year'] * 100:.0f} % per year; {s['count']} step increase(s) in "
            f"{s['exposure_days'] / 365.25:.1f} years: {s['rate_per_year']:.2f}/yr "
            f"(95% {s['rate_per_year_ci95'][0]:.2f}-{s['rate_per_year_ci95'][1]:.2f}), "
            f"mean factor x{s['mean_factor'] or float('nan'):.2f}.",
            highlight=False,
        )
    console.print("What these figures cannot say:", style="bold")
    for line in study.limitations:
        console.print(f"- {line}", highlight=False, markup=False)
    if d["table"] and d["table"]["is_default"]:
        print_notes([d["table"]["disclaimer"]])
