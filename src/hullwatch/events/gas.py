"""Represses and depresses: steps in a compartment's temperature-compensated gas mass.

The steps are those the leak-rate fit finds (:func:`hullwatch.analysis.rate.fit_segment`,
which uses :func:`hullwatch.analysis.steps.find_steps`).  Each is narrowed to where
the gas moved, and a run that went one way and back (an airlock depressed, then
repressed an hour later) is split at its turning point.  The gas each moved is the
jump between the fit's intercepts either side, with its 95 % interval, where that
jump is the step's own.  Otherwise (a segment too short to fit, a step at a
segment's edge, another step within the settling time, a split run) it is the
change of the mean gas mass over a few minutes either side (``"endpoints"``), with
an interval from the noise and resolution of those means.  Where the temperature
is assumed, its uncertainty widens either interval.  A step whose interval holds
zero is not reported.

A step of gas mass that the pressure does not share (the temperature channel moved
alone) is not gas added or removed: it is left out and a warning says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from hullwatch.analysis.rate import GasStep, fit_segment
from hullwatch.analysis.steps import MAD_TO_SIGMA, find_steps
from hullwatch.errors import HullwatchError
from hullwatch.events.model import EventSettings, GasEvent, HatchEvent
from hullwatch.events.segments import CompartmentSegment
from hullwatch.habitat import Habitat
from hullwatch.quantiles import Z95
from hullwatch.telemetry import Telemetry, iso_z

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class GasFindings:
    """Gas events of one compartment segment, and what was left out and why."""

    events: list[GasEvent]
    warnings: list[str]


@dataclass(frozen=True)
class _Piece:
    """One monotone movement of gas mass, on the segment's grid.

    ``jump`` is the leak fit's intercept jump and its interval when it measures this
    piece alone.
    """

    kind: str
    first: int
    last: int
    jump: tuple[float, tuple[float, float]] | None


def segment_steps(cseg: CompartmentSegment, settings: EventSettings) -> list[GasStep]:
    """The gas steps of a segment, from the leak-rate fit (raw steps if it fails)."""
    segment = cseg.segment
    try:
        steps = fit_segment(segment, settings.rate).steps
    except HullwatchError:
        found = find_steps(segment.mass_kg, threshold_sigmas=settings.rate.step_threshold_sigmas)
        steps = [
            GasStep(s.kind, segment.time[s.first], segment.time[s.last + 1], s.raw_change_kg, None)
            for s in found
        ]
    if cseg.joined:
        # Right after compartments join, the mean of their pressure channels moves
        # while they equalize: that is the join, not gas added or removed.
        settle = np.timedelta64(round(settings.join_settle_s * 1e9), "ns")
        steps = [s for s in steps if s.start >= segment.start + settle]
    return steps


def _index(times: npt.NDArray[np.datetime64], t: np.datetime64) -> int:
    return min(int(np.searchsorted(times, t, side="left")), times.size - 1)


def _trim(mass_kg: FloatArray, first: int, last: int) -> tuple[int, int]:
    """Narrow ``[first, last]`` to where the gas moved.

    The start is where 1 % of the change is done and the mass first moves at 5 % of
    its fastest rate; the end where 99.9 % is done.  The step detector's noise scale
    is that of the whole segment: where the segment is quieter than the step's
    surroundings (an airlock mostly at vacuum) it flags the noise before the step,
    and a slow creep before a repress (gas warming after a depress) is not the
    repress.
    """
    values = mass_kg[first : last + 1]
    total = values[-1] - values[0] if values.size else 0.0
    if values.size < 3 or not np.isfinite(values).all() or total == 0.0:
        return first, last
    share = (values - values[0]) / total
    rate = np.diff(values) / total
    lo = max(int(np.argmax(share >= 0.01)) - 1, int(np.argmax(rate >= 0.05 * rate.max())))
    hi = int(np.argmax(share >= 0.999))
    return (first + lo, first + hi) if hi > lo else (first, last)


def _monotone_parts(
    mass_kg: FloatArray, first: int, last: int, floor_kg: float
) -> list[tuple[int, int]]:
    """Split ``[first, last]`` where the mass turned back (a depress, then a repress).

    A run is split at its extremum when the mass went beyond both of its ends by more
    than half the net change and more than ``floor_kg``; each part is split again.
    """
    values = mass_kg[first : last + 1]
    if values.size < 3 or not np.isfinite(values).all():
        return [(first, last)]
    low, high = sorted((values[0], values[-1]))
    margin = max(0.5 * (high - low), floor_kg)
    below, above = low - values.min(), values.max() - high
    if max(below, above) <= margin:
        return [(first, last)]
    turn = first + int(np.argmin(values) if below >= above else np.argmax(values))
    if turn in (first, last):
        return [(first, last)]
    return _monotone_parts(mass_kg, first, turn, floor_kg) + _monotone_parts(
        mass_kg, turn, last, floor_kg
    )


def _pieces(cseg: CompartmentSegment, settings: EventSettings) -> list[_Piece]:
    """The monotone movements of gas in a segment, each narrowed to where it moved."""
    segment = cseg.segment
    mass = segment.mass_kg
    floor = 10.0 * (_point_noise_kg(mass) + _resolution_kg(cseg))
    pieces = []
    for step in segment_steps(cseg, settings):
        first, last = _index(segment.time, step.start), _index(segment.time, step.end)
        parts = _monotone_parts(mass, first, last, floor)
        jump = None
        if len(parts) == 1 and step.ci95_kg is not None:
            jump = (step.mass_change_kg, step.ci95_kg)
        for a, b in parts:
            lo, hi = _trim(mass, a, b)
            kind = "repress" if mass[hi] > mass[lo] else "depress"
            pieces.append(_Piece(kind, lo, hi, jump))
    return sorted(pieces, key=lambda p: p.first)


def _groups(pieces: Sequence[_Piece], gap_points: int) -> list[list[_Piece]]:
    """Consecutive pieces of one kind closer than ``gap_points`` (a depress in stages)."""
    groups: list[list[_Piece]] = []
    for piece in pieces:
        last = groups[-1][-1] if groups else None
        if last is not None and last.kind == piece.kind and piece.first - last.last <= gap_points:
            groups[-1].append(piece)
        else:
            groups.append([piece])
    return groups


def _point_noise_kg(mass: FloatArray) -> float:
    """Robust standard deviation of one gas-mass point, from its first differences. [kg]"""
    diff = np.diff(mass)
    diff = diff[np.isfinite(diff)]
    if diff.size < 3:
        return 0.0
    return float(MAD_TO_SIGMA * np.median(np.abs(diff - np.median(diff))) / np.sqrt(2.0))


def _resolution_kg(cseg: CompartmentSegment) -> float:
    """Gas mass of one step of the pressure reading (its resolution). [kg]"""
    segment = cseg.segment
    changes = np.abs(np.diff(segment.pressure_pa))
    changes = changes[np.isfinite(changes) & (changes > 0)]
    if changes.size == 0:
        return 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        mass_per_pa = float(np.nanmedian(segment.mass_kg / segment.pressure_pa))
    return float(np.median(changes)) * mass_per_pa if np.isfinite(mass_per_pa) else 0.0


def endpoint_change(
    values: FloatArray, first: int, last: int, points: int
) -> tuple[float, int, int, float, float]:
    """Change of the mean of ``values`` over ``points`` either side of ``[first, last]``.

    Parameters
    ----------
    values : ndarray
        An evenly spaced series; NaN where unknown.
    first, last : int
        Grid indices where the step begins and ends.
    points : int
        Points averaged either side (fewer at the series' ends).

    Returns
    -------
    change : float
        Mean after minus mean before (NaN when a side has no finite value).
    n_before, n_after : int
        Points averaged.
    before, after : float
        The two means.
    """
    before = values[max(0, first - points) : first + 1]
    after = values[last : last + points + 1]
    before = before[np.isfinite(before)]
    after = after[np.isfinite(after)]
    if before.size == 0 or after.size == 0:
        return float("nan"), int(before.size), int(after.size), float("nan"), float("nan")
    b, a = float(before.mean()), float(after.mean())
    return a - b, int(before.size), int(after.size), b, a


def _mass_change(
    group: list[_Piece],
    cseg: CompartmentSegment,
    settings: EventSettings,
    own_jump: bool,
) -> tuple[float, tuple[float, float], str]:
    """Gas moved by a group of pieces, its 95 % interval, and how it was measured.

    ``own_jump`` is false when another piece lies within the settling time either
    side: the fit then has no intercept between them, and the jump it gives is that
    of both together.
    """
    segment = cseg.segment
    jumps = {p.jump for p in group if p.jump is not None}
    if own_jump and all(p.jump is not None for p in group):
        # Steps closer than the settling time share the intercepts either side, so
        # their jumps are the same figure: count each distinct jump once.
        change = float(sum(j[0] for j in jumps))
        half = float(np.sqrt(sum(((j[1][1] - j[1][0]) / 2.0) ** 2 for j in jumps)))
        method = "intercept_jump"
    else:
        points = max(1, round(settings.endpoint_window_s / settings.rate.grid_s))
        change, n_before, n_after, _, _ = endpoint_change(
            segment.mass_kg, group[0].first, group[-1].last, points
        )
        sigma = _point_noise_kg(segment.mass_kg)
        resolution = _resolution_kg(cseg)
        variance = sum(sigma**2 / n + resolution**2 / 12.0 for n in (n_before, n_after) if n)
        half = Z95 * float(np.sqrt(variance))
        method = "endpoints"
    if cseg.temperature_assumed:
        relative = settings.assumed_temperature_sigma_k / settings.assumed_temperature_k
        half = float(np.hypot(half, Z95 * abs(change) * relative))
    return change, (change - half, change + half), method


def _pressure_shares(
    mass_change_kg: float, pressure_change_pa: float, mass_kg: FloatArray, pressure_pa: FloatArray
) -> bool:
    """Whether the pressure moved with the gas mass: at least half as much, the same way.

    The pressure change is turned into mass at the segment's typical ``m / P``
    (``V / (R T)``), so a step made by the temperature channel alone fails.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        mass_per_pa = float(np.nanmedian(mass_kg / pressure_pa))
    if not np.isfinite(mass_per_pa):
        return True
    from_pressure = pressure_change_pa * mass_per_pa
    return bool(
        np.sign(from_pressure) == np.sign(mass_change_kg)
        and abs(from_pressure) >= 0.5 * abs(mass_change_kg)
    )


def _status_on(
    telemetry: Telemetry,
    habitat: Habitat,
    cseg: CompartmentSegment,
    start: np.datetime64,
    end: np.datetime64,
) -> tuple[str, ...]:
    """Status channels (pumps, valves) of the compartment that were on within ``[start, end]``."""
    present = set(telemetry.channels())
    on = []
    for module in cseg.segment.compartment:
        for channel in habitat.channels_for(module, "status"):
            if channel.id not in present:
                continue
            times, values = telemetry.channel(channel.id)
            held = int(np.searchsorted(times, start, side="right")) - 1
            inside = (times > start) & (times <= end)
            was_on = (held >= 0 and values[held] >= 0.5) or bool((values[inside] >= 0.5).any())
            if was_on:
                on.append(channel.id)
    return tuple(on)


def pair_transfers(events: Sequence[GasEvent], habitat: Habitat) -> list[GasEvent]:
    """Name the other side of every gas transfer between neighbouring compartments.

    A repress and a depress at the same time in two compartments joined by a hatch
    are one transfer: an airlock pumped down into the cabin, or repressed from it
    through its hatch's equalization valve.  Both are kept; the repress names the
    compartment the gas came from, the depress the one it went to.

    Parameters
    ----------
    events : sequence of GasEvent
        Gas events of every compartment.
    habitat : Habitat
        Which compartments are neighbours.

    Returns
    -------
    list of GasEvent
        The same events, in the same order, with ``from_compartment`` and
        ``to_compartment`` filled where a partner was found.
    """
    out = list(events)
    for i, gained in enumerate(out):
        if gained.kind != "repress":
            continue
        for j, lost in enumerate(out):
            if lost.kind != "depress" or lost.to_compartment:
                continue
            if not (lost.start <= gained.end and gained.start <= lost.end):
                continue
            if not _neighbours(habitat, gained.compartment, lost.compartment):
                continue
            out[i] = replace(gained, from_compartment=lost.compartment)
            out[j] = replace(lost, to_compartment=gained.compartment)
            break
    return out


def _neighbours(habitat: Habitat, a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether a hatch joins a module of ``a`` to a module of ``b`` (and they differ)."""
    if set(a) & set(b):
        return False
    return any(
        (x in a and y in b) or (x in b and y in a) for x, y in (h.between for h in habitat.hatches)
    )


def gas_events(
    cseg: CompartmentSegment,
    telemetry: Telemetry,
    habitat: Habitat,
    settings: EventSettings,
    openings: Sequence[HatchEvent] = (),
) -> GasFindings:
    """Represses and depresses of one compartment segment.

    Parameters
    ----------
    cseg : CompartmentSegment
        The compartment's gas mass.
    telemetry : Telemetry
        Samples in SI (for status channels).
    habitat : Habitat
        The habitat.
    settings : EventSettings
        Merge gap, endpoint window, assumed temperature and the rate settings.
    openings : sequence of HatchEvent
        Inferred hatch openings: gas that moved while one of this compartment's
        hatches was opening is marked ``via_hatch``.

    Returns
    -------
    GasFindings
    """
    segment = cseg.segment
    grid_s = settings.rate.grid_s
    groups = _groups(_pieces(cseg, settings), round(settings.merge_gap_s / grid_s))
    near = round((settings.rate.settle_s + settings.rate.bin_s) / grid_s)
    events: list[GasEvent] = []
    warnings: list[str] = []
    for index, group in enumerate(groups):
        own_jump = (index == 0 or groups[index - 1][-1].last + near < group[0].first) and (
            index == len(groups) - 1 or group[-1].last + near < groups[index + 1][0].first
        )
        first, last = group[0].first, group[-1].last
        start, end = segment.time[first], segment.time[last]
        change, ci95, method = _mass_change(group, cseg, settings, own_jump)
        if not np.isfinite(change) or ci95[0] <= 0.0 <= ci95[1]:
            continue  # not told apart from no gas moved
        pressure = segment.pressure_pa
        p0, p1 = float(pressure[first]), float(pressure[last])
        if not _pressure_shares(change, p1 - p0, segment.mass_kg, pressure):
            warnings.append(
                f"a {change:+.3f} kg step of gas mass in {', '.join(segment.compartment)} at "
                f"{iso_z(start)} moved the temperature but not the pressure: not reported "
                "as gas added or removed"
            )
            continue
        rates = np.abs(np.diff(pressure[first : last + 1])) / grid_s
        rates = rates[np.isfinite(rates)]
        via = next(
            (
                o.hatch
                for o in openings
                if o.start <= end and start <= o.end and set(o.modules) & set(segment.compartment)
            ),
            None,
        )
        events.append(
            GasEvent(
                "repress" if change > 0 else "depress",
                start,
                end,
                compartment=segment.compartment,
                mass_change_kg=change,
                ci95_kg=ci95,
                method=method,
                pressure_start_pa=p0,
                pressure_end_pa=p1,
                max_rate_pa_per_s=float(rates.max()) if rates.size else 0.0,
                volume_m3=segment.volume_m3,
                temperature_assumed=cseg.temperature_assumed,
                via_hatch=via,
                status_on=_status_on(telemetry, habitat, cseg, start, end),
            )
        )
    return GasFindings(events, warnings)
