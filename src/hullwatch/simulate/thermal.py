"""Cabin gas temperature: setpoint, orbital cycle, slow drift, and a part no sensor sees.

The *sensed* temperature is what a well-placed sensor would read before its own
noise; the *gas* temperature adds an unseen component (the bulk gas is not where
the sensor is).  That unseen part is what makes a small leak hard to see in real
pressure data: it moves pressure without moving gas mass, and no channel shows it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.signal import lfilter

from hullwatch.simulate.scenario import Thermal
from hullwatch.units import SECONDS_PER_HOUR, SECONDS_PER_MINUTE, ZERO_CELSIUS_K

FloatArray = npt.NDArray[np.float64]


class OrnsteinUhlenbeck:
    """Exactly discretized Ornstein-Uhlenbeck processes, one per column, continued chunk by chunk.

    Parameters
    ----------
    sigma : float
        Stationary standard deviation. [same unit as the output]
    timescale_s : float
        Correlation time. [s]
    dt_s : float
        Sample interval. [s]
    n : int
        Number of independent processes.
    rng : numpy.random.Generator
        Random source.
    """

    def __init__(
        self, sigma: float, timescale_s: float, dt_s: float, n: int, rng: np.random.Generator
    ) -> None:
        self.a = float(np.exp(-dt_s / timescale_s))
        self.b = sigma * float(np.sqrt(1.0 - self.a**2))
        self.rng = rng
        self.state = sigma * rng.standard_normal(n)

    def next(self, n_steps: int) -> FloatArray:
        """The next ``n_steps`` samples, shape ``(n_steps, n)``; the first is the current state."""
        shocks = self.b * self.rng.standard_normal((n_steps, self.state.size))
        shocks[0] = self.state
        out = lfilter([1.0], [1.0, -self.a], shocks, axis=0)
        self.state = self.a * out[-1] + self.b * self.rng.standard_normal(self.state.size)
        return np.asarray(out)


class ThermalModel:
    """Per-module sensed and gas temperature [K] on the simulation's output grid.

    Parameters
    ----------
    spec : Thermal
        Scenario thermal settings.
    n_modules : int
        Number of modules.
    dt_s : float
        Output interval. [s]
    rng : numpy.random.Generator
        Random source.
    """

    def __init__(self, spec: Thermal, n_modules: int, dt_s: float, rng: np.random.Generator):
        self.spec = spec
        self.setpoint_k = spec.setpoint_degC + ZERO_CELSIUS_K
        self.offset_k = spec.module_spread_K * rng.standard_normal(n_modules)
        self.phase = 2 * np.pi * rng.random() + 0.5 * rng.standard_normal(n_modules)
        self.unseen_phase = 2 * np.pi * rng.random(n_modules)
        self.omega = 2 * np.pi / (spec.orbital_period_min * SECONDS_PER_MINUTE)
        self.drift = OrnsteinUhlenbeck(
            spec.drift_sigma_K, spec.drift_timescale_h * SECONDS_PER_HOUR, dt_s, n_modules, rng
        )
        self.unseen = OrnsteinUhlenbeck(
            spec.unseen_sigma_K, spec.unseen_timescale_h * SECONDS_PER_HOUR, dt_s, n_modules, rng
        )

    def chunk(self, time_s: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Sensed and gas temperature for the next samples at ``time_s``.

        Returns
        -------
        sensed_k, gas_k : ndarray, shape (len(time_s), n_modules)
            Temperature a sensor region sees, and the bulk gas temperature. [K]
        """
        t = time_s[:, None]
        s = self.spec
        sensed = (
            self.setpoint_k
            + self.offset_k
            + s.orbital_amplitude_K * np.sin(self.omega * t + self.phase)
            + self.drift.next(time_s.size)
        )
        unseen = self.unseen.next(time_s.size) + s.unseen_orbital_amplitude_K * np.sin(
            self.omega * t + self.unseen_phase
        )
        return sensed, sensed + unseen
