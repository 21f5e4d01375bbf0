"""Pressure forecast of a leaking compartment, with a 95 % prediction band.

From the last sample on, the compartment loses gas by the fitted leak law
``m-dot = C P^n`` (:mod:`hullwatch.analysis.rate`), isothermally and to vacuum:

.. math::

    \\frac{dP}{dt} = -k P^n, \\qquad
    k = \\frac{\\bar r R \\bar T}{V \\bar P^{\\,n}}, \\qquad
    P(t) = \\left(P_0^{1-n} + (n-1) k t\\right)^{1/(1-n)}

with ``r-bar`` the fitted leak rate at the window's mean pressure ``P-bar`` (the pivot,
where the rate and the exponent are least correlated), ``T-bar`` the window's mean
temperature and ``V`` the compartment volume.  A crack (``n`` near 2) slows as the
pressure falls; a choked hole (``n = 1``) decays exponentially.

The gas temperature moves the pressure at fixed mass (``P ∝ T``), so the forecast
pressure is ``P(t) exp(x(t) - x(t_0))`` with ``x = ln T`` modelled from the data:

* the orbital cycle (harmonics at the orbital period) fitted to the compartment's
  temperature channels, continued with its phase;
* the rest of the sensed temperature as an Ornstein-Uhlenbeck process, its variance and
  correlation time from the window, started from its last value (it relaxes back);
* the part no sensor sees (the Ornstein-Uhlenbeck part of the gas-mass residuals of the
  rate fit) and the leak flow's own wander (their random walk), both unknown at the last
  sample.

The 95 % band and the interval of the time to a threshold come from Monte Carlo draws
of the leak rate (from its 95 % interval), the last reading's quantization, and paths
of the temperature processes.  Each draw's time to threshold is its first crossing.
The exponent is not a random draw but an unknown in a set: the rate fit's 95 %
interval cut to the 1-2 of a leak to vacuum, or all of 1-2 when the data cannot tell
a hole from a crack (:func:`~hullwatch.analysis.reserve.plausible_exponents`).  The
draws are split into strata at the set's ends and middle, and the band and interval
are the envelope of the strata's, so they hold whichever exponent in the set is true.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from hullwatch.analysis.gasmass import hold_on_grid
from hullwatch.analysis.leakrate import LeakRateResult, leak_rate
from hullwatch.analysis.rate import DEFAULT_SETTINGS, RateSettings, SegmentRate
from hullwatch.analysis.reserve import FLOOR_PA, last_pressure_pa, plausible_exponents
from hullwatch.errors import AnalysisError, InputError
from hullwatch.habitat import Habitat
from hullwatch.physics.leakflow import power_law_decay_pressure_pa
from hullwatch.quantiles import Z95
from hullwatch.telemetry import Telemetry, iso_z
from hullwatch.units import (
    SECONDS_PER_DAY,
    SECONDS_PER_HOUR,
    SECONDS_PER_WEEK,
    kg_per_day_to_lb_per_day,
    pa_to_mmhg,
)

FloatArray = npt.NDArray[np.float64]
TimeArray = npt.NDArray[np.datetime64]


@dataclass(frozen=True)
class ForecastSettings:
    """Tuning of the forecast.

    Attributes
    ----------
    draws : int
        Monte Carlo draws of the parameters and temperature paths.
    step_s : float
        Time step of the simulated paths (crossings are interpolated within it). [s]
    trajectory_points : int
        Points of the reported trajectory over the horizon (the last sample included).
    thermal_grid_s : float
        Grid on which the temperature channels are read for the thermal model. [s]
    max_correlation_fraction : float
        The sensed temperature's correlation time is bounded by this share of the window.
    pressure_bias_sd_pa : float
        Standard deviation of an unknown constant bias of the pressure gauge, added to
        the band.  No sensor accuracy is published (iss-facts.md: NOT FOUND), so it is
        zero unless a programme sets it. [Pa]
    seed : int
        Seed of the draws (the forecast is reproducible).
    """

    draws: int = 2000
    step_s: float = 600.0
    trajectory_points: int = 169
    thermal_grid_s: float = 60.0
    max_correlation_fraction: float = 0.5
    pressure_bias_sd_pa: float = 0.0
    seed: int = 0


DEFAULT_FORECAST_SETTINGS = ForecastSettings()


@dataclass(frozen=True)
class ThermalModel:
    """Relative pressure variation at fixed mass, ``x = ln T``, as used by the forecast.

    Attributes
    ----------
    omega_rad_per_s : float
        Orbital angular frequency. [rad/s]
    harmonics : ndarray
        ``(sin, cos)`` coefficients per harmonic of the orbital cycle of ``x``. [-]
    phase_origin : numpy.datetime64
        Time origin of the harmonics.
    ou_sd : float
        Standard deviation of the rest of the sensed ``x``. [-]
    ou_time_s : float
        Its correlation time. [s]
    last_deviation : float
        Its value at the last sample. [-]
    unseen_sd : float
        Standard deviation of the unseen part (gas temperature no sensor sees). [-]
    unseen_time_s : float
        Its correlation time. [s]
    walk_per_s : float
        Variance rate of the random walk of the relative gas mass (the leak's wander). [1/s]
    """

    omega_rad_per_s: float
    harmonics: FloatArray
    phase_origin: np.datetime64
    ou_sd: float
    ou_time_s: float
    last_deviation: float
    unseen_sd: float
    unseen_time_s: float
    walk_per_s: float

    def seasonal(self, times: TimeArray) -> FloatArray:
        """The orbital cycle of ``x`` at ``times``. [-]"""
        t = (times - self.phase_origin) / np.timedelta64(1, "s")
        out = np.zeros(t.shape)
        for k, (s, c) in enumerate(self.harmonics.reshape(-1, 2), start=1):
            out += s * np.sin(k * self.omega_rad_per_s * t) + c * np.cos(
                k * self.omega_rad_per_s * t
            )
        return out

    def mean_path(self, times: TimeArray, elapsed_s: FloatArray) -> FloatArray:
        """Expected ``x(t) - x(t0)`` along the forecast (``elapsed_s`` from ``t0``). [-]"""
        rho = np.exp(-elapsed_s / self.ou_time_s) if self.ou_time_s > 0 else 0.0 * elapsed_s
        seasonal = self.seasonal(times)
        return seasonal - seasonal[0] + self.last_deviation * (rho - 1.0)

    def paths(
        self, times: TimeArray, elapsed_s: FloatArray, draws: int, rng: np.random.Generator
    ) -> FloatArray:
        """Draws of ``x(t) - x(t0)`` plus the relative mass walk, shape ``(draws, len(t))``."""
        out = np.tile(self.mean_path(times, elapsed_s), (draws, 1))
        dt = np.diff(elapsed_s)
        out += _ou_paths(0.0, self.ou_sd, self.ou_time_s, dt, draws, rng, from_stationary=False)
        out += _ou_paths(0.0, self.unseen_sd, self.unseen_time_s, dt, draws, rng, True)
        if self.walk_per_s > 0:
            steps = rng.standard_normal((draws, dt.size)) * np.sqrt(self.walk_per_s * dt)
            out[:, 1:] += np.cumsum(steps, axis=1)
        return out


def _ou_paths(
    start: float,
    sd: float,
    time_s: float,
    dt: FloatArray,
    draws: int,
    rng: np.random.Generator,
    from_stationary: bool,
) -> FloatArray:
    """Paths of ``u(t) - u(0)`` of an Ornstein-Uhlenbeck process on steps ``dt``.

    With ``from_stationary`` the start is unknown (drawn from the stationary law), so the
    paths are the change from it; otherwise the start is known, its mean reversion is in
    :meth:`ThermalModel.mean_path`, and the paths carry the innovations only.
    """
    out = np.zeros((draws, dt.size + 1))
    if sd <= 0 or time_s <= 0:
        return out
    u0 = rng.standard_normal(draws) * sd if from_stationary else np.full(draws, start)
    u = u0.copy()
    mean = np.full(draws, start)
    for i, step in enumerate(dt, start=1):
        rho = np.exp(-step / time_s)
        u = rho * u + np.sqrt(1.0 - rho**2) * sd * rng.standard_normal(draws)
        mean = rho * mean
        out[:, i] = u - u0 if from_stationary else u - mean
    return out


def fit_thermal_model(
    telemetry: Telemetry,
    habitat: Habitat,
    segment: SegmentRate,
    settings: RateSettings = DEFAULT_SETTINGS,
    forecast_settings: ForecastSettings = DEFAULT_FORECAST_SETTINGS,
) -> tuple[ThermalModel, list[str]]:
    """The temperature model of the forecast, from the segment's temperature channels.

    Parameters
    ----------
    telemetry : Telemetry
        The data.
    habitat : Habitat
        The habitat.
    segment : SegmentRate
        The fitted segment (its window, compartment and residual noise).
    settings : RateSettings
        The rate fit's settings (orbital period, harmonics, bin length).
    forecast_settings : ForecastSettings
        Thermal grid and correlation bound.

    Returns
    -------
    model : ThermalModel
    assumptions : list of str
    """
    assumptions: list[str] = []
    omega = 2.0 * np.pi / settings.orbital_period_s
    step = np.timedelta64(round(forecast_settings.thermal_grid_s * 1e9), "ns")
    grid = np.arange(segment.start, segment.end + step, step)
    window = telemetry.window(segment.start, segment.end)
    available = set(window.channels())
    series, weights = [], []
    for module in segment.compartment:
        channels = [c.id for c in habitat.channels_for(module, "temperature") if c.id in available]
        for cid in channels:
            times, kelvin = window.channel(cid)
            series.append(np.log(hold_on_grid(times, kelvin, grid)))
            weights.append(habitat.module(module).volume_m3 / len(channels))
    harmonics = np.zeros(2 * settings.harmonics)
    ou_sd, ou_time, last = 0.0, 0.0, 0.0
    if series:
        stacked = np.vstack(series)
        w = np.asarray(weights)[:, None] * np.isfinite(stacked)
        x = np.nansum(np.nan_to_num(stacked) * w, axis=0) / np.maximum(w.sum(axis=0), 1e-300)
        keep = w.sum(axis=0) > 0
        t = (grid - segment.start) / np.timedelta64(1, "s")
        columns = [np.ones(t.size)]
        for k in range(1, settings.harmonics + 1):
            columns += [np.sin(k * omega * t), np.cos(k * omega * t)]
        design = np.column_stack(columns)
        if keep.sum() > design.shape[1] + 10:
            coef = np.linalg.lstsq(design[keep], x[keep], rcond=None)[0]
            harmonics = coef[1:]
            residual = x[keep] - design[keep] @ coef
            ou_sd = float(np.std(residual))
            ou_time = _correlation_time_s(
                residual,
                forecast_settings.thermal_grid_s,
                forecast_settings.max_correlation_fraction * float(t[keep][-1] - t[keep][0]),
            )
            last = float(residual[-1])
    else:
        assumptions.append(
            "no temperature channel in the compartment: the forecast leaves out the sensed "
            "temperature's swing of the pressure"
        )
    unseen_sd, unseen_time, walk = 0.0, 0.0, 0.0
    if segment.noise is not None and segment.fitted is not None:
        mass = float(np.nanmean(segment.fitted[1]))
        noise = segment.noise
        unseen_sd = float(np.sqrt(max(noise.ou_variance, 0.0))) / mass
        if 0.0 < noise.phi < 1.0:
            unseen_time = -settings.bin_s / float(np.log(noise.phi))
        walk = max(noise.walk_variance, 0.0) / mass**2 / settings.bin_s
    model = ThermalModel(
        omega, harmonics, segment.start, ou_sd, ou_time, last, unseen_sd, unseen_time, walk
    )
    return model, assumptions


def _correlation_time_s(residual: FloatArray, step_s: float, bound_s: float) -> float:
    """Integral of the autocorrelation up to its first zero, bounded. [s]"""
    centred = residual - residual.mean()
    n = centred.size
    variance = float(centred @ centred) / n
    if variance <= 0:
        return 0.0
    spectrum = np.fft.rfft(centred, 2 * n)
    acf = np.fft.irfft(spectrum * np.conj(spectrum))[:n] / (variance * np.arange(n, 0, -1))
    max_lag = max(1, int(bound_s / step_s))
    acf = acf[: max_lag + 1]
    below = np.flatnonzero(acf <= 0.0)
    stop = int(below[0]) if below.size else acf.size
    return float(min(np.sum(acf[:stop]) * step_s, bound_s))


@dataclass(frozen=True)
class ForecastResult:
    """Forecast pressure of a compartment and its time to a threshold.

    Attributes
    ----------
    module : str
        The module asked about.
    compartment : tuple of str
        Its compartment at the last sample.
    threshold_pa : float
        The threshold. [Pa]
    last_sample : numpy.datetime64
        Where the forecast starts (UTC).
    time_to_threshold_s : float or None
        From the last sample [s]; ``None`` when not reached within the horizon.
    ci95_s : tuple or None
        Its 95 % interval [s]; an upper end of ``None`` lies beyond the horizon.
    times : ndarray of datetime64[ns]
        Trajectory times.
    pressure_pa, lo95_pa, hi95_pa : ndarray
        Central forecast and 95 % band. [Pa]
    horizon_s : float
        Horizon. [s]
    leak_rate_kg_per_day, ci95_kg_per_day : float and tuple
        The fitted rate at the pivot pressure used. [kg/day]
    pivot_pressure_pa : float
        The window's mean pressure, where that rate holds. [Pa]
    flow_exponent : float
        Exponent of the central forecast. [-]
    exponent_range : tuple of float
        The exponents the band spans: the rate fit's 95 % interval cut to 1-2, or 1 to 2
        when the data cannot tell. [-]
    exponent_identified : bool
        Whether the data estimated the exponent.
    exponent_ci95 : tuple of float or None
        The rate fit's 95 % interval of the exponent, before the cut. [-]
    assumptions : list of str
    reason : str or None
        Why ``time_to_threshold_s`` is ``None``.
    history : tuple of arrays
        Measured compartment pressure ``(times, Pa)`` over the window (for plots).
    probability_reached : float
        Share of the draws reaching the threshold within the horizon. [-]
    """

    module: str
    compartment: tuple[str, ...]
    threshold_pa: float
    last_sample: np.datetime64
    time_to_threshold_s: float | None
    ci95_s: tuple[float, float | None] | None
    times: TimeArray
    pressure_pa: FloatArray
    lo95_pa: FloatArray
    hi95_pa: FloatArray
    horizon_s: float
    leak_rate_kg_per_day: float
    ci95_kg_per_day: tuple[float, float]
    pivot_pressure_pa: float
    flow_exponent: float
    exponent_range: tuple[float, float]
    exponent_identified: bool
    probability_reached: float
    exponent_ci95: tuple[float, float] | None = None
    assumptions: list[str] = field(default_factory=list)
    reason: str | None = None
    history: tuple[TimeArray, FloatArray] | None = field(default=None, repr=False, compare=False)

    @property
    def time_to_threshold_h(self) -> float | None:
        """Time to threshold from the last sample. [h]"""
        return _hours(self.time_to_threshold_s)

    def to_dict(self) -> dict[str, Any]:
        """The ``hullwatch forecast --json`` object (formats.md section 3), plus extra keys."""
        ci = None if self.ci95_s is None else [_hours(self.ci95_s[0]), _hours(self.ci95_s[1])]
        payload: dict[str, Any] = {
            "module": self.module,
            "compartment": list(self.compartment),
            "threshold_mmHg": float(pa_to_mmhg(self.threshold_pa)),
            "time_to_threshold_h": self.time_to_threshold_h,
            "ci95_h": ci,
            "trajectory": [
                {
                    "time": iso_z(t),
                    "pressure_mmHg": float(pa_to_mmhg(p)),
                    "lo95": float(pa_to_mmhg(lo)),
                    "hi95": float(pa_to_mmhg(hi)),
                }
                for t, p, lo, hi in zip(
                    self.times, self.pressure_pa, self.lo95_pa, self.hi95_pa, strict=True
                )
            ],
            "last_sample": iso_z(self.last_sample),
            "horizon_h": self.horizon_s / SECONDS_PER_HOUR,
            "probability_reached_in_horizon": self.probability_reached,
            "leak_rate_kg_per_day": self.leak_rate_kg_per_day,
            "leak_rate_lb_per_day": float(kg_per_day_to_lb_per_day(self.leak_rate_kg_per_day)),
            "ci95_kg_per_day": list(self.ci95_kg_per_day),
            "rate_at_pressure_mmHg": float(pa_to_mmhg(self.pivot_pressure_pa)),
            "flow_exponent": {
                "value": self.flow_exponent,
                "range": list(self.exponent_range),
                "identified": self.exponent_identified,
                "ci95": None if self.exponent_ci95 is None else list(self.exponent_ci95),
            },
            "assumptions": list(self.assumptions),
        }
        if self.reason is not None:
            payload["reason"] = self.reason
        return payload


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else float(seconds / SECONDS_PER_HOUR)


def first_crossing_s(
    elapsed_s: FloatArray, pressure_pa: FloatArray, threshold_pa: float
) -> FloatArray:
    """First time each path falls to ``threshold_pa`` (linear between steps). [s]

    Parameters
    ----------
    elapsed_s : ndarray, shape (m,)
        Times of the path points. [s]
    pressure_pa : ndarray, shape (draws, m) or (m,)
        Paths. [Pa]
    threshold_pa : float
        Threshold. [Pa]

    Returns
    -------
    ndarray, shape (draws,) or ()
        Crossing times; ``inf`` for a path that never reaches the threshold.

    Examples
    --------
    >>> float(first_crossing_s(np.array([0.0, 10.0]), np.array([5.0, 3.0]), 4.0))
    5.0
    """
    paths = np.atleast_2d(pressure_pa)
    below = paths <= threshold_pa
    reached = below.any(axis=1)
    index = np.argmax(below, axis=1)
    out = np.full(paths.shape[0], np.inf)
    rows = np.flatnonzero(reached & (index > 0))
    i = index[rows]
    p_before, p_after = paths[rows, i - 1], paths[rows, i]
    share = (p_before - threshold_pa) / (p_before - p_after)
    out[rows] = elapsed_s[i - 1] + share * (elapsed_s[i] - elapsed_s[i - 1])
    out[reached & (index == 0)] = elapsed_s[0]
    return out if np.ndim(pressure_pa) > 1 else out.reshape(())


def _envelope(values: FloatArray, strata: npt.NDArray[np.int64]) -> tuple[FloatArray, FloatArray]:
    """Smallest 2.5 and largest 97.5 percentile over the strata (``inf`` kept as ``inf``)."""
    finite_max = np.finfo(np.float64).max
    clipped = np.minimum(values, finite_max)
    lows, highs = [], []
    for label in np.unique(strata):
        lo, hi = np.percentile(clipped[strata == label], [2.5, 97.5], axis=0)
        lows.append(lo)
        highs.append(hi)
    low, high = np.min(lows, axis=0), np.max(highs, axis=0)
    return (
        np.where(low >= finite_max, np.inf, low),
        np.where(high >= finite_max, np.inf, high),
    )


def forecast_pressure(
    telemetry: Telemetry,
    habitat: Habitat,
    module: str,
    threshold_pa: float | None = None,
    horizon_s: float = SECONDS_PER_WEEK,
    start: np.datetime64 | None = None,
    end: np.datetime64 | None = None,
    *,
    settings: ForecastSettings = DEFAULT_FORECAST_SETTINGS,
    rate_settings: RateSettings = DEFAULT_SETTINGS,
    fit: LeakRateResult | None = None,
) -> ForecastResult:
    """Forecast the pressure of ``module``'s compartment from the last sample on.

    Parameters
    ----------
    telemetry : Telemetry
        The data.
    habitat : Habitat
        The habitat.
    module : str
        A module of the compartment.
    threshold_pa : float, optional
        Pressure whose crossing is timed; the 520 mmHg floor by default. [Pa]
    horizon_s : float
        How far to forecast. [s]
    start, end : numpy.datetime64, optional
        The window of the leak fit (the data's span by default); the forecast starts
        at its last sample.
    settings : ForecastSettings
        Draws, steps and seed.
    rate_settings : RateSettings
        Settings of the leak fit.
    fit : LeakRateResult, optional
        An existing leak fit of the same window (not recomputed).

    Returns
    -------
    ForecastResult

    Raises
    ------
    InputError
        For a non-positive horizon or threshold, or a threshold at or above the current
        pressure.
    AnalysisError
        When the last hatch configuration has no leak estimate.
    """
    if not (np.isfinite(horizon_s) and horizon_s > 0):
        raise InputError(f"the horizon must be positive, not {horizon_s:g} s", field="--horizon")
    threshold = FLOOR_PA if threshold_pa is None else float(threshold_pa)
    if not (np.isfinite(threshold) and threshold > 0):
        raise InputError(
            f"the threshold must be a positive pressure, not {pa_to_mmhg(threshold):g} mmHg",
            field="--threshold-mmhg",
        )
    if fit is None:
        fit = leak_rate(telemetry, habitat, module, start, end, settings=rate_settings)
    segment = fit.last
    if segment.leak_rate_kg_per_day is None or segment.ci95_kg_per_day is None:
        raise AnalysisError(f"no leak rate for the last hatch configuration: {segment.reason}")
    p0, _ = last_pressure_pa(telemetry, habitat, segment.compartment, segment.end)
    if threshold >= p0:
        raise InputError(
            f"the threshold {pa_to_mmhg(threshold):.1f} mmHg is not below the current pressure "
            f"of {'+'.join(segment.compartment)} ({pa_to_mmhg(p0):.1f} mmHg at "
            f"{iso_z(segment.end)}): a leak never takes the pressure up to it",
            field="--threshold-mmhg",
        )
    rng = np.random.default_rng(settings.seed)
    assumptions = list(segment.assumptions)
    thermal, notes = fit_thermal_model(telemetry, habitat, segment, rate_settings, settings)
    assumptions += notes

    # The path grid: whole steps up to the horizon, and the reported trajectory on it.
    steps = max(1, int(np.ceil(horizon_s / settings.step_s)))
    elapsed = np.linspace(0.0, horizon_s, steps + 1)
    times = segment.end + np.round(elapsed * 1e9).astype("timedelta64[ns]")

    rate = segment.leak_rate_kg_per_day
    lo, hi = segment.ci95_kg_per_day
    rate_sd = (hi - lo) / (2.0 * Z95)
    # The exponent is an unknown in a set, not a random draw: strata at the set's ends
    # and middle, and the band is the envelope over them (:func:`_envelope`).
    exponent_set = plausible_exponents(segment)
    n_central, n_range = exponent_set.central, exponent_set.range
    identified = exponent_set.identified
    exponents = np.unique(np.linspace(*n_range, 3))
    strata = np.arange(settings.draws, dtype=np.int64) % exponents.size
    n_draws = exponents[strata]
    if not identified:
        assumptions.append(
            f"the flow exponent is not identified by the data: the central forecast uses the "
            f"rate fit's n = {n_central:g}, and the band and interval hold for any n from "
            "1 (hole) to 2 (crack)"
        )
    if exponent_set.note is not None:
        assumptions.append(exponent_set.note)
    rate_draws = np.maximum(rate + rate_sd * rng.standard_normal(settings.draws), 0.0)
    pivot = segment.mean_pressure_pa
    scale = fit.gas.gas_constant_j_per_kg_k * segment.mean_temperature_k / segment.volume_m3

    def decay(p_start: Any, rate_kg_per_day: Any, exponent: Any) -> FloatArray:
        n: Any = np.asarray(exponent, dtype=np.float64)[..., None]
        k: Any = np.asarray(rate_kg_per_day, dtype=np.float64)[..., None] / SECONDS_PER_DAY
        k = k * scale / pivot**n
        p: Any = np.asarray(p_start, dtype=np.float64)[..., None]
        return np.asarray(power_law_decay_pressure_pa(elapsed[None, :], p, k, n), dtype=np.float64)

    central = decay(p0, max(rate, 0.0), n_central)[0] * np.exp(thermal.mean_path(times, elapsed))
    quantum = _reading_sd_pa(telemetry, habitat, segment)
    p_start = p0 + np.sqrt(quantum**2 + settings.pressure_bias_sd_pa**2) * rng.standard_normal(
        settings.draws
    )
    paths = decay(p_start, rate_draws, n_draws) * np.exp(
        thermal.paths(times, elapsed, settings.draws, rng)
    )
    lo95, hi95 = _envelope(paths, strata)
    crossings = first_crossing_s(elapsed, paths, threshold)
    estimate = float(first_crossing_s(elapsed, central, threshold))
    reached = np.isfinite(crossings)
    ci: tuple[float, float | None] | None = None
    c_lo, c_hi = (float(v) for v in _envelope(crossings, strata))
    if np.isfinite(c_lo):
        ci = (c_lo, c_hi if np.isfinite(c_hi) else None)
    reason = None
    time_to_threshold: float | None = estimate if np.isfinite(estimate) else None
    if time_to_threshold is None:
        reason = (
            f"the central forecast does not reach {pa_to_mmhg(threshold):.1f} mmHg within the "
            f"horizon of {horizon_s / SECONDS_PER_HOUR:g} h (it ends at "
            f"{pa_to_mmhg(central[-1]):.1f} mmHg)"
            if rate > 0
            else "the fitted leak rate is not positive: the pressure is not falling"
        )
    assumptions += [
        "the leak keeps its fitted law from the last sample on, with no repressurization "
        "or hatch change, isothermal at the window's mean temperature apart from the "
        "modelled temperature swing",
        "the orbital temperature cycle keeps its fitted amplitude and phase",
    ]
    if settings.pressure_bias_sd_pa == 0.0:
        assumptions.append(
            "the pressure gauge is taken as unbiased (no sensor accuracy is published)"
        )
    thin = np.unique(np.linspace(0, elapsed.size - 1, settings.trajectory_points).round())
    index = thin.astype(int)
    return ForecastResult(
        module=module,
        compartment=segment.compartment,
        threshold_pa=threshold,
        last_sample=segment.end,
        time_to_threshold_s=time_to_threshold,
        ci95_s=ci,
        times=times[index],
        pressure_pa=central[index],
        lo95_pa=lo95[index],
        hi95_pa=hi95[index],
        horizon_s=float(horizon_s),
        leak_rate_kg_per_day=rate,
        ci95_kg_per_day=(lo, hi),
        pivot_pressure_pa=pivot,
        flow_exponent=n_central,
        exponent_range=n_range,
        exponent_identified=identified,
        exponent_ci95=segment.flow_exponent_ci95,
        probability_reached=float(reached.mean()),
        assumptions=assumptions,
        reason=reason,
        history=_history(telemetry, habitat, segment),
    )


def _pressure_channels(telemetry: Telemetry, habitat: Habitat, segment: SegmentRate) -> list[str]:
    available = set(telemetry.channels())
    return [
        c.id
        for m in segment.compartment
        for c in habitat.channels_for(m, "pressure")
        if c.id in available
    ]


def _reading_sd_pa(telemetry: Telemetry, habitat: Habitat, segment: SegmentRate) -> float:
    """Standard deviation of one reading's quantization, ``q / sqrt(12)``. [Pa]

    The quantum is the smallest step between successive readings in the window.
    """
    window = telemetry.window(segment.start, segment.end)
    quanta = []
    for cid in _pressure_channels(window, habitat, segment):
        steps = np.abs(np.diff(window.channel(cid)[1]))
        steps = steps[steps > 0]
        if steps.size:
            quanta.append(float(steps.min()))
    return float(min(quanta) / np.sqrt(12.0)) if quanta else 0.0


def _history(
    telemetry: Telemetry, habitat: Habitat, segment: SegmentRate
) -> tuple[TimeArray, FloatArray] | None:
    window = telemetry.window(segment.start, segment.end)
    channels = _pressure_channels(window, habitat, segment)
    if not channels:
        return None
    return window.channel(channels[0])
