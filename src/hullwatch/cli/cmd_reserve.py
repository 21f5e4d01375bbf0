"""``hullwatch reserve-time``: time until the pressure floor, from live data or a what-if leak."""

from __future__ import annotations

from typing import Annotated

import typer

from hullwatch.analysis.reserve import (
    DEFAULT_DISCHARGE_COEFFICIENT,
    FLOOR_MMHG,
    NOMINAL_PRESSURE_PA,
    ReserveTimeResult,
    reserve_time_live,
    reserve_time_what_if,
)
from hullwatch.cli.app import app, console, print_json, print_notes
from hullwatch.cli.inputs import load_input
from hullwatch.cli.options import (
    ArchiveOption,
    ConfigOption,
    EndOption,
    FloorOption,
    IssliveYearOption,
    JsonOption,
    SkipBadRowsOption,
    StartOption,
)
from hullwatch.errors import InputError
from hullwatch.habitat import load_habitat
from hullwatch.telemetry import to_utc_datetime64
from hullwatch.units import (
    kg_per_day_to_kg_per_s,
    lb_per_day_to_kg_per_day,
    mmhg_to_pa,
)


@app.command("reserve-time")
def reserve_time_command(
    telemetry: Annotated[
        str | None,
        typer.Argument(help="Telemetry (live mode, with --module); omit for a what-if."),
    ] = None,
    archive: ArchiveOption = None,
    module: Annotated[
        str | None, typer.Option("--module", help="Live: a module of the leaking compartment.")
    ] = None,
    station: Annotated[
        bool, typer.Option("--station", help="Live: the whole station with hatches open.")
    ] = False,
    hole_diameter_mm: Annotated[
        float | None, typer.Option("--hole-diameter-mm", help="What-if: hole diameter (mm).")
    ] = None,
    hole_area_mm2: Annotated[
        float | None, typer.Option("--hole-area-mm2", help="What-if: hole area (mm²).")
    ] = None,
    rate_lb_per_day: Annotated[
        float | None, typer.Option("--rate-lb-per-day", help="What-if: leak rate (lb/day).")
    ] = None,
    rate_kg_per_day: Annotated[
        float | None, typer.Option("--rate-kg-per-day", help="What-if: leak rate (kg/day).")
    ] = None,
    model: Annotated[
        str | None,
        typer.Option("--model", help="What-if rate: leak flow law (default orifice)."),
    ] = None,
    volume_m3: Annotated[
        float | None,
        typer.Option("--volume-m3", help="What-if: volume (default: the habitat's total)."),
    ] = None,
    pressure_mmhg: Annotated[
        float | None,
        typer.Option("--pressure-mmhg", help="What-if: starting pressure (default 760)."),
    ] = None,
    floor_mmhg: FloorOption = FLOOR_MMHG,
    cd: Annotated[
        float | None,
        typer.Option(
            "--cd",
            help=f"What-if: discharge coefficient (default {DEFAULT_DISCHARGE_COEFFICIENT}).",
        ),
    ] = None,
    start: StartOption = None,
    end: EndOption = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
    skip_bad_rows: SkipBadRowsOption = False,
    isslive_year: IssliveYearOption = None,
) -> None:
    """Time until the pressure falls to the floor: from the fitted leak of MODULE's
    compartment (live), or for a hole of a given size or a given leak rate (what-if)."""
    has_data = telemetry is not None or archive is not None
    what_if = {
        "--hole-diameter-mm": hole_diameter_mm,
        "--hole-area-mm2": hole_area_mm2,
        "--rate-lb-per-day": rate_lb_per_day,
        "--rate-kg-per-day": rate_kg_per_day,
    }
    what_if_only = {
        "--model": model,
        "--volume-m3": volume_m3,
        "--pressure-mmhg": pressure_mmhg,
        "--cd": cd,
    }
    sizes = [name for name, value in what_if.items() if value is not None]
    habitat = load_habitat(config)
    floor_pa = mmhg_to_pa(floor_mmhg)
    result: ReserveTimeResult
    if has_data:
        mixed = sizes + [name for name, value in what_if_only.items() if value is not None]
        if mixed:
            raise InputError(
                f"{', '.join(mixed)} belong to a what-if; with TELEMETRY the leak is the "
                "fitted one (drop TELEMETRY for a what-if)",
                field=mixed[0],
            )
        if module is None:
            raise InputError("the live reserve time needs --module", field="--module")
        data = load_input(
            telemetry,
            archive,
            habitat,
            config,
            skip_bad_rows=skip_bad_rows,
            isslive_year=isslive_year,
        )
        result = reserve_time_live(
            data,
            habitat,
            module,
            whole_station=station,
            floor_pa=floor_pa,
            start=to_utc_datetime64(start) if start else None,
            end=to_utc_datetime64(end) if end else None,
        )
    else:
        if module is not None or station:
            raise InputError(
                "--module and --station need TELEMETRY to fit the leak", field="TELEMETRY"
            )
        if len(sizes) != 1:
            raise InputError(
                "give TELEMETRY --module M, or exactly one of "
                + ", ".join(what_if)
                + (f" (got {', '.join(sizes)})" if sizes else ""),
                field="/".join(sizes) if sizes else None,
            )
        if model is not None and rate_lb_per_day is None and rate_kg_per_day is None:
            raise InputError("a hole is an orifice; --model goes with a rate", field="--model")
        rate_kg = (
            lb_per_day_to_kg_per_day(rate_lb_per_day)
            if rate_lb_per_day is not None
            else rate_kg_per_day
        )
        result = reserve_time_what_if(
            hole_diameter_m=None if hole_diameter_mm is None else hole_diameter_mm * 1e-3,
            hole_area_m2=None if hole_area_mm2 is None else hole_area_mm2 * 1e-6,
            rate_kg_per_s=None if rate_kg is None else kg_per_day_to_kg_per_s(rate_kg),
            volume_m3=habitat.volume_m3(habitat.module_names) if volume_m3 is None else volume_m3,
            pressure_pa=NOMINAL_PRESSURE_PA if pressure_mmhg is None else mmhg_to_pa(pressure_mmhg),
            floor_pa=floor_pa,
            discharge_coefficient=DEFAULT_DISCHARGE_COEFFICIENT if cd is None else cd,
            model=model or "orifice",
        )
        if volume_m3 is None:
            result.assumptions.append(
                f"the volume is the whole pressurized volume of {habitat.name} "
                f"({result.volume_m3:.1f} m^3)"
            )
    if as_json:
        print_json(result.to_dict())
        return
    _print(result)


