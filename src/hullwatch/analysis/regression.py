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

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import optimize, stats

from hullwatch.analysis.kalman import whiten
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
    """Residual covariance: an Ornstein-Uhlenbeck part, a random walk and white noise.

    For point samples (``bin_width`` 0), ``cov(e_i, e_j) = ou_variance * phi**|t_i - t_j|
    + walk_variance * (min(t_i, t_j) - t_0) + white_variance * [i == j]``, with times
    in bins and ``t_0`` the first.  The OU part is the gas temperature no sensor sees,
    as it moves the gas-mass reading; the walk is the same temperature moving the leak
    flow itself (a crack's flow goes as ``T^-1.8``), which the gas mass integrates; the
    white part is sensor quantization.  The correlation follows the time between
    points, so gaps are exact.  With ``bin_width`` ``w`` > 0 each value is the average
    of those processes over a bin of that width around its time, and the covariance
    is that of the averages (:meth:`bin_average_terms`); the parameters stay those of
    the processes themselves.
    """

    ou_variance: float
    white_variance: float
    phi: float
    walk_variance: float = 0.0
    #: Width of the bins the values average over, in bins (1 for binned data,
    #: 0 for point samples).
    bin_width: float = 0.0

    def bin_average_terms(self, widths: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Factor on the OU part and the white variance a bin adds, per value.

        A value averages the processes over a bin of width ``w`` (in bins) around
        its time.  For the OU part, with ``x = w / tau`` (``tau = -1 / log phi``),
        two bins a lag ``L`` apart (not overlapping) covary as
        ``s phi^L g_i g_j`` with ``g = sinh(x/2) / (x/2)``, and one bin has variance
        ``s v`` with ``v = 2 (x - 1 + e^-x) / x^2 < g^2``: averages are smoother than
        samples.  For the walk, bins covary as the walk at their centres, and one bin
        has ``q (c - w/6)``.  A bin average is therefore the point OU times ``g``,
        the point walk, and a white part ``s (v - g^2) - q w / 6``, which is
        negative.  (Taken as samples, bin averages have a lag-one correlation about
        ``1 + x/3`` times too high, so with little white noise the fitted correlation
        time comes out 1.5 times too long, at any bin width.)  Width 0 is a sample.

        Parameters
        ----------
        widths : ndarray
            Width of each value's bin. [bins]

        Returns
        -------
        ou_factor : ndarray
            ``g`` per value.
        bin_white : ndarray
            ``s (v - g^2) - q w / 6`` per value: white variance to add, loaded as
            the slow parts are.

        References
        ----------
        .. [1] E. Vanmarcke, *Random Fields*, 2nd ed., World Scientific, 2010, ch. 5
           (local averages of a random process).
        """
        w = np.asarray(widths, dtype=np.float64)
        s = self.ou_variance
        with np.errstate(divide="ignore", invalid="ignore"):
            # A sample (w = 0) of white noise (phi = 0) stays a sample: x = 0, not NaN.
            x = np.where(w > 0.0, w * -np.log(self.phi), 0.0) if self.phi < 1.0 else 0.0 * w
        # Beyond x = 30 bins barely correlate (by 1/x^2 next door): averages are white.
        coarse = x > 30.0
        half = np.where(coarse | (x <= 0.0), 1.0, x / 2.0)
        fine = (x > 0.0) & ~coarse
        g = np.where(fine, np.sinh(half) / half, np.where(coarse, 0.0, 1.0))
        safe = np.where(fine, x, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            v_coarse = 2.0 / x - 2.0 / x**2  # x = inf (phi = 0) gives 0
        v = np.where(
            fine, 2.0 * (safe + np.expm1(-safe)) / safe**2, np.where(coarse, v_coarse, 1.0)
        )
        bin_white = s * (v - g**2) - self.walk_variance * w / 6.0
        return g, bin_white

    def _widths(self, size: int, widths: FloatArray | None) -> FloatArray:
        if widths is not None:
            return np.asarray(widths, dtype=np.float64)
        return np.full(size, self.bin_width)

    def components(self) -> tuple[FloatArray, FloatArray]:
        """Correlation per bin and variance of the OU part (empty if it has none)."""
        if self.ou_variance > 0:
            return np.array([self.phi]), np.array([self.ou_variance])
        return np.zeros(0), np.zeros(0)

    def whiten(
        self,
        values: FloatArray,
        time_bins: FloatArray,
        loading: FloatArray | None = None,
        widths: FloatArray | None = None,
    ) -> tuple[FloatArray, float]:
        """``L^-1 values`` and ``log det`` of the covariance, in O(n) (Kalman filter).

        ``loading`` and ``widths`` as in :meth:`covariance`.
        """
        phis, variances = self.components()
        width = self._widths(np.shape(values)[0], widths)
        ou_factor, bin_white = self.bin_average_terms(width)
        squared = 1.0 if loading is None else np.asarray(loading, dtype=np.float64) ** 2
        return whiten(
            values,
            time_bins,
            phis,
            variances,
            self.white_variance + bin_white * squared,
            self.walk_variance,
            loading,
            ou_factor[:, None] if phis.size else None,
            walk_start=float(width[0]) / 2.0 if width.size else 0.0,
        )

    def covariance(
        self,
        time_bins: FloatArray,
        loading: FloatArray | None = None,
        widths: FloatArray | None = None,
    ) -> FloatArray:
        """Covariance matrix at the given times (in bins).

        With ``loading`` ``h``, the OU and walk parts at points ``i, j`` are scaled by
        ``h_i h_j`` (the unseen temperature moves a gas-mass reading in proportion to
        the gas present); the white part (sensor quantization) is not.  ``widths``
        are the bins' widths (``bin_width`` each by default); the bins must not
        overlap.  A binned walk starts at the first bin's opening, half its width
        before its time.
        """
        width = self._widths(time_bins.size, widths)
        ou_factor, bin_white = self.bin_average_terms(width)
        lag = np.abs(time_bins[:, None] - time_bins[None, :])
        cov = self.ou_variance * self.phi**lag * np.outer(ou_factor, ou_factor)
        since = time_bins - time_bins[0] + (width[0] / 2.0 if width.size else 0.0)
        cov += self.walk_variance * np.minimum(since[:, None], since[None, :])
        squared = np.ones(time_bins.size)
        if loading is not None:
            cov *= np.outer(loading, loading)
            squared = np.asarray(loading, dtype=np.float64) ** 2
        cov[np.diag_indices_from(cov)] += self.white_variance + bin_white * squared
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
    """Generalized least squares under a fixed :class:`NoiseModel`.

    Whitening is exact and O(n) per column, by the Kalman filter of
    :mod:`hullwatch.analysis.kalman`.

    Parameters
    ----------
    noise : NoiseModel
        The residual covariance.
    time_bins : ndarray
        Observation times in bins.
    loading : ndarray, optional
        Loading of the OU and walk parts per point (:meth:`NoiseModel.covariance`).
    """

    def __init__(
        self,
        noise: NoiseModel,
        time_bins: FloatArray,
        loading: FloatArray | None = None,
        widths: FloatArray | None = None,
    ) -> None:
        self.noise = noise
        self.time_bins = np.asarray(time_bins, dtype=np.float64)
        self.loading = loading
        self.widths = widths

    def _whiten(self, values: FloatArray) -> FloatArray:
        return self.noise.whiten(values, self.time_bins, self.loading, self.widths)[0]

    def fit(self, response: FloatArray, design: FloatArray) -> RegressionFit:
        """Coefficients and covariance under the noise model as estimated."""
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
        covariance = np.linalg.inv(x.T @ x)
        return RegressionFit(
            np.asarray(coefficients, dtype=np.float64),
            np.asarray(covariance, dtype=np.float64),
            dof,
            self.noise.phi,
            float(np.sqrt(ssr / dof)),
            ssr,
        )


class RemlBlock(NamedTuple):
    """A stretch of data for a REML fit: its regression and where its noise falls."""

    response: FloatArray
    design: FloatArray
    #: Observation times in bins.
    time_bins: FloatArray
    #: Loading of the OU and walk parts per point (:meth:`NoiseModel.covariance`); 1 if None.
    loading: FloatArray | None = None
    #: Width of each value's bin, in bins (the noise model's ``bin_width`` if None).
    widths: FloatArray | None = None


def _reml_terms(block: RemlBlock, unit: NoiseModel) -> tuple[float, float, float]:
    """log det S, log det X'S^-1X and the GLS residual sum of squares under ``unit``."""
    whitened, log_det = unit.whiten(
        np.column_stack([block.response, block.design]),
        block.time_bins,
        block.loading,
        block.widths,
    )
    if not np.isfinite(log_det):  # parameters where the covariance is not positive definite
        raise np.linalg.LinAlgError("the noise covariance is not positive definite")
    y, x = whitened[:, 0], whitened[:, 1:]
    beta = np.linalg.lstsq(x, y, rcond=None)[0]
    ssr = float(np.sum((y - x @ beta) ** 2))
    _, logdet_xx = np.linalg.slogdet(x.T @ x)
    return log_det, float(logdet_xx), ssr


def _joint_terms(blocks: Sequence[RemlBlock], unit: NoiseModel) -> tuple[float, float, int]:
    """``log det S + log det X'S^-1X`` summed over blocks, and the summed SSR and dof.

    Blocks are independent and each has its own regression; the scale is common.
    """
    log_dets, ssr, dof = 0.0, 0.0, 0
    for block in blocks:
        log_det, logdet_xx, block_ssr = _reml_terms(block, unit)
        log_dets += log_det + logdet_xx
        ssr += block_ssr
        dof += block.design.shape[0] - block.design.shape[1]
    return log_dets, ssr, dof


def _negative_reml(blocks: Sequence[RemlBlock], unit: NoiseModel) -> float:
    """Minus the restricted log-likelihood (up to a constant), the scale profiled out."""
    try:
        log_dets, ssr, dof = _joint_terms(blocks, unit)
    except np.linalg.LinAlgError:
        return np.inf
    value = 0.5 * (log_dets + dof * np.log(ssr / dof))
    return float(value) if np.isfinite(value) else np.inf


#: Bounds of the slow correlation per bin: at most 1000 bins (beyond that the noise
#: acts as an offset the intercepts absorb).  White noise is at least 1e-6 of the slow part.
PHI_MAX, WHITE_MIN = 0.999, 1e-6


def log_correlation_time(phi: float) -> float:
    """``log tau`` of a slow correlation ``phi`` per bin (``phi = exp(-1 / tau)``). [log bins]"""
    return float(np.log(-1.0 / np.log(phi)))


def shift_correlation_time(phi: float, shift: float) -> float:
    """The correlation per bin whose ``log tau`` lies ``shift`` above ``phi``'s, at most
    :data:`PHI_MAX`: a profile point, or REML's bias corrected."""
    return min(float(np.exp(-np.exp(-(log_correlation_time(phi) + shift)))), PHI_MAX)


def fit_noise_reml(
    response: FloatArray,
    design: FloatArray,
    time_bins: FloatArray,
    start: NoiseModel,
    *,
    walk: bool = True,
    fixed_phi: float | None = None,
    history: Sequence[RemlBlock] = (),
    loading: FloatArray | None = None,
    widths: FloatArray | None = None,
) -> tuple[NoiseModel, float]:
    """REML fit of the noise model, and its minus log restricted likelihood.

    With ``fixed_phi`` the slow correlation is held there and the rest is fitted
    (a profile of the correlation time).  ``history`` blocks share the noise model
    but each has its own regression (see :func:`estimate_noise_reml`).
    """
    from scipy.optimize import minimize
    from scipy.special import expit

    blocks = [
        RemlBlock(response, design, time_bins, loading, widths),
        *(RemlBlock(*b) for b in history),
    ]

    def unpack(theta: FloatArray) -> NoiseModel:
        # Variance ratios beyond e^+-30 are numerically zero or infinite: stop there.
        theta = np.clip(theta, -30.0, 30.0)
        if fixed_phi is None:
            phi, theta = PHI_MAX * float(expit(theta[0])), theta[1:]
        else:
            phi = fixed_phi
        white = WHITE_MIN + float(np.exp(theta[0]))
        walk_variance = float(np.exp(theta[1])) if walk else 0.0
        return NoiseModel(1.0, white, phi, walk_variance, start.bin_width)

    phi0 = float(np.clip(start.phi, 0.5, 0.99 * PHI_MAX))
    white0 = max(start.white_variance / max(start.ou_variance, 1e-30), 1e-4)
    theta0 = [] if fixed_phi is not None else [np.log(phi0 / (PHI_MAX - phi0))]
    theta0.append(np.log(white0))
    if walk:
        walk0 = start.walk_variance / start.ou_variance if start.walk_variance > 0 else 1e-3
        theta0.append(np.log(walk0))
    best = minimize(
        lambda theta: _negative_reml(blocks, unpack(theta)),
        np.array(theta0),
        method="Nelder-Mead",
        options={"xatol": 0.01, "fatol": 0.005, "maxiter": 400 * len(theta0)},
    )
    unit = unpack(best.x)
    _, ssr, dof = _joint_terms(blocks, unit)
    scale = ssr / dof
    model = replace(
        unit,
        ou_variance=unit.ou_variance * scale,
        white_variance=unit.white_variance * scale,
        walk_variance=unit.walk_variance * scale,
    )
    return model, float(best.fun)


def estimate_noise_reml(
    response: FloatArray,
    design: FloatArray,
    time_bins: FloatArray,
    start: NoiseModel,
    *,
    walk: bool = True,
    history: Sequence[RemlBlock] = (),
    loading: FloatArray | None = None,
    widths: FloatArray | None = None,
) -> NoiseModel:
    """Fit OU-plus-random-walk-plus-white noise by restricted maximum likelihood (REML).

    Autocovariances of regression residuals underestimate slow noise, because the
    fitted trend and intercepts soak up its low frequencies; that makes intervals too
    narrow.  REML accounts for the regressors.  The random walk carries a leak flow
    that wanders with the unseen temperature, which the gas mass integrates.  The
    likelihood is evaluated exactly, in O(n), by the Kalman filter.

    Parameters
    ----------
    response, design : ndarray
        The regression.
    time_bins : ndarray
        Observation times in bins.
    start : NoiseModel
        Starting point (e.g. from :func:`estimate_noise`).
    walk : bool
        Fit the random-walk part (else only OU plus white).
    history : sequence of RemlBlock
        Earlier stretches of the same compartment, each with its own regression,
        that share the noise model.  A few days hold only a dozen correlation times
        of the slow noise, so its timescale, and every trend variance with it, is
        loosely pinned by the window alone; weeks of history pin it.
    loading : ndarray, optional
        Loading of the OU and walk parts per point (:meth:`NoiseModel.covariance`).
    widths : ndarray, optional
        Width of each value's bin, in bins (:meth:`NoiseModel.bin_average_terms`).

    References
    ----------
    .. [1] H. D. Patterson and R. Thompson, "Recovery of inter-block information when
       block sizes are unequal", Biometrika 58, 545-554, 1971.
    """
    return min(
        (
            fit_noise_reml(
                response,
                design,
                time_bins,
                guess,
                walk=walk,
                history=history,
                loading=loading,
                widths=widths,
            )
            for guess in reml_starts(start, time_bins)
        ),
        key=lambda fitted: fitted[1],
    )[0]


def reml_log_tau_bias(
    blocks: Sequence[RemlBlock], model: NoiseModel, draws: int, seed: int = 0
) -> float:
    """Median bias of REML's log correlation time at ``model``, by parametric bootstrap.

    REML removes much of ML's small-sample bias but not all: in a regression with
    autoregressive noise the correlation comes out short by about ``(1 + 2 phi) / N``
    over ``N`` points (Cheang and Reinsel 2000), more with one intercept per piece.
    Noise is drawn from ``model`` on each block's times, loading and widths (REML
    does not depend on the coefficients, so no trend is needed), the noise model is
    refitted from ``model``, and the result is ``median(log tau*) - log tau``.

    Parameters
    ----------
    blocks : sequence of RemlBlock
        The data's blocks (their responses are not used).
    model : NoiseModel
        The fitted noise model.
    draws : int
        Bootstrap draws.
    seed : int
        Seed of the draws (the correction is reproducible).

    Returns
    -------
    float
        The bias of ``log tau``; 0 when ``model`` has no correlated part inside the
        bounds (white noise, or a correlation at its bound).
    """
    if model.ou_variance <= 0.0 or not 0.0 < model.phi < PHI_MAX or draws <= 0:
        return 0.0
    rng = np.random.default_rng(seed)
    factors = [
        np.linalg.cholesky(model.covariance(b.time_bins, b.loading, b.widths)) for b in blocks
    ]
    log_taus = []
    for _ in range(draws):
        drawn = [
            RemlBlock(
                f @ rng.standard_normal(f.shape[0]), b.design, b.time_bins, b.loading, b.widths
            )
            for b, f in zip(blocks, factors, strict=True)
        ]
        first, history = drawn[0], drawn[1:]
        fitted, _ = fit_noise_reml(
            first.response,
            first.design,
            first.time_bins,
            model,
            history=history,
            loading=first.loading,
            widths=first.widths,
        )
        log_taus.append(log_correlation_time(fitted.phi))
    return float(np.median(log_taus) - log_correlation_time(model.phi))


#: Correlation times of the extra REML starting points, as fractions of the window's
#: span (and at least 2 bins).
_START_TAU_FRACTIONS = (0.01, 0.03, 0.08, 0.25)


def reml_starts(start: NoiseModel, time_bins: FloatArray) -> list[NoiseModel]:
    """Starting points of the REML search: ``start`` and OU-dominated guesses.

    On a few days of data the restricted likelihood has a flat ridge where the OU
    part vanishes and a random walk takes its place; Nelder-Mead started near it
    stays there even when a reverting OU of a few hours fits better (in the
    isolated PrK it did so in three runs of four).  A random walk overstates the
    error of a trend when the noise reverts, so the interval would be too wide.
    Starting also from OU-dominated models at a few correlation times finds the
    better optimum.  Only variance ratios matter (the scale is profiled).
    """
    span = float(np.ptp(time_bins)) if time_bins.size else 1.0
    guesses = [start]
    for fraction in _START_TAU_FRACTIONS:
        tau = max(2.0, fraction * span)
        guesses.append(NoiseModel(1.0, 0.05, float(np.exp(-1.0 / tau)), 1e-4, start.bin_width))
    return guesses


#: Gauss-Hermite nodes (probabilists') and weights for the normal mixing in
#: :func:`pivot_quantile`.
_MIX_NODES, _MIX_WEIGHTS = np.polynomial.hermite_e.hermegauss(40)
_MIX_WEIGHTS = _MIX_WEIGHTS / _MIX_WEIGHTS.sum()


def pivot_quantile(log_variance_sd: float, dof: float, level: float = 0.95) -> float:
    """Two-sided quantile of a trend's pivot when its variance is estimated loosely.

    The pivot ``(estimate - truth) / sqrt(V_hat)`` is ``T_dof * exp(-S / 2)``: Student
    ``t`` on the residual degrees of freedom (the scale), times the error of the
    variance ``S = log V_hat - log V``, taken as normal with standard deviation
    ``log_variance_sd``.  A trend variance is a smooth function of the slow noise's
    correlation time, whose REML estimate is close to normal in ``log tau``, so
    ``log V_hat`` is close to normal too.  (Satterthwaite's scaled chi-square for
    ``V_hat``, fitted to the same variance, has a long tail of ``V_hat`` far below
    ``V`` that a smooth function of ``log tau`` does not have; at
    ``log_variance_sd = 1`` it gives ``t_2 = 4.30`` where this gives 2.64.)
    An infinite spread (the timescale is not identified) gives ``t_1``, and so does
    any spread whose quantile would exceed it.

    Parameters
    ----------
    log_variance_sd : float
        Standard deviation of ``log V_hat``.
    dof : float
        Residual degrees of freedom.
    level : float
        Two-sided coverage.
    """
    alpha = 1.0 - level
    widest = float(stats.t.ppf(1.0 - alpha / 2, 1))
    low = float(stats.t.ppf(1.0 - alpha / 2, dof))
    if not np.isfinite(log_variance_sd):
        return widest
    if log_variance_sd <= 0.0:
        return low
    with np.errstate(over="ignore"):  # a huge spread: caught below as unidentified
        scales = np.exp(-0.5 * log_variance_sd * _MIX_NODES)

    def excess(q: float) -> float:
        with np.errstate(divide="ignore"):
            return float(_MIX_WEIGHTS @ (2.0 * stats.t.sf(q / scales, dof))) - alpha

    if excess(low) <= 0.0:  # a spread too small to matter
        return low
    if excess(widest) >= 0.0:  # as good as unidentified
        return widest
    return float(optimize.brentq(excess, low, widest, xtol=1e-6))
