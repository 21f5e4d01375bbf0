r"""Likelihood: the probability that the leak rate exceeds a threshold within a horizon.

The log leak rate ``X(t) = ln r(t)`` (``r`` in kg/day, ``t`` days from now) is modelled as
a linear trend plus compound-Poisson step increases:

.. math::

    X(t) = m + s\,t + \sum_{i=1}^{N(t)} J_i, \qquad
    m \sim \mathcal N(\hat m, \sigma_m^2),\; s \sim \mathcal N(\hat s, \sigma_s^2),\;
    J_i \sim \mathrm{Exp}(\mathrm{mean}\ \mu_J)

* ``m`` is today's rate and its uncertainty (a fit of telemetry, or the latest figure);
* ``s`` is the slope of a weighted least-squares fit of ``ln r`` on time over a trailing
  window of the rate history, with its standard error;
* ``N(t)`` counts step increases.  Its rate ``lambda`` is uncertain: with ``k`` steps
  seen over an exposure of ``T`` days, the Jeffreys posterior is
  ``Gamma(k + 1/2, rate = T)``, so the predictive count over the horizon ``H`` is
  negative binomial with ``r = k + 1/2`` and ``p = T / (T + H)``;
* ``J`` is the log of a step's factor; its exponential distribution (one parameter, the
  mean of the observed log factors) keeps every step an increase.

Then ``P(X(H) > L)``, ``L = ln(threshold)``, has the series

.. math::

    P = \sum_{n \ge 0} \mathrm{NB}(n; r, p)\;
        \mathrm E\left[\Phi\left(\frac{\hat m + \hat s H + G_n - L}
        {\sqrt{\sigma_m^2 + H^2\sigma_s^2}}\right)\right],
    \qquad G_n \sim \mathrm{Gamma}(n, \mu_J),

with the expectation over ``G_n`` by Gauss-Legendre quadrature (``G_0 = 0``).  The probability of
exceeding **within** the horizon is that of the path maximum over ``[0, H]``:

* when the trend cannot fall (slope below zero with probability under 0.1 %), steps only
  raise the rate, so the maximum is at ``H`` and the series above is exact;
* without steps the path is a line and ``P(max(X(0), X(H)) > L)`` is a bivariate-normal
  probability, exact;
* with steps and a trend that may fall, a step can peak mid-horizon and the series is
  only a lower bound (it can be half the true value); the probability is then taken by a
  seeded Monte Carlo of the path maximum (:func:`simulate_exceedance`), and its standard
  error is reported.

References
----------
.. [1] A. Gelman et al., *Bayesian Data Analysis*, 3rd ed., CRC Press, 2013, sec. 2.6
   (Poisson-gamma model, negative-binomial predictive).
.. [2] H. Jeffreys, "An invariant form for the prior probability in estimation
   problems," *Proc. R. Soc. A* 186 (1946) 453-461. :doi:`10.1098/rspa.1946.0056`
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from hullwatch.errors import InputError
from hullwatch.quantiles import Z95
from hullwatch.risk.records import RateObservation, StepEvent
from hullwatch.units import SECONDS_PER_DAY

#: Default relative uncertainty given to a published figure stated without one:
#: its 95 % interval is taken as ``value / 1.2`` to ``value * 1.2``.
DEFAULT_FIGURE_REL_UNCERTAINTY = 0.2
#: Default trailing window of the rate history that the trend is fitted over. [days]
DEFAULT_TREND_WINDOW_DAYS = 3 * 365.25
#: Monte Carlo paths drawn when the closed form is only a bound.
DEFAULT_MC_DRAWS = 20_000
#: Largest probability of a falling slope for which the closed form counts as exact.
_FALLING_TOLERANCE = 1e-3
#: Predictive step counts are summed until this much probability is left out.
_TAIL = 1e-12


def log_sd(low: float, high: float, min_rel_uncertainty: float) -> float:
    """Standard deviation of ``ln r`` from a 95 % range, floored by a relative uncertainty.

    Parameters
    ----------
    low, high : float
        The range (taken as a 95 % interval). [kg/day]
    min_rel_uncertainty : float
        Smallest relative 95 % half-width: ``ln(1 + rel) / 1.96`` is the floor. [-]

    Returns
    -------
    float
        [-] (natural-log units)
    """
    from_range = float(np.log(high / low)) / (2.0 * Z95) if low > 0 else 0.0
    return max(from_range, float(np.log1p(min_rel_uncertainty)) / Z95)


@dataclass(frozen=True)
class LogRateTrend:
    """Today's log leak rate and the slope of its trend.

    Attributes
    ----------
    log_rate_now : float
        ``ln`` of today's rate in kg/day. [-]
    log_rate_now_sd : float
        Its standard deviation. [-]
    slope_per_day : float
        Slope of ``ln r``. [1/day]
    slope_sd_per_day : float
        Its standard error; 0 when no trend was fitted. [1/day]
    points_used : int
        Rate figures in the fit.
    window_days : float
        Trailing window fitted. [days]
    fitted : bool
        False when fewer than two figures fell in the window (slope taken as 0).
    """

    log_rate_now: float
    log_rate_now_sd: float
    slope_per_day: float = 0.0
    slope_sd_per_day: float = 0.0
    points_used: int = 0
    window_days: float = DEFAULT_TREND_WINDOW_DAYS
    fitted: bool = False

    @property
    def rate_now_kg_per_day(self) -> float:
        """Today's rate. [kg/day]"""
        return float(np.exp(self.log_rate_now))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        doubling = (
            float(np.log(2.0) / self.slope_per_day)
            if self.fitted and self.slope_per_day > 0
            else None
        )
        return {
            "fitted": self.fitted,
            "points_used": self.points_used,
            "window_days": self.window_days if np.isfinite(self.window_days) else None,
            "log_rate_now": self.log_rate_now,
            "log_rate_now_sd": self.log_rate_now_sd,
            "slope_per_year": self.slope_per_day * 365.25,
            "slope_sd_per_year": self.slope_sd_per_day * 365.25,
            "doubling_time_days": doubling,
        }


