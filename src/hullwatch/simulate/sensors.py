"""Sensor models: bias, noise, quantization, periodic or report-on-change, loss of signal."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from hullwatch.simulate.scenario import SensorSpec
from hullwatch.units import SECONDS_PER_DAY, SECONDS_PER_MINUTE

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass
class Sensor:
    """One channel's sensor, applied chunk by chunk with its state carried over.

    Parameters
    ----------
    spec : SensorSpec
        Mode, period, quantum, noise and bias spread, in the channel's display unit.
    scale_si : float
        SI value of one display unit (e.g. 133.32 Pa per mmHg), for noise and quantum.
    dt_s : float
        Simulation output interval. [s]
    rng : numpy.random.Generator
        Random source.
    """

    spec: SensorSpec
    scale_si: float
    dt_s: float
    rng: np.random.Generator
    bias_si: float = field(init=False)
    last_reported: float = field(init=False, default=np.nan)
    step_count: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.bias_si = self.spec.bias_sigma * self.scale_si * float(self.rng.standard_normal())

    def read(
        self, true_si: FloatArray, visible: BoolArray
    ) -> tuple[npt.NDArray[np.intp], FloatArray]:
        """Indices of the reported samples in this chunk and their values. [SI]

        Parameters
        ----------
        true_si : ndarray
            True value at every output step. [SI]
        visible : ndarray of bool
            False during loss of signal; a report is forced at the first visible
            step after a gap, as a downlink resuming would send it.
        """
        n = true_si.size
        measured = true_si + self.bias_si
        if self.spec.noise > 0:
            measured = measured + self.spec.noise * self.scale_si * self.rng.standard_normal(n)
        if self.spec.quantum > 0:
            quantum = self.spec.quantum * self.scale_si
            measured = np.round(measured / quantum) * quantum
        index = np.arange(n)
        if self.spec.mode == "periodic":
            every = max(1, round(self.spec.period_s / self.dt_s))
            keep = ((index + self.step_count) % every == 0) & visible
        else:
            keep = _on_change(measured, visible, self.last_reported)
        self.step_count += n
        if keep.any():
            self.last_reported = float(measured[np.flatnonzero(keep)[-1]])
        return np.flatnonzero(keep), measured[keep]


def _on_change(measured: FloatArray, visible: BoolArray, last: float) -> BoolArray:
    """Report-on-change: a sample is sent when it differs from the last one sent.

    Every change of a visible sample is sent, so the last value sent is the last
    visible sample: forward-fill it across loss-of-signal gaps, vectorized.
    """
    reference = np.where(visible, measured, np.nan)
    reference = np.concatenate(([last], reference[:-1]))
    filled_index = np.where(~np.isnan(reference), np.arange(reference.size), 0)
    np.maximum.accumulate(filled_index, out=filled_index)
    prior = reference[filled_index]
    resumed = visible & ~np.concatenate(([True], visible[:-1]))
    return visible & ((measured != prior) | resumed | np.isnan(prior))


def loss_of_signal_mask(time_s: FloatArray, gaps: list[tuple[float, float]]) -> BoolArray:
    """True where the downlink is up (outside every ``(start, end)`` gap in seconds)."""
    visible = np.ones(time_s.size, dtype=bool)
    for start, end in gaps:
        visible[(time_s >= start) & (time_s < end)] = False
    return visible


def draw_loss_of_signal(
    duration_s: float, per_day: float, mean_duration_min: float, rng: np.random.Generator
) -> list[tuple[float, float]]:
    """Random loss-of-signal gaps: Poisson starts, exponential durations. [s]"""
    count = rng.poisson(per_day * duration_s / SECONDS_PER_DAY)
    starts = np.sort(rng.uniform(0.0, duration_s, count))
    lengths = rng.exponential(mean_duration_min * SECONDS_PER_MINUTE, count)
    return [(float(s), float(s + d)) for s, d in zip(starts, lengths, strict=True)]
