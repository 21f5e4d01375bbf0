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


def find_steps(
    mass_kg: FloatArray,
    *,
    threshold_sigmas: float = 8.0,
    merge_gap: int = 3,
    min_step_kg: float = 0.0,
) -> list[Step]:
    """Find gas steps in an evenly spaced gas-mass series.

    Parameters
    ----------
    mass_kg : ndarray
        Gas mass on a regular grid; NaN where unknown. [kg]
    threshold_sigmas : float
        A difference larger than this many robust noise widths is a step.
    merge_gap : int
        Step points closer than this many grid points are one step.
    min_step_kg : float
        Smallest step reported: a quantized sensor's single steps are not gas
        moved, so callers pass a few quanta here. [kg]

    Returns
    -------
    list of Step
        In time order.
    """
    diff = np.diff(mass_kg)
    finite = np.isfinite(diff)
    if finite.sum() < 10:
        return []
    centre = np.median(diff[finite])
    sigma = MAD_TO_SIGMA * np.median(np.abs(diff[finite] - centre))
    if sigma == 0.0:
        # Quantized, mostly flat data: scale by the smallest non-zero change.
        nonzero = np.abs(diff[finite & (diff != 0)])
        sigma = float(nonzero.min()) if nonzero.size else 0.0
        if sigma == 0.0:
            return []
    jump = finite & (np.abs(diff - centre) > threshold_sigmas * sigma)
    points = np.flatnonzero(jump)
    steps: list[Step] = []
    if points.size == 0:
        return steps
    breaks = np.flatnonzero(np.diff(points) > merge_gap)
    for run in np.split(points, breaks + 1):
        first, last = int(run[0]), int(run[-1])
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
