"""Leak rate of a compartment, as gas mass per day, with an honest 95 % interval.

Per hatch configuration (segment), the temperature-compensated gas mass is
fitted by

.. math::

    m(t) = a_j - C \\int_0^t \\left(\\frac{P(s)}{P_\\mathrm{ref}}\\right)^n ds
           + \\sum_k \\left(s_k \\sin k\\omega t + c_k \\cos k\\omega t\\right) + e(t)

with one intercept ``a_j`` per decay piece (pieces are cut at repress and depress
steps, less a settling time), the leak law ``m-dot = C (P/P_ref)^n (T_mean/T)^k(n)``
(the leak's own temperature dependence), orbital harmonics for the part of the
temperature cycle the sensors miss, and errors ``e`` that are an Ornstein-Uhlenbeck
process, a random walk and white noise, fitted by REML
(:mod:`hullwatch.analysis.regression`); the first two scale with the gas present
(``P/P_ref``), as the unseen temperature moves a gas-mass reading by ``m dT/T``.
``C`` is then the leak rate at the reference pressure, and the window's mean leak
rate is ``C * mean((P/P_ref)^n ...)``.  The flow exponent ``n`` is profiled: its
95 % interval is where the likelihood ratio stays below the chi-square(1) quantile.
``n`` near 1 means a choked hole, near 2 a viscous crack.  When ``n`` is estimated,
the mean rate's variance carries its uncertainty (a Gauss-Newton column in ``n``).
The interval's quantile carries the uncertainty of the slow noise's correlation
time, which a few days of data pin down only loosely: the variance's log is taken
as normal, its spread from the likelihood's curvature in ``log tau``
(:func:`.regression.pivot_quantile`).  Earlier data of the same compartment (a
noise history) can be fitted jointly for the noise model alone, each stretch with
its own regression; weeks pin that time.

Gas added by a repress is the jump between the intercepts either side of it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise

import numpy as np
import numpy.typing as npt
from scipy import stats

from hullwatch.analysis.gasmass import GasMassSegment, TemperatureOverride, gas_mass_segments
from hullwatch.analysis.regression import (
    GlsSolver,
    NoiseModel,
    RegressionFit,
    RemlBlock,
    estimate_noise,
    estimate_noise_reml,
    fit_ar1,
    fit_noise_reml,
    pivot_quantile,
    reml_log_tau_bias,
    shift_correlation_time,
)
from hullwatch.analysis.steps import Step, find_steps, step_mask
from hullwatch.errors import AnalysisError
from hullwatch.habitat import Habitat
from hullwatch.physics.gas import CABIN_AIR, Gas
from hullwatch.physics.leakflow import temperature_exponent
from hullwatch.telemetry import Telemetry
from hullwatch.units import MMHG_PA, SECONDS_PER_DAY, SECONDS_PER_HOUR, SECONDS_PER_MINUTE

FloatArray = npt.NDArray[np.float64]

#: Exponents profiled for the flow law (a coarse grid, then refined).
EXPONENT_GRID = np.round(np.arange(0.0, 3.01, 0.25), 2)


#: Step in ``log tau`` of the noise profile. [-]
_PROFILE_STEP = 0.25

#: Beyond this standard deviation of ``log tau`` (the correlation time not pinned to
#: within a factor of e) the likelihood is too flat for the delta method alone
#: (:meth:`_SegmentFitter.variance_spread`). [-]
_FLAT_SD = 1.0


def _curvature(profile: list[tuple[NoiseModel, float]], step: float) -> float:
    """Second difference of minus the log-likelihood over a three-point profile."""
    values = [value for _, value in profile]
    return (values[0] + values[2] - 2.0 * values[1]) / step**2


@dataclass(frozen=True)
class RateSettings:
    """Tuning of the leak-rate estimator (defaults suit ISS telemetry)."""

    grid_s: float = 60.0
    bin_s: float = 1800.0
    settle_s: float = 1800.0
    orbital_period_s: float = 92.0 * SECONDS_PER_MINUTE
    harmonics: int = 2
    reference_pressure_pa: float = 760.0 * MMHG_PA
    step_threshold_sigmas: float = 8.0
    #: A step must move at least this many pressure-sensor quanta of gas.
    min_step_quanta: float = 3.0
    #: Fewest usable hours of data (outside steps and settling) in a segment. [h]
    min_usable_h: float = 12.0
    #: Widest interval of n still reported; wider means the data cannot tell.
    max_exponent_ci_width: float = 2.0
    #: Smallest relative pressure span (max/min - 1) over which n is estimated at all.
    min_pressure_span: float = 0.05
    #: Model each bin's noise exactly as the average over the bin
    #: (:meth:`.regression.NoiseModel.bin_average_terms`), not as a reading at an
    #: instant.  Read as instants, 30-min means look smoother than the point noise,
    #: REML puts the correlation time about 1.5 times too long, and the whole
    #: station's intervals over-cover (98.5 %, docs/leak-rate.md).
    bin_average_noise: bool = True
    #: Parametric-bootstrap draws that correct REML's small-sample bias in the
    #: correlation time (:func:`.regression.reml_log_tau_bias`); 0 leaves it.  With
    #: the exact bin model alone the bias shows: the forecast's 2-day windows cover
    #: 92.5 % (docs/forecast.md).
    reml_bias_draws: int = 16


#: The defaults, shared (the settings are frozen).
DEFAULT_SETTINGS = RateSettings()


@dataclass(frozen=True)
class GasStep:
    """A repress or depress found in the gas mass."""

    kind: str
    start: np.datetime64
    end: np.datetime64
    mass_change_kg: float
    ci95_kg: tuple[float, float] | None


@dataclass(frozen=True)
class SegmentRate:
    """The leak fitted over one hatch configuration."""

    start: np.datetime64
    end: np.datetime64
    compartment: tuple[str, ...]
    leak_rate_kg_per_day: float | None
    ci95_kg_per_day: tuple[float, float] | None
    flow_exponent: float | None
    flow_exponent_ci95: tuple[float, float] | None
    exponent_used: float
    leak_rate_at_reference_kg_per_day: float | None
    ci95_at_reference_kg_per_day: tuple[float, float] | None
    mean_pressure_pa: float
    mean_temperature_k: float
    volume_m3: float
    steps: list[GasStep]
    points_used: int
    ar1: float | None
    reason: str | None = None
    assumptions: list[str] = field(default_factory=list)
    #: Residual noise of the binned gas mass (for the minimum detectable leak).
    noise: NoiseModel | None = field(default=None, repr=False, compare=False)
    #: Bin times, binned gas mass [kg] and the fitted leak trend [kg] (for plots).
    fitted: tuple[npt.NDArray[np.datetime64], FloatArray, FloatArray] | None = field(
        default=None, repr=False, compare=False
    )


def _bin(values: FloatArray, bins: npt.NDArray[np.int64], n_bins: int) -> FloatArray:
    sums = np.bincount(bins, weights=values, minlength=n_bins)
    counts = np.bincount(bins, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def _smooth_per_piece(
    values: FloatArray, t: FloatArray, piece: npt.NDArray[np.int64], degree: int = 3
) -> FloatArray:
    """A least-squares polynomial in time through ``values``, piece by piece.

    The noise loading must follow the gas present, not the pressure reading: the
    reading carries the unseen temperature itself, and a loading that followed it
    would put that noise into the weights.  Under near-random-walk weights (the GLS
    then differences ``y / h``) the reading's noise would sit in the regressors, an
    errors-in-variables fit biased low.  A cubic is within 0.5 % of a decay that
    halves the pressure, which is ample for a variance's scale.
    """
    smooth = values.copy()
    # Pieces are runs of consecutive bins: one pass over their boundaries.
    edges = np.concatenate(([0], np.flatnonzero(np.diff(piece)) + 1, [piece.size]))
    for first, stop in pairwise(edges.tolist()):
        rows = np.arange(first, stop)
        order = min(degree, rows.size - 1)
        if order < 1:
            continue
        centre = t[rows].mean()
        coefficients = np.polynomial.polynomial.polyfit(t[rows] - centre, values[rows], order)
        smooth[rows] = np.polynomial.polynomial.polyval(t[rows] - centre, coefficients)
    return np.where(smooth > 0, smooth, values)


def _design(
    elapsed_d: FloatArray,
    leak_integral_d: FloatArray,
    piece: npt.NDArray[np.int64],
    settings: RateSettings,
) -> FloatArray:
    labels = np.unique(piece)
    columns = [(piece == label).astype(float) for label in labels]
    columns.append(-leak_integral_d)
    omega = 2 * np.pi * SECONDS_PER_DAY / settings.orbital_period_s
    for k in range(1, settings.harmonics + 1):
        columns += [np.sin(k * omega * elapsed_d), np.cos(k * omega * elapsed_d)]
    return np.column_stack(columns)


def _cumulative_integral(elapsed_d: FloatArray, integrand: FloatArray) -> FloatArray:
    steps = 0.5 * (integrand[1:] + integrand[:-1]) * np.diff(elapsed_d)
    return np.concatenate(([0.0], np.cumsum(steps)))


def _quantum_mass_kg(segment: GasMassSegment) -> float:
    """Gas mass of the pressure channel's resolution, as mass. [kg]

    A report-on-change channel moves by one quantum at a time, so the median of
    its non-zero changes is its resolution.
    """
    changes = np.abs(np.diff(segment.pressure_pa))
    changes = changes[np.isfinite(changes) & (changes > 0)]
    if changes.size == 0:
        return 0.0
    mass_per_pa = np.nanmean(segment.mass_kg / segment.pressure_pa)
    return float(np.median(changes) * mass_per_pa)


class _SegmentFitter:
    """Fits one segment for any exponent, on fixed bins and pieces."""

    def __init__(
        self,
        segment: GasMassSegment,
        settings: RateSettings,
        gas: Gas = CABIN_AIR,
        history: Sequence[RemlBlock] = (),
    ) -> None:
        self.segment = segment
        self.history = tuple(history)
        self.settings = settings
        self.gas = gas
        self.mean_temperature_k = float(np.nanmean(segment.temperature_k))
        self._log_theta = np.nan_to_num(
            np.log(self.mean_temperature_k / segment.temperature_k), nan=0.0
        )
        per_bin = max(1, round(settings.bin_s / settings.grid_s))
        mass = segment.mass_kg
        self.steps = find_steps(
            mass,
            threshold_sigmas=settings.step_threshold_sigmas,
            min_step_kg=settings.min_step_quanta * _quantum_mass_kg(segment),
        )
        settle = round(settings.settle_s / settings.grid_s)
        keep = step_mask(mass.size, self.steps, settle) & np.isfinite(mass)
        self.keep = keep
        # A piece is a run of kept points; bins never straddle two pieces.
        piece_of_point = np.cumsum(np.concatenate(([True], keep[1:] != keep[:-1])))
        bins = np.arange(mass.size) // per_bin
        bin_key = bins * (mass.size + 1) + piece_of_point
        kept_keys, bin_index = np.unique(bin_key[keep], return_inverse=True)
        n_bins = kept_keys.size
        elapsed_d = segment.elapsed_s / SECONDS_PER_DAY
        self.y = _bin(mass[keep], bin_index, n_bins)
        self.t = _bin(elapsed_d[keep], bin_index, n_bins)
        piece_label = kept_keys % (mass.size + 1)
        _, self.piece = np.unique(piece_label, return_inverse=True)
        self.piece = self.piece.astype(np.int64)
        self.pressure_ratio = (
            np.where(np.isfinite(segment.pressure_pa), segment.pressure_pa, np.nan)
            / settings.reference_pressure_pa
        )
        # The unseen temperature moves the gas-mass reading by m * dT/T, so its noise
        # scales with the gas present: the noise model's slow parts are loaded by
        # P/P_ref (sensor quantization, the white part, is not).
        ratio = _bin(self.pressure_ratio[keep], bin_index, n_bins)
        ratio = np.where(np.isfinite(ratio) & (ratio > 0), ratio, 1.0)
        self.noise_loading = _smooth_per_piece(ratio, self.t, self.piece)
        # Each value averages its bin's points: a bin at a piece's edge is narrower.
        self.bin_widths: FloatArray = np.asarray(
            np.bincount(bin_index, minlength=n_bins) * settings.grid_s / settings.bin_s,
            dtype=np.float64,
        )
        self.elapsed_d = elapsed_d
        self.n_points = int(keep.sum())
        self._bin_index = bin_index
        self._n_bins = n_bins
        self._solver: GlsSolver | None = None
        self._n0: float | None = None
        self._profile_points: dict[float, tuple[NoiseModel, float]] = {}
        self._mode: NoiseModel | None = None
        #: ``log tau`` of the noise model used, from the REML mode (a bias correction).
        self._centre = 0.0

    def bin_times(self) -> npt.NDArray[np.datetime64]:
        """UTC time of each bin's centre of mass."""
        offset = np.round(self.t * SECONDS_PER_DAY * 1e9).astype("timedelta64[ns]")
        return self.segment.time[0] + offset

    def design_at(
        self, exponent: float, exponent_column: bool = False
    ) -> tuple[FloatArray, FloatArray]:
        """Design at one exponent, and the segment's mean leak law.

        Returns
        -------
        design : ndarray
            Intercepts, the leak column, harmonics, and with ``exponent_column`` the
            derivative of the leak column in ``n`` (last).
        mean_factor : ndarray, shape (2,)
            ``mean((P/P_ref)^n)`` over the segment and its derivative in ``n``.
        """
        ratio = np.nan_to_num(self.pressure_ratio, nan=1.0)
        # The leak's own temperature dependence, m-dot ~ P^n T^-k, relative to the
        # segment's mean temperature (so C is the rate at that temperature).
        k = temperature_exponent(exponent, self.mean_temperature_k, self.gas)
        dk_dn = (
            temperature_exponent(2.0, self.mean_temperature_k, self.gas) - 0.5
            if 1.0 < exponent < 2.0
            else 0.0
        )
        log_ratio = np.log(ratio)
        law = np.exp(exponent * log_ratio + k * self._log_theta)
        x_leak = self._binned_integral(law)
        # The leak runs through represses too: average its law over the whole segment.
        valid = np.isfinite(self.segment.mass_kg)
        law_dn = law * (log_ratio + dk_dn * self._log_theta)
        mean_factor = np.array([np.mean(law[valid]), np.mean(law_dn[valid])])
        design = _design(self.t, x_leak, self.piece, self.settings)
        if exponent_column:
            # Gauss-Newton: d/dn of -C * integral(law); its coefficient is C * dn.
            design = np.column_stack([design, -self._binned_integral(law_dn)])
        return design, mean_factor

    def _binned_integral(self, integrand: FloatArray) -> FloatArray:
        integral = _cumulative_integral(self.elapsed_d, integrand)
        return _bin(integral[self.keep], self._bin_index, self._n_bins)

    @property
    def coefficient_count(self) -> int:
        """Coefficients of the fit with the exponent free."""
        return int(self.piece.max()) + 2 + 2 * self.settings.harmonics + 1

    @property
    def estimates_exponent(self) -> bool:
        """Whether the pressure spans enough to try to estimate the flow exponent."""
        pressure = self.segment.pressure_pa[self.keep]
        span = float(np.nanmax(pressure) / np.nanmin(pressure) - 1.0)
        return span >= self.settings.min_pressure_span

    @property
    def time_bins(self) -> FloatArray:
        """Bin times in bins since the segment's start."""
        return self.t * SECONDS_PER_DAY / self.settings.bin_s

    def _initial_exponent(self) -> float:
        """The exponent of least ordinary squares on the grid, so that a curved decay
        (a crack) is not mistaken for slow noise."""
        if self._n0 is None:

            def ssr(n: float) -> float:
                design, _ = self.design_at(n)
                coef = np.linalg.lstsq(design, self.y, rcond=None)[0]
                return float(np.sum((self.y - design @ coef) ** 2))

            self._n0 = float(EXPONENT_GRID[int(np.argmin([ssr(n) for n in EXPONENT_GRID]))])
        return self._n0

    def reml_block(self) -> RemlBlock:
        """This segment as a block of a joint noise fit: gas mass, design, times.

        The noise is fitted with n free (linearized), so that the slow noise the
        exponent can absorb is not mistaken for a shorter correlation.
        """
        design, _ = self.design_at(self._initial_exponent(), self.estimates_exponent)
        widths = self.bin_widths if self.settings.bin_average_noise else None
        return RemlBlock(self.y, design, self.time_bins, self.noise_loading, widths)

    def solver(self, noise: NoiseModel) -> GlsSolver:
        """GLS under ``noise`` on this segment's bins and loading."""
        widths = self.bin_widths if self.settings.bin_average_noise else None
        return GlsSolver(noise, self.time_bins, self.noise_loading, widths)

    def _gls(self) -> GlsSolver:
        """The noise model, estimated once from the residuals of the best exponent, then fixed.

        With history blocks, the noise model is fitted jointly with them.
        """
        if self._solver is None:
            noise = self._reml_mode()
            if self.settings.reml_bias_draws > 0:
                bias = reml_log_tau_bias(
                    [self.reml_block(), *self.history], noise, self.settings.reml_bias_draws
                )
                self._centre = -bias
                noise = self._profile_point(self._centre)[0]
            self._solver = self.solver(noise)
        return self._solver

    def _reml_mode(self) -> NoiseModel:
        """The REML noise model (fitted once)."""
        if self._mode is None:
            y, design, time_bins, loading, widths = self.reml_block()
            first = fit_ar1(y, design, self.piece)
            # With bin_average_noise each value is modelled as the average over its bin
            # (a whole bin is 1 wide; narrower bins carry their own width).
            start = replace(
                estimate_noise(y - design @ first.coefficients, time_bins),
                bin_width=1.0 if self.settings.bin_average_noise else 0.0,
            )
            self._mode = estimate_noise_reml(
                y, design, time_bins, start, history=self.history, loading=loading, widths=widths
            )
        return self._mode

    def _profile_point(self, shift: float) -> tuple[NoiseModel, float]:
        """REML noise model and minus log-likelihood at ``log tau`` of the fit + ``shift``.

        The other noise parameters are refitted there (a profile point).  Each point
        is fitted once and kept: the rate's and the exponent's variance spreads, and
        the wide points of a flat likelihood, share them.
        """
        if shift not in self._profile_points:
            mode = self._reml_mode()
            y, design, time_bins, loading, widths = self.reml_block()
            self._profile_points[shift] = fit_noise_reml(
                y,
                design,
                time_bins,
                mode,
                fixed_phi=shift_correlation_time(mode.phi, shift),
                history=self.history,
                loading=loading,
                widths=widths,
            )
        return self._profile_points[shift]

    def variance_spread(
        self, variance_of: Callable[[GlsSolver], float], step: float = _PROFILE_STEP
    ) -> float:
        """Standard deviation of ``log V_hat`` for a variance that leans on the noise's timescale.

        A few days hold only a few dozen correlation times of the slow noise, so its
        timescale, and with it every trend variance, is itself uncertain.  The
        restricted likelihood's curvature in ``log tau`` at its optimum (the other
        noise parameters profiled) gives that uncertainty; the delta method carries
        it to ``log V`` with the slope of ``log V`` at the noise model used (moved
        from the optimum when REML's bias is corrected).
        Infinite when the likelihood is not curved at its optimum (the timescale is
        not identified).  See :func:`~hullwatch.analysis.regression.pivot_quantile`.

        Where the likelihood is nearly flat (``log tau`` uncertain by more than
        ``_FLAT_SD``), a tangent says little: the optimum can sit where the
        variance is least, and the tangent is then flat too.  The spread is then at
        least the largest change of ``log V`` from the optimum to one standard
        deviation of ``log tau`` either side, the other noise parameters refitted
        there.  On the 2019 ISS day (one day, one Lab sensor) the restricted
        log-likelihood varies by 0.004 between correlation times of 1 h and 200 h,
        while the rate's standard error runs from 2.9 kg/day at the optimum (16 h)
        to 3.9 kg/day (docs/leak-rate.md).
        """
        profile = self._tau_profile(step)
        variances = [variance_of(self.solver(model)) for model, _ in profile]
        # The curvature is the likelihood's, so it is read at the REML optimum even
        # when a bias correction moved the noise model used (``_centre``): at the
        # corrected point the likelihood can be flat or even falling.
        curvature = _curvature(self._mode_profile(step), step)
        if curvature <= 0.0 or min(variances) <= 0.0:
            return float("inf")
        log_tau_sd = 1.0 / np.sqrt(curvature)
        slope = (np.log(variances[2]) - np.log(variances[0])) / (2.0 * step)
        spread = float(abs(slope) * log_tau_sd)
        if log_tau_sd > _FLAT_SD:
            centre = np.log(variances[1])
            # Beyond e^4 either side the OU part is white or a random walk already.
            wide = float(min(log_tau_sd, 4.0))
            for model, _ in (
                self._profile_point(self._centre - wide),
                self._profile_point(self._centre + wide),
            ):
                # A fit numerically singular under that noise model adds nothing.
                try:
                    with np.errstate(invalid="ignore"):
                        variance = variance_of(self.solver(model))
                except (np.linalg.LinAlgError, AnalysisError):
                    continue
                if variance > 0.0:
                    spread = max(spread, float(abs(np.log(variance) - centre)))
        return spread

    def _tau_profile(self, step: float) -> list[tuple[NoiseModel, float]]:
        """Three profile points around the noise model used, ``log tau`` -+ ``step``."""
        self._gls()  # sets the centre
        return [self._profile_point(self._centre + shift) for shift in (-step, 0.0, step)]

    def _mode_profile(self, step: float) -> list[tuple[NoiseModel, float]]:
        """Three profile points around the REML optimum, ``log tau`` -+ ``step``."""
        return [self._profile_point(shift) for shift in (-step, 0.0, step)]

    def noise_model(self) -> NoiseModel:
        """The residual noise of the gas mass at the segment's mean pressure. [kg]"""
        noise = self._gls().noise
        factor = float(np.mean(self.noise_loading)) ** 2
        return replace(
            noise,
            ou_variance=noise.ou_variance * factor,
            walk_variance=noise.walk_variance * factor,
        )

    def fit(
        self, exponent: float, exponent_column: bool = False
    ) -> tuple[RegressionFit, FloatArray]:
        """Fit at one exponent; returns the fit and the mean leak law (see :meth:`design_at`)."""
        design, mean_factor = self.design_at(exponent, exponent_column)
        return self._gls().fit(self.y, design), mean_factor


