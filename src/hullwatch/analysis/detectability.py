"""Minimum detectable leak rate for a hold of given length and noise.

A pressure-decay tester reports its resolution with every pass/fail.  hullwatch
does the same: given the residual noise of a compartment's gas mass (an
Ornstein-Uhlenbeck part from the unseen temperature plus white sensor noise, see
:class:`~hullwatch.analysis.regression.NoiseModel`), the generalized-least-squares
variance of a trend over a hold of length ``T`` follows exactly, and so does the
smallest leak a one-sided test at level ``alpha`` detects with probability ``power``:

.. math::

    \\dot m_\\mathrm{min} = (z_{1-\\alpha} + z_{\\mathrm{power}})\\, \\sigma_{\\dot m}(T)
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from hullwatch.analysis.regression import NoiseModel
from hullwatch.units import SECONDS_PER_DAY


def trend_standard_error_kg_per_day(
    noise: NoiseModel, duration_s: float, bin_s: float = 300.0
) -> float:
    """Standard error of a gas-mass trend fitted over ``duration_s`` under ``noise``. [kg/day]

    Parameters
    ----------
    noise : NoiseModel
        Residual noise of the binned gas mass; variances in kg^2, ``phi`` per bin.
    duration_s : float
        Length of the hold. [s]
    bin_s : float
        Bin length the noise model refers to. [s]

    Examples
    --------
    White noise of 1 g per 5-min bin over one day: sqrt(12 / (n^3 dt^2))-like scaling.

    >>> se = trend_standard_error_kg_per_day(NoiseModel(0.0, 1e-6, 0.0), 86400.0)
    >>> round(se * 1e3, 2)
    0.2
    """
    n = max(3, int(duration_s // bin_s))
    times = np.arange(n, dtype=float)
    design = np.column_stack([np.ones(n), times * bin_s / SECONDS_PER_DAY])
    covariance = noise.covariance(times)
    information = design.T @ np.linalg.solve(covariance, design)
    return float(np.sqrt(np.linalg.inv(information)[1, 1]))


def minimum_detectable_leak_kg_per_day(
    noise: NoiseModel,
    duration_s: float,
    bin_s: float = 300.0,
    alpha: float = 0.05,
    power: float = 0.9,
) -> float:
    """Smallest leak a hold of ``duration_s`` detects, one-sided ``alpha`` at ``power``. [kg/day]

    Examples
    --------
    >>> noise = NoiseModel(ou_variance=1e-6, white_variance=1e-6, phi=0.98)
    >>> day = minimum_detectable_leak_kg_per_day(noise, 86400.0)
    >>> week = minimum_detectable_leak_kg_per_day(noise, 7 * 86400.0)
    >>> week < day
    True
    """
    z = stats.norm.ppf(1 - alpha) + stats.norm.ppf(power)
    return float(z * trend_standard_error_kg_per_day(noise, duration_s, bin_s))


def compartment_noise(
    gas_mass_kg: float,
    unseen_temperature_sigma_k: float = 0.15,
    unseen_timescale_s: float = 6 * 3600.0,
    temperature_k: float = 295.0,
    sensor_sigma_kg: float = 0.0,
    bin_s: float = 300.0,
) -> NoiseModel:
    """A prior noise model for a compartment without data (for planning a hold).

    The unseen temperature moves the computed mass by ``m * dT / T``.  Defaults are
    those of the simulator (docs/scenario.md); fit a real compartment's residuals
    with :func:`~hullwatch.analysis.regression.estimate_noise` where data exist.

    Parameters
    ----------
    gas_mass_kg : float
        Gas mass of the compartment. [kg]
    unseen_temperature_sigma_k : float
        Standard deviation of the temperature no sensor sees. [K]
    unseen_timescale_s : float
        Its correlation time. [s]
    temperature_k : float
        Gas temperature. [K]
    sensor_sigma_kg : float
        White noise of the mass from the pressure sensor, per bin. [kg]
    bin_s : float
        Bin length. [s]
    """
    ou_sigma = gas_mass_kg * unseen_temperature_sigma_k / temperature_k
    return NoiseModel(
        ou_sigma**2,
        max(sensor_sigma_kg**2, 1e-12 * ou_sigma**2 + 1e-18),
        float(np.exp(-bin_s / unseen_timescale_s)),
    )
