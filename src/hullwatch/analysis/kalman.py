"""Exact whitening under Ornstein-Uhlenbeck-plus-white noise, by a scalar Kalman filter.

The residual gas-mass noise is modelled as ``e(t) = h(t) (sum_j x_j(t) + W(t)) + w(t)``:
each ``x_j`` an Ornstein-Uhlenbeck process with correlation ``phi_j`` per bin, ``W``
a random walk (the leak flow itself wandering with the unseen temperature), ``w``
white, ``h`` a known loading (the gas present, relative to a reference).  Its
covariance matrix ``S`` at irregular times
is dense, but the filter's innovations, each divided by its standard deviation,
are exactly ``L^-1 z`` for ``S = L L^T``.  That costs O(n) per column where a
Cholesky factor costs O(n^3), so the noise can be fitted by REML on the full
5-minute series and gaps (cut-out represses) are handled exactly.

References
----------
.. [1] J. Durbin and S. J. Koopman, *Time Series Analysis by State Space Methods*,
   2nd ed., Oxford University Press, 2012, sections 4.3 and 7.2.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@numba.njit(cache=True)
def _whiten(
    columns: FloatArray,
    time_bins: FloatArray,
    phis: FloatArray,
    variances: FloatArray,
    white_variances: FloatArray,
    walk_variance: float,
    loading: FloatArray,
    ou_factors: FloatArray,
    walk_start: float,
) -> tuple[FloatArray, float]:
    n, k = columns.shape
    m = phis.size
    size = m + 1 if walk_variance > 0 else m  # the walk is the last state
    out = np.empty_like(columns)
    state = np.zeros((size, k))
    cov = np.zeros((size, size))
    for a in range(m):
        cov[a, a] = variances[a]  # each OU part starts in equilibrium
    if size > m:
        cov[m, m] = walk_variance * walk_start
    row = np.ones(size)
    log_det = 0.0
    for i in range(n):
        if i > 0:
            dt = time_bins[i] - time_bins[i - 1]
            decay = np.ones(size)
            decay[:m] = phis**dt
            for a in range(size):
                state[a] *= decay[a]
                for b in range(size):
                    cov[a, b] *= decay[a] * decay[b]
            for a in range(m):
                cov[a, a] += variances[a] * (1.0 - decay[a] * decay[a])
            if size > m:
                cov[m, m] += walk_variance * dt
        # Observation row: each OU part times its bin-average factor, the walk, all loaded.
        for a in range(m):
            row[a] = loading[i] * ou_factors[i, a]
        if size > m:
            row[m] = loading[i]
        gain_numerator = cov @ row
        total = row @ gain_numerator + white_variances[i]
        innovation = columns[i] - row @ state
        out[i] = innovation / np.sqrt(total)
        gain = gain_numerator / total
        for a in range(size):
            state[a] += gain[a] * innovation
        for a in range(size):
            for b in range(size):
                cov[a, b] -= gain[a] * gain[b] * total
        log_det += np.log(total)
    return out, log_det


def whiten(
    columns: FloatArray,
    time_bins: FloatArray,
    phis: FloatArray | float,
    variances: FloatArray | float,
    white_variance: float | FloatArray,
    walk_variance: float = 0.0,
    loading: FloatArray | None = None,
    ou_factors: FloatArray | None = None,
    walk_start: float = 0.0,
) -> tuple[FloatArray, float]:
    """Whiten ``columns`` under OU processes, a random walk and white noise.

    The noise is ``h_i * (sum_j x_j + W) + w`` at observation ``i``: the loading ``h``
    (1 by default) scales the OU and walk parts but not the white part.

    Parameters
    ----------
    columns : ndarray, shape (n,) or (n, k)
        Series to whiten (the response and the regressors alike).
    time_bins : ndarray, shape (n,)
        Increasing observation times, in bins.
    phis : float or ndarray, shape (m,)
        Correlation of each OU part over one bin, in [0, 1).
    variances : float or ndarray, shape (m,)
        Variance of each OU part.
    white_variance : float or ndarray, shape (n,)
        Variance of the white part, one value or one per observation.  A negative
        part is allowed (it makes a bin average's covariance exact, see
        :class:`~hullwatch.analysis.regression.NoiseModel`) as long as the whole
        covariance stays positive definite; where it does not, the output is NaN.
    walk_variance : float
        Variance per bin of a random walk that starts at 0 ``walk_start`` bins before
        the first time (its level there is the regression's intercept).
    loading : ndarray, shape (n,), optional
        Factor on the OU and walk parts at each observation.
    ou_factors : ndarray, shape (n, m), optional
        A further factor on each OU part at each observation (1 by default; a bin
        average's, see :class:`~hullwatch.analysis.regression.NoiseModel`).
    walk_start : float
        Bins from the walk's start to the first time (0 by default).

    Returns
    -------
    whitened : ndarray
        ``L^-1 columns`` with ``L L^T`` the noise covariance, same shape as ``columns``.
    log_det : float
        ``log det`` of that covariance.

    Examples
    --------
    >>> t = np.arange(4.0)
    >>> z, log_det = whiten(np.ones(4), t, 0.0, 1.0, 1.0)
    >>> bool(np.allclose(z, 1 / np.sqrt(2))), bool(np.isclose(log_det, 4 * np.log(2)))
    (True, True)
    """
    array = np.asarray(columns, dtype=np.float64)
    matrix = array.reshape(array.shape[0], -1)
    n = matrix.shape[0]
    phi_array = np.atleast_1d(np.asarray(phis, dtype=np.float64))
    out, log_det = _whiten(
        np.ascontiguousarray(matrix),
        np.ascontiguousarray(time_bins, dtype=np.float64),
        phi_array,
        np.atleast_1d(np.asarray(variances, dtype=np.float64)),
        np.ascontiguousarray(np.broadcast_to(np.asarray(white_variance, dtype=np.float64), (n,))),
        float(walk_variance),
        np.ones(n) if loading is None else np.ascontiguousarray(loading, dtype=np.float64),
        np.ones((n, phi_array.size))
        if ou_factors is None
        else np.ascontiguousarray(np.reshape(ou_factors, (n, phi_array.size)), dtype=np.float64),
        float(walk_start),
    )
    return out.reshape(array.shape), float(log_det)
