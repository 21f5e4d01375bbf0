"""``hullwatch risk [TELEMETRY] --module M``: the 5 x 5 score, its reasoning and its history."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer

from hullwatch.analysis.reserve import FLOOR_MMHG
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
from hullwatch.cli.text import literal_table, table_time
from hullwatch.errors import InputError
from hullwatch.simulate.timeparse import parse_duration_s
from hullwatch.units import (
    MASS_FLOW_UNITS_TO_KG_PER_S,
    SECONDS_PER_DAY,
    kg_per_day_to_lb_per_day,
    lb_per_day_to_kg_per_day,
    mmhg_to_pa,
)

#: Default threshold: the whole station's leak requirement, 2 lb/day (iss-facts.md);
#: not a published PrK closure criterion, which is not public.
DEFAULT_THRESHOLD_LB_PER_DAY = 2.0

ThresholdOption = Annotated[
    float,
    typer.Option(
        "--threshold-lb-per-day",
        help="Programme threshold of the leak rate (default: the station's 2 lb/day requirement).",
    ),
]
HorizonOption = Annotated[str, typer.Option("--horizon", help="Likelihood horizon, e.g. 90d.")]
TableOption = Annotated[
    Path | None, typer.Option("--table", help="Risk-table TOML (default: hullwatch's, not NASA's).")
]


def _positive(value: float | None, name: str) -> None:
    if value is not None and not value > 0:
        raise InputError(f"must be > 0, got {value:g}", field=name)


def _kg_per_day(value: float, unit: str) -> float:
    if unit not in MASS_FLOW_UNITS_TO_KG_PER_S:
        raise InputError(
            f"unknown unit {unit!r}; use {', '.join(MASS_FLOW_UNITS_TO_KG_PER_S)}",
            field="--rate-unit",
        )
    return value * MASS_FLOW_UNITS_TO_KG_PER_S[unit] * SECONDS_PER_DAY


def _read_alarms(path: Path) -> list[dict[str, Any]]:
    try:
        payload = json.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read alarms: {exc.strerror}", source=str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg}", source=str(path), line=exc.lineno) from None
    alarms = payload.get("alarms") if isinstance(payload, dict) else None
    if not isinstance(alarms, list):
        raise InputError("no 'alarms' list (use hullwatch detect --json)", source=str(path))
    return alarms


@app.command("risk")
def risk_command(
    telemetry: Annotated[
        str | None, typer.Argument(help="Telemetry file or - (optional with --rate).")
    ] = None,
    archive: ArchiveOption = None,
    module: Annotated[str, typer.Option("--module", help="The module.")] = "PrK",
    threshold_lb_per_day: ThresholdOption = DEFAULT_THRESHOLD_LB_PER_DAY,
    horizon: HorizonOption = "90d",
    rate: Annotated[
        float | None, typer.Option("--rate", help="Today's rate, for a what-if (see --rate-unit).")
    ] = None,
    rate_unit: Annotated[str, typer.Option("--rate-unit", help="Unit of --rate.")] = "lb/day",
    pressure_mmhg: Annotated[
        float, typer.Option("--pressure-mmhg", help="Pressure at which --rate holds.")
    ] = 760.0,
    rate_history: Annotated[
        Path | None, typer.Option("--rate-history", help="Rate-history CSV (trend and steps).")
    ] = None,
    prk_history: Annotated[
        bool, typer.Option("--prk-history", help="Use the shipped 2019-2026 PrK rate history.")
    ] = False,
    alarms: Annotated[
        Path | None, typer.Option("--alarms", help="hullwatch detect --json output (steps).")
    ] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Assess as of this time (ISO 8601), causally.")
    ] = None,
    worst_case: Annotated[
        str, typer.Option("--worst-case", help="largest_step, hole or rate.")
    ] = "largest_step",
    worst_case_area_mm2: Annotated[
        float | None, typer.Option("--worst-case-area-mm2", help="Hole area of --worst-case hole.")
    ] = None,
    worst_case_rate: Annotated[
        float | None, typer.Option("--worst-case-rate", help="Rate of --worst-case rate [lb/day].")
    ] = None,
    flow_exponent: Annotated[
        float | None,
        typer.Option("--flow-exponent", help="n of m-dot ~ P^n (default fitted or 1)."),
    ] = None,
    volume_m3: Annotated[
        float | None,
        typer.Option("--volume-m3", help="Volume the worst case empties (default: whole habitat)."),
    ] = None,
    floor_mmhg: FloorOption = FLOOR_MMHG,
    reference_mmhg: Annotated[
        float, typer.Option("--reference-mmhg", help="Station pressure, hatch open.")
    ] = 760.0,
    table: TableOption = None,
    store: Annotated[Path | None, typer.Option("--store", help="Risk-history DuckDB file.")] = None,
    no_store: Annotated[
        bool, typer.Option("--no-store", help="Do not keep this assessment.")
    ] = False,
    history: Annotated[
        bool, typer.Option("--history", help="Show how the score moved (from the store).")
    ] = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Draw the matrix and its trail (PNG/SVG).")
    ] = None,
    start: StartOption = None,
    end: EndOption = None,
    config: ConfigOption = None,
    as_json: JsonOption = False,
    skip_bad_rows: SkipBadRowsOption = False,
    isslive_year: IssliveYearOption = None,
) -> None:
    """5 x 5 likelihood x consequence score of MODULE's leak, with its reasoning.

    The default level table and threshold are hullwatch's, not the ISS programme's.
    """
    has_data = telemetry is not None or archive is not None
    from hullwatch.habitat import load_habitat
    from hullwatch.risk.assess import CurrentRate, assess_risk, current_rate_from_leak_rate
    from hullwatch.risk.matrix import load_risk_table
    from hullwatch.risk.records import read_rate_history, steps_from_alarms
    from hullwatch.store.risk_history import RiskHistoryStore, default_store_path
    from hullwatch.telemetry import to_utc_datetime64

    for value, name in (
        (threshold_lb_per_day, "--threshold-lb-per-day"),
        (rate, "--rate"),
        (volume_m3, "--volume-m3"),
        (worst_case_area_mm2, "--worst-case-area-mm2"),
        (worst_case_rate, "--worst-case-rate"),
        (pressure_mmhg, "--pressure-mmhg"),
        (floor_mmhg, "--floor-mmhg"),
        (flow_exponent, "--flow-exponent"),
    ):
        _positive(value, name)
    horizon_days = parse_duration_s(horizon, "--horizon") / SECONDS_PER_DAY
    _positive(horizon_days, "--horizon")
    if rate_history is not None and prk_history:
        raise InputError("give --rate-history or --prk-history, not both", field="--prk-history")
    risk_table = load_risk_table(table)
    store_path = store if store is not None else default_store_path()
    has_input = has_data or rate is not None or rate_history or prk_history
    if history and not has_input:
        _show_trail(store_path, module, as_json)
        return
    if not has_input:
        raise InputError(
            "nothing to assess: give TELEMETRY, --rate, --rate-history or --prk-history"
        )
    if has_data and rate is not None:
        raise InputError("give TELEMETRY or --rate, not both", field="--rate")
    if has_data and at is not None:
        raise InputError("the telemetry sets the time; use --start/--end", field="--at")
    habitat = load_habitat(config)
    if module not in habitat.module_names:
        raise InputError(f"no module {module!r} in the habitat", field="--module")
    current = None
    if has_data:
        from hullwatch.analysis.leakrate import leak_rate

        data = load_input(
            telemetry,
            archive,
            habitat,
            config,
            skip_bad_rows=skip_bad_rows,
            isslive_year=isslive_year,
        )
        t0 = to_utc_datetime64(start) if start else None
        t1 = to_utc_datetime64(end) if end else None
        current = current_rate_from_leak_rate(leak_rate(data, habitat, module, t0, t1))
    elif rate is not None:
        when = (
            to_utc_datetime64(at)
            if at
            else np.datetime64(datetime.now(UTC).replace(tzinfo=None), "ns")
        )
        current = CurrentRate(
            _kg_per_day(rate, rate_unit), None, when, float(mmhg_to_pa(pressure_mmhg))
        )
    observations = (
        read_rate_history(rate_history) if rate_history is not None or prk_history else []
    )
    alarm_steps = []
    alarm_start = None
    if alarms is not None:
        alarm_list = _read_alarms(alarms)
        alarm_steps = steps_from_alarms(alarm_list, str(alarms))
        times = [to_utc_datetime64(str(a["time"])) for a in alarm_list if "time" in a]
        alarm_start = min(times) if times else None
    assessment = assess_risk(
        module,
        threshold_kg_per_day=float(lb_per_day_to_kg_per_day(threshold_lb_per_day)),
        horizon_days=horizon_days,
        exposed_volume_m3=volume_m3 or habitat.volume_m3(habitat.module_names),
        current=current,
        history=observations,
        alarm_steps=alarm_steps,
        alarm_exposure_start=alarm_start,
        time=to_utc_datetime64(at) if at and current is None else None,
        table=risk_table,
        worst_case=worst_case,
        hole_area_m2=None if worst_case_area_mm2 is None else worst_case_area_mm2 * 1e-6,
        worst_rate_kg_per_day=None
        if worst_case_rate is None
        else float(lb_per_day_to_kg_per_day(worst_case_rate)),
        flow_exponent=flow_exponent,
        reference_pressure_pa=float(mmhg_to_pa(reference_mmhg)),
        floor_pressure_pa=float(mmhg_to_pa(floor_mmhg)),
    )
    trail: list[Any] = []
    shown: list[Any] = []
    stored_id = None
    if not no_store:
        with RiskHistoryStore(store_path) as db:
            trail = db.trail(module)
            stored_id = db.append(assessment)
            shown = db.trail(module)
    elif store_path.exists():
        with RiskHistoryStore(store_path) as db:
            trail = shown = db.trail(module)
    if plot is not None:
        from hullwatch.risk.plot import plot_risk_matrix

        plot_risk_matrix(
            risk_table,
            (assessment.likelihood, assessment.consequence_level),
            plot,
            trail=[(r.likelihood, r.consequence) for r in trail],
            trail_labels=[r.assessed_at[:10] for r in trail],
            title=f"{module} leak risk",
        )
    payload = assessment.to_dict()
    payload["store"] = {"path": str(store_path), "id": stored_id, "stored": stored_id is not None}
    if history:
        payload["risk_history"] = [r.to_dict() for r in shown]
    if as_json:
        print_json(payload)
        return
    _print(payload, shown if history else None)


def _show_trail(store_path: Path, module: str, as_json: bool) -> None:
    from hullwatch.store.risk_history import RiskHistoryStore

    if not store_path.exists():
        raise InputError("no risk history yet", source=str(store_path))
    with RiskHistoryStore(store_path) as db:
        trail = db.trail(module)
    if as_json:
        print_json(
            {
                "module": module,
                "store": str(store_path),
                "risk_history": [r.to_dict() for r in trail],
            }
        )
        return
    _print_trail(trail, module)


def _print_trail(trail: list[Any], module: str) -> None:
    table = literal_table(
        f"Risk history of {module}",
        ("assessed", "cell", "P(exceed)", "rate [lb/day]", "threshold", "table"),
    )
    for r in trail:
        table.add_row(
            table_time(r.assessed_at),
            r.cell,
            "-" if r.probability is None else f"{r.probability:.3f}",
            "-"
            if r.rate_kg_per_day is None
            else f"{kg_per_day_to_lb_per_day(r.rate_kg_per_day):.3g}",
            "-"
            if r.threshold_kg_per_day is None
            else f"{kg_per_day_to_lb_per_day(r.threshold_kg_per_day):.3g}",
            r.table_name or "-",
        )
    console.print(table)
    if not trail:
        console.print("No stored assessments.")


def _print(payload: dict[str, Any], trail: list[Any] | None) -> None:
    score = payload["score"]
    console.rule(f"Risk: {payload['module']}  {score['cell']}  ({score['zone']})")
    for line in payload["reasoning"]:
        console.print(line, highlight=False, markup=False)
    print_notes(payload["notes"])
    if payload["store"]["stored"]:
        console.print(
            f"stored as #{payload['store']['id']} in {payload['store']['path']}", markup=False
        )
    if trail is not None:
        _print_trail(trail, payload["module"])