def _profile_exponent(fitter: _SegmentFitter) -> tuple[float, tuple[float, float]]:
    """Maximum-likelihood exponent and its likelihood-ratio 95 % interval.

    The noise model is held fixed in the profile, but it is itself uncertain (its
    correlation time, from a few days), so the chi-square(1) cutoff becomes the
    square of the pivot's quantile for the exponent's variance (as for the rate,
    :meth:`_SegmentFitter.variance_spread`); with no spread and infinite degrees of
    freedom it is chi-square(1).
    """
    fits = [fitter.fit(n)[0] for n in EXPONENT_GRID]
    ssr = np.array([f.ssr_whitened for f in fits])
    best = int(np.argmin(ssr))
    lo, hi = max(best - 1, 0), min(best + 1, EXPONENT_GRID.size - 1)
    fine = np.linspace(EXPONENT_GRID[lo], EXPONENT_GRID[hi], 21)
    fine_ssr = np.array([fitter.fit(n)[0].ssr_whitened for n in fine])
    n_hat = float(fine[int(np.argmin(fine_ssr))])
    ssr_min = float(fine_ssr.min())
    dof = fits[0].dof  # the same design size at every exponent
    spread = 0.0
    if fitter.estimates_exponent:  # else the interval is not used
        design_n, _ = fitter.design_at(n_hat, exponent_column=True)
        try:
            spread = fitter.variance_spread(
                lambda solver: solver.fit(fitter.y, design_n).covariance[-1, -1]
            )
        except (np.linalg.LinAlgError, AnalysisError):
            # The exponent's column is (numerically) collinear under a neighbouring
            # noise model: its variance cannot be assessed, so take the widest cutoff.
            spread = float("inf")
    # Likelihood ratio for one parameter with Gaussian errors: n ln(SSR/SSR_min) <= q^2.
    limit = ssr_min * np.exp(pivot_quantile(spread, dof) ** 2 / dof)
    grid, unique = np.unique(np.concatenate((EXPONENT_GRID, fine)), return_index=True)
    profile = np.concatenate((ssr, fine_ssr))[unique]
    inside = np.flatnonzero(profile <= limit)
    first, last = int(inside.min()), int(inside.max())

    def crossing(i_in: int, i_out: int) -> float:
        """Where the profile crosses the limit between two grid points (linear)."""
        if i_out < 0 or i_out >= grid.size:
            return float(grid[i_in])
        share = (limit - profile[i_in]) / (profile[i_out] - profile[i_in])
        return float(grid[i_in] + share * (grid[i_out] - grid[i_in]))

    return n_hat, (crossing(first, first - 1), crossing(last, last + 1))


