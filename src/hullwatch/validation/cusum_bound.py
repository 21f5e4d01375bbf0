"""The CUSUM bank on white noise, against the Lorden/Lai bound (for tests and benchmarks).

For innovations that are white N(0, 1) before a change and N(delta, 1) after it, no
detector whose average run length between false alarms is ARL can react faster, on
average, than ``log(ARL) / KL`` samples with ``KL = delta^2 / 2``.

References
----------
.. [1] G. Lorden, "Procedures for reacting to a change in distribution", Ann. Math.
   Statist. 42, 1897-1908, 1971.
.. [2] T. L. Lai, "Information bounds and quick detection of parameter changes in
   stochastic systems", IEEE Trans. Inf. Theory 44, 2917-2929, 1998.
"""

from __future__ import annotations

import numpy as np

from hullwatch.detect.detector import DEFAULT_DESIGNS
from hullwatch.detect.statistic import cusum_step
from hullwatch.units import SECONDS_PER_YEAR

DESIGNS = np.array(DEFAULT_DESIGNS)


def false_alarms_per_year(
    threshold: float, block_s: float, blocks: int, runs: int, rng: np.random.Generator
) -> float:
    """Alarms per year of the default bank on white noise; it restarts after each alarm.

    Parameters
    ----------
    threshold : float
        ``h``. [-]
    block_s : float
        Time per sample. [s]
    blocks, runs : int
        Samples per run, and independent runs (vectorized).
    rng : numpy.random.Generator
        Random source.
    """
    scores = np.zeros((runs, DESIGNS.size))
    alarms = 0
    for _ in range(blocks):
        scores = cusum_step(scores, rng.standard_normal(runs)[:, None], DESIGNS)
        fired = scores.max(axis=1) > threshold
        alarms += int(fired.sum())
        scores[fired] = 0.0
    return alarms / (blocks * runs * block_s / SECONDS_PER_YEAR)


def mean_delay(threshold: float, shift: float, runs: int, rng: np.random.Generator) -> float:
    """Mean samples from a change of ``shift`` sigma (the bank at rest) to the alarm."""
    scores = np.zeros((runs, DESIGNS.size))
    delay = np.full(runs, np.nan)
    k = 0
    while np.isnan(delay).any():
        k += 1
        scores = cusum_step(scores, shift + rng.standard_normal(runs)[:, None], DESIGNS)
        delay[(scores.max(axis=1) > threshold) & np.isnan(delay)] = k
    return float(delay.mean())


def lorden_lai_bound(arl_samples: float, shift: float) -> float:
    """Least mean delay of any detector at that average run length. [samples]

    >>> round(lorden_lai_bound(np.e**2, 1.0), 6)
    4.0
    """
    return float(np.log(arl_samples) / (shift**2 / 2.0))
