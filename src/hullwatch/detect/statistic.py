"""The detection statistic: a bank of one-sided CUSUMs on whitened loss-rate innovations.

Each member ``j`` is Page's CUSUM for a shift of the innovation mean from 0 to
``mu_j`` (in innovation standard deviations), with the log-likelihood-ratio
increment of a N(mu, 1) against a N(0, 1) observation:

.. math::

    S_k = \\max(0,\\; S_{k-1} + \\mu_j u_k - \\mu_j^2 / 2).

The statistic only accumulates evidence; what counts as enough is the decision
rule's business (:mod:`hullwatch.detect.rule`).  :class:`OnsetProfile` keeps the
recent innovations to date a change and measure its size once the rule has fired:
the onset and step intervals are the two projections of one 95 % likelihood-ratio
region of (change point, step >= 0), so that the step's interval carries the
uncertainty of the onset.

References
----------
.. [1] E. S. Page, "Continuous inspection schemes", Biometrika 41, 100-115, 1954.
.. [2] G. Lorden, "Procedures for reacting to a change in distribution", Ann. Math.
   Statist. 42, 1897-1908, 1971.
.. [3] Y. Pawitan, *In All Likelihood*, Oxford University Press, 2001, sections 3.4
   and 9.3 (likelihood regions, profile and projection).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hullwatch.detect.glr import HALF_CHI2_2_95, joint_region

#: Half the 95 % point of a chi-square with one degree of freedom: the drop of the
#: log-likelihood that bounds a 95 % profile-likelihood interval of one parameter
#: (the former onset interval, kept for comparison in the benchmark).
HALF_CHI2_95 = 1.920729


def cusum_step(
    scores: npt.NDArray[np.float64],
    u: float | npt.NDArray[np.float64],
    designs: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Page's recursion for one innovation (broadcasts, e.g. over many runs at once).

    Parameters
    ----------
    scores : ndarray, shape (..., n_members)
        Current scores. [-]
    u : float or ndarray, shape (..., 1)
        The innovation, in innovation standard deviations. [-]
    designs : ndarray, shape (n_members,)
        The shift each member is tuned to. [-]

    Returns
    -------
    ndarray
        The new scores.
    """
    return np.maximum(0.0, scores + designs * u - 0.5 * designs**2)


class CusumBank:
    """Parallel one-sided CUSUMs for innovation shifts ``designs``.

    Parameters
    ----------
    designs : tuple of float
        Shifts of the innovation mean each member is tuned to, in innovation
        standard deviations. [-]
    """

    def __init__(self, designs: tuple[float, ...]) -> None:
        if not designs or min(designs) <= 0.0:
            raise ValueError("CUSUM design shifts must be positive")
        self.designs = np.asarray(designs, dtype=float)
        self.scores = np.zeros(self.designs.size)

    def reset(self) -> None:
        """Forget the evidence (after an alarm or a change of noise model)."""
        self.scores[:] = 0.0

    def update(self, u: float) -> float:
        """Add one innovation; return the largest member score. [-]"""
        self.scores = cusum_step(self.scores, u, self.designs)
        return float(self.scores.max())


@dataclass(frozen=True)
class ChangeEstimate:
    """Where a change in the innovations began and how large it is.

    Attributes
    ----------
    index : int
        Position (in the profile) of the first innovation after the change.
    low, high : int
        95 % interval of ``index``: the projection of the joint region.
    shift_kg_per_s : float
        Step of the mean loss rate since the change. [kg/s]
    shift_sigma_kg_per_s : float
        Its standard error at the best change point (as if that were known). [kg/s]
    shift_low_kg_per_s, shift_high_kg_per_s : float
        95 % interval of the step: the projection of the joint region, the union
        of the steps inside it over every change point. [kg/s]
    """

    index: int
    low: int
    high: int
    shift_kg_per_s: float
    shift_sigma_kg_per_s: float
    shift_low_kg_per_s: float
    shift_high_kg_per_s: float


