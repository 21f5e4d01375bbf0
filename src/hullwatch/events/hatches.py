"""Hatch openings and closings: from hatch channels, or inferred from the pressures.

A hatch with a channel reports its state.  A hatch without one, whose two modules
each have a pressure channel, is inferred from the *equalization signature*:

* **opening**: the two pressures, clearly apart, converge within
  ``max_equalization_s`` and then stay together for ``min_together_s`` (gas flowing
  through an open hatch or its equalization valve);
* **closing**: two pressures that were together begin to move apart (one side is
  depressed, repressed or leaks on its own): the hatch was closed by then.

"Together" and "apart" are judged after removing the two sensors' relative offset
(the median difference while they agree).  A slow convergence (a repress or a seal
leaking through) is not an opening.  A repress from a tank that stops exactly at the
neighbour's pressure within ``max_equalization_s`` and then tracks it looks the
same as an opening; that is a limit of inferring hatches from pressures alone.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from hullwatch.analysis.gasmass import hold_on_grid
from hullwatch.events.model import EventSettings, HatchEvent
from hullwatch.habitat import Channel, Habitat, Hatch
from hullwatch.telemetry import Telemetry

FloatArray = npt.NDArray[np.float64]
TimeArray = npt.NDArray[np.datetime64]
#: Inferred hatch states: ``{hatch: (times, 1.0 open / 0.0 closed)}``, on change.
HatchStates = dict[str, tuple[TimeArray, FloatArray]]
#: Id prefix of the hatch channels added for inferred hatches that have none.
INFERRED_CHANNEL_PREFIX = "INFERRED_HATCH:"

_APART, _TOGETHER = 1, -1


def measured_hatch_events(
    telemetry: Telemetry, habitat: Habitat, start: np.datetime64, end: np.datetime64
) -> list[HatchEvent]:
    """Hatch openings and closings reported by hatch channels within ``[start, end]``.

    Parameters
    ----------
    telemetry : Telemetry
        Samples in SI (hatch channels: 1 open, 0 closed).
    habitat : Habitat
        Names which channel reports which hatch.
    start, end : numpy.datetime64
        Window, UTC.

    Returns
    -------
    list of HatchEvent
        One per change of state; the first sample of a channel is a state, not a change.
    """
    present = set(telemetry.channels())
    events = []
    for name, channel in habitat.hatch_channels().items():
        if channel.id not in present:
            continue
        times, values = telemetry.channel(channel.id)
        is_open = values >= 0.5
        changed = np.flatnonzero(is_open[1:] != is_open[:-1]) + 1
        hatch = habitat.hatch(name)
        for index in changed:
            t = times[index]
            if start <= t <= end:
                kind = "hatch_open" if is_open[index] else "hatch_close"
                events.append(HatchEvent(kind, t, t, hatch=name, modules=hatch.between))
    return events


def _module_pressure(
    telemetry: Telemetry, habitat: Habitat, module: str, grid: TimeArray, present: set[str]
) -> FloatArray | None:
    """Mean of a module's own pressure channels on ``grid`` [Pa], or ``None`` without one."""
    ids = [c.id for c in habitat.channels_for(module, "pressure") if c.id in present]
    if not ids:
        return None
    stacked = np.vstack([hold_on_grid(*telemetry.channel(c), grid) for c in ids])
    counts = np.isfinite(stacked).sum(axis=0)
    with np.errstate(invalid="ignore"):
        mean = np.nansum(stacked, axis=0) / np.maximum(counts, 1)
    return np.where(counts > 0, mean, np.nan)


def inferable_hatches(telemetry: Telemetry, habitat: Habitat) -> list[Hatch]:
    """Hatches with no hatch-channel data whose two modules each have a pressure channel."""
    present = set(telemetry.channels())
    measured = {h for h, c in habitat.hatch_channels().items() if c.id in present}
    out = []
    for hatch in habitat.hatches:
        if hatch.name in measured:
            continue
        if all(
            any(c.id in present for c in habitat.channels_for(m, "pressure")) for m in hatch.between
        ):
            out.append(hatch)
    return out