def _mean_rate(fit: RegressionFit, mean_factor: FloatArray, leak_index: int) -> tuple[float, float]:
    """The window's mean leak rate and its variance, with the exponent free.

    The fit's last coefficient ``b = C dn`` is the Gauss-Newton step in the exponent, so
    the rate ``C mean(r^(n+dn)) ~ C mean(r^n) + b mean(r^n ln r)`` is linear in (C, b)
    and its variance carries the exponent's uncertainty and its correlation with C.
    """
    index = [leak_index, fit.coefficients.size - 1]
    value = float(mean_factor @ fit.coefficients[index])
    variance = float(mean_factor @ fit.covariance[np.ix_(index, index)] @ mean_factor)
    return value, variance


def _usable_h(fitter: _SegmentFitter) -> float:
    """Hours of data outside steps and settling. [h]"""
    return fitter.n_points * fitter.settings.grid_s / SECONDS_PER_HOUR


def _fittable(fitter: _SegmentFitter) -> bool:
    """Enough usable data, and more bins than the fit has coefficients."""
    return (
        _usable_h(fitter) >= fitter.settings.min_usable_h
        and fitter.y.size >= fitter.coefficient_count + 3
    )


def fit_segment(
    segment: GasMassSegment,
    settings: RateSettings,
    gas: Gas = CABIN_AIR,
    history: Sequence[RemlBlock] = (),
) -> SegmentRate:
    """Fit the leak over one segment; a segment that cannot be fitted says why.

    ``history`` blocks (earlier data of the same compartment, see
    :func:`noise_history_blocks`) are fitted jointly for the noise model.
    """
    fitter = _SegmentFitter(segment, settings, gas, history)
    steps = [_gas_step(segment, s) for s in fitter.steps]
    assumptions = list(segment.assumptions)
    usable_h = _usable_h(fitter)
    if not _fittable(fitter):
        return _segment_rate(
            segment,
            fitter,
            steps,
            assumptions,
            exponent_used=1.0,
            reason=f"only {usable_h:.1f} h of usable data outside steps and settling "
            f"(at least {settings.min_usable_h:g} h needed, and more bins than the "
            "fit's coefficients)",
        )
    n_hat, n_ci = _profile_exponent(fitter)
    identified = (
        fitter.estimates_exponent
        and n_ci[1] - n_ci[0] <= settings.max_exponent_ci_width
        and EXPONENT_GRID[0] < n_ci[0]
        and n_ci[1] < EXPONENT_GRID[-1]
    )
    exponent = n_hat if identified else 1.0
    fit, mean_factor = fitter.fit(exponent)
    leak_index = int(fitter.piece.max()) + 1
    design, _ = fitter.design_at(exponent)
    trend = design[:, : leak_index + 1] @ fit.coefficients[: leak_index + 1]
    c_ref = float(fit.coefficients[leak_index])
    if identified:
        # The exponent is estimated: its uncertainty moves the window's mean rate too
        # (linearized, jointly with C).
        joint, _ = fitter.fit(exponent, exponent_column=True)
        rate, variance = _mean_rate(joint, mean_factor, leak_index)
        design_n, _ = fitter.design_at(exponent, exponent_column=True)
        spread = fitter.variance_spread(
            lambda solver: _mean_rate(solver.fit(fitter.y, design_n), mean_factor, leak_index)[1]
        )
    else:
        rate = c_ref * float(mean_factor[0])
        variance = (fit.standard_error(leak_index) * float(mean_factor[0])) ** 2
        spread = fitter.variance_spread(
            lambda solver: solver.fit(fitter.y, design).standard_error(leak_index) ** 2
        )
    # One quantile for every interval of this segment: they share the noise model.
    t95 = pivot_quantile(spread, fit.dof)
    rate_half = t95 * np.sqrt(variance)
    ref_lo = c_ref - t95 * fit.standard_error(leak_index)
    ref_hi = c_ref + t95 * fit.standard_error(leak_index)
    if identified:
        # The rate at the reference pressure, an extrapolation, is widened over the
        # exponent's own interval.
        for bound in n_ci:
            bound_fit, _ = fitter.fit(bound)
            value, se = (
                float(bound_fit.coefficients[leak_index]),
                bound_fit.standard_error(leak_index),
            )
            ref_lo, ref_hi = min(ref_lo, value - t95 * se), max(ref_hi, value + t95 * se)
    else:
        assumptions.append(
            "the pressure range is too narrow to tell a hole from a crack; the rate at the "
            "reference pressure assumes a choked hole (n = 1)"
        )
    return _segment_rate(
        segment,
        fitter,
        _with_intercept_jumps(steps, fit, fitter),
        assumptions,
        exponent_used=exponent,
        leak_rate_kg_per_day=rate,
        ci95_kg_per_day=(rate - rate_half, rate + rate_half),
        flow_exponent=n_hat if identified else None,
        flow_exponent_ci95=n_ci if identified else None,
        leak_rate_at_reference_kg_per_day=c_ref,
        ci95_at_reference_kg_per_day=(ref_lo, ref_hi),
        ar1=fit.ar1,
        fitted=(fitter.bin_times(), fitter.y, trend),
        noise=fitter.noise_model(),
    )


