"""The leak rate before, during and after each operation, against a baseline.

Each window is estimated by :func:`hullwatch.analysis.rate.estimate_segments`, so its
figure and 95 % interval are those of ``hullwatch rate`` over that window.  Where
the window holds several hatch configurations, the segment next to the operation
is used (the last one before it, the first one after it, the longest one during
it).  The **baseline** is the longest stretch of the data outside every operation
and its before/after windows, so that it shares no data with them and the change
from it has an interval (half-widths in quadrature).  A window that cannot be
estimated (too short, no temperature channel, ...) says why and carries no number.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hullwatch.analysis.rate import SegmentRate, estimate_segments
from hullwatch.errors import HullwatchError
from hullwatch.events.model import EventSettings, Operation, OperationEvent, RateWindow
from hullwatch.habitat import Habitat
from hullwatch.telemetry import Telemetry


def _seconds(value: float) -> np.timedelta64:
    return np.timedelta64(round(value * 1e9), "ns")


def rate_window(
    telemetry: Telemetry,
    habitat: Habitat,
    module: str,
    name: str,
    start: np.datetime64,
    end: np.datetime64,
    settings: EventSettings,
    pick: str = "longest",
) -> RateWindow:
    """The leak rate of ``module``'s compartment over ``[start, end]``, or why there is none.

    Parameters
    ----------
    telemetry : Telemetry
        Samples in SI (with inferred hatch states as hatch channels).
    habitat : Habitat
        The habitat.
    module : str
        A module of the compartment.
    name : str
        The window's name (``before``, ``during``, ``after``, ``baseline``).
    start, end : numpy.datetime64
        The window, UTC.
    settings : EventSettings
        ``settings.rate`` tunes the estimator.
    pick : str
        Which segment speaks for the window when hatches changed inside it:
        ``"last"``, ``"first"`` or ``"longest"`` (among those with an estimate).

    Returns
    -------
    RateWindow
    """
    if not end > start:
        return RateWindow(name, start, end, reason="the window holds no data")
    try:
        segments = estimate_segments(telemetry, habitat, module, start, end, settings=settings.rate)
    except HullwatchError as exc:
        return RateWindow(name, start, end, reason=f"could not estimate: {exc}")
    chosen = _pick(segments, pick)
    if chosen.leak_rate_kg_per_day is None:
        return RateWindow(
            name,
            start,
            end,
            compartment=chosen.compartment,
            reason=f"could not estimate: {chosen.reason}",
        )
    return RateWindow(
        name,
        start,
        end,
        compartment=chosen.compartment,
        leak_rate_kg_per_day=chosen.leak_rate_kg_per_day,
        ci95_kg_per_day=chosen.ci95_kg_per_day,
    )


def _pick(segments: list[SegmentRate], pick: str) -> SegmentRate:
    estimated = [s for s in segments if s.leak_rate_kg_per_day is not None] or segments
    if pick == "last":
        return estimated[-1]
    if pick == "first":
        return estimated[0]
    return max(estimated, key=lambda s: s.end - s.start)


def baseline_span(
    operations: Sequence[Operation],
    span: tuple[np.datetime64, np.datetime64],
    window_s: float,
) -> tuple[np.datetime64, np.datetime64] | None:
    """The longest stretch of ``span`` outside every operation and its windows.

    Returns
    -------
    tuple of numpy.datetime64 or None
        ``None`` when the operations and their windows cover the whole span.
    """
    pad = _seconds(window_s)
    busy = sorted((op.start - pad, op.end + pad) for op in operations)
    free: list[tuple[np.datetime64, np.datetime64]] = []
    cursor = span[0]
    for lo, hi in busy:
        if lo > cursor:
            free.append((cursor, min(lo, span[1])))
        cursor = max(cursor, hi)
    if cursor < span[1]:
        free.append((cursor, span[1]))
    free = [(a, b) for a, b in free if b > a]
    if not free:
        return None
    return max(free, key=lambda ab: ab[1] - ab[0])


def operation_events(
    telemetry: Telemetry,
    habitat: Habitat,
    operations: Sequence[Operation],
    span: tuple[np.datetime64, np.datetime64],
    default_module: str,
    settings: EventSettings,
) -> list[OperationEvent]:
    """Each operation with the leak rate before, during and after it, and the baseline.

    Parameters
    ----------
    telemetry : Telemetry
        Samples in SI (with inferred hatch states as hatch channels).
    habitat : Habitat
        The habitat.
    operations : sequence of Operation
        From :func:`hullwatch.events.opslog.read_ops_log`.
    span : tuple of numpy.datetime64
        The data's window: windows are clipped to it.
    default_module : str
        Module for operations whose log row names none.
    settings : EventSettings
        ``operation_window_s`` is the length of the before and after windows.

    Returns
    -------
    list of OperationEvent
        In the order of ``operations``.
    """
    window = _seconds(settings.operation_window_s)
    free = baseline_span(operations, span, settings.operation_window_s)
    baselines: dict[str, RateWindow] = {}
    out = []
    for op in operations:
        module = op.module or default_module
        if module not in baselines:
            if free is None:
                baselines[module] = RateWindow(
                    "baseline",
                    span[0],
                    span[0],
                    reason="no data outside the operations and their windows",
                )
            else:
                baselines[module] = rate_window(
                    telemetry, habitat, module, "baseline", *free, settings
                )

        def clip(lo: np.datetime64, hi: np.datetime64) -> tuple[np.datetime64, np.datetime64]:
            return max(lo, span[0]), min(hi, span[1])

        windows = (
            baselines[module],
            rate_window(
                telemetry,
                habitat,
                module,
                "before",
                *clip(op.start - window, op.start),
                settings,
                pick="last",
            ),
            rate_window(telemetry, habitat, module, "during", *clip(op.start, op.end), settings),
            rate_window(
                telemetry,
                habitat,
                module,
                "after",
                *clip(op.end, op.end + window),
                settings,
                pick="first",
            ),
        )
        out.append(
            OperationEvent(
                "operation", op.start, op.end, operation=op, module=module, windows=windows
            )
        )
    return out
