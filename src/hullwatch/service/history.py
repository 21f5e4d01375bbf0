"""Bounded in-memory history of live series, and the query strategies of Open MCT.

Each series is a ring of fixed capacity (times in ms since 1970, UTC, and rows of
values), so the service's memory stays flat however long it runs; older points are
in the archive when the service has one.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: Query strategies: every point, the last point, or the min and max of each bucket.
STRATEGIES = ("all", "latest", "minmax")


class Ring:
    """A time-ordered ring buffer of rows of ``width`` floats.

    Parameters
    ----------
    capacity : int
        Points kept; the oldest are dropped first.
    width : int
        Values per point.
    """

    def __init__(self, capacity: int, width: int = 1) -> None:
        if capacity < 1 or width < 1:
            raise ValueError("capacity and width must be positive")
        self.capacity = capacity
        self.times_ms = np.zeros(capacity, dtype=np.int64)
        self.values = np.full((capacity, width), np.nan)
        self.size = 0
        self.head = 0  # next slot written

    def extend(self, times_ms: IntArray, values: FloatArray) -> None:
        """Append points (times not before the last one kept)."""
        n = int(times_ms.size)
        if n == 0:
            return
        values = np.asarray(values, dtype=np.float64).reshape(n, -1)
        if n >= self.capacity:
            times_ms, values, n = (
                times_ms[-self.capacity :],
                values[-self.capacity :],
                self.capacity,
            )
        first = min(n, self.capacity - self.head)
        self.times_ms[self.head : self.head + first] = times_ms[:first]
        self.values[self.head : self.head + first] = values[:first]
        if first < n:
            self.times_ms[: n - first] = times_ms[first:]
            self.values[: n - first] = values[first:]
        self.head = (self.head + n) % self.capacity
        self.size = min(self.size + n, self.capacity)

    def ordered(self) -> tuple[IntArray, FloatArray]:
        """Every point kept, oldest first."""
        if self.size < self.capacity:
            return self.times_ms[: self.size], self.values[: self.size]
        order = np.r_[self.head : self.capacity, 0 : self.head]
        return self.times_ms[order], self.values[order]

    def window(self, start_ms: int, end_ms: int) -> tuple[IntArray, FloatArray]:
        """Points with ``start_ms <= t <= end_ms``, oldest first."""
        times, values = self.ordered()
        lo = int(np.searchsorted(times, start_ms, side="left"))
        hi = int(np.searchsorted(times, end_ms, side="right"))
        return times[lo:hi], values[lo:hi]

    def last(self) -> tuple[int, FloatArray] | None:
        """The newest point, or None."""
        if self.size == 0:
            return None
        index = (self.head - 1) % self.capacity
        return int(self.times_ms[index]), self.values[index]


def apply_strategy(
    times_ms: IntArray, values: FloatArray, strategy: str, size: int
) -> tuple[IntArray, FloatArray]:
    """Thin a window of one series for a client.

    Parameters
    ----------
    times_ms : ndarray of int64
        Times, ascending. [ms since 1970, UTC]
    values : ndarray of float64
        One value per time (NaN points are dropped).
    strategy : str
        ``all`` (every point, at most ``size``: beyond that ``minmax``), ``latest`` (the
        last point) or ``minmax`` (in each of ``size // 2`` equal time buckets, the
        points holding its minimum and maximum, in time order; Open MCT's plot strategy).
    size : int
        Most points returned (at least 2).

    Returns
    -------
    times_ms, values : ndarray
    """
    keep = np.isfinite(values)
    times_ms, values = times_ms[keep], values[keep]
    if strategy == "latest":
        return times_ms[-1:], values[-1:]
    if strategy == "all" and times_ms.size <= size:
        return times_ms, values
    buckets = max(size // 2, 1)
    if times_ms.size <= 2 * buckets:
        return times_ms, values
    edges = np.linspace(times_ms[0], times_ms[-1] + 1, buckets + 1)
    which = np.clip(np.searchsorted(edges, times_ms, side="right") - 1, 0, buckets - 1)
    picks: list[int] = []
    starts = np.searchsorted(which, np.arange(buckets), side="left")
    ends = np.searchsorted(which, np.arange(buckets), side="right")
    for lo, hi in zip(starts, ends, strict=True):
        if hi <= lo:
            continue
        segment = values[lo:hi]
        a, b = lo + int(np.argmin(segment)), lo + int(np.argmax(segment))
        picks.extend(sorted({a, b}))
    index = np.array(picks, dtype=np.int64)
    return times_ms[index], values[index]
