"""``hullwatch gas-budget``: N2 and O2 that leaks use up, against stores and resupply."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from hullwatch.analysis.gas_budget import (
    BudgetLeak,
    GasBudget,
    budget_leaks_from_telemetry,
    gas_budget,
    load_gas_stores,
)
from hullwatch.cli.app import app, console, print_json, print_notes
from hullwatch.cli.inputs import load_input
from hullwatch.cli.options import (
    ArchiveOption,
    ConfigOption,
    IssliveYearOption,
    JsonOption,
    SkipBadRowsOption,
)
from hullwatch.cli.text import literal_table
from hullwatch.errors import InputError
from hullwatch.habitat import load_habitat
from hullwatch.units import lb_per_day_to_kg_per_day


@app.command("gas-budget")
def gas_budget_command(
    telemetry: Annotated[
        str | None,
        typer.Argument(help="Telemetry file (or -) to fit the leak from; omit with a given rate."),
    ] = None,
    archive: ArchiveOption = None,
    module: Annotated[
        str | None,
        typer.Option("--module", help="One module's compartment (default: the whole station)."),
    ] = None,
    rate_lb_per_day: Annotated[
        float | None, typer.Option("--rate-lb-per-day", help="Given leak rate (lb/day).")
    ] = None,
    stores_file: Annotated[
        Path | None,
        typer.Option("--stores", help="Stores and resupply TOML (default: built-in, docs/gas.md)."),
    ] = None,
    days: Annotated[float, typer.Option("--days", help="Period of the budget (day).")] = 30.0,
    worst_lb_per_day: Annotated[
        float | None,
        typer.Option("--worst-lb-per-day", help="Worst-case leak rate (default: stores file)."),
    ] = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
    skip_bad_rows: SkipBadRowsOption = False,
    isslive_year: IssliveYearOption = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Draw the stocks over time (PNG/SVG).")
    ] = None,
) -> None:
    """N2 and O2 used by leaks and the represses that replace them, against stores and
    resupply: days of margin at the current rate, its upper 95 % bound, and a worst case."""
    has_data = telemetry is not None or archive is not None
    stores = load_gas_stores(stores_file)
    if rate_lb_per_day is not None and has_data:
        raise InputError("give TELEMETRY or --rate-lb-per-day, not both", field="--rate-lb-per-day")
    if rate_lb_per_day is not None:
        if not (math.isfinite(rate_lb_per_day) and rate_lb_per_day >= 0):
            raise InputError("the leak rate must be >= 0", field="--rate-lb-per-day")
        leaks = [BudgetLeak(module or "given", lb_per_day_to_kg_per_day(rate_lb_per_day))]
    elif has_data:
        habitat = load_habitat(config)
        data = load_input(
            telemetry,
            archive,
            habitat,
            config,
            skip_bad_rows=skip_bad_rows,
            isslive_year=isslive_year,
        )
        leaks = budget_leaks_from_telemetry(data, habitat, module)
    else:
        raise InputError("give TELEMETRY or --rate-lb-per-day", field="TELEMETRY")
    budget = gas_budget(
        leaks,
        stores,
        days,
        worst_case_rate_kg_per_day=None
        if worst_lb_per_day is None
        else lb_per_day_to_kg_per_day(worst_lb_per_day),
    )
    if plot is not None:
        from hullwatch.report.budget_plot import plot_gas_budget

        plot_gas_budget(budget, plot)
    if as_json:
        print_json(budget.to_dict())
        return
    _print(budget)


def _days(value: float | None) -> str:
    return "never" if value is None else f"{value:.0f}"


def _print(budget: GasBudget) -> None:
    d = budget.to_dict()
    console.rule(f"Gas budget over {d['period_days']:g} days")
    for leak in d["leaks"]:
        ci = leak["ci95_kg_per_day"]
        interval = "" if ci is None else f" [{ci[0]:.3f}, {ci[1]:.3f}]"
        console.print(
            f"Leak {leak['label']}: {leak['leak_rate_kg_per_day']:.3f} kg/day{interval}"
            + (f" ({leak['note']})" if leak["note"] else ""),
            highlight=False,
        )
    if d["placeholders"]:
        console.print(
            "[bold red]PLACEHOLDER[/] stores figures (no public figure; replace with --stores): "
            + ", ".join(d["placeholders"]),
            highlight=False,
        )
    table = literal_table(
        "Days of margin (first gas to run out)",
        ("case", "leak", "N2 used", "O2 used", "margin [days]", "runs out first"),
    )
    for case in d["cases"]:
        n2, o2 = case["gases"]["N2"], case["gases"]["O2"]
        table.add_row(
            case["name"],
            f"{case['leak_rate_kg_per_day']:.3f} kg/day ({case['leak_rate_lb_per_day']:.2f} lb)",
            f"{n2['used_kg']:.2f} kg",
            f"{o2['used_kg']:.2f} kg",
            _days(case["days_of_margin"]),
            case["limiting_gas"],
        )
    console.print(table)
    print_notes(d["assumptions"])
