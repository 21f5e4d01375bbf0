"""The decision rule: the CUSUM threshold that gives a requested false-alarm rate.

For Page's CUSUM with log-likelihood-ratio increments and threshold ``h``, the mean
time to a false alarm satisfies ``ARL0 >= exp(h)`` (Lorden 1971), in samples.  A bank
of ``K`` CUSUMs alarms when any member does; by the union bound its false-alarm rate is
at most ``K`` times one member's, so

.. math::

    h = \\ln\\left(K \\cdot \\frac{\\text{blocks per year}}{N}\\right)

for ``N`` false alarms per year per compartment.  The bound holds when the
innovations are independent N(0, 1), i.e. when the noise model is right; the
Monte Carlo of ``benchmarks/bench_detect.py`` measures the rate actually achieved.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from hullwatch.errors import InputError
from hullwatch.units import SECONDS_PER_YEAR


def _check_rate(false_alarms_per_year: float) -> None:
    if not np.isfinite(false_alarms_per_year) or false_alarms_per_year <= 0.0:
        raise InputError(
            "the false-alarm rate must be a positive number per year",
            field="--false-alarms-per-year",
        )


def cusum_threshold(false_alarms_per_year: float, block_s: float, n_members: int) -> float:
    """Threshold ``h`` of a CUSUM bank for a false-alarm rate.

    Parameters
    ----------
    false_alarms_per_year : float
        Allowed false alarms per year per compartment. [1/year]
    block_s : float
        Time between CUSUM updates. [s]
    n_members : int
        CUSUMs in the bank.

    Returns
    -------
    float
        ``h``. [-]

    Examples
    --------
    >>> round(cusum_threshold(1.0, 1800.0, 4), 2)
    11.16
    """
    _check_rate(false_alarms_per_year)
    arl_blocks = SECONDS_PER_YEAR / block_s / false_alarms_per_year
    return float(np.log(max(n_members * arl_blocks, 1.0)))


def glr_threshold(false_alarms_per_year: float, block_s: float, n_candidates: int) -> float:
    """Threshold ``h`` of a windowed one-sided GLR over ``n_candidates`` change points.

    Under H0 each candidate's ``Z = S_ru / sqrt(S_rr)`` is N(0, 1) (the whitened
    innovations are), and the candidate's statistic ``max(0, Z)^2 / 2`` exceeds ``h``
    with probability ``1 - Phi(sqrt(2 h))``.  The expected number of false alarms
    is at most the expected number of (block, candidate) pairs above ``h``, so

    .. math::

        \\text{blocks per year} \\cdot K \\cdot (1 - \\Phi(\\sqrt{2h})) = N

    bounds the false-alarm rate by ``N`` per year (a union, or Bonferroni, bound; it
    ignores how strongly neighbouring change points and successive blocks are
    correlated, so it is conservative).

    Parameters
    ----------
    false_alarms_per_year : float
        Allowed false alarms per year per compartment. [1/year]
    block_s : float
        Time between GLR updates. [s]
    n_candidates : int
        Change points in the window, ``K``.

    Returns
    -------
    float
        ``h``. [-]

    Examples
    --------
    >>> round(glr_threshold(1.0, 1800.0, 336), 2)
    13.01
    """
    _check_rate(false_alarms_per_year)
    tests_per_year = SECONDS_PER_YEAR / block_s * max(n_candidates, 1)
    tail = min(false_alarms_per_year / tests_per_year, 0.5)
    z = float(stats.norm.isf(tail))
    return 0.5 * z * z


@dataclass(frozen=True)
class ThresholdRule:
    """Alarm when the statistic reaches ``threshold``.

    Attributes
    ----------
    threshold : float
        ``h`` from :func:`cusum_threshold`. [-]
    """

    threshold: float

    def fires(self, score: float) -> bool:
        """Whether ``score`` calls for an alarm."""
        return score >= self.threshold