def fit_log_trend(
    observations: Sequence[RateObservation],
    now: np.datetime64,
    *,
    current: tuple[float, float] | None = None,
    window_days: float = DEFAULT_TREND_WINDOW_DAYS,
    min_rel_uncertainty: float = DEFAULT_FIGURE_REL_UNCERTAINTY,
) -> LogRateTrend:
    """Fit the trend of ``ln r`` over the rate figures up to ``now`` (causal).

    Parameters
    ----------
    observations : sequence of RateObservation
        The history; only ``rate`` rows dated at or before ``now`` are used.
    now : numpy.datetime64
        The assessment time.
    current : (float, float), optional
        Today's rate and the standard deviation of its log, e.g. from telemetry;
        by default the latest figure in the history. [kg/day], [-]
    window_days : float
        Trailing window of the fit. [days]
    min_rel_uncertainty : float
        Floor of every figure's relative 95 % half-width. [-]

    Returns
    -------
    LogRateTrend

    Raises
    ------
    InputError
        If there is neither a current rate nor any figure up to ``now``.
    """
    rates = [
        o
        for o in observations
        if o.kind == "rate" and o.time <= now and o.low_kg_per_day and o.high_kg_per_day
    ]
    if current is None and not rates:
        raise InputError("no leak rate: give a rate, telemetry, or a rate history with figures")
    if current is None:
        latest = rates[-1]
        assert latest.low_kg_per_day is not None and latest.high_kg_per_day is not None
        current = (
            float(latest.mid_kg_per_day or 0.0),
            log_sd(latest.low_kg_per_day, latest.high_kg_per_day, min_rel_uncertainty),
        )
    rate_now, sd_now = current
    if not rate_now > 0:
        raise InputError(f"the current leak rate must be positive, got {rate_now:g} kg/day")
    window = [
        o for o in rates if (now - o.time) / np.timedelta64(1, "s") <= window_days * SECONDS_PER_DAY
    ]
    trend = LogRateTrend(float(np.log(rate_now)), float(sd_now), window_days=window_days)
    if len(window) < 2:
        return LogRateTrend(
            trend.log_rate_now,
            trend.log_rate_now_sd,
            points_used=len(window),
            window_days=window_days,
        )
    days = np.array([(o.time - now) / np.timedelta64(1, "s") / SECONDS_PER_DAY for o in window])
    y = np.log([o.mid_kg_per_day or 0.0 for o in window])
    sd = np.array(
        [
            log_sd(o.low_kg_per_day or 0.0, o.high_kg_per_day or 0.0, min_rel_uncertainty)
            for o in window
        ]
    )
    if np.ptp(days) <= 0:
        return LogRateTrend(
            trend.log_rate_now,
            trend.log_rate_now_sd,
            points_used=len(window),
            window_days=window_days,
        )
    design = np.column_stack([np.ones_like(days), days])
    weights = 1.0 / sd**2
    normal = design.T @ (design * weights[:, None])
    cov = np.linalg.inv(normal)
    beta = cov @ (design.T @ (weights * y))
    dof = len(window) - 2
    if dof > 0:
        chi2 = float(np.sum(weights * (y - design @ beta) ** 2))
        cov = cov * max(1.0, chi2 / dof)
    return LogRateTrend(
        log_rate_now=trend.log_rate_now,
        log_rate_now_sd=trend.log_rate_now_sd,
        slope_per_day=float(beta[1]),
        slope_sd_per_day=float(np.sqrt(cov[1, 1])),
        points_used=len(window),
        window_days=window_days,
        fitted=True,
    )


