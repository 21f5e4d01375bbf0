"""Whitening of the block-to-block gas-mass loss rate by an autoregressive noise model.

The statistic watches ``x_k``, the loss rate between two consecutive block means
of a compartment's gas mass.  Its noise is the difference of correlated
temperature noise (the gas temperature no sensor sees, the orbital cycle, sensor
quantization), so successive ``x_k`` are correlated.  An AR(p) model, fitted by
Yule-Walker on leak-free data and run by the Levinson-Durbin recursion, turns
them into innovations ``u_k`` that are close to independent N(0, 1).  Within a run of
consecutive blocks the k-th value (k < p) is predicted from the k values before it
with the order-k coefficients, so gaps (cut-out represses, loss of signal) are
handled without inventing data.

A step ``delta`` in the mean loss rate moves every innovation (once ``p`` blocks
have passed) by ``delta * g_k``, with ``g_k = (1 - sum a^{(k)}) / sigma_k``: the
signature the CUSUM looks for.

References
----------
.. [1] P. J. Brockwell and R. A. Davis, *Time Series: Theory and Methods*, 2nd ed.,
   Springer, 1991, section 5.2 (the Durbin-Levinson algorithm).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from hullwatch.errors import AnalysisError

FloatArray = npt.NDArray[np.float64]


def levinson_durbin(autocovariance: FloatArray, order: int) -> tuple[list[FloatArray], FloatArray]:
    """AR coefficients of every order up to ``order`` and their prediction variances.

    Parameters
    ----------
    autocovariance : ndarray
        ``gamma(0) .. gamma(order)``.
    order : int
        Largest AR order.

    Returns
    -------
    coefficients : list of ndarray
        ``coefficients[k]`` holds the ``k`` coefficients of the order-k predictor.
    variances : ndarray
        One-step prediction variance of each order ``0 .. order``.

    Examples
    --------
    >>> a, v = levinson_durbin(np.array([1.0, 0.5, 0.25]), 2)
    >>> [round(float(c), 6) for c in a[2]], round(float(v[2]), 6)
    ([0.5, 0.0], 0.75)
    """
    gamma = np.asarray(autocovariance, dtype=float)
    coefficients: list[FloatArray] = [np.zeros(0)]
    variances = np.empty(order + 1)
    variances[0] = gamma[0]
    current = np.zeros(0)
    for k in range(1, order + 1):
        reflection = (gamma[k] - current @ gamma[k - 1 : 0 : -1]) / variances[k - 1]
        reflection = float(np.clip(reflection, -0.999, 0.999))
        current = np.concatenate([current - reflection * current[::-1], [reflection]])
        coefficients.append(current.copy())
        variances[k] = variances[k - 1] * (1.0 - reflection**2)
    return coefficients, variances


@dataclass(frozen=True)
class ARNoise:
    """An AR(p) model of the loss-rate noise of one compartment.

    Attributes
    ----------
    mean_kg_per_s : float
        Reference loss rate: the mean of the fitted data (leak-free or the known leak). [kg/s]
    coefficients : list of ndarray
        Predictor coefficients of each order ``0 .. p``.
    sigmas : ndarray
        Innovation standard deviation of each order, inflated by the upper 90 %
        chi-square bound of its estimate. [kg/s]
    n_used : int
        Number of rates fitted.
    """

    mean_kg_per_s: float
    coefficients: list[FloatArray]
    sigmas: FloatArray
    n_used: int

    @property
    def mean_se_kg_per_s(self) -> float:
        """Standard error of :attr:`mean_kg_per_s` under the model, ``1 / (g sqrt(n))``. [kg/s]"""
        return float(1.0 / (self.signature(self.order) * np.sqrt(self.n_used)))

    @property
    def order(self) -> int:
        """``p``."""
        return len(self.coefficients) - 1

    def signature(self, order: int) -> float:
        """Innovation shift per unit step of the mean rate, ``(1 - sum a) / sigma``. [s/kg]"""
        return float((1.0 - self.coefficients[order].sum()) / self.sigmas[order])


def fit_ar_noise(runs: list[FloatArray], order: int) -> ARNoise:
    """Fit :class:`ARNoise` to runs of consecutive loss rates.

    The autocovariances pool the products within each run (no product spans a gap).
    The innovation scale is inflated to the upper 90 % confidence bound of a variance
    estimated from ``n - p`` degrees of freedom, so that a short training stretch
    errs toward fewer false alarms.

    Parameters
    ----------
    runs : list of ndarray
        Runs of consecutive rates. [kg/s]
    order : int
        ``p``.

    Raises
    ------
    AnalysisError
        With fewer than ``2 p + 4`` rates, or no variation.
    """
    values = np.concatenate(runs) if runs else np.zeros(0)
    if values.size < 2 * order + 4:
        raise AnalysisError(
            f"{values.size} usable block rates: the noise model needs at least {2 * order + 4}"
        )
    mean = float(values.mean())
    gamma = np.zeros(order + 1)
    for lag in range(order + 1):
        total, count = 0.0, 0
        for run in runs:
            centred = run - mean
            if centred.size > lag:
                total += float(centred[lag:] @ centred[: centred.size - lag])
                count += centred.size - lag
        gamma[lag] = total / count if count else 0.0
    if gamma[0] <= 0.0:
        raise AnalysisError("the block rates do not vary: no noise to model")
    coefficients, variances = levinson_durbin(gamma, order)
    dof = values.size - order - 1
    inflation = dof / float(stats.chi2.ppf(0.10, dof))
    return ARNoise(mean, coefficients, np.sqrt(variances * inflation), int(values.size))


class Innovations:
    """Running innovations of one compartment's rates under an :class:`ARNoise`.

    Parameters
    ----------
    noise : ARNoise
        The noise model.
    reference_kg_per_s : float, optional
        Rate the innovations are centred on (default the model's mean).  The
        detector passes the upper one-sided 95 % bound of the mean, so that an
        underestimated reference cannot by itself drift the CUSUM up. [kg/s]
    """

    def __init__(self, noise: ARNoise, reference_kg_per_s: float | None = None) -> None:
        self.noise = noise
        self.reference = noise.mean_kg_per_s if reference_kg_per_s is None else reference_kg_per_s
        self.past: deque[float] = deque(maxlen=noise.order)

    def gap(self) -> None:
        """A rate is missing: the next one starts a new run."""
        self.past.clear()

    def update(self, rate_kg_per_s: float) -> tuple[float, FloatArray, float]:
        """Innovation of the next rate, with the predictor that made it.

        Returns
        -------
        u : float
            Standardized innovation (N(0, 1) under the model). [-]
        coefficients : ndarray
            Predictor coefficients used (as many as rates before it in its run).
        sigma : float
            Innovation standard deviation used. [kg/s]
        """
        order = len(self.past)
        a = self.noise.coefficients[order]
        centred = np.array(self.past)[::-1] - self.reference
        prediction = float(a @ centred) if order else 0.0
        u = (rate_kg_per_s - self.reference - prediction) / self.noise.sigmas[order]
        self.past.append(rate_kg_per_s)
        return u, a, float(self.noise.sigmas[order])