def _segment_rate(
    segment: GasMassSegment,
    fitter: _SegmentFitter,
    steps: list[GasStep],
    assumptions: list[str],
    *,
    exponent_used: float,
    leak_rate_kg_per_day: float | None = None,
    ci95_kg_per_day: tuple[float, float] | None = None,
    flow_exponent: float | None = None,
    flow_exponent_ci95: tuple[float, float] | None = None,
    leak_rate_at_reference_kg_per_day: float | None = None,
    ci95_at_reference_kg_per_day: tuple[float, float] | None = None,
    ar1: float | None = None,
    reason: str | None = None,
    fitted: tuple[npt.NDArray[np.datetime64], FloatArray, FloatArray] | None = None,
    noise: NoiseModel | None = None,
) -> SegmentRate:
    return SegmentRate(
        start=segment.start,
        end=segment.end,
        compartment=segment.compartment,
        leak_rate_kg_per_day=leak_rate_kg_per_day,
        ci95_kg_per_day=ci95_kg_per_day,
        flow_exponent=flow_exponent,
        flow_exponent_ci95=flow_exponent_ci95,
        exponent_used=exponent_used,
        leak_rate_at_reference_kg_per_day=leak_rate_at_reference_kg_per_day,
        ci95_at_reference_kg_per_day=ci95_at_reference_kg_per_day,
        mean_pressure_pa=float(np.nanmean(segment.pressure_pa)),
        mean_temperature_k=float(np.nanmean(segment.temperature_k)),
        volume_m3=segment.volume_m3,
        steps=steps,
        points_used=fitter.n_points,
        ar1=ar1,
        reason=reason,
        assumptions=assumptions,
        fitted=fitted,
        noise=noise,
    )


