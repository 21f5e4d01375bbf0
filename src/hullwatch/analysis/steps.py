"""Gas steps in a gas-mass series: repressurizations (gas added) and depressurizations.

A leak moves gas mass slowly; a repress or a deliberate vent moves it by many
noise widths per grid step.  Steps are found on the first difference of the
mass with a robust (MAD) noise scale, and cut out with a settling time after
each, like the "stabilize" phase of a pressure-decay tester (ASTM E2930).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Robust scale of a normal distribution from its median absolute deviation.
MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True)
class Step:
    """A run of grid points where gas mass jumped.

    Attributes
    ----------
    first, last : int
        Grid indices of the first and last difference in the run (the step spans
        ``first`` to ``last + 1``).
    kind : str
        ``"repress"`` (mass rose) or ``"depress"`` (mass fell).
    raw_change_kg : float
        Mass after minus mass before, from the grid values next to it. [kg]
    """

    first: int
    last: int
    kind: str
    raw_change_kg: float


def _flagged(mass_kg: FloatArray, lag: int, threshold_sigmas: float) -> BoolArray:
    """Points inside a ``lag``-step change far outside the robust spread of such changes."""
    n = mass_kg.size
    flags = np.zeros(n, dtype=bool)
    if n <= lag + 10:
        return flags
    change = mass_kg[lag:] - mass_kg[:-lag]
    finite = np.isfinite(change)
    if finite.sum() < 10:
        return flags
    centre = np.median(change[finite])
    sigma = MAD_TO_SIGMA * np.median(np.abs(change[finite] - centre))
    if sigma == 0.0:
        # Quantized, mostly flat data: scale by the typical non-zero change.
        nonzero = np.abs(change[finite & (change != centre)] - centre)
        sigma = float(np.median(nonzero)) if nonzero.size else 0.0
        if sigma == 0.0:
            return flags
    jump = np.flatnonzero(finite & (np.abs(change - centre) > threshold_sigmas * sigma))
    for offset in range(lag):  # the change spans the differences first .. first + lag - 1
        flags[jump + offset] = True
    return flags


def find_steps(
    mass_kg: FloatArray,
    *,
    threshold_sigmas: float = 8.0,
    merge_gap: int = 3,
    min_step_kg: float = 0.0,
    lags: tuple[int, ...] = (1, 5, 15),
) -> list[Step]:
    """Find gas steps in an evenly spaced gas-mass series.

    A fast repress shows in one grid step; a slow one (minutes to an hour) only in the
    change over several steps, so changes over each of ``lags`` grid steps are tested
    against their own robust spread.

    Parameters
    ----------
    mass_kg : ndarray
        Gas mass on a regular grid; NaN where unknown. [kg]
    threshold_sigmas : float
        A change larger than this many robust noise widths is a step.
    merge_gap : int
        Step points closer than this many grid points are one step.
    min_step_kg : float
        Smallest step reported: a quantized sensor's single steps are not gas
        moved, so callers pass a few quanta here. [kg]
    lags : tuple of int
        Spans, in grid steps, of the changes tested.

    Returns
    -------
    list of Step
        In time order; ``first``/``last`` index the differences ``mass[k+1] - mass[k]``.
    """
    diff = np.diff(mass_kg)
    if np.isfinite(diff).sum() < 10:
        return []
    flags = np.zeros(diff.size, dtype=bool)
    for lag in lags:
        flags |= _flagged(mass_kg, lag, threshold_sigmas)[: diff.size]
    points = np.flatnonzero(flags)
    steps: list[Step] = []
    if points.size == 0:
        return steps
    # A lagged change flags its whole span; trim each run to where the mass moves.
    finite = np.isfinite(diff)
    centre = np.median(diff[finite])
    moving = np.abs(np.nan_to_num(diff - centre)) > 3.0 * max(
        MAD_TO_SIGMA * np.median(np.abs(diff[finite] - centre)), 1e-300
    )
    breaks = np.flatnonzero(np.diff(points) > merge_gap)
    for run in np.split(points, breaks + 1):
        inside = run[moving[run]]
        if inside.size == 0:
            continue
        first, last = int(inside[0]), int(inside[-1])
        change = float(np.nansum(diff[first : last + 1]))
        if abs(change) >= min_step_kg:
            steps.append(Step(first, last, "repress" if change > 0 else "depress", change))
    return steps


def step_mask(n: int, steps: list[Step], settle_points: int, lead_points: int = 1) -> BoolArray:
    """True for grid points outside every step and its settling time.

    Parameters
    ----------
    n : int
        Grid length.
    steps : list of Step
        From :func:`find_steps`.
    settle_points : int
        Points to drop after each step (the stabilize phase).
    lead_points : int
        Points to drop before each step.
    """
    keep = np.ones(n, dtype=bool)
    for step in steps:
        keep[max(0, step.first - lead_points + 1) : min(n, step.last + 2 + settle_points)] = False
    return keep