@dataclass(frozen=True)
class StepModel:
    """Step increases: how often (Poisson, Jeffreys posterior) and how large (exponential).

    Attributes
    ----------
    events : tuple of StepEvent
        The steps seen.
    exposure_days : float
        Time over which they were looked for. [days]
    mean_log_factor : float or None
        Mean of ``ln(factor)``; None when no step was seen (steps then do not enter). [-]
    """

    events: tuple[StepEvent, ...]
    exposure_days: float
    mean_log_factor: float | None

    @property
    def count(self) -> int:
        """Steps seen."""
        return len(self.events)

    @property
    def active(self) -> bool:
        """Whether steps enter the likelihood (at least one seen, over a positive exposure)."""
        return self.count > 0 and self.exposure_days > 0 and self.mean_log_factor is not None

    @property
    def largest_factor(self) -> float | None:
        """Largest step factor seen. [-]"""
        return max((e.factor for e in self.events), default=None)

    def rate_per_day(self) -> tuple[float, tuple[float, float]]:
        """Posterior mean and 95 % interval of the step rate (Jeffreys prior). [1/day]"""
        if self.exposure_days <= 0:
            return 0.0, (0.0, 0.0)
        posterior = stats.gamma(self.count + 0.5, scale=1.0 / self.exposure_days)
        return float(posterior.mean()), (float(posterior.ppf(0.025)), float(posterior.ppf(0.975)))

    def count_pmf(self, horizon_days: float) -> np.ndarray:
        """Predictive probability of 0, 1, 2, ... steps within the horizon (negative binomial)."""
        if not self.active:
            return np.array([1.0])
        shape = self.count + 0.5
        p = self.exposure_days / (self.exposure_days + horizon_days)
        dist = stats.nbinom(shape, p)
        n_max = int(dist.ppf(1.0 - _TAIL)) + 1
        return np.asarray(dist.pmf(np.arange(n_max + 1)), dtype=float)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        mean, (lo, hi) = self.rate_per_day()
        return {
            "count": self.count,
            "exposure_days": self.exposure_days,
            "rate_per_year": mean * 365.25,
            "rate_per_year_ci95": [lo * 365.25, hi * 365.25],
            "mean_log_factor": self.mean_log_factor,
            "mean_factor": None
            if self.mean_log_factor is None
            else float(np.exp(self.mean_log_factor)),
            "largest_factor": self.largest_factor,
            "used": self.active,
            "events": [e.to_dict() for e in self.events],
        }