def infer_hatch_events(
    telemetry: Telemetry,
    habitat: Habitat,
    start: np.datetime64,
    end: np.datetime64,
    settings: EventSettings,
) -> tuple[list[HatchEvent], HatchStates]:
    """Openings and closings of the hatches without a hatch channel, from pressures.

    Parameters
    ----------
    telemetry : Telemetry
        Samples in SI.
    habitat : Habitat
        The habitat.
    start, end : numpy.datetime64
        Window, UTC.
    settings : EventSettings
        Thresholds of the equalization signature.

    Returns
    -------
    events : list of HatchEvent
        Marked ``inferred``.
    states : dict
        Hatch name -> ``(times, values)``: the state inferred at the start of the data
        and at every change (1 open, 0 closed), to be used as a hatch channel.  An
        opening takes effect one gas-mass grid step after the pressures are one (its
        ``end``), so that the gas that flowed through it is seen on the side that
        gained it; a closing when they began to part (its ``start``).  Hatches whose pressures never
        clearly agree or differ are left out (taken as open, formats.md section 1).
    """
    present = set(telemetry.channels())
    step = np.timedelta64(round(settings.hatch_grid_s * 1e9), "ns")
    grid = np.arange(start, end + step, step)
    events: list[HatchEvent] = []
    states: HatchStates = {}
    for hatch in inferable_hatches(telemetry, habitat):
        a, b = hatch.between
        pa = _module_pressure(telemetry, habitat, a, grid, present)
        pb = _module_pressure(telemetry, habitat, b, grid, present)
        if pa is None or pb is None:
            continue
        found, state = _infer_one(hatch, habitat, grid, pa, pb, settings)
        events += found
        if state is not None:
            states[hatch.name] = state
    return events, states


def _infer_one(
    hatch: Hatch,
    habitat: Habitat,
    grid: TimeArray,
    pa: FloatArray,
    pb: FloatArray,
    settings: EventSettings,
) -> tuple[list[HatchEvent], tuple[TimeArray, FloatArray] | None]:
    """The state machine of one hatch over the pressures either side of it."""
    valid = np.flatnonzero(np.isfinite(pa) & np.isfinite(pb))
    if valid.size == 0:
        return [], None
    t, pa, pb = grid[valid], pa[valid], pb[valid]
    d = pa - pb
    signed = d - _sensor_offset(d, settings)
    gap = np.abs(signed)
    label = np.zeros(d.size, dtype=np.int64)
    label[gap >= settings.apart_pa] = _APART
    label[gap <= settings.together_pa] = _TOGETHER
    decisive = np.flatnonzero(label != 0)
    if decisive.size == 0:
        return [], None
    is_open = bool(label[decisive[0]] == _TOGETHER)
    times: list[np.datetime64] = [t[0]]
    values: list[float] = [1.0 if is_open else 0.0]
    events: list[HatchEvent] = []
    run_start = 0  # where the current together (or apart) run of decisive points began
    # The compartments join one gas-mass grid step after the pressures agree, so that
    # the smaller side's segment holds the whole equalization.
    join_delay = np.timedelta64(round(settings.rate.grid_s * 1e9), "ns")
    changes = np.flatnonzero(label[decisive[1:]] != label[decisive[:-1]])
    for k in changes:
        last, first = int(decisive[k]), int(decisive[k + 1])  # last of one state, first of next
        previous_run, run_start = run_start, first
        if label[first] == _TOGETHER and not is_open:
            began = _equalization_start(t, gap, first, settings)
            if (
                began is None
                or not _stays_together(t, label, first, settings)
                or not _gas_came_through(hatch, habitat, pa, pb, began, first, settings)
            ):
                continue
            events.append(
                HatchEvent(
                    "hatch_open",
                    t[began],
                    t[first],
                    hatch=hatch.name,
                    modules=hatch.between,
                    inferred=True,
                    pressure_difference_pa=float(gap[began : first + 1].max()),
                )
            )
            is_open = True
            times.append(t[first] + join_delay)
            values.append(1.0)
        elif label[first] == _APART and is_open and not _flow_transient(t, label, first, settings):
            onset = _divergence_onset(t, signed, previous_run, last, first)
            events.append(
                HatchEvent(
                    "hatch_close",
                    t[onset],
                    t[first],
                    hatch=hatch.name,
                    modules=hatch.between,
                    inferred=True,
                    pressure_difference_pa=float(gap[first]),
                )
            )
            is_open = False
            times.append(t[onset])
            values.append(0.0)
    return events, (np.array(times, dtype="datetime64[ns]"), np.array(values))