class OnsetProfile:
    """The last ``capacity`` innovations with their predictors and block times.

    Parameters
    ----------
    capacity : int
        Innovations kept (bounded memory).
    """

    def __init__(self, capacity: int) -> None:
        self.u: deque[float] = deque(maxlen=capacity)
        self.coefficients: deque[npt.NDArray[np.float64]] = deque(maxlen=capacity)
        self.sigma: deque[float] = deque(maxlen=capacity)
        self.span: deque[tuple[np.datetime64, np.datetime64]] = deque(maxlen=capacity)

    def clear(self) -> None:
        """Forget every innovation."""
        self.u.clear()
        self.coefficients.clear()
        self.sigma.clear()
        self.span.clear()

    def add(
        self,
        u: float,
        coefficients: npt.NDArray[np.float64],
        sigma: float,
        span: tuple[np.datetime64, np.datetime64],
    ) -> None:
        """Keep one innovation, its predictor (coefficients, sigma [kg/s]) and its time span."""
        self.u.append(u)
        self.coefficients.append(coefficients)
        self.sigma.append(sigma)
        self.span.append(span)

    def signatures(self, first: int) -> npt.NDArray[np.float64]:
        """Innovation shifts per unit rate step that began at innovation ``first``. [s/kg]

        Innovation ``k >= first`` moves by ``(1 - sum a_i [k - i >= first]) / sigma_k``:
        only the past rates after the step shift the prediction.
        """
        n = len(self.u)
        out = np.zeros(n)
        for k in range(first, n):
            a = self.coefficients[k]
            after = min(a.size, k - first)
            out[k] = (1.0 - a[:after].sum()) / self.sigma[k]
        return out

    def sums(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """``sum(s u)`` and ``sum(s^2)`` of every candidate change point (O(n^2)).

        Candidate ``t`` is a step of the mean rate at innovation ``t`` with signature
        ``s(t)`` (:meth:`signatures`).

        Returns
        -------
        s_u : ndarray, shape (n,)
            ``sum_k s_k(t) u_k``. [s/kg]
        s_s : ndarray, shape (n,)
            ``sum_k s_k(t)^2``. [s^2/kg^2]
        """
        n = len(self.u)
        u = np.array(self.u, dtype=float)
        su = np.empty(n)
        ss = np.empty(n)
        for t in range(n):
            s = self.signatures(t)
            su[t] = s @ u
            ss[t] = s @ s
        return su, ss

    def estimate(self) -> ChangeEstimate | None:
        """Maximum-likelihood change point of an upward step, with the joint 95 % region.

        For a step ``delta`` of the mean rate at innovation ``t`` the innovations
        move by ``delta s_k(t)`` (:meth:`signatures`), so the log-likelihood ratio
        against no change is ``l(t, delta) = delta sum(s u) - delta^2 sum(s^2) / 2``.
        Its maximum over ``delta >= 0`` is ``max(0, sum(s u))^2 / (2 sum(s^2))`` at
        ``sum(s u) / sum(s^2)``.  The pairs ``(t, delta >= 0)`` whose ``l`` lies
        within ``chi2_2(0.95)/2`` (:data:`~hullwatch.detect.glr.HALF_CHI2_2_95`) of
        the best form a 95 % region [3]_ (:func:`~hullwatch.detect.glr.joint_region`,
        the same construction as ``glr-level``'s); the onset interval holds every
        ``t`` with some step in it, the step interval the union of their steps.
        """
        n = len(self.u)
        if n == 0:
            return None
        su, ss = self.sums()
        gain = np.maximum(su, 0.0) ** 2 / (2.0 * ss)
        best = int(np.argmax(gain))
        inside, low, high = joint_region(su, ss, HALF_CHI2_2_95)
        held = np.flatnonzero(inside)
        return ChangeEstimate(
            best,
            int(held.min()),
            int(held.max()),
            float(su[best] / ss[best]),
            float(1.0 / np.sqrt(ss[best])),
            float(np.nanmin(low[held])),
            float(np.nanmax(high[held])),
        )