def steps_from_history(
    observations: Sequence[RateObservation],
    now: np.datetime64,
    *,
    min_rel_uncertainty: float = DEFAULT_FIGURE_REL_UNCERTAINTY,
) -> list[StepEvent]:
    """Step increases between consecutive rate figures up to ``now`` (causal).

    A step is a rise between consecutive figures whose 95 % ranges (each at least
    ``value */ (1 + min_rel_uncertainty)``) do not overlap; its factor is the ratio of
    the geometric mid-points.

    Parameters
    ----------
    observations : sequence of RateObservation
        The history.
    now : numpy.datetime64
        Only figures dated at or before it are used.
    min_rel_uncertainty : float
        Floor of each figure's relative 95 % half-width. [-]

    Returns
    -------
    list of StepEvent
    """
    rates = [o for o in observations if o.kind == "rate" and o.time <= now]
    steps: list[StepEvent] = []
    for a, b in itertools.pairwise(rates):
        ma, mb = a.mid_kg_per_day or 0.0, b.mid_kg_per_day or 0.0
        sa = log_sd(a.low_kg_per_day or 0.0, a.high_kg_per_day or 0.0, min_rel_uncertainty)
        sb = log_sd(b.low_kg_per_day or 0.0, b.high_kg_per_day or 0.0, min_rel_uncertainty)
        if ma > 0 and mb > 0 and np.log(mb) - Z95 * sb > np.log(ma) + Z95 * sa:
            steps.append(StepEvent(b.time, mb / ma, "history"))
    return steps


def fit_step_model(
    steps: Sequence[StepEvent], exposure_days: float, *, mean_log_factor: float | None = None
) -> StepModel:
    """A :class:`StepModel` from the steps seen over an exposure.

    Parameters
    ----------
    steps : sequence of StepEvent
        Steps seen.
    exposure_days : float
        Time over which steps were looked for. [days]
    mean_log_factor : float, optional
        Override of the step-size mean (``ln`` of a factor); by default the mean of
        the observed ``ln(factor)``. [-]

    Returns
    -------
    StepModel
    """
    if exposure_days < 0 or not np.isfinite(exposure_days):
        raise InputError(f"the step exposure must be >= 0 days, got {exposure_days:g}")
    factors = [s.factor for s in steps]
    if any(f <= 1.0 for f in factors):
        raise InputError("a step increase must have a factor above 1")
    if mean_log_factor is None and factors:
        mean_log_factor = float(np.mean(np.log(factors)))
    return StepModel(
        tuple(sorted(steps, key=lambda s: s.time)), float(exposure_days), mean_log_factor
    )


@dataclass(frozen=True)
class Exceedance:
    """Probabilities of exceeding the threshold.

    Attributes
    ----------
    probability : float
        Within the horizon: the path maximum over ``[0, H]`` (see ``method``). [-]
    now : float
        Already above the threshold. [-]
    at_horizon : float
        Above it at the horizon's end, trend and steps. [-]
    trend_only : float
        Within the horizon from the trend alone (no steps). [-]
    exact : bool
        True when ``probability`` is a closed form (no Monte Carlo error).
    method : str
        ``closed_form`` (no steps, or a trend that cannot fall) or ``monte_carlo``
        (steps and a trend that may fall: the path can peak mid-horizon).
    mc_standard_error : float or None
        Standard error of a Monte Carlo ``probability``. [-]
    """

    probability: float
    now: float
    at_horizon: float
    trend_only: float
    exact: bool
    method: str = "closed_form"
    mc_standard_error: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "probability": self.probability,
            "probability_now": self.now,
            "probability_at_horizon": self.at_horizon,
            "probability_trend_only": self.trend_only,
            "exact": self.exact,
            "method": self.method,
            "mc_standard_error": self.mc_standard_error,
        }


#: Gauss-Legendre nodes and weights on [-1, 1] for the level integral.
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(200)
#: Half-width of the level integral in standard deviations.
_SPAN_SD = 12.0