def _gas_step(segment: GasMassSegment, step: Step) -> GasStep:
    return GasStep(
        step.kind, segment.time[step.first], segment.time[step.last + 1], step.raw_change_kg, None
    )


def _with_intercept_jumps(
    steps: list[GasStep], fit: RegressionFit, fitter: _SegmentFitter
) -> list[GasStep]:
    """Gas added (or removed) by each step: the jump between the intercepts either side."""
    bin_times = fitter.bin_times()
    out = []
    for step in steps:
        before = fitter.piece[bin_times < step.start]
        after = fitter.piece[bin_times > step.end]
        if before.size == 0 or after.size == 0:
            out.append(step)
            continue
        a, b = int(before.max()), int(after.min())
        jump = float(fit.coefficients[b] - fit.coefficients[a])
        var = fit.covariance[a, a] + fit.covariance[b, b] - 2 * fit.covariance[a, b]
        half = float(stats.t.ppf(0.975, fit.dof) * np.sqrt(max(var, 0.0)))
        out.append(GasStep(step.kind, step.start, step.end, jump, (jump - half, jump + half)))
    return out


def estimate_segments(
    telemetry: Telemetry,
    habitat: Habitat,
    module: str,
    start: np.datetime64 | None = None,
    end: np.datetime64 | None = None,
    *,
    settings: RateSettings = DEFAULT_SETTINGS,
    gas: Gas = CABIN_AIR,
    temperature_override: TemperatureOverride | None = None,
    history_start: np.datetime64 | None = None,
) -> list[SegmentRate]:
    """Leak rate of the compartment holding ``module``, one result per hatch configuration.

    With ``history_start``, the data from there up to ``start`` of the same
    compartment is fitted jointly for the noise model (:func:`noise_history_blocks`).

    Raises
    ------
    AnalysisError
        When no compartment pressure or temperature channel has data.
    """
    override = temperature_override
    segments = _gas_mass(telemetry, habitat, module, start, end, settings, gas, override)
    history: dict[tuple[str, ...], list[tuple[GasMassSegment, RemlBlock]]] = {}
    if history_start is not None:
        window_start = segments[0].start if start is None else start
        history = noise_history_blocks(
            telemetry,
            habitat,
            module,
            history_start,
            window_start,
            settings=settings,
            gas=gas,
            temperature_override=temperature_override,
        )
    results = []
    for segment in segments:
        earlier = history.get(segment.compartment, [])
        result = fit_segment(segment, settings, gas, [block for _, block in earlier])
        if history_start is not None:
            result.assumptions.append(_history_note(earlier))
        results.append(result)
    if all(r.leak_rate_kg_per_day is None for r in results):
        raise AnalysisError(
            "could not estimate a leak rate: " + "; ".join(str(r.reason) for r in results)
        )
    return results


