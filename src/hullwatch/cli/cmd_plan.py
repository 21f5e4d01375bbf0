"""``hullwatch plan-isolation``: the next hatch closures, their holds, and what to do after."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from hullwatch.cli.app import app, console, print_json, print_notes
from hullwatch.cli.inputs import load_input, window_with_state
from hullwatch.cli.options import ArchiveOption
from hullwatch.errors import InputError
from hullwatch.habitat import load_habitat
from hullwatch.locate import locate_leak
from hullwatch.locate.constraints import IsolationConstraints, load_constraints
from hullwatch.locate.plan import (
    belief_from_posterior_file,
    belief_from_result,
    plan_isolation,
    prior_belief,
)
from hullwatch.telemetry import to_utc_datetime64
from hullwatch.units import POUND_KG, to_si


@app.command("plan-isolation")
def plan_command(
    config: Annotated[
        Path | None, typer.Option("--config", help="Habitat TOML (default: built-in ISS).")
    ] = None,
    posterior: Annotated[
        Path | None,
        typer.Option("--posterior", help="Starting belief: JSON of `hullwatch locate --json`."),
    ] = None,
    telemetry: Annotated[
        str | None, typer.Option("--telemetry", help="Starting belief: `locate` on this file.")
    ] = None,
    archive: ArchiveOption = None,
    data_start: Annotated[
        str | None, typer.Option("--data-start", help="Starting belief from data after (ISO 8601).")
    ] = None,
    data_end: Annotated[
        str | None, typer.Option("--data-end", help="Starting belief from data before (ISO 8601).")
    ] = None,
    constraints_file: Annotated[
        Path | None, typer.Option("--constraints", help="Constraints TOML (same fields).")
    ] = None,
    keep_access: Annotated[
        list[str] | None,
        typer.Option("--keep-access", help="Module the crew must reach (repeatable)."),
    ] = None,
    never_close: Annotated[
        list[str] | None, typer.Option("--never-close", help="Hatch that cannot be closed.")
    ] = None,
    always_closed: Annotated[
        list[str] | None,
        typer.Option("--always-closed", help="Hatch closed in every configuration."),
    ] = None,
    min_pressure_mmhg: Annotated[
        float | None,
        typer.Option("--min-pressure-mmhg", help="No compartment may fall below this."),
    ] = None,
    max_closures_per_day: Annotated[
        int | None, typer.Option("--max-closures-per-day", help="Hatch closures per day.")
    ] = None,
    leak_rate_lb_per_day: Annotated[
        float | None,
        typer.Option(
            "--leak-rate-lb-per-day",
            help="Leak rate (e.g. from `hullwatch rate`); needed without data, replaces theirs.",
        ),
    ] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="First closure (ISO 8601; default: data end).")
    ] = None,
    samples: Annotated[
        int, typer.Option("--samples", help="Monte Carlo outcomes per scored hold.", min=10)
    ] = 80,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Plan the next hatch closures: which hatches, how long to hold, and which
    configuration to go to after each outcome (maximum expected information per day)."""
    habitat = load_habitat(config)
    if posterior is not None and (telemetry is not None or archive is not None):
        raise InputError("give --posterior or --telemetry/--archive, not both", field="--posterior")
    base = load_constraints(constraints_file) if constraints_file else IsolationConstraints()
    constraints = base.merged(
        keep_access=keep_access or (),
        never_close=never_close or (),
        always_closed=always_closed or (),
        min_pressure_pa=None if min_pressure_mmhg is None else to_si(min_pressure_mmhg, "mmHg"),
        max_closures_per_day=max_closures_per_day,
    )
    constraints.validate(habitat)
    if posterior is not None:
        belief = belief_from_posterior_file(posterior, habitat)
    elif telemetry is not None or archive is not None:
        data = load_input(
            telemetry,
            archive,
            habitat,
            config,
            start=data_start,
            end=data_end,
            argument="--telemetry",
        )
        if telemetry is not None:
            data = window_with_state(data, habitat, data_start, data_end)
        belief = belief_from_result(locate_leak(data, habitat))
    else:
        belief = prior_belief(habitat)
    if leak_rate_lb_per_day is not None:
        if not leak_rate_lb_per_day > 0:
            raise InputError("must be positive", field="--leak-rate-lb-per-day")
        belief.leak_rate_kg_per_day = leak_rate_lb_per_day * POUND_KG
        belief.leak_rate_upper_kg_per_day = max(
            belief.leak_rate_kg_per_day,
            belief.leak_rate_upper_kg_per_day if posterior or telemetry or archive else 0.0,
        )
    plan = plan_isolation(
        habitat,
        belief,
        constraints,
        start=to_utc_datetime64(start) if start else None,
        samples=samples,
    )
    if as_json:
        print_json(plan.to_dict())
        return
    _print(plan.to_dict())


def _set(modules: list[str]) -> str:
    if len(modules) <= 4:
        return "{" + ", ".join(modules) + "}"
    return "{" + ", ".join(modules[:3]) + f" and {len(modules) - 3} more}}"


def _step(step: dict[str, Any], label: str, indent: str) -> None:
    when = f" at {step['close_at'][:16]}Z" if step["close_at"] else " now"
    console.print(
        f"{indent}[bold]{label}[/] Close {', '.join(step['close_hatches'])}{when}; hold "
        f"[bold]{step['hold_h']:.0f} h[/] (resolving the rate needs ≥ "
        f"{step['minimum_hold_h']:.0f} h"
        + (
            f"; pressure allows ≤ {step['maximum_hold_h']:.0f} h"
            if step["maximum_hold_h"] is not None
            else ""
        )
        + f"). Expect {step['information_gain_bits']:.2f} bit "
        f"({step['bits_per_day']:.2f} bit/day), P(found ≥ 95 %) = {step['p_found']:.2f}.",
        highlight=False,
    )
    for c in step["compartments"]:
        console.print(
            f"{indent}    compartment {_set(c['modules'])}: P(leak) {c['p_leak']:.2f}, "
            f"detects ≥ {c['minimum_detectable_kg_per_day']:.3f} kg/day",
            highlight=False,
        )
    for n, o in enumerate(step["outcomes"]):
        top = ", ".join(f"{k} {v:.2f}" for k, v in list(o["posterior"].items())[:3])
        leak_in = o["leak_in"]
        where = _set(leak_in) if len(leak_in) > 1 else leak_in[0]
        console.print(
            f"{indent}  • if {o['if']} (P = {o['probability']:.2f}) → leak in {where}; "
            f"expected posterior: {top}",
            highlight=False,
        )
        if o["then"] is not None:
            _step(o["then"], f"then {chr(ord('A') + n)}:", indent + "      ")
        elif o["posterior"][o["most_likely"]] >= 0.95:
            console.print(f"{indent}      → found: {o['most_likely']}", highlight=False)
        else:
            console.print(f"{indent}      → re-plan with the hold's data", highlight=False)


def _print(d: dict[str, Any]) -> None:
    console.rule("Isolation plan (one leak assumed)")
    console.print(
        f"Belief: {d['belief']}; most likely {d['most_likely']} (P = {d['p_most_likely']:.3f}), "
        f"entropy {d['entropy_bits']:.2f} bit; leak rate {d['leak_rate_kg_per_day']:.3f} kg/day "
        f"= {d['leak_rate_lb_per_day']:.3f} lb/day",
        highlight=False,
    )
    _step(d["plan"], "1.", "")
    print_notes(d["notes"])