def _tail_above(mean: float, sd: float, level: float, n: int, scale: float) -> float:
    """``P(Z + G > level)``, ``Z ~ N(mean, sd^2)``, ``G ~ Gamma(n, scale)`` (``G = 0`` for n = 0).

    Since ``G >= 0``, every ``Z > level`` counts in full; below it the integral
    ``int phi(z) Gamma.sf(level - z) dz`` has a smooth integrand and is taken by
    200-point Gauss-Legendre over ``mean - 12 sd`` to ``level``.
    """
    if n == 0:
        return float(stats.norm.sf(level, mean, sd)) if sd > 0 else float(mean > level)
    if sd <= 0:
        return float(stats.gamma.sf(level - mean, n, scale=scale))
    above = float(stats.norm.sf(level, mean, sd))
    low = mean - _SPAN_SD * sd
    high = min(level, mean + _SPAN_SD * sd)
    if high <= low:
        return above
    half = 0.5 * (high - low)
    z = low + half * (_NODES + 1.0)
    below = half * float(
        np.sum(_WEIGHTS * stats.norm.pdf(z, mean, sd) * stats.gamma.sf(level - z, n, scale=scale))
    )
    return float(min(max(above + below, 0.0), 1.0))


def exceedance_probability(
    trend: LogRateTrend,
    steps: StepModel,
    threshold_kg_per_day: float,
    horizon_days: float,
    *,
    mc_draws: int = DEFAULT_MC_DRAWS,
    mc_seed: int = 0,
) -> Exceedance:
    """Probability that the leak rate exceeds ``threshold_kg_per_day`` within the horizon.

    Parameters
    ----------
    trend : LogRateTrend
        Today's rate and the trend.
    steps : StepModel
        Step frequency and size.
    threshold_kg_per_day : float
        The programme threshold. [kg/day]
    horizon_days : float
        The horizon. [days]
    mc_draws : int
        Monte Carlo paths, used only for a trend that may fall with steps.
    mc_seed : int
        Their seed (the result is reproducible).

    Returns
    -------
    Exceedance

    Examples
    --------
    A rate of 1 kg/day known to 10 % (log sd), no trend, no steps, against 1.2 kg/day:

    >>> t = LogRateTrend(0.0, 0.1)
    >>> round(exceedance_probability(t, fit_step_model([], 0.0), 1.2, 90).probability, 4)
    0.0341
    """
    if not threshold_kg_per_day > 0:
        raise InputError(f"the threshold must be positive, got {threshold_kg_per_day:g} kg/day")
    if not horizon_days > 0:
        raise InputError(f"the horizon must be positive, got {horizon_days:g} days")
    level = float(np.log(threshold_kg_per_day))
    mean_h = trend.log_rate_now + trend.slope_per_day * horizon_days
    sd_h = float(np.hypot(trend.log_rate_now_sd, horizon_days * trend.slope_sd_per_day))
    now = _tail_above(trend.log_rate_now, trend.log_rate_now_sd, level, 0, 1.0)
    trend_only = _trend_path_above(trend, level, horizon_days)
    slope_negative = (
        float(stats.norm.cdf(0.0, trend.slope_per_day, trend.slope_sd_per_day))
        if trend.slope_sd_per_day > 0
        else float(trend.slope_per_day < 0)
    )
    if not steps.active:
        at_h = _tail_above(mean_h, sd_h, level, 0, 1.0)
        return Exceedance(trend_only, now, at_h, trend_only, True)
    pmf = steps.count_pmf(horizon_days)
    scale = steps.mean_log_factor or 1.0
    at_h = sum(float(w) * _tail_above(mean_h, sd_h, level, n, scale) for n, w in enumerate(pmf))
    at_h = min(at_h + (1.0 - float(pmf.sum())), 1.0)
    if slope_negative < _FALLING_TOLERANCE:
        return Exceedance(max(now, at_h), now, at_h, trend_only, True)
    # A falling trend with steps: a step can peak mid-horizon; take the path maximum by
    # seeded Monte Carlo (reproducible), never below the exact lower bounds.
    p_mc = simulate_exceedance(
        trend,
        steps,
        threshold_kg_per_day,
        horizon_days,
        n_draws=mc_draws,
        rng=np.random.default_rng(mc_seed),
    )
    se = float(np.sqrt(max(p_mc * (1.0 - p_mc), 0.0) / mc_draws))
    return Exceedance(
        max(p_mc, now, at_h, trend_only), now, at_h, trend_only, False, "monte_carlo", se
    )