def _divergence_onset(
    t: TimeArray, signed: FloatArray, run_start: int, last: int, first: int
) -> int:
    """When two pressures began to part.

    If they parted within two minutes, at the last point they were together.
    Otherwise from a broken-stick fit of their difference: over the together run up
    to the first clearly-apart point, the difference is
    fitted as flat, then linear from a break point (a leak on one side parts them
    linearly; a depress in one grid step).  The break that fits best is the onset,
    searched on a one-minute lattice between the run's start and ``last`` (the last
    point still together), then refined on the grid around it.
    """
    if (t[first] - t[last]) <= np.timedelta64(2, "m"):
        return last  # parted within a couple of minutes: a depress or repress on one side
    lo = max(run_start, int(np.searchsorted(t, t[first] - np.timedelta64(12, "h"))))
    if first - lo < 3:
        return last
    x = (t[lo : first + 1] - t[lo]) / np.timedelta64(1, "s")
    y = signed[lo : first + 1]

    def ssr(breaks: npt.NDArray[np.int64]) -> FloatArray:
        ramp = np.maximum(0.0, x[None, :] - x[breaks][:, None])
        design_mean = ramp.mean(axis=1, keepdims=True)
        centred = ramp - design_mean
        yc = y - y.mean()
        slope = (centred @ yc) / np.maximum((centred**2).sum(axis=1), 1e-300)
        residual = yc[None, :] - slope[:, None] * centred
        out: FloatArray = (residual**2).sum(axis=1)
        return out

    stride = max(1, int(np.searchsorted(x, x[0] + 60.0)))
    coarse = np.arange(0, last - lo + 1, stride, dtype=np.int64)
    best = int(coarse[int(np.argmin(ssr(coarse)))])
    fine = np.arange(max(0, best - stride), min(last - lo, best + stride) + 1, dtype=np.int64)
    return lo + int(fine[int(np.argmin(ssr(fine)))])


def _side_volume_m3(habitat: Habitat, hatch: Hatch, module: str) -> float | None:
    """Volume of every module reachable from ``module`` without ``hatch`` (all else open).

    ``None`` when the module on the other side is reachable too (a loop).
    """
    other = hatch.between[1] if module == hatch.between[0] else hatch.between[0]
    seen, stack = {module}, [module]
    while stack:
        for name, neighbour in habitat.neighbours(stack.pop()):
            if name != hatch.name and neighbour not in seen:
                seen.add(neighbour)
                stack.append(neighbour)
    return None if other in seen else habitat.volume_m3(seen)


def _gas_came_through(
    hatch: Hatch,
    habitat: Habitat,
    pa: FloatArray,
    pb: FloatArray,
    began: int,
    ended: int,
    settings: EventSettings,
) -> bool:
    """Whether the side that moved less gave up the gas the other gained (mass balance).

    Through an open hatch ``V_A dP_A = -V_B dP_B``.  The side that moved more is
    at least its own module; the other side at most everything reachable from it
    without this hatch.  When that bound says the other side must have moved
    visibly (by ``together_pa`` or more) and it moved less than 30 % of it, the
    gas came from elsewhere (another hatch opening at the same time, a repress)
    and this hatch did not open.
    """
    n = 3
    delta_a = float(
        np.median(pa[ended : ended + n + 1]) - np.median(pa[max(0, began - n) : began + 1])
    )
    delta_b = float(
        np.median(pb[ended : ended + n + 1]) - np.median(pb[max(0, began - n) : began + 1])
    )
    a, b = hatch.between
    mover, other, moved, given = (
        (a, b, delta_a, delta_b) if abs(delta_a) >= abs(delta_b) else (b, a, delta_b, delta_a)
    )
    other_max = _side_volume_m3(habitat, hatch, other)
    if other_max is None:
        return True
    required = abs(moved) * habitat.module(mover).volume_m3 / other_max
    if required < settings.together_pa:
        return True  # too small to see
    toward = -given * np.sign(moved)
    return bool(toward >= 0.3 * required)


def _sensor_offset(difference_pa: FloatArray, settings: EventSettings) -> float:
    """The two sensors' relative offset: the most common difference while they agree. [Pa]

    The mode (not the mean) of the differences within ``apart_pa`` of zero, so that
    time spent drifting apart or crossing does not bias it.
    """
    near = difference_pa[np.abs(difference_pa) <= settings.apart_pa]
    if near.size == 0:
        return 0.0
    width = settings.together_pa / 4.0
    edges = np.arange(-settings.apart_pa, settings.apart_pa + width, width)
    counts, edges = np.histogram(near, bins=edges)
    mode = 0.5 * (edges[int(np.argmax(counts))] + edges[int(np.argmax(counts)) + 1])
    close = near[np.abs(near - mode) <= settings.together_pa / 2.0]
    return float(np.median(close)) if close.size else float(mode)


