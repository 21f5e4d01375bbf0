"""Linear regression with autocorrelated errors, for trends in gas mass.

Residual gas-mass noise is dominated by the part of the gas temperature no sensor
sees: slow, correlated, never white.  Ordinary least squares would then give
intervals several times too narrow.  :func:`fit_ar1` fits by feasible GLS with
AR(1) errors (Prais-Winsten, restarted at every gap between pieces) and states
its intervals with Student's t on the residual degrees of freedom.

References
----------
.. [1] S. J. Prais and C. B. Winsten, "Trend estimators and serial correlation",
   Cowles Commission Discussion Paper 383, 1954.
.. [2] J. D. Hamilton, *Time Series Analysis*, Princeton University Press, 1994, ch. 8.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from hullwatch.errors import AnalysisError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class RegressionFit:
    """Coefficients, their covariance, and the error model behind them."""

    coefficients: FloatArray
    covariance: FloatArray
    dof: int
    ar1: float
    residual_sigma: float
    ssr_whitened: float

    def interval(self, index: int, level: float = 0.95) -> tuple[float, float]:
        """Two-sided ``level`` confidence interval of one coefficient."""
        half = stats.t.ppf(0.5 + level / 2, self.dof) * np.sqrt(self.covariance[index, index])
        value = self.coefficients[index]
        return float(value - half), float(value + half)

    def standard_error(self, index: int) -> float:
        """Standard error of one coefficient."""
        return float(np.sqrt(self.covariance[index, index]))


def _whiten(values: FloatArray, piece: IntArray, phi: float) -> FloatArray:
    """Prais-Winsten transform, restarting at the first point of every piece."""
    out = np.array(values, dtype=float, copy=True)
    same = np.concatenate(([False], piece[1:] == piece[:-1]))
    lagged = np.concatenate((values[:1] * 0, values[:-1]))
    out[same] = values[same] - phi * lagged[same]
    out[~same] = np.sqrt(1.0 - phi**2) * values[~same]
    return out


def _lag1(residual: FloatArray, piece: IntArray) -> float:
    same = piece[1:] == piece[:-1]
    a, b = residual[:-1][same], residual[1:][same]
    if a.size < 3 or not np.any(a):
        return 0.0
    return float(np.clip(np.dot(a, b) / np.dot(a, a), 0.0, 0.995))


def fit_ar1(
    response: FloatArray,
    design: FloatArray,
    piece: IntArray,
    iterations: int = 3,
    fixed_ar1: float | None = None,
) -> RegressionFit:
    """Feasible GLS with AR(1) errors (iterated Prais-Winsten).

    Parameters
    ----------
    response : ndarray, shape (n,)
        The observations.
    design : ndarray, shape (n, p)
        Regressors.
    piece : ndarray of int, shape (n,)
        Contiguous-piece label of each observation; the AR(1) recursion restarts
        where it changes (a gap, e.g. an excluded repress).
    iterations : int
        Re-estimations of the AR coefficient.
    fixed_ar1 : float, optional
        Use this AR coefficient instead of estimating it (to compare fits on
        the same whitening, as a likelihood profile needs).

    Returns
    -------
    RegressionFit

    Raises
    ------
    AnalysisError
        With fewer observations than regressors plus two, or a singular design.
    """
    n, p = design.shape
    if n < p + 3:
        raise AnalysisError(f"{n} usable points cannot fit {p} coefficients")
    phi = 0.0 if fixed_ar1 is None else fixed_ar1
    for _ in range(iterations + 1 if fixed_ar1 is None else 0):
        y = _whiten(response, piece, phi)
        x = np.column_stack([_whiten(design[:, k], piece, phi) for k in range(p)])
        coefficients, _, rank, _ = np.linalg.lstsq(x, y, rcond=None)
        if rank < p:
            raise AnalysisError("the regressors are collinear: the data cannot separate them")
        phi = _lag1(response - design @ coefficients, piece)
    y = _whiten(response, piece, phi)
    x = np.column_stack([_whiten(design[:, k], piece, phi) for k in range(p)])
    coefficients = np.linalg.lstsq(x, y, rcond=None)[0]
    residual = y - x @ coefficients
    dof = n - p - 1
    ssr = float(residual @ residual)
    sigma2 = ssr / dof
    covariance = sigma2 * np.linalg.inv(x.T @ x)
    return RegressionFit(
        np.asarray(coefficients, dtype=np.float64),
        np.asarray(covariance, dtype=np.float64),
        dof,
        phi,
        float(np.sqrt(sigma2)),
        ssr,
    )


@dataclass(frozen=True)
class NoiseModel:
    """Residual covariance: an Ornstein-Uhlenbeck part plus white noise.

    ``cov(e_i, e_j) = ou_variance * phi**|t_i - t_j| + white_variance * [i == j]``,
    with times in bins.  This is the sampled form of a slow unseen temperature (OU)
    plus sensor quantization (white): an ARMA(1,1) on an even grid, and exact across
    gaps, because the correlation follows the time between points.
    """

    ou_variance: float
    white_variance: float
    phi: float

    def covariance(self, time_bins: FloatArray) -> FloatArray:
        """Covariance matrix at the given times (in bins)."""
        lag = np.abs(time_bins[:, None] - time_bins[None, :])
        cov = self.ou_variance * self.phi**lag
        cov[np.diag_indices_from(cov)] += self.white_variance
        return np.asarray(cov, dtype=np.float64)


def estimate_noise(residual: FloatArray, time_bins: FloatArray, max_lag: int = 72) -> NoiseModel:
    """Fit OU-plus-white noise to regression residuals from their autocovariance.

    ``gamma(k) = s_ou phi^k`` for lags ``k >= 1`` and ``gamma(0) = s_ou + s_w``; ``phi``
    and ``s_ou`` come from a log-linear fit over the lags where ``gamma`` is clearly
    positive.
    """
    index = np.rint(time_bins).astype(np.int64)
    series = np.full(index.max() - index.min() + 1, np.nan)
    series[index - index.min()] = residual - residual.mean()
    gamma0 = float(np.nanmean(series**2))
    lags, gammas = [], []
    for k in range(1, min(max_lag, series.size // 4) + 1):
        products = series[:-k] * series[k:]
        products = products[np.isfinite(products)]
        if products.size < 10:
            break
        value = float(products.mean())
        if value <= 0.05 * gamma0:
            break
        lags.append(k)
        gammas.append(value)
    if len(lags) < 2:
        return NoiseModel(0.0, gamma0, 0.0)
    slope, intercept = np.polyfit(np.array(lags), np.log(gammas), 1)
    phi = float(np.clip(np.exp(slope), 0.0, 0.9995))
    ou = float(min(np.exp(intercept), gamma0))
    return NoiseModel(ou, max(gamma0 - ou, 1e-6 * gamma0), phi)


class GlsSolver:
    """Generalized least squares under a fixed :class:`NoiseModel` (factorized once).

    Parameters
    ----------
    noise : NoiseModel
        The residual covariance.
    time_bins : ndarray
        Observation times in bins.
    """

    def __init__(self, noise: NoiseModel, time_bins: FloatArray) -> None:
        self.noise = noise
        self.cholesky = np.linalg.cholesky(noise.covariance(time_bins))

    def _whiten(self, values: FloatArray) -> FloatArray:
        from scipy.linalg import solve_triangular

        return np.asarray(solve_triangular(self.cholesky, values, lower=True), dtype=np.float64)

    def fit(self, response: FloatArray, design: FloatArray) -> RegressionFit:
        """Coefficients and covariance; the noise scale is re-estimated from the fit."""
        n, p = design.shape
        if n < p + 3:
            raise AnalysisError(f"{n} usable points cannot fit {p} coefficients")
        y = self._whiten(response)
        x = self._whiten(design)
        coefficients, _, rank, _ = np.linalg.lstsq(x, y, rcond=None)
        if rank < p:
            raise AnalysisError("the regressors are collinear: the data cannot separate them")
        residual = y - x @ coefficients
        ssr = float(residual @ residual)
        dof = n - p
        scale = max(ssr / dof, 1.0)  # never narrower than the noise model says
        covariance = scale * np.linalg.inv(x.T @ x)
        return RegressionFit(
            np.asarray(coefficients, dtype=np.float64),
            np.asarray(covariance, dtype=np.float64),
            dof,
            self.noise.phi,
            float(np.sqrt(scale)),
            ssr,
        )


def estimate_noise_reml(
    response: FloatArray, design: FloatArray, time_bins: FloatArray, start: NoiseModel
) -> NoiseModel:
    """Fit OU-plus-white noise by restricted maximum likelihood (REML).

    Autocovariances of regression residuals underestimate slow noise, because the
    fitted trend and intercepts soak up its low frequencies; that makes intervals too
    narrow.  REML accounts for the regressors and is unbiased for the variance
    parameters, so intervals built on it keep their stated coverage.

    Parameters
    ----------
    response, design : ndarray
        The regression.
    time_bins : ndarray
        Observation times in bins.
    start : NoiseModel
        Starting point (e.g. from :func:`estimate_noise`).

    References
    ----------
    .. [1] H. D. Patterson and R. Thompson, "Recovery of inter-block information when
       block sizes are unequal", Biometrika 58, 545-554, 1971.
    """
    from scipy.linalg import cho_factor, solve_triangular
    from scipy.optimize import minimize

    n, p = design.shape
    lag = np.abs(time_bins[:, None] - time_bins[None, :])
    # Bounds keep the covariance well conditioned: a correlation time of at most
    # 1000 bins (beyond that the noise acts as an offset the intercepts absorb) and
    # white noise of at least 1e-6 of the slow part.
    phi_max, white_min = 0.999, 1e-6

    def unpack(theta: FloatArray) -> tuple[float, float]:
        return phi_max / (1.0 + np.exp(-theta[0])), white_min + np.exp(theta[1])

    def negative_reml(theta: FloatArray) -> float:
        phi, white = unpack(theta)
        cov = phi**lag
        cov[np.diag_indices_from(cov)] += white
        try:
            factor, _ = cho_factor(cov, lower=True)
        except np.linalg.LinAlgError:
            return np.inf
        chol = np.tril(factor)
        x = solve_triangular(chol, design, lower=True)
        y = solve_triangular(chol, response, lower=True)
        beta = np.linalg.lstsq(x, y, rcond=None)[0]
        ssr = float(np.sum((y - x @ beta) ** 2))
        _, logdet_xx = np.linalg.slogdet(x.T @ x)
        log_det = 2.0 * float(np.sum(np.log(np.diag(chol))))
        return 0.5 * (log_det + logdet_xx + (n - p) * np.log(ssr / (n - p)))

    phi0 = float(np.clip(start.phi, 0.5, 0.99 * phi_max))
    white0 = max(start.white_variance / max(start.ou_variance, 1e-30), 1e-4)
    theta0 = np.array([np.log(phi0 / (phi_max - phi0)), np.log(white0)])
    best = minimize(
        negative_reml,
        theta0,
        method="Nelder-Mead",
        options={"xatol": 0.02, "fatol": 0.01, "maxiter": 80},
    )
    phi, white = unpack(best.x)
    unit = NoiseModel(1.0, white, phi)
    chol = np.linalg.cholesky(unit.covariance(time_bins))
    x = solve_triangular(chol, design, lower=True)
    y = solve_triangular(chol, response, lower=True)
    beta = np.linalg.lstsq(x, y, rcond=None)[0]
    scale = float(np.sum((y - x @ beta) ** 2)) / (n - p)
    return NoiseModel(scale, white * scale, phi)
