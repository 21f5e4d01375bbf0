"""``hullwatch plan-repress``: the small represses that hold a compartment in a band."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hullwatch.analysis.leakrate import leak_rate
from hullwatch.analysis.repress_plan import (
    DEFAULT_TEMPERATURE_K,
    NOMINAL_STATION_PRESSURE_PA,
    PlanLeak,
    RepressPlan,
    leak_from_rate,
    plan_repress,
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
from hullwatch.units import (
    SECONDS_PER_HOUR,
    ZERO_CELSIUS_K,
    lb_per_day_to_kg_per_day,
    mmhg_to_pa,
    pa_to_mmhg,
)

OptionalTelemetry = Annotated[
    str | None,
    typer.Argument(help="Telemetry file (or -) to fit the leak from; omit with --rate-lb-per-day."),
]


@app.command("plan-repress")
def plan_repress_command(
    telemetry: OptionalTelemetry = None,
    archive: ArchiveOption = None,
    module: Annotated[str, typer.Option("--module", help="A module of the held compartment.")] = "",
    band: Annotated[
        tuple[float, float] | None,
        typer.Option("--band", help="LOW HIGH of the band (mmHg): repress at LOW up to HIGH."),
    ] = None,
    source: Annotated[
        str, typer.Option("--source", help="Where the gas comes from: tank or station.")
    ] = "tank",
    rate_lb_per_day: Annotated[
        float | None,
        typer.Option("--rate-lb-per-day", help="Given leak rate at --reference-mmhg (lb/day)."),
    ] = None,
    flow_exponent: Annotated[
        float | None,
        typer.Option("--flow-exponent", help="Given flow exponent n (1 hole, 2 crack)."),
    ] = None,
    reference_mmhg: Annotated[
        float, typer.Option("--reference-mmhg", help="Pressure of the given rate (mmHg).")
    ] = 760.0,
    temperature_degc: Annotated[
        float,
        typer.Option("--temperature-degc", help="Gas temperature with a given rate (degC)."),
    ] = DEFAULT_TEMPERATURE_K - ZERO_CELSIUS_K,
    with_modules: Annotated[
        list[str] | None,
        typer.Option("--with", help="Another module of the held compartment (given rate)."),
    ] = None,
    station_mmhg: Annotated[
        float,
        typer.Option("--station-mmhg", help="Pressure of the rest of the station (mmHg)."),
    ] = float(pa_to_mmhg(NOMINAL_STATION_PRESSURE_PA)),
    repress_rate_kg_per_h: Annotated[
        float | None,
        typer.Option("--repress-rate-kg-per-h", help="Mass rate of one repress (kg/h)."),
    ] = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
    skip_bad_rows: SkipBadRowsOption = False,
    isslive_year: IssliveYearOption = None,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Draw the sawtooth and the band comparison (PNG/SVG)."),
    ] = None,
) -> None:
    """Plan the small repressurizations that hold MODULE's compartment in a band:
    how often, how much gas each time, gas per month, and what holding lower buys."""
    has_data = telemetry is not None or archive is not None
    if not module:
        raise InputError("give the module of the held compartment", field="--module")
    if band is None:
        raise InputError("give the band as LOW HIGH in mmHg", field="--band")
    given = rate_lb_per_day is not None or flow_exponent is not None
    if given and has_data:
        raise InputError(
            "give either TELEMETRY or --rate-lb-per-day with --flow-exponent, not both",
            field="--rate-lb-per-day",
        )
    habitat = load_habitat(config)
    compartment: tuple[str, ...] | None = None
    if given:
        if rate_lb_per_day is None or flow_exponent is None:
            raise InputError(
                "a given leak needs both --rate-lb-per-day and --flow-exponent",
                field="--rate-lb-per-day" if rate_lb_per_day is None else "--flow-exponent",
            )
        if not rate_lb_per_day > 0:
            raise InputError("the leak rate must be positive", field="--rate-lb-per-day")
        if not 0 < flow_exponent <= 3:
            raise InputError("the flow exponent must lie in (0, 3]", field="--flow-exponent")
        if not reference_mmhg > 0:
            raise InputError("the reference pressure must be positive", field="--reference-mmhg")
        leak = PlanLeak(
            lb_per_day_to_kg_per_day(rate_lb_per_day),
            float(mmhg_to_pa(reference_mmhg)),
            flow_exponent,
            temperature_degc + ZERO_CELSIUS_K,
        )
        compartment = (module, *(with_modules or ()))
    elif has_data:
        if with_modules:
            raise InputError(
                "with telemetry the compartment comes from the hatch states", field="--with"
            )
        data = load_input(
            telemetry,
            archive,
            habitat,
            config,
            skip_bad_rows=skip_bad_rows,
            isslive_year=isslive_year,
        )
        result = leak_rate(data, habitat, module)
        leak = leak_from_rate(result)
        compartment = result.last.compartment
    else:
        raise InputError(
            "give TELEMETRY to fit the leak, or --rate-lb-per-day and --flow-exponent",
            field="TELEMETRY",
        )
    plan = plan_repress(
        habitat,
        module,
        float(mmhg_to_pa(band[0])),
        float(mmhg_to_pa(band[1])),
        leak,
        compartment=compartment,
        source=source,
        station_pressure_pa=float(mmhg_to_pa(station_mmhg)),
        repress_rate_kg_per_s=None
        if repress_rate_kg_per_h is None
        else repress_rate_kg_per_h / SECONDS_PER_HOUR,
    )
    if plot is not None:
        from hullwatch.report.repress_plot import plot_repress_plan

        plot_repress_plan(plan, plot)
    if as_json:
        print_json(plan.to_dict())
        return
    _print(plan)


def _ci(pair: list[float | None] | None, digits: int = 2) -> str:
    if pair is None:
        return ""
    return "[" + ", ".join("-" if v is None else f"{v:.{digits}f}" for v in pair) + "]"


def _print(plan: RepressPlan) -> None:
    d = plan.to_dict()
    b = d["band"]
    leak = d["leak"]
    console.rule(
        f"Repress plan: {d['module']} (compartment {', '.join(d['compartment'])}, "
        f"{d['volume_m3']:.1f} m³) held at {b['low_mmHg']:.0f}-{b['high_mmHg']:.0f} mmHg"
    )
    n = leak["flow_exponent"]
    console.print(
        f"Leak ({leak['origin']}): {leak['leak_rate_kg_per_day']:.3f} kg/day "
        f"{_ci(leak['ci95_kg_per_day'], 3)} at {leak['at_pressure_mmHg']:.0f} mmHg, "
        f"n = {n['value']:.2f} {_ci(n['ci95'])}",
        highlight=False,
    )
    console.print(
        f"A repress every [bold]{b['period_h']:.2f} h[/] {_ci(b['period_ci95_h'])} "
        f"({b['represses_per_day']:.2f} a day {_ci(b['represses_per_day_ci95'])}), "
        f"[bold]{b['gas_per_repress_kg']:.3f} kg[/] each; the decay from HIGH to LOW takes "
        f"{b['decay_time_h']:.2f} h.",
        highlight=False,
    )
    console.print(
        f"Gas: [bold]{b['gas_per_month_kg']:.2f} kg per month[/] "
        f"{_ci(b['gas_per_month_ci95_kg'])}; mean leak in the band "
        f"{b['mean_leak_rate_kg_per_day']:.3f} kg/day "
        f"({b['mean_leak_rate_lb_per_day']:.3f} lb/day).",
        highlight=False,
    )
    if "station_drop_per_repress_mmHg" in b:
        console.print(
            f"From the station ({d['station_volume_m3']:.0f} m³): "
            f"{b['station_drop_per_repress_mmHg']:.3f} mmHg per repress, "
            f"{b['station_drop_per_month_mmHg']:.1f} mmHg per month if not made up.",
            highlight=False,
        )
    table = literal_table(
        "What holding lower buys (same band width)",
        ("band [mmHg]", "leak [kg/day]", "95% interval", "represses/day", "kg/month"),
    )
    for row in d["comparison"]:
        mark = " (requested)" if row["requested"] else ""
        table.add_row(
            f"{row['low_mmHg']:.0f}-{row['high_mmHg']:.0f}{mark}",
            f"{row['mean_leak_rate_kg_per_day']:.3f}",
            _ci(row["mean_leak_rate_ci95_kg_per_day"], 3),
            f"{row['represses_per_day']:.2f}",
            f"{row['gas_per_month_kg']:.2f}",
        )
    console.print(table)
    print_notes(d["assumptions"])