def _print(result: ReserveTimeResult) -> None:
    d = result.to_dict()
    where = (
        f"{d['module']} (compartment: {', '.join(d['compartment'])})"
        if "module" in d
        else "what-if"
    )
    console.rule(f"Reserve time: {where}")
    leak = (
        f"{d['initial_leak_rate_kg_per_day']:.4g} kg/day "
        f"({d['initial_leak_rate_lb_per_day']:.4g} lb/day)"
    )
    if d["hole"]:
        leak += f", a {d['hole']['diameter_mm']:.3g} mm hole ({d['hole']['area_mm2']:.4g} mm²)"
    console.print(
        f"{d['volume_m3']:.1f} m³ from {d['pressure_mmHg']:.1f} to {d['floor_mmHg']:.1f} mmHg, "
        f"leaking {leak} at the start; flow law {d['leak_model']} (n = {d['flow_exponent']:.2f}).",
        markup=False,
    )
    if d["reserve_time_h"] is None:
        console.print(f"[bold]The floor is not reached[/]: {d.get('reason')}")
    else:
        ci = d["ci95_h"]
        ci_text = ""
        if ci is not None:
            upper = "never" if ci[1] is None else f"{ci[1]:.1f} h"
            ci_text = f"  (95% interval {ci[0]:.1f} h to {upper})"
        console.print(
            f"[bold]Reserve time {d['reserve_time_h']:.1f} h = {d['reserve_time_d']:.2f} days[/]"
            f"{ci_text}"
        )
    if d["time_constant_d"] is not None:
        console.print(f"Time constant tau = {d['time_constant_d']:.2f} days (T = tau ln(P/Pmin)).")
    if d["time_at_constant_rate_h"] is not None:
        console.print(
            f"At a constant initial rate it would take {d['time_at_constant_rate_h']:.1f} h."
        )
    print_notes(d["assumptions"])