def _trend_path_above(trend: LogRateTrend, level: float, horizon_days: float) -> float:
    """``P(max(X(0), X(H)) > level)`` for the trend alone: exact, as its path is a line."""
    m, sd_m = trend.log_rate_now, trend.log_rate_now_sd
    s, sd_s = trend.slope_per_day, trend.slope_sd_per_day
    if sd_s <= 0:
        return _tail_above(m + max(s, 0.0) * horizon_days, sd_m, level, 0, 1.0)
    if sd_m <= 0:
        if m > level:
            return 1.0
        return float(stats.norm.sf(level, m + s * horizon_days, horizon_days * sd_s))
    # P(X(0) <= L, X(H) <= L) = int_{-inf}^{L} phi_m(x) Phi((L - x - s H) / (H sd_s)) dx,
    # by Gauss-Legendre over m - 12 sd_m to L (zero when L is far below).
    low = m - _SPAN_SD * sd_m
    high = min(level, m + _SPAN_SD * sd_m)
    if high <= low:
        return 1.0
    half = 0.5 * (high - low)
    x = low + half * (_NODES + 1.0)
    inner = stats.norm.cdf(level - x, s * horizon_days, horizon_days * sd_s)
    below = half * float(np.sum(_WEIGHTS * stats.norm.pdf(x, m, sd_m) * inner))
    return float(min(max(1.0 - below, 0.0), 1.0))


def simulate_exceedance(
    trend: LogRateTrend,
    steps: StepModel,
    threshold_kg_per_day: float,
    horizon_days: float,
    *,
    n_draws: int = 20_000,
    rng: np.random.Generator | None = None,
) -> float:
    """Monte Carlo probability that the path of ``ln r`` exceeds the threshold within the horizon.

    Draws today's level, the slope, the step rate (from its posterior), the step count,
    times and sizes, and takes each path's exact maximum over ``[0, H]`` (at ``0``, at
    ``H``, or just after a step).  For checking :func:`exceedance_probability`.

    Parameters
    ----------
    trend, steps, threshold_kg_per_day, horizon_days
        As for :func:`exceedance_probability`.
    n_draws : int
        Paths drawn.
    rng : numpy.random.Generator, optional
        Random source.

    Returns
    -------
    float
        The fraction of paths that exceed. [-]
    """
    rng = rng or np.random.default_rng()
    level = float(np.log(threshold_kg_per_day))
    m = rng.normal(trend.log_rate_now, trend.log_rate_now_sd, n_draws)
    s = rng.normal(trend.slope_per_day, trend.slope_sd_per_day, n_draws)
    peak = np.maximum(m, m + s * horizon_days)
    if steps.active:
        assert steps.mean_log_factor is not None
        lam = rng.gamma(steps.count + 0.5, 1.0 / steps.exposure_days, n_draws)
        counts = rng.poisson(lam * horizon_days)
        for n in np.unique(counts[counts > 0]):
            rows = np.flatnonzero(counts == n)
            times = np.sort(rng.uniform(0.0, horizon_days, (rows.size, n)), axis=1)
            jumps = np.cumsum(rng.exponential(steps.mean_log_factor, (rows.size, n)), axis=1)
            after = m[rows, None] + s[rows, None] * times + jumps
            end = m[rows] + s[rows] * horizon_days + jumps[:, -1]
            peak[rows] = np.maximum.reduce([m[rows], end, after.max(axis=1)])
    return float(np.mean(peak > level))
