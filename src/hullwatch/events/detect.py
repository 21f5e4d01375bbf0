"""``detect_events``: every repress, depress, hatch change and thermal transient in a window.

The steps, in order:

1. hatch changes from hatch channels (:mod:`hullwatch.events.hatches`);
2. for hatches without a channel, openings and closings inferred from the pressures
   either side, which then stand in for hatch channels;
3. the gas mass of every compartment under every hatch configuration
   (:mod:`hullwatch.events.segments`);
4. in each, represses and depresses from the gas-mass steps (:mod:`hullwatch.events.gas`)
   and thermal transients (:mod:`hullwatch.events.thermal`);
5. operations from a log, with the leak rate around them (:mod:`hullwatch.events.windows`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hullwatch.errors import AnalysisError, InputError
from hullwatch.events.gas import gas_events, pair_transfers
from hullwatch.events.hatches import (
    infer_hatch_events,
    inferable_hatches,
    measured_hatch_events,
    with_hatch_states,
)
from hullwatch.events.model import (
    DEFAULT_EVENT_SETTINGS,
    Event,
    EventSettings,
    EventsResult,
    GasEvent,
    Operation,
    sort_key,
)
from hullwatch.events.segments import compartment_segments
from hullwatch.events.thermal import thermal_transients
from hullwatch.events.windows import operation_events
from hullwatch.habitat import Habitat
from hullwatch.telemetry import Telemetry, iso_z, to_utc_datetime64
from hullwatch.telemetry.frame import TimeLike


def pressure_span(telemetry: Telemetry, habitat: Habitat) -> tuple[np.datetime64, np.datetime64]:
    """From when every pressure channel has reported to the last pressure sample (UTC).

    Status and hatch channels may begin long before the pressures (an ISS-Mimic
    recording keeps a pump's last state from months before), so the window of events
    is that of the pressures.  It begins once all of them have reported: before
    that a compartment's pressure, the mean of its channels, would step as each
    channel begins.

    Raises
    ------
    AnalysisError
        If no pressure channel has data.
    """
    present = set(telemetry.channels())
    ids = [c.id for c in habitat.channels if c.quantity == "pressure" and c.id in present]
    if not ids:
        raise AnalysisError(
            f"no pressure channel of habitat {habitat.name!r} has data in {telemetry.source}: "
            "events are found in the pressures"
        )
    firsts, lasts = zip(*((t[0], t[-1]) for t, _ in map(telemetry.channel, ids)), strict=True)
    return max(firsts), max(lasts)


def default_module(telemetry: Telemetry, habitat: Habitat) -> str:
    """The first module, in habitat order, with a pressure channel with data."""
    present = set(telemetry.channels())
    for module in habitat.module_names:
        if any(c.id in present for c in habitat.channels_for(module, "pressure")):
            return module
    raise AnalysisError("no module has a pressure channel with data")


def detect_events(
    telemetry: Telemetry,
    habitat: Habitat,
    *,
    start: TimeLike | None = None,
    end: TimeLike | None = None,
    operations: Sequence[Operation] = (),
    module: str | None = None,
    settings: EventSettings = DEFAULT_EVENT_SETTINGS,
) -> EventsResult:
    """Find the events in telemetry: represses, depresses, hatch changes, thermal transients.

    Parameters
    ----------
    telemetry : Telemetry
        Pressure, temperature, hatch and status samples in SI.
    habitat : Habitat
        The habitat.
    start, end : time, optional
        The window (UTC); by default the span of the pressure channels.
    operations : sequence of Operation
        From an operations log (:func:`hullwatch.events.read_ops_log`); each is
        reported with the leak rate before, during and after it, against a baseline.
    module : str, optional
        Module whose compartment's leak rate is reported for operations that name
        none; by default the first module with a pressure channel (and it is said).
    settings : EventSettings
        Thresholds and windows.

    Returns
    -------
    EventsResult
        Events in time order, with the assumptions made and any warnings.

    Raises
    ------
    InputError
        For an unknown module or an empty window.
    AnalysisError
        When no pressure channel has data.
    """
    if module is not None:
        habitat.module(module)
    span = pressure_span(telemetry, habitat)
    t0 = span[0] if start is None else to_utc_datetime64(start)
    t1 = span[1] if end is None else to_utc_datetime64(end)
    if not t1 > t0:
        raise InputError(f"the window {iso_z(t0)} to {iso_z(t1)} is empty", field="--start/--end")

    measured = measured_hatch_events(telemetry, habitat, t0, t1)
    inferred, states = infer_hatch_events(telemetry, habitat, t0, t1, settings)
    data, hab = with_hatch_states(telemetry, habitat, states)
    assumptions = [
        f"hatch {h.name} has no hatch channel: its state is inferred from the pressures of "
        f"{h.between[0]} and {h.between[1]}"
        for h in inferable_hatches(telemetry, habitat)
        if h.name in states
    ]
    assumptions += data.hatch_timeline(hab).assumptions_for(t0)

    segments, notes = compartment_segments(data, hab, t0, t1, settings)
    assumptions += notes
    events: list[Event] = [*measured, *inferred]
    warnings = list(telemetry.warnings)
    openings = [e for e in inferred if e.kind == "hatch_open"]
    gas: list[GasEvent] = []
    for cseg in segments:
        found = gas_events(cseg, data, hab, settings, openings)
        gas += found.events
        warnings += found.warnings
        events += thermal_transients(cseg, settings, found.events)
    events += pair_transfers(gas, hab)

    if operations:
        chosen = module
        if chosen is None and any(op.module is None for op in operations):
            chosen = default_module(telemetry, habitat)
            assumptions.append(
                f"operations that name no module are compared on the leak rate of {chosen}'s "
                "compartment (give --module or a module column)"
            )
        events += operation_events(data, hab, operations, (t0, t1), chosen or "", settings)

    return EventsResult(
        sorted(events, key=sort_key),
        t0,
        t1,
        assumptions=assumptions,
        warnings=warnings,
        skipped_rows=telemetry.skipped_rows,
    )