def _gas_mass(
    telemetry: Telemetry,
    habitat: Habitat,
    module: str,
    start: np.datetime64 | None,
    end: np.datetime64 | None,
    settings: RateSettings,
    gas: Gas,
    temperature_override: TemperatureOverride | None,
) -> list[GasMassSegment]:
    """The gas-mass segments on the estimator's grid."""
    return gas_mass_segments(
        telemetry,
        habitat,
        module,
        start,
        end,
        grid_s=settings.grid_s,
        gas=gas,
        temperature_override=temperature_override,
    )


def noise_history_blocks(
    telemetry: Telemetry,
    habitat: Habitat,
    module: str,
    start: np.datetime64,
    end: np.datetime64,
    *,
    settings: RateSettings = DEFAULT_SETTINGS,
    gas: Gas = CABIN_AIR,
    temperature_override: TemperatureOverride | None = None,
) -> dict[tuple[str, ...], list[tuple[GasMassSegment, RemlBlock]]]:
    """Earlier data that shares the window's noise model, by compartment.

    Every hatch configuration of ``module``'s compartment between ``start`` and
    ``end`` with enough usable data becomes a block with its own regression
    (intercepts, leak, harmonics), so a different leak rate there does not matter;
    only the noise model (correlation time, variances) is shared.  A segment is
    used only for a window segment of the same compartment, whose noise it shares.
    """
    if not end > start:
        return {}
    try:
        segments = _gas_mass(
            telemetry, habitat, module, start, end, settings, gas, temperature_override
        )
    except AnalysisError:
        return {}
    blocks: dict[tuple[str, ...], list[tuple[GasMassSegment, RemlBlock]]] = {}
    for segment in segments:
        fitter = _SegmentFitter(segment, settings, gas)
        if _fittable(fitter):
            blocks.setdefault(segment.compartment, []).append((segment, fitter.reml_block()))
    return blocks


def _history_note(earlier: list[tuple[GasMassSegment, RemlBlock]]) -> str:
    if not earlier:
        return (
            "no usable history of this compartment: the noise model is fitted on the window alone"
        )
    hours = sum((segment.end - segment.start) / np.timedelta64(1, "h") for segment, _ in earlier)
    first = min(segment.start for segment, _ in earlier)
    count = f"{len(earlier)} segment" + ("s" if len(earlier) > 1 else "")
    return (
        f"noise model fitted jointly with {hours:.0f} h of earlier data of this "
        f"compartment ({count} from {np.datetime_as_string(first, 's')}Z)"
    )