def _flow_transient(
    t: TimeArray, label: npt.NDArray[np.int64], first: int, settings: EventSettings
) -> bool:
    """Whether pressures that parted at ``first`` are together again within ``min_apart_s``."""
    together_after = np.flatnonzero(label[first:] == _TOGETHER)
    if together_after.size == 0:
        return False
    back = t[first + int(together_after[0])]
    return bool((back - t[first]) / np.timedelta64(1, "s") < settings.min_apart_s)


def _equalization_start(
    t: TimeArray, gap: FloatArray, first: int, settings: EventSettings
) -> int | None:
    """Index where a quick convergence ending at ``first`` began, or ``None`` if it was slow.

    The convergence began at the last point, within ``max_equalization_s`` before it
    ended, where the pressures were still 90 % as far apart as they got in that span.
    It is slow if they were further apart still in the span before: then they were
    already converging when the span began.
    """
    span = np.timedelta64(round(settings.max_equalization_s * 1e9), "ns")
    lo = int(np.searchsorted(t, t[first] - span, side="left"))
    window = gap[lo : first + 1]
    peak = float(window.max())
    earlier_lo = int(np.searchsorted(t, t[first] - 2 * span, side="left"))
    earlier = gap[earlier_lo:lo]
    if earlier.size and float(earlier.max()) > 1.1 * peak:
        return None
    return lo + int(np.flatnonzero(window >= 0.9 * peak)[-1])


def _stays_together(
    t: TimeArray, label: npt.NDArray[np.int64], first: int, settings: EventSettings
) -> bool:
    """Whether the pressures stay together for ``min_together_s`` from ``first``."""
    apart_after = np.flatnonzero(label[first:] == _APART)
    until = t[first + int(apart_after[0])] if apart_after.size else t[-1]
    return bool((until - t[first]) / np.timedelta64(1, "s") >= settings.min_together_s)


def with_hatch_states(
    telemetry: Telemetry, habitat: Habitat, states: HatchStates
) -> tuple[Telemetry, Habitat]:
    """Telemetry and habitat in which inferred hatch states read as hatch channels.

    A hatch whose habitat channel has no data gets its states under that channel's id;
    a hatch with no channel gets a channel ``INFERRED_HATCH:<hatch>``.  Everything
    else is unchanged, so every analysis sees the inferred compartments.

    Parameters
    ----------
    telemetry : Telemetry
        The samples.
    habitat : Habitat
        The habitat.
    states : dict
        From :func:`infer_hatch_events`.

    Returns
    -------
    telemetry, habitat
        The originals when ``states`` is empty.
    """
    if not states:
        return telemetry, habitat
    channels = habitat.hatch_channels()
    added: list[Channel] = []
    frames = [telemetry.samples]
    for hatch, (times, values) in states.items():
        channel = channels.get(hatch)
        if channel is None:
            channel = Channel(INFERRED_CHANNEL_PREFIX + hatch, "hatch", "1", hatch=hatch)
            added.append(channel)
        frames.append(
            pd.DataFrame(
                {
                    "time": pd.DatetimeIndex(times).tz_localize("UTC"),
                    "channel": channel.id,
                    "value": values.astype(np.float64),
                }
            )
        )
    samples = pd.concat(frames, ignore_index=True)
    samples = samples.sort_values(["channel", "time"], kind="stable", ignore_index=True)
    # One contiguous column of the original dtype (a concatenation leaves it in pieces).
    samples["channel"] = pd.Series(
        np.asarray(samples["channel"], dtype=object), dtype=telemetry.samples["channel"].dtype
    )
    augmented = Telemetry(
        samples,
        telemetry.source,
        telemetry.skipped_rows,
        dict(telemetry.unknown_channels),
        telemetry.duplicates_dropped,
        telemetry.conflicting_duplicates,
        telemetry.out_of_order_rows,
        list(telemetry.warnings),
        dict(telemetry.channel_issues),
    )
    if not added:
        return augmented, habitat
    return augmented, type(habitat)(
        habitat.name,
        habitat.modules,
        habitat.hatches,
        habitat.channels + tuple(added),
        habitat.source,
    )
