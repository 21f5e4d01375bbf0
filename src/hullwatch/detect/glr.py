"""GLR for a leak ramp on the gas-mass LEVEL, whitened exactly by a Kalman filter.

The block means ``y_k`` of a compartment's gas mass (at block centres ``t_k``, in
blocks) are modelled as

.. math::

    y_k = c_p + b\\,t_k + a(t_k) + o(t_k) + W(t_k) + w_k - L\\,(t_k - \\tau)_+ ,

with ``c_p`` a level that is unknown (diffuse) at the start of every piece of
consecutive clean blocks (a repress cut out between pieces moves it), ``b`` the
reference rate (its prior learned with the noise), ``a`` a sinusoid at the orbital
period of unknown (diffuse) amplitude and phase (the orbital swing of the gas
temperature no sensor sees) that walks slowly, so that it can follow the phase
slip of a period known only to about a minute (:func:`cycle_walk_variance`),
``o`` an Ornstein-Uhlenbeck process (the slow part of that temperature, which
*reverts*), ``W`` a random walk, ``w`` white noise: the
:class:`~hullwatch.analysis.regression.NoiseModel` of the leak-rate fit, fitted by
REML.  Under H1 a leak of rate ``L`` opens at ``tau``.

A Kalman filter on the state ``(o, c + W, b, a, a')`` (``a'`` the quadrature
component of the cycle) turns ``y`` into innovations ``u_k``, independent N(0, 1)
under H0, exactly across gaps.  Its gains do not depend on the
data, so the innovations of ``y`` under H1 are ``u_k - L r_k(tau)``, where ``r_k(tau)``
are the innovations of the same filter run over the ramp ``-(t - tau)_+`` alone.
For every candidate ``tau`` on the block grid in a trailing window the statistic
keeps ``S_ru(tau) = sum r u`` and ``S_rr(tau) = sum r^2``; the one-sided GLR is

.. math::

    \\Lambda_k = \\max_{\\tau}\\; \\frac{\\max(0, S_{ru}(\\tau))^2}{2 S_{rr}(\\tau)} ,

and ``L_hat = S_ru / S_rr`` with standard error ``S_rr^{-1/2}``.  At an alarm the
onset and rate intervals are the projections of the joint 95 % likelihood-ratio
region of ``(tau, L)`` (:func:`joint_region`), so that the rate interval carries
the onset's uncertainty.  Each update costs O(number of candidates); nothing
looks ahead.

References
----------
.. [1] T. L. Lai, "Sequential changepoint detection in quality control and dynamical
   systems", J. R. Statist. Soc. B 57, 613-658, 1995.
.. [2] D. Siegmund and E. S. Venkatraman, "Using the generalized likelihood ratio
   statistic for sequential detection of a change-point", Ann. Statist. 23,
   255-271, 1995.
.. [3] J. Durbin and S. J. Koopman, *Time Series Analysis by State Space Methods*,
   2nd ed., Oxford University Press, 2012, sections 5.7 (diffuse initialisation)
   and 6.2.2 (regression effects by augmenting the filter).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from hullwatch.analysis.rate import DEFAULT_SETTINGS
from hullwatch.analysis.regression import (
    GlsSolver,
    NoiseModel,
    RemlBlock,
    estimate_noise,
    fit_noise_reml,
    reml_log_tau_bias,
    reml_starts,
    shift_correlation_time,
)
from hullwatch.errors import AnalysisError
from hullwatch.units import SECONDS_PER_MINUTE, ZERO_CELSIUS_K

FloatArray = npt.NDArray[np.float64]

#: Prior variance of a diffuse level or cycle, relative to the total noise variance
#: (OU + white + one block of the random walk: a model that REML fits as a pure walk
#: must not make the priors, and the test below, vanish).
DIFFUSE = 1e6
#: An innovation whose variance exceeds this many times the total noise variance is
#: still mostly prior (a diffuse level or cycle not yet pinned down by the data): it
#: carries (almost) no information on a change and is left out of the GLR sums.
#: The geometric middle between the noise (1) and :data:`DIFFUSE`.
DIFFUSE_INNOVATION = float(np.sqrt(DIFFUSE))
#: Fewest clean block means a level model is fitted from.
MIN_BLOCKS = 24
#: Largest orbital swing of the gas temperature: the ISS holds the cabin within
#: +-1.1 K (+-2 degF) of its setpoint (docs: iss-facts.md, [A], [C]). [K]
MAX_SWING_K = 1.1
#: Coldest usual setpoint, 19 degC (iss-facts.md): the swing is the largest fraction
#: of the absolute temperature there. [K]
COLDEST_SETPOINT_K = ZERO_CELSIUS_K + 19.0
#: Largest error of the default orbital period (92.0 min): the ISS orbit lasts
#: 91.5-93 min with its altitude, at most 1 min from 92.0. [s]
DEFAULT_ORBITAL_PERIOD_ERROR_S = 1.0 * SECONDS_PER_MINUTE
#: Bootstrap draws of REML's bias correction: the leak-rate fit's default (a noise
#: model learned from 2 days comes out short, and a slow drift then looks like a ramp).
DEFAULT_REML_BIAS_DRAWS = DEFAULT_SETTINGS.reml_bias_draws
#: Half the 95 % point of a chi-square with two degrees of freedom: the drop of the
#: log-likelihood ratio that bounds the joint 95 % region of (onset, rate).
HALF_CHI2_2_95 = float(stats.chi2.ppf(0.95, 2) / 2.0)


@dataclass(frozen=True)
class LevelModel:
    """Noise and reference rate of one compartment's gas-mass level, in block units.

    Attributes
    ----------
    noise : NoiseModel
        OU + random walk + white noise of the block means, times in blocks,
        variances inflated to the upper 90 % chi-square bound of their scale. [kg^2]
    slope_kg_per_block : float
        Reference change of the gas mass per block (negative for a loss). [kg]
    slope_se_kg_per_block : float
        Its standard error (the prior of the filter's slope state). [kg]
    block_s : float
        Block length. [s]
    n_used : int
        Block means fitted.
    orbital_period_s : float
        Period of the cycle (the orbit: the swing of the gas temperature no sensor
        sees); :data:`hullwatch.analysis.rate.DEFAULT_SETTINGS` holds the default. [s]
    cycle_walk_variance : float
        Variance added per block to each component of the cycle, so that it can
        follow the slip of a cycle whose true period differs from
        ``orbital_period_s`` (:func:`cycle_walk_variance`); 0 for a deterministic
        cycle. [kg^2]
    """

    noise: NoiseModel
    slope_kg_per_block: float
    slope_se_kg_per_block: float
    block_s: float
    n_used: int
    orbital_period_s: float = DEFAULT_SETTINGS.orbital_period_s
    cycle_walk_variance: float = 0.0

    @property
    def cycle_radians_per_block(self) -> float:
        """Angle the orbital cycle turns through in one block. [rad]"""
        return cycle_radians_per_block(self.block_s, self.orbital_period_s)

    @property
    def mean_kg_per_s(self) -> float:
        """Reference loss rate (positive for a loss). [kg/s]"""
        return -self.slope_kg_per_block / self.block_s

    @property
    def mean_se_kg_per_s(self) -> float:
        """Standard error of :attr:`mean_kg_per_s`. [kg/s]"""
        return self.slope_se_kg_per_block / self.block_s

    @property
    def noise_kg_per_s(self) -> float:
        """Block-to-block rate noise the model implies, ``sd(y_k - y_k-1) / block``. [kg/s]"""
        n = self.noise
        var = 2 * n.ou_variance * (1 - n.phi) + n.walk_variance + 2 * n.white_variance
        return float(np.sqrt(var) / self.block_s)


def cycle_radians_per_block(block_s: float, orbital_period_s: float) -> float:
    """Angle a cycle of period ``orbital_period_s`` [s] turns through in a block of ``block_s`` [s].

    The block mean of ``A sin(omega t + phi)`` over a block of length ``B`` centred
    on ``t_c`` is ``A sinc(omega B / 2) sin(omega t_c + phi)`` (``sinc x = sin x / x``):
    a sinusoid of the same frequency at the block centres, only attenuated (0.83 for
    a 30-min block and a 92-min orbit).  The amplitude and phase are free, so a cycle
    sampled at the block centres is exact.  [rad]
    """
    return float(2.0 * np.pi * block_s / orbital_period_s)


def cycle_walk_variance(
    gas_kg: float, block_s: float, orbital_period_s: float, orbital_period_error_s: float
) -> float:
    """Random-walk variance per block that lets the cycle follow a period error. [kg^2]

    A cycle whose true period is ``P + dP`` turns, against the filter's cycle of
    period ``P``, by ``delta = 2 pi B dP / P^2`` per block of length ``B``: its state
    vector of length ``A`` (the block-mean amplitude) moves by ``delta A`` per
    block, at right angles to itself.  A random walk whose step has that mean
    square, ``(delta A)^2 / 2`` on each of the two components, lets the filter
    follow the slip with a bounded lag instead of a phase error that grows with
    time.  ``A`` is bounded by the largest swing of the gas temperature
    (:data:`MAX_SWING_K` at :data:`COLDEST_SETPOINT_K`: the gas mass a fixed
    pressure holds changes by ``dT / T`` of itself), attenuated by the block mean
    (``sinc(omega B / 2)``, see :func:`cycle_radians_per_block`).

    Parameters
    ----------
    gas_kg : float
        Gas mass of the compartment. [kg]
    block_s : float
        Block length. [s]
    orbital_period_s : float
        Period the filter's cycle assumes. [s]
    orbital_period_error_s : float
        Largest error of that period. [s]
    """
    omega = cycle_radians_per_block(block_s, orbital_period_s)
    amplitude = abs(gas_kg) * MAX_SWING_K / COLDEST_SETPOINT_K * float(np.sinc(omega / (2 * np.pi)))
    delta = omega * abs(orbital_period_error_s) / orbital_period_s
    return 0.5 * (delta * amplitude) ** 2


def fit_level_model(
    pieces: list[tuple[FloatArray, FloatArray]],
    block_s: float,
    orbital_period_s: float = DEFAULT_SETTINGS.orbital_period_s,
    orbital_period_error_s: float = DEFAULT_ORBITAL_PERIOD_ERROR_S,
    bias_draws: int = DEFAULT_REML_BIAS_DRAWS,
) -> LevelModel:
    """Fit :class:`LevelModel` to pieces of consecutive clean block means by REML.

    Parameters
    ----------
    pieces : list of (ndarray, ndarray)
        Block times (in blocks) and gas-mass block means [kg] of each piece; each
        piece gets its own level, all share the reference slope.
    block_s : float
        Block length. [s]
    orbital_period_s : float
        Period of the orbital cycle, fitted (a sine and a cosine of the block
        centres) with the levels and the slope so that the noise model does not
        absorb the swing. [s]
    orbital_period_error_s : float
        Largest error of ``orbital_period_s``: sets the cycle's random walk
        (:func:`cycle_walk_variance`, with the mean gas mass of the pieces); 0 for
        a deterministic cycle. [s]

    Returns
    -------
    LevelModel
        The noise (REML, the best of several starting points: the residual
        autocovariance fit, OU-dominated models and a near random walk) and the GLS
        reference slope.

    Raises
    ------
    AnalysisError
        With fewer than :data:`MIN_BLOCKS` means, or no variation.
    """
    pieces = [(np.asarray(t, float), np.asarray(y, float)) for t, y in pieces if len(t) >= 2]
    n = sum(t.size for t, _ in pieces)
    if n < MIN_BLOCKS:
        raise AnalysisError(f"{n} usable block means: the level model needs {MIN_BLOCKS}")
    times = np.concatenate([t for t, _ in pieces])
    values = np.concatenate([y for _, y in pieces])
    # Columns: one level per piece, the slope, and the orbital cycle (block centres).
    slope_column = len(pieces)
    design = np.zeros((n, slope_column + 3))
    row = 0
    for j, (t, _) in enumerate(pieces):
        design[row : row + t.size, j] = 1.0
        row += t.size
    design[:, slope_column] = times - times[0]
    angle = cycle_radians_per_block(block_s, orbital_period_s) * (times - times[0])
    design[:, slope_column + 1] = np.sin(angle)
    design[:, slope_column + 2] = np.cos(angle)
    offset = values[0]
    response = values - offset
    coefficients = np.linalg.lstsq(design, response, rcond=None)[0]
    residual = response - design @ coefficients
    if not np.any(np.abs(residual) > 0):
        raise AnalysisError("the block means do not vary: no noise to model")
    bins = times - times[0]
    # REML's likelihood is flat between a slow OU and a random walk on a few days of
    # data: start from both, and from OU-dominated models at several correlation
    # times (the rate fit's starts), and keep the best optimum.
    total = float(np.var(residual))
    starts = [
        *reml_starts(estimate_noise(residual, bins), bins),
        NoiseModel(0.1 * total, 0.1 * total, 0.5, total / n),
    ]
    noise = min(
        (fit_noise_reml(response, design, bins, start) for start in starts), key=lambda f: f[1]
    )[0]
    # REML's correlation time comes out short on a few days, more so with one level
    # per piece; a slow drift then looks like a ramp (false alarms after a 2-day
    # warm-up).  Correct it as the leak-rate fit does.
    if bias_draws > 0:
        bias = reml_log_tau_bias([RemlBlock(response, design, bins)], noise, bias_draws)
        if bias != 0.0:
            phi = shift_correlation_time(noise.phi, -bias)
            noise = fit_noise_reml(response, design, bins, noise, fixed_phi=phi)[0]
    dof = n - design.shape[1]
    inflation = dof / float(stats.chi2.ppf(0.10, dof))
    noise = NoiseModel(
        noise.ou_variance * inflation,
        noise.white_variance * inflation,
        noise.phi,
        noise.walk_variance * inflation,
    )
    fit = GlsSolver(noise, bins).fit(response, design)
    return LevelModel(
        noise,
        float(fit.coefficients[slope_column]),
        float(np.sqrt(fit.covariance[slope_column, slope_column])),
        block_s,
        n,
        orbital_period_s,
        cycle_walk_variance(
            float(np.mean(values)), block_s, orbital_period_s, orbital_period_error_s
        ),
    )


#: Observation row of the state ``(o, level, slope, a, a')``: the cycle's first component.
_H = np.array([1.0, 1.0, 0.0, 1.0, 0.0])
#: Size of the state.
_N_STATE = _H.size


class LevelFilter:
    """The Kalman filter of :class:`LevelModel` on the state ``(OU, level, slope, a, a')``.

    ``(a, a')`` is a cycle at the orbital period, turned by ``omega dt`` each step
    and walking by :attr:`LevelModel.cycle_walk_variance` per block on each
    component (the slip of a period error); it is diffuse at the first block and
    never reset: across a gap the orbit's phase runs on.  The level is diffuse at the
    start of every piece.

    Parameters
    ----------
    model : LevelModel
        The noise model and reference slope.
    """

    def __init__(self, model: LevelModel) -> None:
        self.model = model
        noise = model.noise
        self.total = noise.ou_variance + noise.white_variance + noise.walk_variance + 1e-30
        self.time: float | None = None
        self.offset: float | None = None
        self.x = np.zeros(_N_STATE)
        self.p = np.zeros((_N_STATE, _N_STATE))
        self.new_piece = True

    def transition(self, dt: float) -> FloatArray:
        """State transition over ``dt`` blocks."""
        decay = self.model.noise.phi**dt if self.model.noise.ou_variance > 0 else 0.0
        angle = self.model.cycle_radians_per_block * dt
        cos, sin = np.cos(angle), np.sin(angle)
        return np.array(
            [
                [decay, 0.0, 0.0, 0.0, 0.0],
                [0.0, 1.0, dt, 0.0, 0.0],
                [0.0, 0.0, 1.0, 0.0, 0.0],
                [0.0, 0.0, 0.0, cos, sin],
                [0.0, 0.0, 0.0, -sin, cos],
            ]
        )

    def gap(self) -> None:
        """The next block starts a new piece: its level is unknown."""
        self.new_piece = True

    def step(self, time: float, value: float) -> tuple[float, FloatArray, FloatArray, float, bool]:
        """Filter one block mean.

        Returns
        -------
        u : float
            Standardized innovation. [-]
        transition : ndarray (5, 5)
            The transition applied before it.
        gain : ndarray (5,)
            Kalman gain.
        sd : float
            Innovation standard deviation. [kg]
        diffuse : bool
            Whether the innovation is still mostly prior (the first mean of a piece,
            whose level is unknown, and the first means of the filter, while the
            orbital cycle is not yet pinned down): it carries (almost) no
            information on a change.
        """
        noise = self.model.noise
        if self.time is None or self.offset is None:
            self.offset = value
            self.x = np.array([0.0, 0.0, self.model.slope_kg_per_block, 0.0, 0.0])
            cycle = DIFFUSE * self.total
            self.p = np.diag(
                [noise.ou_variance, 0.0, self.model.slope_se_kg_per_block**2, cycle, cycle]
            )
            transition = np.eye(_N_STATE)
        else:
            dt = time - self.time
            transition = self.transition(dt)
            decay = transition[0, 0]
            self.x = transition @ self.x
            self.p = transition @ self.p @ transition.T
            self.p[0, 0] += noise.ou_variance * (1.0 - decay**2)
            self.p[1, 1] += noise.walk_variance * dt
            self.p[3, 3] += self.model.cycle_walk_variance * dt
            self.p[4, 4] += self.model.cycle_walk_variance * dt
        self.time = time
        if self.new_piece:
            self.p[1, :] = 0.0
            self.p[:, 1] = 0.0
            self.p[1, 1] = DIFFUSE * self.total
            self.new_piece = False
        ph = self.p @ _H
        variance = float(_H @ ph) + noise.white_variance
        diffuse = variance > DIFFUSE_INNOVATION * self.total
        innovation = (value - self.offset) - float(_H @ self.x)
        gain = ph / variance
        self.x = self.x + gain * innovation
        self.p = self.p - np.outer(gain, ph)
        self.p = 0.5 * (self.p + self.p.T)
        sd = float(np.sqrt(variance))
        return innovation / sd, transition, gain, sd, diffuse


@dataclass(frozen=True)
class RampEstimate:
    """The most likely ramp, and the projections of the joint 95 % region of (start, rate).

    The region holds every ``(tau, L)`` with ``L >= 0`` whose log-likelihood ratio
    ``L S_ru(tau) - L^2 S_rr(tau) / 2`` lies within :data:`HALF_CHI2_2_95`
    (chi2_2(0.95)/2) of the best.  Its projections are the intervals: the onset
    interval the candidates with some rate in the region, the rate interval the
    union over those candidates of their rates in the region.  The rate interval
    thereby carries the onset's uncertainty (an earlier onset goes with a lower
    rate).

    Attributes
    ----------
    onset_blocks, low_blocks, high_blocks : float
        Change point and its 95 % interval, in blocks.
    rate_kg_per_block : float
        Extra gas lost per block since the change (at the best change point). [kg]
    rate_se_kg_per_block : float
        Its standard error with the change point taken as known. [kg]
    rate_low_kg_per_block, rate_high_kg_per_block : float
        The 95 % interval of the rate. [kg]
    """

    onset_blocks: float
    low_blocks: float
    high_blocks: float
    rate_kg_per_block: float
    rate_se_kg_per_block: float
    rate_low_kg_per_block: float
    rate_high_kg_per_block: float


def joint_region(
    s_ru: FloatArray, s_rr: FloatArray, drop: float = HALF_CHI2_2_95
) -> tuple[npt.NDArray[np.bool_], FloatArray, FloatArray]:
    """Rates of each candidate inside the likelihood-ratio region of ``(tau, L >= 0)``.

    With ``l(tau, L) = L S_ru - L^2 S_rr / 2`` and ``l*`` its maximum over the
    candidates and ``L >= 0``, candidate ``tau`` holds the rates with
    ``l(tau, L) >= l* - drop``: the roots ``(S_ru +- sqrt(S_ru^2 - 2 S_rr (l* -
    drop))) / S_rr``, cut at 0.  For a regular likelihood, ``2 (l* - l(tau_0,
    L_0))`` is asymptotically chi2_2 at the truth, so ``drop = chi2_2(0.95)/2``
    gives a 95 % region and each projection covers at least as often [1]_.

    Parameters
    ----------
    s_ru, s_rr : ndarray
        The GLR sums of each candidate. [-]
    drop : float
        Log-likelihood drop that bounds the region. [-]

    Returns
    -------
    inside : ndarray of bool
        Candidates with some rate in the region.
    low, high : ndarray
        Their lowest and highest rate in it (NaN outside). [kg per block]

    References
    ----------
    .. [1] Y. Pawitan, *In All Likelihood*, Oxford University Press, 2001,
       sections 3.4 and 9.3 (likelihood regions, profile and projection).
    """
    positive = s_rr > 0
    safe = np.where(positive, s_rr, 1.0)
    best = float(np.max(RampGlr._gains(s_ru, s_rr), initial=0.0))
    discriminant = s_ru**2 - 2.0 * safe * (best - drop)
    root = np.sqrt(np.maximum(discriminant, 0.0))
    high = (s_ru + root) / safe
    low = np.maximum((s_ru - root) / safe, 0.0)
    inside = positive & (discriminant >= 0) & (high >= 0)
    nan = np.full(s_ru.shape, np.nan)
    return (
        np.asarray(inside),
        np.asarray(np.where(inside, low, nan), dtype=np.float64),
        np.asarray(np.where(inside, high, nan), dtype=np.float64),
    )


class RampGlr:
    """Windowed GLR over ramps starting at block boundaries in the last ``window`` blocks.

    Parameters
    ----------
    model : LevelModel
        Noise and reference slope.
    window_blocks : int
        Candidate change points kept (bounded memory, O(window) per update).
    """

    def __init__(self, model: LevelModel, window_blocks: int) -> None:
        if window_blocks < 1:
            raise ValueError("the GLR window must hold at least one block")
        self.filter = LevelFilter(model)
        self.window = int(window_blocks)
        # Fixed-size ring of candidates (a new one per block overwrites the oldest).
        size = self.window + 1
        self._tau = np.full(size, -np.inf)
        self._states = np.zeros((size, _N_STATE))
        self._s_ru = np.zeros(size)
        self._s_rr = np.zeros(size)
        self._next = 0
        self._now = -np.inf

    def _active(self) -> npt.NDArray[np.bool_]:
        return np.asarray(self._tau >= self._now - self.window)

    @property
    def tau(self) -> FloatArray:
        """Candidate change points in the window, oldest first. [blocks]"""
        return self._ordered(self._tau)

    @property
    def s_ru(self) -> FloatArray:
        """``sum r u`` of each candidate in :attr:`tau`. [-]"""
        return self._ordered(self._s_ru)

    @property
    def s_rr(self) -> FloatArray:
        """``sum r^2`` of each candidate in :attr:`tau`. [-]"""
        return self._ordered(self._s_rr)

    def _ordered(self, values: FloatArray) -> FloatArray:
        order = np.argsort(self._tau, kind="stable")
        keep = self._active()[order]
        return np.asarray(values[order][keep], dtype=np.float64)

    def gap(self) -> None:
        """The next block starts a new piece."""
        self.filter.gap()

    def reset(self) -> None:
        """Forget the evidence (the filter keeps its state)."""
        self._tau[:] = -np.inf
        self._s_ru[:] = 0.0
        self._s_rr[:] = 0.0

    def update(self, time: float, value: float) -> float:
        """Take the block mean ``value`` [kg] at block centre ``time`` [blocks]; return the GLR."""
        u, transition, gain, sd, diffuse = self.filter.step(time, value)
        self._now = time
        # A new candidate change point at the start of this block.
        slot = self._next
        self._next = (slot + 1) % self._tau.size
        self._tau[slot] = time - 0.5
        self._states[slot] = 0.0
        self._s_ru[slot] = 0.0
        self._s_rr[slot] = 0.0
        predicted = self._states @ transition.T
        ramp = -np.maximum(time - self._tau, 0.0)
        ramp[~np.isfinite(ramp)] = 0.0
        r = ramp - predicted @ _H
        self._states = predicted + np.outer(r, gain)
        if not diffuse:
            rw = r / sd
            self._s_ru += rw * u
            self._s_rr += rw * rw
        return self.score()

    def gains(self) -> FloatArray:
        """Log-likelihood ratio of each candidate in :attr:`tau` at its best rate >= 0. [-]"""
        return self._gains(self.s_ru, self.s_rr)

    @staticmethod
    def _gains(s_ru: FloatArray, s_rr: FloatArray) -> FloatArray:
        safe = np.where(s_rr > 0, s_rr, 1.0)
        out = np.where(s_rr > 0, np.maximum(s_ru, 0.0) ** 2 / (2 * safe), 0.0)
        return np.asarray(out, dtype=np.float64)

    def score(self) -> float:
        """The GLR statistic. [-]"""
        gains = self._gains(self._s_ru, self._s_rr)
        return float(np.max(gains, where=self._active(), initial=0.0))

    def estimate(self) -> RampEstimate | None:
        """Maximum-likelihood change point and rate, with the joint region's projections.

        See :class:`RampEstimate` and :func:`joint_region`.
        """
        tau, s_ru, s_rr = self.tau, self.s_ru, self.s_rr
        if not tau.size:
            return None
        gains = self._gains(s_ru, s_rr)
        best = int(np.argmax(gains))
        if s_rr[best] <= 0:
            return None
        inside, low, high = joint_region(s_ru, s_rr)
        return RampEstimate(
            float(tau[best]),
            float(tau[inside].min()),
            float(tau[inside].max()),
            float(s_ru[best] / s_rr[best]),
            float(1.0 / np.sqrt(s_rr[best])),
            float(np.min(low[inside])),
            float(np.max(high[inside])),
        )
